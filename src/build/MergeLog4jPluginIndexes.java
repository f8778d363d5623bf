import org.apache.logging.log4j.core.config.plugins.processor.PluginCache;
import org.apache.logging.log4j.core.config.plugins.processor.PluginProcessor;

import java.io.OutputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Enumeration;

/**
 * Build step (pom.xml, prepare-package): log4j finds its plugins through one index file per jar, and the flattened
 * runnable jar can keep only one file of that name. This merges the indexes of every jar on the class path into the
 * connector's own classes, which the assembly puts first, so the JSON template layout (LOG_FORMAT=json) and its type
 * converters are found beside log4j-core's. Run as a single-file program: java -cp <class path> this-file <classes dir>.
 */
public final class MergeLog4jPluginIndexes {

    public static void main(String[] args) throws Exception {
        Enumeration<URL> indexes = MergeLog4jPluginIndexes.class.getClassLoader()
                .getResources(PluginProcessor.PLUGIN_CACHE_FILE);
        java.util.List<URL> found = Collections.list(indexes);
        PluginCache cache = new PluginCache();
        cache.loadCacheFiles(Collections.enumeration(found));
        Path target = Path.of(args[0]).resolve(PluginProcessor.PLUGIN_CACHE_FILE);
        Files.createDirectories(target.getParent());
        try (OutputStream out = Files.newOutputStream(target)) {
            cache.writeCache(out);
        }
        System.out.println("log4j plugin indexes merged: " + found.size() + " -> " + target);
    }
}
