package io.github.harbordt.notify;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.harbordt.config.NotificationRules;
import io.github.harbordt.mapping.RiskLevel;
import io.github.harbordt.state.SightedGroup;
import org.junit.jupiter.api.Test;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLHandshakeException;

import static org.assertj.core.api.Assertions.assertThat;

/** The notification's content and the rules that pick its images, without a database or Camel. */
class NotificationMessageTest {

    private final Instant t = Instant.parse("2026-11-20T08:00:00Z");
    private final SightedGroup.Image prod = new SightedGroup.Image("sha256:1", List.of("1.0"), "RUNNING", List.of("eu"),
            List.of("prod-shop"), List.of("Deployment/api"), List.of("production"), t);
    private final SightedGroup.Image staging = new SightedGroup.Image("sha256:2", List.of(), "RUNNING", List.of("eu"),
            List.of("staging-shop"), List.of("Deployment/api"), List.of("staging"), t);
    private final SightedGroup.Image idle = new SightedGroup.Image("sha256:3", List.of(), "NOT_RUNNING", List.of(), List.of(),
            List.of(), List.of(), t);
    private final SightedGroup group = new SightedGroup("k".repeat(64), "CVE-2024-3094", "xz backdoor", "harbor.example.com",
            "shop/api", "xz-utils", "5.6.0", "CRITICAL", "5.6.1", t, t, List.of(prod, staging, idle));

    @Test
    void productionRulesKeepOnlyImagesRunningInProductionAndLowerLevelsNotify() {
        NotificationRules production = new NotificationRules(RiskLevel.CRITICAL, Duration.ofHours(24), Duration.ofDays(30),
                true, true, "production");
        NotificationRules running = new NotificationRules(RiskLevel.CRITICAL, Duration.ofHours(24), Duration.ofDays(30),
                true, false, "production");
        NotificationRules any = new NotificationRules(RiskLevel.HIGH, Duration.ofHours(24), Duration.ofDays(30),
                false, false, "production");
        assertThat(production.affected(group)).containsExactly(prod);
        assertThat(running.affected(group)).containsExactly(prod, staging);
        assertThat(any.affected(group)).hasSize(3);
        assertThat(production.counts(null)).isFalse();
        assertThat(any.counts(null)).isTrue();
        SightedGroup high = new SightedGroup(group.groupKey(), "CVE-1", null, "h", "r", "c", "1", "HIGH", null, t, t, List.of(prod));
        assertThat(production.affected(high)).isEmpty();
        assertThat(any.affected(high)).containsExactly(prod);
    }

    @Test
    void theLinkOpensTheGroupsFindingsInANotebook() throws Exception {
        Map<String, Object> m = NotificationMessage.of(group, List.of(prod), t, "https://abc12345.apps.dynatrace.com");
        String link = (String) m.get("dynatrace.link");
        assertThat(link).startsWith("https://abc12345.apps.dynatrace.com/ui/intent/dynatrace.notebooks/view-query#");
        String payload = URLDecoder.decode(link.substring(link.indexOf('#') + 1), StandardCharsets.UTF_8);
        String query = new ObjectMapper().readTree(payload).get("dt.query").asText();
        assertThat(query).contains("fetch security.events").contains("vulnerability.id == \"CVE-2024-3094\"")
                .contains("container_image.repository == \"shop/api\"").contains("component.version == \"5.6.0\"");
        assertThat(NotificationMessage.of(group, List.of(prod), t, "")).doesNotContainKey("dynatrace.link");
        assertThat(m).containsEntry("affected_images_count", 1).containsEntry("k8s.namespace.name", List.of("prod-shop"));
    }

    @Test
    void aChannelWhoseCertificateIsNotTrustedNamesTheSettingThatTrustsIt() {
        assertThat(Notifications.trustHint(new IllegalStateException("send failed",
                new SSLHandshakeException("PKIX path building failed")))).contains("notifications.ca-file");
        assertThat(Notifications.trustHint(new java.io.IOException("Connection refused"))).isEmpty();
    }
}
