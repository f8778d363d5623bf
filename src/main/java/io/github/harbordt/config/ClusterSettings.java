package io.github.harbordt.config;

import java.time.Duration;
import java.util.Locale;

/**
 * Several replicas on one PostgreSQL state, keys {@code cluster.*} (config/application.properties documents each).
 *
 * @param mode              {@code auto}: shared when the state database is PostgreSQL; {@code jdbc}: shared (and an
 *                          error on H2); {@code none}: this process alone, whatever the database
 * @param heartbeatInterval how often a replica says it is alive (and Quartz checks in)
 * @param takeoverAfter     how long a replica may stay silent before the others take its claimed work over
 */
public record ClusterSettings(Mode mode, Duration heartbeatInterval, Duration takeoverAfter) {

    public enum Mode { AUTO, JDBC, NONE }

    public static ClusterSettings load(Settings s) {
        String mode = s.string("cluster.mode").trim().toUpperCase(Locale.ROOT);
        ClusterSettings settings;
        try {
            settings = new ClusterSettings(Mode.valueOf(mode), s.duration("cluster.heartbeat-interval"),
                    s.duration("cluster.takeover-after"));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("cluster.mode (CLUSTER_MODE) is '" + s.string("cluster.mode")
                    + "': use auto, jdbc or none");
        }
        if (settings.takeoverAfter.compareTo(settings.heartbeatInterval.multipliedBy(2)) < 0) {
            throw new IllegalArgumentException("cluster.takeover-after (" + settings.takeoverAfter + ") must be at least "
                    + "twice cluster.heartbeat-interval (" + settings.heartbeatInterval + "), or a live replica's work "
                    + "would be taken over between two of its heartbeats");
        }
        return settings;
    }

    /** Whether this process shares its state database with other replicas. */
    public boolean shared(boolean postgres) {
        if (mode == Mode.JDBC && !postgres) {
            throw new IllegalArgumentException("cluster.mode (CLUSTER_MODE) is jdbc, but the state database is an H2 file, "
                    + "which one process owns: point STATE_JDBC_URL at a PostgreSQL database the replicas share");
        }
        return mode == Mode.JDBC || mode == Mode.AUTO && postgres;
    }
}
