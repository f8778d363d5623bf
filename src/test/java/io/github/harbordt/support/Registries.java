package io.github.harbordt.support;

import io.github.harbordt.demo.DemoRegistry;
import io.github.harbordt.demo.SimulatedRegistry;
import io.github.harbordt.harbor.ReportMimeTypes;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Small builders for simulated registry content in tests. */
public final class Registries {

    private Registries() {
    }

    public static SimulatedRegistry empty(String version) {
        return new SimulatedRegistry(version, DemoRegistry.ROBOT, DemoRegistry.SECRET);
    }

    /** Harbor 2.14 with one project, {@code library}, and one image, {@code library/app:1}, scanned a minute ago: 3 findings. */
    public static SimulatedRegistry oneScannedImage() {
        SimulatedRegistry r = empty("v2.14.1-a1b2c3d4");
        r.project("library", false);
        r.push("library/app", digest(1), "IMAGE", List.of("1"), success(Instant.now().minusSeconds(60), vulns(3)));
        return r;
    }

    public static SimulatedRegistry.Vuln vuln(String id, String pkg, String version, String fix, String severity, Double score) {
        return new SimulatedRegistry.Vuln(id, pkg, version, fix, severity, "Description of " + id, score,
                score == null ? null : "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", List.of("CWE-79"), null);
    }

    public static List<SimulatedRegistry.Vuln> vulns(int n) {
        List<SimulatedRegistry.Vuln> out = new ArrayList<>();
        String[] severities = {"Critical", "High", "Medium", "Low", "Unknown"};
        for (int i = 0; i < n; i++) {
            out.add(vuln("CVE-2024-" + (1000 + i), "pkg-" + i, "1." + i, i % 2 == 0 ? "1." + i + ".1" : null,
                    severities[i % severities.length], i % 3 == 0 ? null : 7.5));
        }
        return out;
    }

    public static SimulatedRegistry.Scan success(Instant end, List<SimulatedRegistry.Vuln> vulns) {
        return success(end, vulns, ReportMimeTypes.V1_1);
    }

    public static SimulatedRegistry.Scan success(Instant end, List<SimulatedRegistry.Vuln> vulns, String mime) {
        return new SimulatedRegistry.Scan(UUID.randomUUID().toString(), "Success", end.minusSeconds(30), end, mime,
                "Trivy", "Aqua Security", "v0.56.2", vulns.size(), () -> vulns);
    }

    public static SimulatedRegistry.Scan status(String status, Instant end) {
        return new SimulatedRegistry.Scan(UUID.randomUUID().toString(), status, end.minusSeconds(30), end,
                ReportMimeTypes.V1_1, "Trivy", "Aqua Security", "v0.56.2", 0, List::of);
    }

    public static String digest(int n) {
        return "sha256:" + String.format("%064x", n);
    }
}
