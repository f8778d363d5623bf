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
        Settings settings = settings(ctx, "");
        Mode mode = Mode.parse(settings.string("connector.mode"));
        if (settings.bool("camel.management.enabled")) {
            Ports.requireFree(settings.integer("camel.management.port"), "camel.management.port", "MANAGEMENT_PORT "
                    + "(or switch health and metrics off with MANAGEMENT_ENABLED=false)");
        }
        if (mode == Mode.SERVICE) {
            addTo(ctx, settings);
            DropInRoutes.load(ctx, Path.of(settings.string("routes.dir")));
        } else if (mode == Mode.COPY_STATE) {
            // no Harbor, no Dynatrace: only the two databases
            ctx.addStartupListener(OneShot.copyState(settings, System.out));
        } else {
            ctx.addStartupListener(new OneShot(mode, Connector.install(ctx, settings, Clock.systemUTC()), System.out));
        }
    }

    /**
     * Adds the connector in service mode to a CamelContext that already has routes and properties of its own, as an
     * existing Camel application would (README, "Inside an existing Camel application"). Every setting is read with
     * {@code prefix} in front, e.g. {@code harbor-dt.} for {@code harbor-dt.harbor.url}, so none of the host's own
     * properties is taken for the connector's; an unset key takes the default the README documents.
     */
    public static Connector addTo(CamelContext ctx, String prefix) throws Exception {
        return addTo(ctx, settings(ctx, prefix));
    }

    private static Connector addTo(CamelContext ctx, Settings settings) throws Exception {
        Connector connector = Connector.install(ctx, settings, Clock.systemUTC());
        connector.schedule(ctx);
        connector.receiveWebhooks(ctx);
        return connector;
    }

    private static Settings settings(CamelContext ctx, String prefix) {
        return new Settings(key -> ctx.getPropertiesComponent().resolveProperty(prefix + key));
    }
}
