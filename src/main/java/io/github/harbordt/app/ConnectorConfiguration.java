package io.github.harbordt.app;

import io.github.harbordt.config.Settings;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;

import java.nio.file.Path;
import java.time.Clock;

/** Camel Main's entry into the connector: builds it from the properties and picks the run mode. */
public class ConnectorConfiguration implements CamelConfiguration {

    @Override
    public void configure(CamelContext ctx) throws Exception {
        Settings settings = new Settings(key -> ctx.getPropertiesComponent().resolveProperty(key));
        Mode mode = Mode.parse(settings.string("connector.mode", "service"));
        if (settings.bool("camel.management.enabled", false)) {
            Ports.requireFree(settings.integer("camel.management.port", 9876), "camel.management.port", "MANAGEMENT_PORT "
                    + "(or switch health and metrics off with MANAGEMENT_ENABLED=false)");
        }
        Connector connector = Connector.install(ctx, settings, Clock.systemUTC());
        if (mode == Mode.SERVICE) {
            connector.schedule(ctx);
            connector.receiveWebhooks(ctx);
            DropInRoutes.load(ctx, Path.of(settings.string("routes.dir", "routes")));
        } else {
            ctx.addStartupListener(new OneShot(mode, connector, System.out));
        }
    }
}
