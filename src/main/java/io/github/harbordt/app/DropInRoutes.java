package io.github.harbordt.app;

import org.apache.camel.CamelContext;
import org.apache.camel.dsl.yaml.YamlRoutesBuilderLoader;
import org.apache.camel.spi.Resource;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Loads the YAML route files ({@code *.yaml}, {@code *.yml}) users drop into the routes folder ({@code routes.dir},
 * default {@code routes}). Unlike a {@code file:} include pattern, a missing folder is not an error: the connector
 * starts without drop-ins.
 */
public final class DropInRoutes {

    private static final Logger LOG = LoggerFactory.getLogger(DropInRoutes.class);

    private static final String YML_LOADER = "yml-routes-loader";

    private DropInRoutes() {
    }

    /** Camel's YAML DSL only claims {@code .yaml}; a drop-in named {@code .yml} is the same language. */
    private static final class YmlRoutesLoader extends YamlRoutesBuilderLoader {
        @Override
        public boolean isSupportedExtension(String extension) {
            return extension.equals("yml") || extension.endsWith(".yml");
        }
    }

    public static List<Path> load(CamelContext ctx, Path dir) throws Exception {
        if (!Files.isDirectory(dir)) {
            LOG.info("No drop-in routes folder at {}: starting without drop-in routes", dir.toAbsolutePath());
            return List.of();
        }
        List<Path> files;
        try (Stream<Path> list = Files.list(dir)) {
            files = list.filter(p -> p.getFileName().toString().matches(".*\\.ya?ml")).sorted().toList();
        } catch (IOException e) {
            throw new IllegalStateException("routes.dir=" + dir + " cannot be read: " + e.getMessage(), e);
        }
        List<Resource> resources = files.stream()
                .map(p -> ResourceHelper.resolveResource(ctx, "file:" + p.toAbsolutePath())).toList();
        if (files.stream().anyMatch(p -> p.toString().endsWith(".yml")) && ctx.getRegistry().lookupByName(YML_LOADER) == null) {
            YmlRoutesLoader yml = new YmlRoutesLoader();
            yml.setCamelContext(ctx);
            ctx.getRegistry().bind(YML_LOADER, yml);
        }
        if (!resources.isEmpty()) {
            PluginHelper.getRoutesLoader(ctx).loadRoutes(resources);
            LOG.info("Loaded drop-in routes: {}", files);
        }
        return files;
    }
}
