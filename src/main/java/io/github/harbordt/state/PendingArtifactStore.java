package io.github.harbordt.state;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/** Scanned artifacts waiting for their report to be read again (a table in the state database), one per artifact. */
public class PendingArtifactStore {

    private static final int MAX_REASON = 2000;

    private final Database database;
    private final DataSource dataSource;

    public PendingArtifactStore(Database database) {
        this.database = database;
        this.dataSource = database.dataSource();
    }

    /**
     * Records a failed attempt: a new entry, one more attempt of the same scan, or a newer scan of the artifact that
     * replaces the older one (its attempts start again).
     */
    public PendingArtifact failed(String instanceId, String projectName, String projectId, String repository, String digest,
                                  String reportId, String endTime, String reason, Instant now) {
        PendingArtifact old = find(instanceId, repository, digest);
        int attempts = old != null && old.reportId().equals(reportId) ? old.attempts() + 1 : 1;
        Instant first = old != null && old.reportId().equals(reportId) ? old.firstFailedAt() : now;
        PendingArtifact entry = new PendingArtifact(instanceId, projectName, projectId, repository, digest, reportId, endTime,
                truncate(reason), attempts, first, now);
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement delete = c.prepareStatement(
                    "DELETE FROM pending_artifact WHERE instance_id = ? AND repository = ? AND digest = ?");
                 PreparedStatement insert = c.prepareStatement("INSERT INTO pending_artifact (instance_id, project_name, "
                         + "project_id, repository, digest, report_id, end_time, reason, attempts, first_failed_at, "
                         + "last_failed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                delete.setString(1, instanceId);
                delete.setString(2, repository);
                delete.setString(3, digest);
                delete.executeUpdate();
                insert.setString(1, instanceId);
                insert.setString(2, projectName);
                insert.setString(3, projectId);
                insert.setString(4, repository);
                insert.setString(5, digest);
                insert.setString(6, reportId);
                insert.setString(7, endTime);
                insert.setString(8, entry.reason());
                insert.setInt(9, attempts);
                insert.setTimestamp(10, Timestamp.from(first));
                insert.setTimestamp(11, Timestamp.from(now));
                insert.executeUpdate();
            }
            c.commit();
        } catch (SQLException e) {
            throw database.failure("record pending artifact " + repository + "@" + digest, e);
        }
        return entry;
    }

    public void remove(String instanceId, String repository, String digest) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement(
                     "DELETE FROM pending_artifact WHERE instance_id = ? AND repository = ? AND digest = ?")) {
            ps.setString(1, instanceId);
            ps.setString(2, repository);
            ps.setString(3, digest);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw database.failure("remove pending artifact " + repository + "@" + digest, e);
        }
    }

    /** The instance's entries (null: every instance's), oldest failure first. */
    public List<PendingArtifact> list(String instanceId) {
        return instanceId == null ? select("", ps -> { }) : select(" WHERE instance_id = ?", ps -> ps.setString(1, instanceId));
    }

    public int count(String instanceId) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM pending_artifact WHERE instance_id = ?")) {
            ps.setString(1, instanceId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        } catch (SQLException e) {
            throw database.failure("count pending artifacts", e);
        }
    }

    private interface Binder {
        void bind(PreparedStatement ps) throws SQLException;
    }

    private List<PendingArtifact> select(String where, Binder binder) {
        String sql = "SELECT instance_id, project_name, project_id, repository, digest, report_id, end_time, reason, attempts, "
                + "first_failed_at, last_failed_at FROM pending_artifact" + where + " ORDER BY first_failed_at";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            binder.bind(ps);
            try (ResultSet rs = ps.executeQuery()) {
                List<PendingArtifact> out = new ArrayList<>();
                while (rs.next()) {
                    out.add(new PendingArtifact(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                            rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8), rs.getInt(9),
                            rs.getTimestamp(10).toInstant(), rs.getTimestamp(11).toInstant()));
                }
                return out;
            }
        } catch (SQLException e) {
            throw database.failure("list pending artifacts", e);
        }
    }

    private PendingArtifact find(String instanceId, String repository, String digest) {
        return select(" WHERE instance_id = ? AND repository = ? AND digest = ?", ps -> {
            ps.setString(1, instanceId);
            ps.setString(2, repository);
            ps.setString(3, digest);
        }).stream().findFirst().orElse(null);
    }

    private static String truncate(String s) {
        String r = s == null ? "" : s;
        return r.length() <= MAX_REASON ? r : r.substring(0, MAX_REASON - 1) + "…";
    }
}
