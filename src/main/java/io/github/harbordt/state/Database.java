package io.github.harbordt.state;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.github.harbordt.state.migration.AddResolvedAt;
import io.github.harbordt.state.migration.DropLedgerWithoutRepository;
import io.github.harbordt.state.migration.NotificationKinds;
import io.github.harbordt.state.migration.QuartzJobStore;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The connector's state database: an H2 file under {@code data/} by default, any JDBC URL when configured.
 * Its schema is versioned: Flyway migrations, the same on both databases, bring any earlier state to this release's.
 */
public final class Database implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Database.class);
    /** The PostgreSQL advisory lock replicas take while they migrate (any constant of the connector's own). */
    /** The version of this release's last migration (DatabaseUpgradeTest holds it to the migrations). */
    public static final String SCHEMA_VERSION = "6";
    private static final String HISTORY = "connector_schema_history";
    private static final long MIGRATION_LOCK = 0x48617262_6f724474L;

    private final HikariDataSource dataSource;
    private final String location;
    private final boolean postgres;

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
        this.postgres = product().contains("postgres");
        migrate();
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

    /** Where the database is, without credentials: for messages. */
    public String location() {
        return location;
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
    /** Why the database cannot be written now (the write probe's one line), or empty when it can. */
    public Optional<String> unwritable() {
        try {
            probeWrite();
            return Optional.empty();
        } catch (StateStoreException e) {
            return Optional.of(e.getMessage());
        }
    }

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

    private String product() {
        try (Connection c = dataSource.getConnection()) {
            return c.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT);
        } catch (SQLException e) {
            throw failure("connect to it", e);
        }
    }

    public DataSource dataSource() {
        return dataSource;
    }

    /**
     * Brings the schema to this release's version with the migrations under {@code db/state} and in
     * {@code state.migration}. A state written before versioned migrations (no history table) is adopted: its tables
     * exist, so the steps that create them pass over them, and the later steps upgrade them. A state already at this
     * version is not written to, so a read-only one reaches the write probe and its message.
     */
    private void migrate() {
        if (current()) {
            // every start of a state at this version (most starts) spares Flyway's own start-up
            return;
        }
        Flyway flyway = Flyway.configure()
                .dataSource(dataSource)
                .locations("classpath:db/state")
                .javaMigrations(new DropLedgerWithoutRepository(), new AddResolvedAt(), new QuartzJobStore(),
                        new NotificationKinds())
                .placeholders(Map.of("text", postgres ? "TEXT" : "CLOB"))
                .baselineOnMigrate(true)
                .baselineVersion("0")
                .table(HISTORY)
                .loggers("slf4j")
                .load();
        // replicas starting together on an empty database would race to create the history table: one at a time
        try (Connection lock = dataSource.getConnection(); Statement s = lock.createStatement()) {
            if (postgres) {
                s.execute("SELECT pg_advisory_lock(" + MIGRATION_LOCK + ")");
            }
            try {
                if (flyway.info().pending().length > 0) {
                    MigrateResult result = flyway.migrate();
                    LOG.info("State database {}: schema brought from version {} to {}", location,
                            result.initialSchemaVersion == null ? "none" : result.initialSchemaVersion,
                            result.targetSchemaVersion);
                }
            } finally {
                if (postgres) {
                    s.execute("SELECT pg_advisory_unlock(" + MIGRATION_LOCK + ")");
                }
            }
        } catch (SQLException | RuntimeException e) {
            throw failure("bring the connector's tables to this release", e);
        }
    }

    /** Whether the last migration recorded is this release's last one. */
    private boolean current() {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT \"version\" FROM \"" + HISTORY + "\" WHERE \"success\" "
                     + "ORDER BY \"installed_rank\" DESC")) {
            return rs.next() && SCHEMA_VERSION.equals(rs.getString(1));
        } catch (SQLException e) {
            // no history table yet: a new database, or one of the releases before versioned migrations
            return false;
        }
    }

    /** Whether this is PostgreSQL, which several replicas can share (H2 files are one process's). */
    public boolean postgres() {
        return postgres;
    }

    /**
     * Whether the statement lost to another transaction on the same rows (a key another replica inserted first, a
     * serialization failure or a deadlock; the same SQLSTATEs on H2 and PostgreSQL): trying again sees the other's write.
     */
    static boolean conflict(SQLException e) {
        String state = e.getSQLState();
        return "23505".equals(state) || "40001".equals(state) || "40P01".equals(state);
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
