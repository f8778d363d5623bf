package io.github.harbordt.state;

import io.github.harbordt.demo.SimulatedRegistry;
import io.github.harbordt.pipeline.CycleResult;
import io.github.harbordt.support.ConnectorHarness;
import io.github.harbordt.support.FakeDynatrace;
import io.github.harbordt.support.FakeHarbor;
import io.github.harbordt.support.LocalPostgres;
import io.github.harbordt.support.Peers;
import io.github.harbordt.support.Registries;
import io.github.harbordt.mapping.AuditStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static io.github.harbordt.support.Registries.digest;
import static io.github.harbordt.support.Registries.success;
import static io.github.harbordt.support.Registries.vulns;
import static org.assertj.core.api.Assertions.assertThat;

/** The state store on the local PostgreSQL server: the driver is in the jar, the schema is created, cycles keep their marks. */
class PostgresStateTest {

    @RegisterExtension
    final LocalPostgres postgres = new LocalPostgres();
    @RegisterExtension
    final Peers peers = new Peers();

    @TempDir
    Path data;

    @Test
    void cyclesKeepTheirWatermarksLedgerAndAuditMarkInPostgres() throws Exception {
        SimulatedRegistry r = Registries.empty("v2.14.0-a1b2c3d4");
        r.project("shop", false);
        r.push("shop/api", digest(1), "IMAGE", List.of("1.0"), success(Instant.now().minusSeconds(60), vulns(5)));
        r.audit(AuditStream.EXTS, "admin", "create", "project", "shop", "created", true, Instant.now().minusSeconds(30));
        FakeHarbor harbor = peers.harbor(r);
        FakeDynatrace dynatrace = peers.dynatrace();
        ConnectorHarness connector = peers.connector(data, harbor.url(), dynatrace.url(), Map.of(
                "state.jdbc-url", postgres.url(), "state.username", postgres.user()));

        assertThat(connector.runCycle()).isEqualTo(CycleResult.DELIVERED);
        assertThat(connector.runCycle()).as("nothing new the second time").isEqualTo(CycleResult.DELIVERED);

        assertThat(dynatrace.events("VULNERABILITY_SCAN")).hasSize(1);
        assertThat(dynatrace.events("VULNERABILITY_FINDING")).hasSize(5);
        try (Connection c = postgres.connect(); Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM delivered_scan")) {
                rs.next();
                assertThat(rs.getInt(1)).isEqualTo(1);
            }
            try (ResultSet rs = s.executeQuery("SELECT stream FROM connector_watermark ORDER BY stream")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isNotBlank();
            }
        }
    }
}
