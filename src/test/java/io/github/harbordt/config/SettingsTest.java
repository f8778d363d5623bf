package io.github.harbordt.config;

import io.github.harbordt.mapping.RiskLevel;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SettingsTest {

    private static Settings of(Map<String, String> values) {
        return new Settings(k -> Optional.ofNullable(values.get(k)));
    }

    @Test
    void instanceKeysFallBackToTheSharedHarborKeys() {
        Settings s = of(Map.of("harbor.url", "https://shared.example.com/", "harbor.prod.url", "https://prod.example.com:8443",
                "harbor.min-severity", "high", "harbor.look-back", "72h"));
        HarborInstance prod = HarborInstance.load("prod", s);
        HarborInstance dev = HarborInstance.load("dev", s);
        assertThat(prod.url()).isEqualTo("https://prod.example.com:8443");
        assertThat(prod.registry()).isEqualTo("prod.example.com:8443");
        assertThat(dev.url()).isEqualTo("https://shared.example.com");
        assertThat(dev.registry()).isEqualTo("shared.example.com");
        assertThat(prod.minSeverity()).isEqualTo(RiskLevel.HIGH);
        assertThat(dev.lookBack()).isEqualTo(Duration.ofHours(72));
        assertThat(prod.quartzSchedule()).isEqualTo("trigger.repeatInterval=600000&trigger.repeatCount=-1");
        assertThat(HarborInstance.load("x", of(Map.of("harbor.cron", "0 0/15 * * * ?"))).quartzSchedule())
                .isEqualTo("cron=0+0/15+*+*+*+?");
    }

    @Test
    void badValuesNameTheSettingToFix() {
        assertThatThrownBy(() -> HarborInstance.load("default", of(Map.of("harbor.page-size", "500"))))
                .hasMessageContaining("harbor.page-size").hasMessageContaining("100");
        assertThatThrownBy(() -> HarborInstance.load("default", of(Map.of("harbor.url", "harbor.example.com"))))
                .hasMessageContaining("HARBOR_URL");
        assertThatThrownBy(() -> HarborInstance.load("default", of(Map.of("harbor.min-severity", "severe"))))
                .hasMessageContaining("harbor.min-severity");
        assertThatThrownBy(() -> of(Map.of("harbor.interval", "soon")).duration("harbor.interval"))
                .hasMessageContaining("harbor.interval");
        assertThatThrownBy(() -> DynatraceSettings.load(of(Map.of("dynatrace.url", "https://x.live.dynatrace.com")), java.nio.file.Path.of("d")))
                .hasMessageContaining("DT_TOKEN").hasMessageContaining("openpipeline.events_security");
    }

    @Test
    void durationsAcceptShortAndIsoForms() {
        assertThat(Durations.parse("k", "500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(Durations.parse("k", "7d")).isEqualTo(Duration.ofDays(7));
        assertThat(Durations.parse("k", "PT15M")).isEqualTo(Duration.ofMinutes(15));
    }

    @Test
    void withoutDynatraceUrlTheConnectorRunsDry() {
        DynatraceSettings dry = DynatraceSettings.load(of(Map.of()), java.nio.file.Path.of("data"));
        assertThat(dry.dryRun()).isTrue();
        assertThat(dry.dryRunDir()).isEqualTo(java.nio.file.Path.of("data", "dry-run"));
        assertThat(dry.securityEventsPath()).isEqualTo("/platform/ingest/v1/security.events");
    }

    @Test
    void defaultsComeFromTheDocumentedPropertiesFileAndAnUndocumentedKeyFails() {
        Settings none = of(Map.of());
        assertThat(none.duration("harbor.interval")).isEqualTo(Duration.ofMinutes(10));
        assertThat(none.string("harbor.url")).as("{{env:HARBOR_URL:}} outside Camel: the default after the name").isEmpty();
        assertThat(none.string("connector.mode")).isEqualTo("service");
        assertThat(none.scoped("harbor.prod", "harbor").integer("page-size")).isEqualTo(100);
        assertThat(of(Map.of("harbor.interval", "5m")).duration("harbor.interval")).isEqualTo(Duration.ofMinutes(5));
        assertThatThrownBy(() -> none.string("harbor.no-such-key")).hasMessageContaining("harbor.no-such-key")
                .hasMessageContaining("config/application.properties");
    }
}
