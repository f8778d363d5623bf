package io.github.harbordt.state;

import io.github.harbordt.support.LocalPostgres;
import io.github.harbordt.support.UnversionedState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A state written by the releases before versioned migrations is upgraded in place when the connector opens it, on
 * H2 and on PostgreSQL, and keeps its watermarks, ledger, dead letters, sightings and notifications.
 */
class DatabaseUpgradeTest {

    @TempDir
    Path dir;

    @RegisterExtension
    final LocalPostgres postgres = new LocalPostgres();

    @Test
    void anOlderSightingTableGetsItsResolvedColumnAndKeepsItsRows() throws Exception {
        String url = "jdbc:h2:file:" + dir.resolve("old") + ";DB_CLOSE_DELAY=0";
        try (Connection c = DriverManager.getConnection(url, "sa", ""); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE sighting_group (group_key VARCHAR(64) NOT NULL PRIMARY KEY, vulnerability_id VARCHAR(300) "
                    + "NOT NULL, title VARCHAR(1000), registry VARCHAR(300) NOT NULL, repository VARCHAR(1000) NOT NULL, "
                    + "component VARCHAR(1000) NOT NULL, version VARCHAR(300) NOT NULL, risk_level VARCHAR(20) NOT NULL, "
                    + "fix_version VARCHAR(300), first_seen TIMESTAMP NOT NULL, last_seen TIMESTAMP NOT NULL)");
            s.execute("INSERT INTO sighting_group VALUES ('g1', 'CVE-1', 't', 'r', 'p/a', 'c', '1', 'CRITICAL', null, "
                    + "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)");
        }
        Database database = new Database(url, "sa", "");
        try (Connection c = database.dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT group_key, resolved_at FROM sighting_group")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("g1");
            assertThat(rs.getTimestamp(2)).isNull();
        } finally {
            database.close();
        }
    }

    @Test
    void anUnversionedH2StateIsAdoptedAndKeepsEveryRow() throws Exception {
        String url = "jdbc:h2:file:" + dir.resolve("state") + ";DB_CLOSE_DELAY=0";
        try (Connection c = DriverManager.getConnection(url, "sa", "")) {
            UnversionedState.write(c, "CLOB");
        }
        assertUpgraded(url, "sa");
    }

    @Test
    void anUnversionedPostgresStateIsAdoptedAndKeepsEveryRow() throws Exception {
        try (Connection c = postgres.connect()) {
            UnversionedState.write(c, "TEXT");
        }
        assertUpgraded(postgres.url(), postgres.user());
        try (Connection c = postgres.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM qrtz_locks")) {
            assertThat(rs.next()).as("Quartz's job store tables exist for clustered schedules").isTrue();
        }
    }

    @Test
    void replicasStartingTogetherOnAnEmptyPostgresMigrateItOnce() throws Exception {
        List<CompletableFuture<Database>> opening = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            opening.add(CompletableFuture.supplyAsync(() -> new Database(postgres.url(), postgres.user(), "")));
        }
        for (CompletableFuture<Database> database : opening) {
            database.get().close();
        }
        try (Connection c = postgres.connect(); Statement s = c.createStatement()) {
            assertThat(rows(s, "SELECT COUNT(*) FROM \"connector_schema_history\" WHERE \"version\" = '6'")).containsExactly("1");
        }
    }

    private static void assertUpgraded(String url, String user) throws SQLException {
        List<String> history;
        try (Database database = new Database(url, user, "")) {
            try (Connection c = database.dataSource().getConnection(); Statement s = c.createStatement()) {
                assertThat(rows(s, "SELECT instance_id, stream, mark FROM connector_watermark"))
                        .containsExactly("default|scans|2026-11-01T00:00:00Z");
                assertThat(rows(s, "SELECT repository, digest FROM delivered_scan")).containsExactly("library/app|sha256:a");
                assertThat(rows(s, "SELECT reason, payload FROM dead_letter")).containsExactly("HTTP 400|[{\"a\":1}]");
                assertThat(rows(s, "SELECT group_key, resolved_at FROM sighting_group")).containsExactly("g1|null");
                assertThat(rows(s, "SELECT group_key, channel, kind, state FROM notification"))
                        .containsExactly("g1|slack|NEW|SENT");
                assertThat(rows(s, "SELECT \"version\" FROM \"connector_schema_history\" ORDER BY \"installed_rank\" DESC LIMIT 1"))
                        .as("Database.SCHEMA_VERSION names the last migration").containsExactly(Database.SCHEMA_VERSION);
                history = rows(s, "SELECT \"installed_rank\", \"version\" FROM \"connector_schema_history\"");
            }
            StateStore store = new StateStore(database, new Replicas(database, false, Duration.ofSeconds(20)));
            assertThat(store.isDelivered(new ScanRef("default", "library/app", "sha256:a", "r1", "2026-11-01T00:00:00Z")))
                    .isTrue();
        }
        // opened again: nothing left to do, nothing changes
        try (Database again = new Database(url, user, "");
             Connection c = again.dataSource().getConnection(); Statement s = c.createStatement()) {
            assertThat(rows(s, "SELECT \"installed_rank\", \"version\" FROM \"connector_schema_history\""))
                    .isEqualTo(history);
        }
    }

    private static List<String> rows(Statement s, String query) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (ResultSet rs = s.executeQuery(query)) {
            int columns = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<String> values = new ArrayList<>();
                for (int i = 1; i <= columns; i++) {
                    values.add(String.valueOf(rs.getString(i)));
                }
                rows.add(String.join("|", values));
            }
        }
        return rows;
    }
}
