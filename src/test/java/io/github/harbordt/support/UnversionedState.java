package io.github.harbordt.support;

import java.io.IOException;
import java.io.InputStream;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.nio.charset.StandardCharsets;

/**
 * A state as the releases before versioned migrations left it: their tables (the DDL they ran, kept as the first
 * migration) without a schema history, and one row in each of the tables that matter.
 */
public final class UnversionedState {

    /** The scan the state's ledger holds as delivered. */
    public static final String DELIVERED_REPOSITORY = "library/app";
    public static final String DELIVERED_DIGEST = "sha256:a";

    private UnversionedState() {
    }

    /** @param text the large-text type: CLOB on H2, TEXT on PostgreSQL */
    public static void write(Connection c, String text) throws IOException, SQLException {
        String ddl;
        try (InputStream in = UnversionedState.class.getResourceAsStream("/db/state/V2__connector_tables.sql")) {
            ddl = new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("${text}", text);
        }
        try (Statement s = c.createStatement()) {
            for (String statement : ddl.replaceAll("(?m)^--.*$", "").split(";")) {
                if (!statement.isBlank()) {
                    s.execute(statement);
                }
            }
            s.execute("ALTER TABLE sighting_group ADD COLUMN resolved_at TIMESTAMP");
            s.execute("INSERT INTO connector_watermark VALUES ('default', 'scans', '2026-11-01T00:00:00Z', CURRENT_TIMESTAMP)");
            s.execute("INSERT INTO delivered_scan VALUES ('default', '" + DELIVERED_REPOSITORY + "', '" + DELIVERED_DIGEST
                    + "', 'r1', '2026-11-01T00:00:00Z', CURRENT_TIMESTAMP)");
            s.execute("INSERT INTO dead_letter (instance_id, sink, created_at, reason, status_code, records, payload, attempts) "
                    + "VALUES ('default', 'security-events', CURRENT_TIMESTAMP, 'HTTP 400', 400, 1, '[{\"a\":1}]', 1)");
            s.execute("INSERT INTO sighting_group VALUES ('g1', 'CVE-1', 't', 'r', 'p/a', 'c', '1', 'CRITICAL', null, "
                    + "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, null)");
            s.execute("INSERT INTO notification VALUES ('g1', 'slack', 'SENT', '{}', CURRENT_TIMESTAMP, 1, null, CURRENT_TIMESTAMP)");
        }
    }
}
