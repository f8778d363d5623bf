package io.github.harbordt.state;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Per-instance progress: the watermark of each stream (e.g. the scan crawl) and the scans already delivered.
 * The delivered-scan rows let a crawl that overlaps the previous window (or follows an aborted cycle) skip
 * what already reached Dynatrace.
 */
public class StateStore {

    public static final String SCANS = "scans";

    private static final String SCAN_KEY = "instance_id = ? AND repository = ? AND digest = ? AND report_id = ? AND end_time = ?";

    private final Database database;
    private final DataSource dataSource;
    private final Replicas replicas;

    public StateStore(Database database, Replicas replicas) {
        this.database = database;
        this.dataSource = database.dataSource();
        this.replicas = replicas;
    }

    public Optional<String> watermark(String instanceId, String stream) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement(
                     "SELECT mark FROM connector_watermark WHERE instance_id = ? AND stream = ?")) {
            ps.setString(1, instanceId);
            ps.setString(2, stream);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw database.failure("read the watermark of " + instanceId + "/" + stream, e);
        }
    }

    public void saveWatermark(String instanceId, String stream, String mark) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement update = c.prepareStatement(
                    "UPDATE connector_watermark SET mark = ?, updated_at = ? WHERE instance_id = ? AND stream = ?")) {
                update.setString(1, mark);
                update.setTimestamp(2, Timestamp.from(Instant.now()));
                update.setString(3, instanceId);
                update.setString(4, stream);
                if (update.executeUpdate() == 0) {
                    try (PreparedStatement insert = c.prepareStatement(
                            "INSERT INTO connector_watermark (instance_id, stream, mark, updated_at) VALUES (?, ?, ?, ?)")) {
                        insert.setString(1, instanceId);
                        insert.setString(2, stream);
                        insert.setString(3, mark);
                        insert.setTimestamp(4, Timestamp.from(Instant.now()));
                        insert.executeUpdate();
                    }
                }
            }
            c.commit();
        } catch (SQLException e) {
            throw database.failure("save the watermark of " + instanceId + "/" + stream, e);
        }
    }

    /**
     * Moves a numeric high-water mark (an audit stream's last settled row id) forward; a lower id leaves it alone.
     * Only the ledger writes these marks, one batch at a time, so the read-then-write needs no lock.
     */
    public void raiseWatermark(String instanceId, String stream, long id) {
        long current = watermark(instanceId, stream).map(Long::parseLong).orElse(Long.MIN_VALUE);
        if (id > current) {
            saveWatermark(instanceId, stream, Long.toString(id));
        }
    }

    public boolean isDelivered(ScanRef scan) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT 1 FROM delivered_scan WHERE " + SCAN_KEY)) {
            bind(ps, scan);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        } catch (SQLException e) {
            throw database.failure("look up delivered scan " + scan, e);
        }
    }

    /** Records the scan as delivered; its claim, once delivered, has nothing left to guard. */
    public void markDelivered(ScanRef scan) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("INSERT INTO delivered_scan "
                     + "(instance_id, repository, digest, report_id, end_time, delivered_at) VALUES (?, ?, ?, ?, ?, ?)")) {
            bind(ps, scan);
            ps.setTimestamp(6, Timestamp.from(Instant.now()));
            ps.executeUpdate();
        } catch (SQLException e) {
            if (!isDelivered(scan)) {
                throw database.failure("record delivered scan " + scan, e);
            }
            // Already recorded (e.g. re-sent after an aborted cycle): nothing to do.
        }
        release(scan);
    }

    /** Whose a scan is to deliver. */
    public enum Claim {
        OURS, DELIVERED, ELSEWHERE
    }

    /**
     * Takes the scan for this replica to deliver, unless another live replica has it on its way or delivered it in the
     * meantime. Replicas on one database meet the same scan when one crawls and another receives its webhook. Unshared,
     * always ours.
     */
    public Claim claim(ScanRef scan) {
        if (!replicas.shared()) {
            return Claim.OURS;
        }
        try (Connection c = dataSource.getConnection();
             PreparedStatement insert = c.prepareStatement("INSERT INTO scan_claim (instance_id, repository, digest, "
                     + "report_id, end_time, replica_id, claimed_at) VALUES (?, ?, ?, ?, ?, ?, CURRENT_TIMESTAMP) "
                     + "ON CONFLICT DO NOTHING")) {
            bind(insert, scan);
            insert.setString(6, replicas.id());
            boolean ours = insert.executeUpdate() == 1;
            if (!ours) {
                try (PreparedStatement takeOver = c.prepareStatement("UPDATE scan_claim SET claimed_at = CURRENT_TIMESTAMP, "
                        + "replica_id = ? WHERE " + SCAN_KEY + " AND " + replicas.claimable("replica_id"))) {
                    takeOver.setString(1, replicas.id());
                    String[] key = key(scan);
                    for (int i = 0; i < key.length; i++) {
                        takeOver.setString(i + 2, key[i]);
                    }
                    takeOver.setString(key.length + 2, replicas.id());
                    ours = takeOver.executeUpdate() == 1;
                }
            }
            if (!ours) {
                return Claim.ELSEWHERE;
            }
        } catch (SQLException e) {
            throw database.failure("claim scan " + scan, e);
        }
        // another replica may have delivered it (and dropped its claim) since the caller looked
        if (isDelivered(scan)) {
            release(scan);
            return Claim.DELIVERED;
        }
        return Claim.OURS;
    }

    /** Gives the scan up undelivered (its delivery halted): another replica, or a later cycle, may take it. */
    public void release(ScanRef scan) {
        if (!replicas.shared()) {
            return;
        }
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("DELETE FROM scan_claim WHERE " + SCAN_KEY + " AND replica_id = ?")) {
            bind(ps, scan);
            ps.setString(6, replicas.id());
            ps.executeUpdate();
        } catch (SQLException e) {
            throw database.failure("release scan " + scan, e);
        }
    }

    /** Forgets delivered scans recorded before {@code before}: the crawl window no longer reaches them. */
    public int forgetDeliveredBefore(String instanceId, Instant before) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement(
                     "DELETE FROM delivered_scan WHERE instance_id = ? AND delivered_at < ?")) {
            ps.setString(1, instanceId);
            ps.setTimestamp(2, Timestamp.from(before));
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw database.failure("purge delivered scans of " + instanceId, e);
        }
    }

    private static void bind(PreparedStatement ps, ScanRef scan) throws SQLException {
        String[] key = key(scan);
        for (int i = 0; i < key.length; i++) {
            ps.setString(i + 1, key[i]);
        }
    }

    private static String[] key(ScanRef scan) {
        return new String[] {scan.instanceId(), scan.repository(), scan.digest(), scan.reportId(), scan.endTime()};
    }
}
