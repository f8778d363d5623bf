package io.github.harbordt;

import io.github.harbordt.config.ConnectorConfiguration;
import io.github.harbordt.modes.ExitStatus;
import org.apache.camel.main.Main;

/** Starts the connector; configuration lives in config/application.properties and ConnectorConfiguration. */
public final class Application {

    private Application() {
    }

    public static void main(String[] args) throws Exception {
        Main main = new Main();
        main.configure().addConfiguration(ConnectorConfiguration.class);
        main.setPropertyPlaceholderLocations(
                "classpath:application.properties;optional=true,file:config/application.properties;optional=true");
        int code;
        try {
            code = main.run(args);
        } catch (Exception e) {
            // a bad setting: one clear line instead of a stack trace, and no JVM left hanging on pool threads
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            System.err.println("Connector stopped: " + root.getMessage());
            code = 1;
        }
        System.exit(code != 0 ? code : ExitStatus.get());
    }
}
