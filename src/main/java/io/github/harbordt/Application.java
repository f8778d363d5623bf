package io.github.harbordt;

import io.github.harbordt.app.ConnectorConfiguration;
import io.github.harbordt.app.ExitStatus;
import org.apache.camel.main.Main;
import sun.misc.Signal;

/** Starts the connector; configuration lives in config/application.properties and ConnectorConfiguration. */
public final class Application {

    private Application() {
    }

    public static void main(String[] args) throws Exception {
        Main main = new Main();
        main.configure().addConfiguration(ConnectorConfiguration.class);
        // the working directory's config/application.properties overrides the packaged defaults: the first location
        // that defines a key wins
        main.setPropertyPlaceholderLocations(
                "file:config/application.properties;optional=true,classpath:application.properties;optional=true");
        // SIGTERM (docker stop, Kubernetes) and Ctrl-C end service mode like any other clean stop: Camel stops
        // gracefully and the process exits 0, not with the JVM's 143 or 130 for a signal
        for (String signal : new String[] {"TERM", "INT"}) {
            Signal.handle(new Signal(signal), s -> main.completed());
        }
        int code;
        try {
            code = main.run(args);
        } catch (Exception e) {
            // a bad setting, a taken port, an unusable state database: one clear line instead of a stack trace, and
            // no JVM left hanging on pool threads
            ExitStatus.Failure failure = ExitStatus.ofStartFailure(e);
            System.err.println("Connector stopped: " + failure.line());
            code = failure.status();
        }
        System.exit(code != 0 ? code : ExitStatus.get());
    }
}
