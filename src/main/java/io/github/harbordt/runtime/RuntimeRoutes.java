package io.github.harbordt.runtime;

import org.apache.camel.builder.RouteBuilder;

import java.time.Duration;

/** Lists the clusters right after start and then every {@code runtime.refresh-interval}. */
public class RuntimeRoutes extends RouteBuilder {

    public static final String REFRESH_ROUTE = "runtime-inventory";

    private final RuntimeContexts runtimes;
    private final Duration interval;

    public RuntimeRoutes(RuntimeContexts runtimes, Duration interval) {
        this.runtimes = runtimes;
        this.interval = interval;
    }

    @Override
    public void configure() {
        from("timer:runtime-inventory?delay=0&period=" + interval.toMillis()).routeId(REFRESH_ROUTE)
                .bean(runtimes, "refresh").id("runtime-refresh");
    }
}
