package io.github.harbordt.config;

import io.github.harbordt.mapping.RuntimeContext;

import java.util.Locale;

/**
 * Which findings an instance sends ({@code harbor[.<id>].send-findings}): all of them, only those of images that run,
 * or only those of images that run in production. A finding whose runtime is UNKNOWN is always sent: not knowing is
 * no reason to drop it. Scan events are always sent.
 */
public enum FindingsFilter {
    ALL, RUNNING, PRODUCTION;

    public static FindingsFilter parse(String setting, String value) {
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(setting + " must be all, running or production; was " + value);
        }
    }

    public boolean keeps(RuntimeContext runtime, String productionStage) {
        if (this == ALL || runtime == null || runtime.status() == RuntimeContext.Status.UNKNOWN) {
            return true;
        }
        return this == RUNNING ? runtime.running() : runtime.runsIn(productionStage);
    }
}
