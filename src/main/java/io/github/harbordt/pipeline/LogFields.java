package io.github.harbordt.pipeline;

import org.slf4j.MDC;

import java.util.ArrayList;
import java.util.List;

/**
 * A cycle line's figures as logging context (SLF4J's MDC) while the line is written: with {@code LOG_FORMAT=json} each
 * is a field of the line's JSON object ({@code scans_new}, {@code findings}, {@code funnel}, ...), beside the message
 * that shows them to a reader. One parser for every summary: they are all {@code name=value} words.
 */
final class LogFields implements AutoCloseable {

    private final List<String> keys = new ArrayList<>();

    private LogFields() {
    }

    /** Puts {@code harbor_instance}, {@code cycle} and every {@code name=value} word of {@code summary}. */
    static LogFields of(String instanceId, String cycle, String summary) {
        LogFields fields = new LogFields();
        fields.put(CycleMeters.INSTANCE_TAG, instanceId);
        fields.put("cycle", cycle);
        for (String word : summary.split(" ")) {
            int eq = word.indexOf('=');
            if (eq > 0) {
                fields.put(word.substring(0, eq), word.substring(eq + 1));
            }
        }
        return fields;
    }

    private void put(String key, String value) {
        MDC.put(key, value);
        keys.add(key);
    }

    @Override
    public void close() {
        keys.forEach(MDC::remove);
    }
}
