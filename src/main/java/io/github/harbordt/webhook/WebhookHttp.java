package io.github.harbordt.webhook;

import org.apache.camel.component.platform.http.PlatformHttpComponent;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpEngine;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpServer;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpServerConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The webhook receiver's own HTTP server and the platform-http component that mounts routes on it alone. Camel's
 * default platform-http engine looks its server up by type; with the management server (health, metrics) running too,
 * that lookup finds two and the routes land on the management port. This engine names the webhook server's port, so
 * the receiver answers on {@code webhook.port} and nowhere else.
 */
public final class WebhookHttp {

    private static final Logger LOG = LoggerFactory.getLogger(WebhookHttp.class);

    /** The component name the receiver route uses instead of {@code platform-http}. */
    public static final String COMPONENT = "harbor-webhook-http";

    private final VertxPlatformHttpServer server;
    private final PlatformHttpComponent component;

    public WebhookHttp(String host, int port, long maxBodyBytes) {
        VertxPlatformHttpServerConfiguration http = new VertxPlatformHttpServerConfiguration();
        http.setBindHost(host);
        http.setBindPort(port);
        http.setMaxBodySize(maxBodyBytes);
        this.server = new WebhookServer(http, port, maxBodyBytes);
        this.component = new PlatformHttpComponent();
        component.setEngine(new VertxPlatformHttpEngine() {
            @Override
            public int getServerPort() {
                return port;
            }
        });
    }

    /** A named class: Camel names the server's thread pool after the class, and an anonymous one has no name. */
    private static final class WebhookServer extends VertxPlatformHttpServer {
        private final int port;
        private final long maxBodyBytes;

        WebhookServer(VertxPlatformHttpServerConfiguration configuration, int port, long maxBodyBytes) {
            super(configuration);
            this.port = port;
            this.maxBodyBytes = maxBodyBytes;
        }

        @Override
        protected void doStart() throws Exception {
            super.doStart();
            // Vert.x answers an oversized body with 413 before reading it; without a failure handler for it, it also
            // logs "Unhandled exception in router" as an error for every such request
            VertxPlatformHttpRouter.lookup(getCamelContext(), VertxPlatformHttpRouter.getRouterNameFromPort(port))
                    .route().failureHandler(rc -> {
                        if (rc.statusCode() != 413) {
                            rc.next();
                            return;
                        }
                        LOG.warn("Webhook refused with 413: the body is larger than webhook.max-body-size ({} bytes)",
                                maxBodyBytes);
                        rc.response().setStatusCode(413).end();
                    });
        }
    }

    public VertxPlatformHttpServer server() {
        return server;
    }

    public PlatformHttpComponent component() {
        return component;
    }
}
