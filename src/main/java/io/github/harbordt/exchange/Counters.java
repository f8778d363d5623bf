package io.github.harbordt.exchange;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.CamelContext;

/**
 * One count in the Micrometer registry Camel's metrics service keeps (the management port's {@code /observe/metrics});
 * nothing when the context has none (tests on a bare CamelContext, {@code MANAGEMENT_ENABLED=false}).
 */
public final class Counters {

    private Counters() {
    }

    /** @param tags names and values, alternating */
    public static void increment(CamelContext context, String name, String description, String... tags) {
        MeterRegistry registry = context.getRegistry().findSingleByType(MeterRegistry.class);
        if (registry != null) {
            Counter.builder(name).description(description).tags(tags).register(registry).increment();
        }
    }
}
