package io.github.harbordt.state;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;

import static org.assertj.core.api.Assertions.assertThat;

/** A state written before latest-scan truth is upgraded in place when the connector opens it. */
class DatabaseUpgradeTest {

    @TempDir
    Path dir;

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
}
