package io.github.harbordt.state;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The replicas sharing one state database. Each beats in {@code connector_replica}; a row of shared work (a scan on
 * its way, an outbox batch, a notification) is claimed with the claimer's id, and may be claimed by another only once
 * its claimer has been silent for {@code cluster.takeover-after}: a live replica's work is never done twice, a dead
 * one's is taken over. On an H2 file (one process) there is no one to share with: every claim succeeds at once.
 */
public final class Replicas implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Replicas.class);

    private final Database database;
    private final String id;
    private final boolean shared;
    private final long takeoverSeconds;
    private ScheduledExecutorService heartbeat;

    public Replicas(Database database, boolean shared, Duration takeoverAfter) {
        this.database = database;
        this.shared = shared;
        this.takeoverSeconds = Math.max(1, takeoverAfter.toSeconds());
        // a restarted container keeps its host name and often its pid: the start time tells its lives apart
        this.id = cut(host(), 60) + "-" + ProcessHandle.current().pid() + "-"
                + Long.toString(System.currentTimeMillis(), 36);
    }

    /** This process's id: in claims, in Quartz's scheduler state, and in the cycle lines. */
    public String id() {
        return id;
    }

    /** Whether other processes may share the database (PostgreSQL and a cluster mode). */
    public boolean shared() {
        return shared;
    }

    /** Registers this replica and keeps its heartbeat every {@code interval}, when shared. */
    public void start(Duration interval) {
        if (!shared) {
            return;
        }
        beat();
        heartbeat = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "replica-heartbeat");
            t.setDaemon(true);
            return t;
        });
        heartbeat.scheduleAtFixedRate(() -> {
            try {
                beat();
            } catch (StateStoreException e) {
                LOG.warn("Replica heartbeat not written (after cluster.takeover-after others take this replica's work "
                        + "over): {}", e.getMessage());
            }
        }, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
        LOG.info("Replica {} sharing the state database: its claimed work is taken over by the others after {} s of silence",
                id, takeoverSeconds);
    }

    void beat() {
        try (Connection c = database.dataSource().getConnection();
             PreparedStatement update = c.prepareStatement(
                     "UPDATE connector_replica SET last_seen = CURRENT_TIMESTAMP WHERE replica_id = ?")) {
            update.setString(1, id);
            if (update.executeUpdate() == 0) {
                try (PreparedStatement insert = c.prepareStatement("INSERT INTO connector_replica (replica_id, host, "
                        + "started_at, last_seen) VALUES (?, ?, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)")) {
                    insert.setString(1, id);
                    insert.setString(2, cut(host(), 300));
                    insert.executeUpdate();
                }
            }
        } catch (SQLException e) {
            throw database.failure("write this replica's heartbeat", e);
        }
    }

    /**
     * The condition under which a row whose claimer is in {@code column} may be claimed by this replica: nobody's,
     * ours, or a silent replica's. Binds one parameter, this replica's id.
     */
    String claimable(String column) {
        return "(" + column + " IS NULL OR " + column + " = ? OR " + column + " NOT IN (SELECT replica_id FROM "
                + "connector_replica WHERE last_seen >= CURRENT_TIMESTAMP - INTERVAL '" + takeoverSeconds + "' SECOND))";
    }

    /** Stops beating and leaves: what this replica still held can be taken over at once. */
    @Override
    public void close() {
        if (heartbeat == null) {
            return;
        }
        heartbeat.shutdownNow();
        try (Connection c = database.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("DELETE FROM connector_replica WHERE replica_id = ?")) {
            ps.setString(1, id);
            ps.executeUpdate();
        } catch (SQLException e) {
            LOG.warn("Replica {} could not sign off; the others take its work over after {} s: {}", id, takeoverSeconds,
                    Database.rootMessage(e));
        }
    }

    private static String host() {
        String env = System.getenv("HOSTNAME");
        if (env != null && !env.isBlank()) {
            return env;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "unknown-host";
        }
    }

    private static String cut(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max);
    }
}
