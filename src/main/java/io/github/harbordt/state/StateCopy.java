package io.github.harbordt.state;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Copies one state into another of this release's schema, typically an H2 file into the PostgreSQL the replicas will
 * share: watermarks, delivered scans, dead letters, the outbox, pending artifacts, sightings and notifications. The
 * target must be empty, so a copy never mixes two histories. Claims and replica heartbeats belong to running processes
 * and are not copied; neither are Quartz's schedules, which replicas register when they start.
 */
public final class StateCopy {

    private static final List<String> TABLES = List.of("connector_watermark", "delivered_scan", "dead_letter", "outbox",
            "pending_artifact", "sighting_group", "sighting_image", "notification");
    private static final List<String> GENERATED_IDS = List.of("dead_letter", "outbox");
    private static final int BATCH = 500;

    private StateCopy() {
    }

    /** @return rows copied per table, in copy order */
    public static Map<String, Integer> copy(Database from, Database to) {
        Map<String, Integer> copied = new LinkedHashMap<>();
        try (Connection source = from.dataSource().getConnection(); Connection target = to.dataSource().getConnection()) {
            for (String table : TABLES) {
                int rows = count(target, table);
                if (rows > 0) {
                    throw new IllegalStateException("The target state database already holds " + rows + " row(s) in "
                            + table + ": copy-state only fills an empty one. Point STATE_JDBC_URL at a new database (or "
                            + "schema), or drop the connector's tables there first");
                }
            }
            target.setAutoCommit(false);
            for (String table : TABLES) {
                copied.put(table, copyTable(source, target, table));
            }
            for (String table : GENERATED_IDS) {
                continueIds(target, table, to.postgres());
            }
            target.commit();
        } catch (SQLException e) {
            throw to.failure("copy the state into it", e);
        }
        return Collections.unmodifiableMap(copied);
    }

    private static int copyTable(Connection source, Connection target, String table) throws SQLException {
        int rows = 0;
        try (Statement select = source.createStatement(); ResultSet rs = select.executeQuery("SELECT * FROM " + table)) {
            ResultSetMetaData meta = rs.getMetaData();
            List<String> columns = new ArrayList<>();
            for (int i = 1; i <= meta.getColumnCount(); i++) {
                columns.add(meta.getColumnName(i).toLowerCase(Locale.ROOT));
            }
            String insert = "INSERT INTO " + table + " (" + String.join(", ", columns) + ") VALUES ("
                    + String.join(", ", Collections.nCopies(columns.size(), "?")) + ")";
            try (PreparedStatement ps = target.prepareStatement(insert)) {
                while (rs.next()) {
                    for (int i = 1; i <= columns.size(); i++) {
                        int type = meta.getColumnType(i);
                        // large text is a CLOB on H2 and TEXT on PostgreSQL: carried as a string between the two
                        ps.setObject(i, type == Types.CLOB || type == Types.NCLOB ? rs.getString(i) : rs.getObject(i));
                    }
                    ps.addBatch();
                    if (++rows % BATCH == 0) {
                        ps.executeBatch();
                    }
                }
                ps.executeBatch();
            }
        }
        return rows;
    }

    /** Rows were inserted with their ids: the next generated id must follow the largest. */
    private static void continueIds(Connection target, String table, boolean postgres) throws SQLException {
        long next;
        try (Statement s = target.createStatement(); ResultSet rs = s.executeQuery("SELECT COALESCE(MAX(id), 0) + 1 FROM " + table)) {
            rs.next();
            next = rs.getLong(1);
        }
        try (Statement s = target.createStatement()) {
            s.execute(postgres ? "SELECT setval(pg_get_serial_sequence('" + table + "', 'id'), " + next + ", false)"
                    : "ALTER TABLE " + table + " ALTER COLUMN id RESTART WITH " + next);
        }
    }

    private static int count(Connection c, String table) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + table)) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
