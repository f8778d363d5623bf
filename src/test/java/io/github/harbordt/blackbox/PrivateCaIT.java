package io.github.harbordt.blackbox;

import io.github.harbordt.demo.SimulatedRegistry;
import io.github.harbordt.support.FakeDynatrace;
import io.github.harbordt.support.FakeHarbor;
import io.github.harbordt.support.FakeTlsFront;
import io.github.harbordt.support.Registries;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A Harbor whose certificate a private authority signed, as the README's "Corporate networks" describes: without
 * {@code harbor.ca-file} the packaged jar refuses it with a line naming the URL and the setting; with the authority's
 * PEM there it is trusted beside the JVM's own authorities.
 */
class PrivateCaIT {

    @TempDir
    Path work;

    @TempDir
    Path keys;

    @Test
    void aPrivateCaIsNamedWhenMissingAndTrustedOnceGiven() throws Exception {
        SimulatedRegistry r = Registries.oneScannedImage();
        try (FakeHarbor harbor = new FakeHarbor(r); FakeDynatrace dynatrace = new FakeDynatrace("dt0c01.TLS");
             FakeTlsFront tls = new FakeTlsFront(harbor.url(), keys)) {
            Map<String, String> env = new java.util.LinkedHashMap<>(PackagedJar.connecting(harbor, dynatrace,
                    "CONNECTOR_MODE", "once", "MANAGEMENT_ENABLED", "false"));
            env.put("HARBOR_URL", tls.url());
            try (PackagedJar untrusted = PackagedJar.start(work, env)) {
                assertThat(untrusted.exitStatus(Duration.ofSeconds(90))).as(untrusted.output()).isEqualTo(2);
                assertThat(untrusted.output()).contains("the certificate of Harbor at " + tls.url() + " is not trusted",
                        "set harbor.ca-file to the PEM file of the certificate authority that signed it");
            }
            assertThat(dynatrace.events()).isEmpty();

            Files.createDirectories(work.resolve("config"));
            Files.writeString(work.resolve("config/application.properties"), "harbor.ca-file = " + tls.caPem() + "\n");
            try (PackagedJar trusted = PackagedJar.start(work, env)) {
                assertThat(trusted.exitStatus(Duration.ofSeconds(90))).as(trusted.output()).isZero();
            }
            assertThat(dynatrace.events("VULNERABILITY_SCAN")).hasSize(1);
        }
    }

    @Test
    void aDynatraceBehindAPrivateCaStopsDeliveryNamingTheSettingAndIsTrustedOnceGiven() throws Exception {
        SimulatedRegistry r = Registries.oneScannedImage();
        try (FakeHarbor harbor = new FakeHarbor(r); FakeDynatrace dynatrace = new FakeDynatrace("dt0c01.TLS");
             FakeTlsFront tls = new FakeTlsFront(dynatrace.url(), keys)) {
            Map<String, String> env = new java.util.LinkedHashMap<>(PackagedJar.connecting(harbor, dynatrace,
                    "CONNECTOR_MODE", "once", "MANAGEMENT_ENABLED", "false"));
            env.put("DT_URL", tls.url());
            try (PackagedJar untrusted = PackagedJar.start(work, env)) {
                assertThat(untrusted.exitStatus(Duration.ofSeconds(90))).as(untrusted.output()).isEqualTo(3);
                assertThat(untrusted.output()).contains("Dynatrace's certificate at " + tls.url() + " is not trusted",
                        "set dynatrace.ca-file to the PEM file of the certificate authority that signed it");
            }
            assertThat(dynatrace.events()).isEmpty();

            Files.createDirectories(work.resolve("config"));
            Files.writeString(work.resolve("config/application.properties"), "dynatrace.ca-file = " + tls.caPem() + "\n");
            try (PackagedJar trusted = PackagedJar.start(work, env)) {
                assertThat(trusted.exitStatus(Duration.ofSeconds(90))).as(trusted.output()).isZero();
            }
            assertThat(dynatrace.events("VULNERABILITY_SCAN")).as("the scan halted before is sent now").hasSize(1);
        }
    }
}
