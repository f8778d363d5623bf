package io.github.harbordt.mapping;

import java.util.Locale;

/**
 * Dynatrace's fixed normalisation of a scanner severity (documented on the Harbor ingest page).
 * Anything Harbor or a legacy scanner may send beyond the five known values (Unknown, Negligible, empty)
 * is NONE, so a new spelling never produces an invalid enum value in Dynatrace.
 */
public enum RiskLevel {
    CRITICAL(10.0), HIGH(8.9), MEDIUM(6.9), LOW(3.9), NONE(0.0);

    private final double score;

    RiskLevel(double score) {
        this.score = score;
    }

    public double score() {
        return score;
    }

    public static RiskLevel ofSeverity(String severity) {
        if (severity == null) {
            return NONE;
        }
        return switch (severity.trim().toLowerCase(Locale.ROOT)) {
            case "critical" -> CRITICAL;
            case "high" -> HIGH;
            case "medium" -> MEDIUM;
            case "low" -> LOW;
            default -> NONE;
        };
    }

    /** True when this level is at least {@code minimum}; used by the minimum-severity filter. */
    public boolean atLeast(RiskLevel minimum) {
        return ordinal() <= minimum.ordinal();
    }
}
