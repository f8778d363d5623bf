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

/** The outbox: batches waiting for Dynatrace to be reachable again (a table in the state database). */
public class OutboxStore {

    private static final int MAX_ERROR = 2000;
    private static final String COLUMNS = "id, instance_id, sink, created_at, next_attempt_at, attempts, last_error, records, payload";

    private final Database database;
    private final DataSource dataSource;
    private final Replicas replicas;

    public OutboxStore(Database database, Replicas replicas) {
        this.database = database;
        this.dataSource = database.dataSource();
        this.replicas = replicas;
    }

    /**
     * Takes the entry for this replica's next attempt: false when another live replica has it, or when it was sent
     * or rescheduled since it was listed (replicas drain one outbox). Unshared, always true.
     */
    public boolean claim(long id, Instant now) {
        if (!replicas.shared()) {
            return true;
        }
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("UPDATE outbox SET claimed_by = ? WHERE id = ? AND next_attempt_at <= ? "
                     + "AND " + replicas.claimable("claimed_by"))) {
            ps.setString(1, replicas.id());
            ps.setLong(2, id);
            ps.setTimestamp(3, Timestamp.from(now));
            ps.setString(4, replicas.id());
            return ps.executeUpdate() == 1;
        } catch (SQLException e) {
            throw database.failure("claim outbox entry " + id, e);
        }
    }

    public void add(String instanceId, String sink, int records, String payload, String error, Instant nextAttempt) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("INSERT INTO outbox (instance_id, sink, created_at, next_attempt_at, "
                     + "attempts, last_error, records, payload) VALUES (?, ?, ?, ?, 1, ?, ?, ?)")) {
            ps.setString(1, instanceId);
            ps.setString(2, sink);
            ps.setTimestamp(3, Timestamp.from(Instant.now()));
            ps.setTimestamp(4, Timestamp.from(nextAttempt));
            ps.setString(5, truncate(error));
            ps.setInt(6, records);
            ps.setString(7, payload);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw database.failure("keep a batch of " + instanceId + " in the outbox", e);
        }
    }

    /** Entries whose next attempt is due, oldest first; {@code instanceId} null for every instance. */
    public List<OutboxEntry> due(String instanceId, Instant now, int limit) {
        return select("WHERE next_attempt_at <= ?" + (instanceId == null ? "" : " AND instance_id = ?") + " ORDER BY id",
                limit, ps -> {
                    ps.setTimestamp(1, Timestamp.from(now));
                    if (instanceId != null) {
                        ps.setString(2, instanceId);
                    }
                });
    }

    /** Every entry, oldest first. */
    public List<OutboxEntry> all() {
        return select("ORDER BY id", Integer.MAX_VALUE, ps -> { });
    }

    /** Entries of the instance for the sink; both null: every entry. */
    public int count(String instanceId, String sink) {
        boolean all = instanceId == null;
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM outbox"
                     + (all ? "" : " WHERE instance_id = ? AND sink = ?"))) {
            if (!all) {
                ps.setString(1, instanceId);
                ps.setString(2, sink);
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        } catch (SQLException e) {
            throw database.failure("count the outbox of " + instanceId, e);
        }
    }

    public void retryLater(long id, int attempts, Instant nextAttempt, String error) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement(
                     "UPDATE outbox SET attempts = ?, next_attempt_at = ?, last_error = ?, claimed_by = NULL WHERE id = ?")) {
            ps.setInt(1, attempts);
            ps.setTimestamp(2, Timestamp.from(nextAttempt));
            ps.setString(3, truncate(error));
            ps.setLong(4, id);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw database.failure("reschedule outbox entry " + id, e);
        }
    }

    public void remove(long id) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("DELETE FROM outbox WHERE id = ?")) {
            ps.setLong(1, id);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw database.failure("remove outbox entry " + id, e);
        }
    }

    private interface Binder {
        void bind(PreparedStatement ps) throws SQLException;
    }

    private List<OutboxEntry> select(String where, int limit, Binder binder) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM outbox " + where)) {
            binder.bind(ps);
            ps.setMaxRows(limit);
            try (ResultSet rs = ps.executeQuery()) {
                List<OutboxEntry> out = new ArrayList<>();
                while (rs.next()) {
                    out.add(new OutboxEntry(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getTimestamp(4).toInstant(),
                            rs.getTimestamp(5).toInstant(), rs.getInt(6), rs.getString(7), rs.getInt(8), rs.getString(9)));
                }
                return out;
            }
        } catch (SQLException e) {
            throw database.failure("read the outbox", e);
        }
    }

    private static String truncate(String s) {
        String r = s == null ? "" : s;
        return r.length() <= MAX_ERROR ? r : r.substring(0, MAX_ERROR - 1) + "…";
    }
}
