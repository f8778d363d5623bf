package io.github.harbordt.state;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Locale;
import javax.sql.DataSource;

/**
 * The connector's state database: an H2 file under {@code data/} by default, any JDBC URL when configured.
 * The schema is created on start with plain DDL that H2 and PostgreSQL both accept, so no migration tool is needed
 * for these few small tables.
 */
public final class Database implements AutoCloseable {

    private final HikariDataSource dataSource;
    private final String location;

    public Database(String jdbcUrl, String username, String password) {
        this.location = location(jdbcUrl);
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(jdbcUrl);
        if (username != null && !username.isBlank()) {
            config.setUsername(username);
        }
        if (password != null && !password.isBlank()) {
            config.setPassword(password);
        }
        config.setPoolName("connector-state");
        config.setMaximumPoolSize(4);
        // Fail fast with the setting's name rather than hanging the start.
        config.setInitializationFailTimeout(10_000);
        try {
            this.dataSource = new HikariDataSource(config);
        } catch (RuntimeException e) {
            throw failure("open it", e);
        }
        createSchema();
        probeWrite();
    }

    /**
     * The failure of an action on the state database, in one line: where it is, what could not be done, why, and the
     * settings that choose it.
     */
    public StateStoreException failure(String action, Throwable cause) {
        // H2 appends the SQL statement on further lines: one line is what an operator reads
        String why = String.valueOf(rootMessage(cause)).lines().findFirst().orElse("").replaceFirst(";? ?SQL statement:$", "");
        return new StateStoreException("State database " + location + ": could not " + action + ": " + why
                + ". Make it writable (a full disk, a read-only folder or a second connector holding the file lock are "
                + "the usual causes), or choose another with STATE_JDBC_URL (state.jdbc-url) or CONNECTOR_DATA_DIR "
                + "(connector.data-dir)", cause);
    }

    /** An H2 file is named by its file; any other URL without what may follow a ';' or '?' (credentials). */
    private static String location(String jdbcUrl) {
        String prefix = "jdbc:h2:file:";
        if (jdbcUrl.startsWith(prefix)) {
            String file = jdbcUrl.substring(prefix.length());
            int options = file.indexOf(';');
            return "(H2 file " + (options < 0 ? file : file.substring(0, options)) + ".mv.db)";
        }
        return "(" + jdbcUrl.replaceAll("[;?].*$", "") + ")";
    }

