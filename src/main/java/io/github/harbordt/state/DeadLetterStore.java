package io.github.harbordt.state;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/** The durable dead-letter store: a table in the state database, inspectable with SQL or the CLI modes. */
public class DeadLetterStore {

    private static final int MAX_REASON = 4000;

    private final Database database;
    private final DataSource dataSource;

    public DeadLetterStore(Database database) {
        this.database = database;
        this.dataSource = database.dataSource();
    }

    public long save(String instanceId, String sink, String reason, Integer statusCode, int records, String payload) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("INSERT INTO dead_letter (instance_id, sink, created_at, reason, "
                     + "status_code, records, payload, attempts) VALUES (?, ?, ?, ?, ?, ?, ?, 1)",
                     Statement.RETURN_GENERATED_KEYS)) {
            ps.setString(1, instanceId);
            ps.setString(2, sink);
            ps.setTimestamp(3, Timestamp.from(Instant.now()));
            ps.setString(4, truncate(reason));
            setStatus(ps, 5, statusCode);
            ps.setInt(6, records);
            ps.setString(7, payload);
            ps.executeUpdate();
            try (ResultSet keys = ps.getGeneratedKeys()) {
                return keys.next() ? keys.getLong(1) : -1;
            }
        } catch (SQLException e) {
            throw database.failure("write a dead letter for " + instanceId, e);
        }
    }

    /** Records of the instance in entries still waiting for a replay (health details and metrics). */
    public long pendingRecords(String instanceId) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement(
                     "SELECT COALESCE(SUM(records), 0) FROM dead_letter WHERE replayed_at IS NULL AND instance_id = ?")) {
            ps.setString(1, instanceId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw database.failure("count the dead letters of " + instanceId, e);
        }
    }

    /** Entries still waiting for a replay (or, with {@code all}, every entry), oldest first. */
    public List<DeadLetter> list(boolean all) {
        String sql = "SELECT id, instance_id, sink, created_at, reason, status_code, records, payload, attempts, replayed_at "
                + "FROM dead_letter" + (all ? "" : " WHERE replayed_at IS NULL") + " ORDER BY id";
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement(sql);
             ResultSet rs = ps.executeQuery()) {
            List<DeadLetter> out = new ArrayList<>();
            while (rs.next()) {
                Integer status = rs.getInt(6);
                if (rs.wasNull()) {
                    status = null;
                }
                Timestamp replayed = rs.getTimestamp(10);
                out.add(new DeadLetter(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getTimestamp(4).toInstant(),
                        rs.getString(5), status, rs.getInt(7), rs.getString(8), rs.getInt(9),
                        replayed == null ? null : replayed.toInstant()));
            }
            return out;
        } catch (SQLException e) {
            throw database.failure("list dead letters", e);
        }
    }

    public void markReplayed(long id) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement(
                     "UPDATE dead_letter SET replayed_at = ?, last_attempt_at = ?, attempts = attempts + 1 WHERE id = ?")) {
            Timestamp now = Timestamp.from(Instant.now());
            ps.setTimestamp(1, now);
            ps.setTimestamp(2, now);
            ps.setLong(3, id);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw database.failure("mark dead letter " + id + " replayed", e);
        }
    }

    /** A replay failed again: keep the entry pending, remember the newest reason. */
    public void recordFailedReplay(long id, String reason, Integer statusCode) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("UPDATE dead_letter SET last_attempt_at = ?, "
                     + "attempts = attempts + 1, reason = ?, status_code = ? WHERE id = ?")) {
            ps.setTimestamp(1, Timestamp.from(Instant.now()));
            ps.setString(2, truncate(reason));
            setStatus(ps, 3, statusCode);
            ps.setLong(4, id);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw database.failure("update dead letter " + id, e);
        }
    }

    private static void setStatus(PreparedStatement ps, int index, Integer statusCode) throws SQLException {
        if (statusCode == null) {
            ps.setNull(index, Types.INTEGER);
        } else {
            ps.setInt(index, statusCode);
        }
    }

    private static String truncate(String reason) {
        String r = reason == null ? "" : reason;
        return r.length() <= MAX_REASON ? r : r.substring(0, MAX_REASON - 1) + "…";
    }
}
