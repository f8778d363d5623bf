package io.github.harbordt.support;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

/**
 * The PostgreSQL server every machine and CI runs on 127.0.0.1:5432 (trust authentication), with a fresh schema per
 * test, dropped after it. Under {@code CI=true} an unreachable server fails the test; elsewhere it is skipped with a
 * line saying how to start it.
 */
public final class LocalPostgres implements BeforeEachCallback, AfterEachCallback {

    private static final String SERVER = "jdbc:postgresql://127.0.0.1:5432/test";
    private static final String USER = "postgres";
    private String schema;

    @Override
    public void beforeEach(ExtensionContext context) throws SQLException {
        schema = "hdt_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (Connection c = DriverManager.getConnection(SERVER, USER, ""); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + schema);
        } catch (SQLException e) {
            if ("true".equals(System.getenv("CI"))) {
                throw e;
            }
            Assumptions.abort("PostgreSQL at 127.0.0.1:5432 is not reachable (" + e.getMessage() + "); start it with "
                    + "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start to run this test");
        }
    }

    /** A JDBC URL whose tables live in this test's own schema. */
    public String url() {
        return SERVER + "?currentSchema=" + schema;
    }

    public String user() {
        return USER;
    }

    public Connection connect() throws SQLException {
        return DriverManager.getConnection(url(), USER, "");
    }

    @Override
    public void afterEach(ExtensionContext context) throws SQLException {
        if (schema != null) {
            try (Connection c = DriverManager.getConnection(SERVER, USER, ""); Statement s = c.createStatement()) {
                s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
            }
        }
    }
}
