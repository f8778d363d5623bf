package io.github.harbordt.webhook;

import org.apache.camel.component.platform.http.PlatformHttpComponent;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpEngine;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpServer;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpServerConfiguration;

/**
 * The webhook receiver's own HTTP server and the platform-http component that mounts routes on it alone. Camel's
 * default platform-http engine looks its server up by type; with the management server (health, metrics) running too,
 * that lookup finds two and the routes land on the management port. This engine names the webhook server's port, so
 * the receiver answers on {@code webhook.port} and nowhere else.
 */
public final class WebhookHttp {

    /** The component name the receiver route uses instead of {@code platform-http}. */
    public static final String COMPONENT = "harbor-webhook-http";

    private final VertxPlatformHttpServer server;
    private final PlatformHttpComponent component;

    public WebhookHttp(String host, int port, long maxBodyBytes) {
        VertxPlatformHttpServerConfiguration http = new VertxPlatformHttpServerConfiguration();
        http.setBindHost(host);
        http.setBindPort(port);
        http.setMaxBodySize(maxBodyBytes);
        this.server = new VertxPlatformHttpServer(http);
        this.component = new PlatformHttpComponent();
        component.setEngine(new VertxPlatformHttpEngine() {
            @Override
            public int getServerPort() {
                return port;
            }
        });
    }

    public VertxPlatformHttpServer server() {
        return server;
    }

    public PlatformHttpComponent component() {
        return component;
    }
}
