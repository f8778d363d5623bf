package io.github.harbordt.blackbox;

import io.github.harbordt.demo.SimulatedRegistry;
import io.github.harbordt.mapping.AuditStream;
import io.github.harbordt.support.FakeDynatrace;
import io.github.harbordt.support.FakeGrail;
import io.github.harbordt.support.FakeHarbor;
import io.github.harbordt.support.Registries;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The ways to authenticate to Dynatrace's ingest the README documents, against the packaged jar: a platform token in
 * {@code DT_TOKEN} goes as a bearer; an OAuth client ({@code DT_OAUTH_CLIENT_ID}, {@code DT_OAUTH_CLIENT_SECRET}) is
 * exchanged at the token URL for an access token with the documented permissions; a refused client stops delivery
 * (exit 3) with a line naming its settings and never the secret.
 */
class DynatraceTokensIT {

    @TempDir
    Path work;

    private SimulatedRegistry registry() {
        SimulatedRegistry r = Registries.oneScannedImage();
        r.audit(AuditStream.EXTS, "robot$ci", "pull", "artifact", "library/app", "pull artifact", true, Instant.now());
        return r;
    }

    @Test
    void aPlatformTokenGoesAsABearer() throws Exception {
        try (FakeHarbor harbor = new FakeHarbor(registry());
             FakeDynatrace dynatrace = new FakeDynatrace("dt0s16.PLATFORMID.SECRETPART");
             PackagedJar once = PackagedJar.start(work, PackagedJar.connecting(harbor, dynatrace, "CONNECTOR_MODE", "once",
                     "MANAGEMENT_ENABLED", "false"))) {
            assertThat(once.exitStatus(Duration.ofSeconds(90))).as(once.output()).isZero();
            assertThat(dynatrace.events("VULNERABILITY_SCAN")).hasSize(1);
            assertThat(once.output()).doesNotContain("SECRETPART");
        }
    }

    @Test
    void anOAuthClientGetsItsAccessTokenAndARefusedOneStopsDeliveryNamingItsSettings() throws Exception {
        Files.createDirectories(work.resolve("config"));
        SimulatedRegistry r = registry();
        try (FakeHarbor harbor = new FakeHarbor(r); FakeGrail sso = new FakeGrail("eyJ.ACCESS.TOKEN");
             FakeDynatrace dynatrace = new FakeDynatrace("dt0c01.NOT.USED")) {
            sso.oauthClient("dt0s02.CLIENT", "dt0s02.CLIENT.SECRETPART");
            dynatrace.acceptBearer("eyJ.ACCESS.TOKEN");
            Files.writeString(work.resolve("config/application.properties"), "dynatrace.oauth-token-url = " + sso.tokenUrl() + "\n");
            Map<String, String> env = new LinkedHashMap<>(PackagedJar.connecting(harbor, dynatrace, "CONNECTOR_MODE", "once",
                    "MANAGEMENT_ENABLED", "false", "DT_OAUTH_CLIENT_ID", "dt0s02.CLIENT",
                    "DT_OAUTH_CLIENT_SECRET", "dt0s02.CLIENT.SECRETPART"));
            env.remove("DT_TOKEN");
            try (PackagedJar once = PackagedJar.start(work, env)) {
                assertThat(once.exitStatus(Duration.ofSeconds(90))).as(once.output()).isZero();
            }
            assertThat(dynatrace.events("VULNERABILITY_SCAN")).hasSize(1);
            assertThat(dynatrace.logRecords()).isNotEmpty();
            assertThat(sso.tokenRequests()).as("one access token for the run, reused").isEqualTo(1);
            assertThat(sso.lastScope()).contains("openpipeline:security.events:ingest", "storage:logs:write");

            // a new scan to send, and a secret the token URL refuses
            r.rescan(r.artifacts().get(0), Instant.now(), 2, () -> Registries.vulns(2));
            env.put("DT_OAUTH_CLIENT_SECRET", "dt0s02.CLIENT.WRONGSECRET");
            try (PackagedJar refused = PackagedJar.start(work, env)) {
                assertThat(refused.exitStatus(Duration.ofSeconds(90))).as(refused.output()).isEqualTo(3);
                assertThat(refused.output()).contains("the OAuth token URL answered 400 (invalid_client)",
                        "dynatrace.oauth-client-id and -client-secret (DT_OAUTH_CLIENT_ID, DT_OAUTH_CLIENT_SECRET)")
                        .doesNotContain("WRONGSECRET").doesNotContain("SECRETPART");
            }
            assertThat(dynatrace.events("VULNERABILITY_SCAN")).as("nothing sent without a token").hasSize(1);
        }
    }
}
