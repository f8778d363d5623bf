package io.github.harbordt.app;

import java.util.Locale;

/** What the process does ({@code connector.mode}, env CONNECTOR_MODE). */
public enum Mode {
    /** crawl every instance on its schedule until stopped */
    SERVICE,
    /** one cycle per instance, then exit: 0 all delivered, 1 some dead-lettered, 2 a cycle failed, 3 delivery halted */
    ONCE,
    /** print the dead-letter store and exit */
    DEAD_LETTERS,
    /** send every pending dead letter again, then exit: 0 when all were accepted */
    REPLAY,
    /** copy the H2 state (or state.copy-from) into the empty database of state.jdbc-url, then exit: 0 when copied */
    COPY_STATE;

    public static Mode parse(String text) {
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("connector.mode (CONNECTOR_MODE) must be service, once, dead-letters, replay or copy-state; was " + text);
        }
    }
}