    /**
     * H2 opens a file it cannot write read-only, without complaint, and a database may accept a connection and refuse
     * writes; the first write of a cycle is too late to find out (events would be sent and not recorded).
     */
    private void probeWrite() {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            s.executeUpdate("DELETE FROM connector_watermark WHERE instance_id = '~write-probe'");
            s.executeUpdate("INSERT INTO connector_watermark (instance_id, stream, mark, updated_at) "
                    + "VALUES ('~write-probe', '~', '~', CURRENT_TIMESTAMP)");
            c.rollback();
        } catch (SQLException e) {
            throw failure("write to it", e);
        }
    }

    public DataSource dataSource() {
        return dataSource;
    }

    private void createSchema() {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            String product = c.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT);
            String text = product.contains("postgres") ? "TEXT" : "CLOB";
            dropLedgerWithoutRepository(c, s);
            for (String ddl : List.of(
                    "CREATE TABLE IF NOT EXISTS connector_watermark (instance_id VARCHAR(100) NOT NULL, "
                            + "stream VARCHAR(50) NOT NULL, mark VARCHAR(100) NOT NULL, updated_at TIMESTAMP NOT NULL, "
                            + "PRIMARY KEY (instance_id, stream))",
                    "CREATE TABLE IF NOT EXISTS delivered_scan (instance_id VARCHAR(100) NOT NULL, "
                            + "repository VARCHAR(1000) NOT NULL, digest VARCHAR(200) NOT NULL, "
                            + "report_id VARCHAR(1000) NOT NULL, end_time VARCHAR(64) NOT NULL, delivered_at TIMESTAMP NOT NULL, "
                            + "PRIMARY KEY (instance_id, repository, digest, report_id, end_time))",
                    "CREATE TABLE IF NOT EXISTS dead_letter (id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, "
                            + "instance_id VARCHAR(100) NOT NULL, sink VARCHAR(50) NOT NULL, created_at TIMESTAMP NOT NULL, "
                            + "reason VARCHAR(4000) NOT NULL, status_code INT, records INT NOT NULL, payload " + text + " NOT NULL, "
                            + "attempts INT NOT NULL, last_attempt_at TIMESTAMP, replayed_at TIMESTAMP)",
                    "CREATE TABLE IF NOT EXISTS outbox (id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, "
                            + "instance_id VARCHAR(100) NOT NULL, sink VARCHAR(50) NOT NULL, created_at TIMESTAMP NOT NULL, "
                            + "next_attempt_at TIMESTAMP NOT NULL, attempts INT NOT NULL, last_error VARCHAR(2000), "
                            + "records INT NOT NULL, payload " + text + " NOT NULL)",
                    "CREATE INDEX IF NOT EXISTS outbox_next_attempt ON outbox (next_attempt_at)",
                    "CREATE TABLE IF NOT EXISTS pending_artifact (instance_id VARCHAR(100) NOT NULL, "
                            + "project_name VARCHAR(300) NOT NULL, project_id VARCHAR(50), repository VARCHAR(1000) NOT NULL, "
                            + "digest VARCHAR(200) NOT NULL, report_id VARCHAR(1000) NOT NULL, end_time VARCHAR(64) NOT NULL, "
                            + "reason VARCHAR(2000) NOT NULL, attempts INT NOT NULL, first_failed_at TIMESTAMP NOT NULL, "
                            + "last_failed_at TIMESTAMP NOT NULL, PRIMARY KEY (instance_id, repository, digest))",
                    "CREATE TABLE IF NOT EXISTS sighting_group (group_key VARCHAR(64) NOT NULL PRIMARY KEY, "
                            + "vulnerability_id VARCHAR(300) NOT NULL, title VARCHAR(1000), registry VARCHAR(300) NOT NULL, "
                            + "repository VARCHAR(1000) NOT NULL, component VARCHAR(1000) NOT NULL, version VARCHAR(300) NOT NULL, "
                            + "risk_level VARCHAR(20) NOT NULL, fix_version VARCHAR(300), first_seen TIMESTAMP NOT NULL, "
                            + "last_seen TIMESTAMP NOT NULL)",
                    "CREATE TABLE IF NOT EXISTS sighting_image (group_key VARCHAR(64) NOT NULL, digest VARCHAR(100) NOT NULL, "
                            + "tags VARCHAR(2000), runtime_status VARCHAR(20), clusters VARCHAR(2000), namespaces VARCHAR(2000), "
                            + "workloads VARCHAR(4000), stages VARCHAR(1000), first_seen TIMESTAMP NOT NULL, "
                            + "last_seen TIMESTAMP NOT NULL, PRIMARY KEY (group_key, digest))",
                    "CREATE INDEX IF NOT EXISTS sighting_image_digest ON sighting_image (digest)",
                    "CREATE INDEX IF NOT EXISTS sighting_group_first_seen ON sighting_group (first_seen)",
                    "CREATE INDEX IF NOT EXISTS sighting_group_last_seen ON sighting_group (last_seen)",
                    "CREATE TABLE IF NOT EXISTS notification (group_key VARCHAR(64) NOT NULL, channel VARCHAR(100) NOT NULL, "
                            + "state VARCHAR(10) NOT NULL, payload " + text + " NOT NULL, created_at TIMESTAMP NOT NULL, "
                            + "attempts INT NOT NULL, last_error VARCHAR(2000), sent_at TIMESTAMP, "
                            + "PRIMARY KEY (group_key, channel))")) {
                s.execute(ddl);
            }
            addResolvedAt(c, s);
        } catch (SQLException e) {
            throw failure("create the connector's tables", e);
        }
    }

    /**
     * {@code sighting_group.resolved_at} (latest-scan truth; null while a group is current) is newer than the table:
     * added to an older state, and only then, so a read-only state of the current shape still reaches the write probe.
     */
    private static void addResolvedAt(Connection c, Statement s) throws SQLException {
        try (ResultSet columns = c.getMetaData().getColumns(null, c.getSchema(), null, null)) {
            while (columns.next()) {
                if (columns.getString("TABLE_NAME").equalsIgnoreCase("sighting_group")
                        && columns.getString("COLUMN_NAME").equalsIgnoreCase("resolved_at")) {
                    return;
                }
            }
        }
        s.execute("ALTER TABLE sighting_group ADD COLUMN resolved_at TIMESTAMP");
    }

    /**
     * Before 0.2 the ledger keyed delivered scans by digest alone, so a digest in a second repository looked delivered. Its
     * rows cannot be given a repository, and they only spare re-sends inside the crawl's overlap window: dropping them
     * re-sends at most those scans once (with the same event ids).
     */
    private static void dropLedgerWithoutRepository(Connection c, Statement s) throws SQLException {
        boolean exists = false;
        boolean hasRepository = false;
        for (String table : List.of("delivered_scan", "DELIVERED_SCAN")) {
            try (ResultSet columns = c.getMetaData().getColumns(null, null, table, null)) {
                while (columns.next()) {
                    exists = true;
                    hasRepository |= columns.getString("COLUMN_NAME").equalsIgnoreCase("repository");
                }
            }
        }
        if (exists && !hasRepository) {
            s.execute("DROP TABLE delivered_scan");
        }
    }

    static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage();
    }

    @Override
    public void close() {
        dataSource.close();
    }
}
