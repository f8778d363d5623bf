package io.github.harbordt.demo;

import io.github.harbordt.harbor.ReportMimeTypes;
import io.github.harbordt.mapping.AuditStream;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;

/**
 * Generated registry content: {@link #create} builds the demo registry the connector crawls when no Harbor is
 * configured (a few teams' projects, nested repositories, charts, failed and old scans, both report formats, and the
 * quirks of real Harbor data); {@link #synthetic} builds the uniform registry the benchmark crawls.
 */
public final class DemoRegistry {

    public static final String ROBOT = "robot$demo-connector";
    public static final String SECRET = "demo-secret-not-for-production";

    /** Real advisories, so the demo output reads like a real registry's. */
    private static final SimulatedRegistry.Vuln[] CATALOGUE = {
            vuln("CVE-2023-44487", "libnghttp2-14", "1.52.0-1", "1.52.0-1+deb12u1", "High", 7.5,
                    "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H", "CWE-400",
                    "The HTTP/2 protocol allows a denial of service (server resource consumption) because request cancellation can reset many streams quickly."),
            vuln("CVE-2024-6387", "openssh-client", "1:9.2p1-2+deb12u2", "1:9.2p1-2+deb12u3", "High", 8.1,
                    "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:H", "CWE-364",
                    "A signal handler race condition was found in OpenSSH's server (sshd) (regreSSHion)."),
            vuln("CVE-2023-4911", "libc6", "2.36-9", "2.36-9+deb12u3", "High", 7.8,
                    "CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H", "CWE-122",
                    "A buffer overflow was discovered in the GNU C Library's dynamic loader ld.so (Looney Tunables)."),
            vuln("CVE-2024-3094", "xz-utils", "5.6.0-0.2", "5.6.1+really5.4.5-1", "Critical", 10.0,
                    "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H", "CWE-506",
                    "Malicious code was discovered in the upstream tarballs of xz, starting with version 5.6.0."),
            vuln("CVE-2021-44228", "org.apache.logging.log4j:log4j-core", "2.14.1", "2.15.0", "Critical", 10.0,
                    "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H", "CWE-502",
                    "Apache Log4j2 JNDI features do not protect against attacker controlled LDAP and other JNDI related endpoints (Log4Shell)."),
            vuln("CVE-2022-22965", "org.springframework:spring-beans", "5.3.17", "5.3.18", "Critical", 9.8,
                    "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "CWE-94",
                    "A Spring MVC or Spring WebFlux application running on JDK 9+ may be vulnerable to remote code execution via data binding."),
            vuln("CVE-2023-38545", "curl", "7.88.1-10", "7.88.1-10+deb12u4", "Critical", 9.8,
                    "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "CWE-787",
                    "A heap based buffer overflow in the SOCKS5 proxy handshake."),
            vuln("CVE-2024-45337", "golang.org/x/crypto", "v0.26.0", "0.31.0", "Critical", 9.1,
                    "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:N", "CWE-285",
                    "Misuse of ServerConfig.PublicKeyCallback may cause authorization bypass in golang.org/x/crypto."),
            vuln("CVE-2023-5363", "libssl3", "3.0.11-1~deb12u1", "3.0.11-1~deb12u2", "High", 7.5,
                    "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N", "CWE-325",
                    "Processing key and initialisation vector lengths can lead to potential truncation or overruns."),
            vuln("CVE-2024-2961", "libc-bin", "2.36-9", "2.36-9+deb12u7", "High", 7.3,
                    "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:L/I:H/A:L", "CWE-787",
                    "The iconv() function in the GNU C Library may overflow the output buffer passed to it."),
            vuln("CVE-2023-45853", "zlib1g", "1:1.2.13.dfsg-1", null, "Critical", 9.8,
                    "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "CWE-190",
                    "MiniZip in zlib has an integer overflow and resultant heap-based buffer overflow in zipOpenNewFileInZip4_64."),
            vuln("CVE-2024-24790", "stdlib", "v1.21.5", "1.21.11", "Critical", 9.8,
                    "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "CWE-180",
                    "The various Is methods (IsPrivate, IsLoopback, etc) did not work as expected for IPv4-mapped IPv6 addresses."),
            vuln("CVE-2022-40897", "setuptools", "65.5.0", "65.5.1", "Medium", 5.9,
                    "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:N/I:N/A:H", "CWE-1333",
                    "Python Packaging Authority setuptools allows remote attackers to cause a denial of service via HTML in a crafted package."),
            vuln("CVE-2023-2650", "openssl", "3.0.8-1", "3.0.9-1", "Medium", 6.5,
                    "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:U/C:N/I:N/A:H", "CWE-770",
                    "Processing some specially crafted ASN.1 object identifiers or data containing them may be very slow."),
            vuln("GHSA-9wx4-h78v-vm56", "requests", "2.31.0", "2.32.0", "Medium", 5.6,
                    "CVSS:3.1/AV:L/AC:H/PR:H/UI:R/S:U/C:H/I:H/A:N", null,
                    "Requests Session object does not verify requests after making first request with verify=False."),
            vuln("CVE-2023-29383", "login", "1:4.13+dfsg1-1", null, "Low", 3.3,
                    "CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:N/I:L/A:N", "CWE-74",
                    "In Shadow 4.13, it is possible to inject control characters into fields provided to the SUID program chfn."),
            vuln("CVE-2011-3374", "apt", "2.6.1", null, "Low", 3.7,
                    "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:N/I:L/A:N", "CWE-347",
                    "It was found that apt-key in apt, all versions, do not correctly validate gpg keys with the master keyring."),
            vuln("TEMP-0841856-B18BAF", "bash", "5.2.15-2", null, "Unknown", null, null, null,
                    "[Privilege escalation possible to other user than root]"),
            vuln("DLA-3725-1", "libgnutls30", "3.7.9-2", "3.7.9-2+deb12u1", "Negligible", null, null, null, null),
    };

    private DemoRegistry() {
    }

    private static SimulatedRegistry.Vuln vuln(String id, String pkg, String version, String fix, String severity,
                                               Double score, String vector, String cwe, String description) {
        return new SimulatedRegistry.Vuln(id, pkg, version, fix, severity, description, score, vector,
                cwe == null ? null : List.of(cwe), id.startsWith("CVE") ? List.of("https://avd.aquasec.com/nvd/" + id.toLowerCase()) : null);
    }

    /** The demo registry: scans of the last day (and a few older ones outside the first look-back window). */
    /** The image the demo patches while it runs: it runs in production with four critical vulnerabilities. */
    public static final String PATCHED_REPOSITORY = "library/nginx";
    public static final String PATCHED_TAG = "1.25.3";

    /**
     * Its maintainers' patch: the image is rescanned and no longer reports its critical vulnerabilities, so the next
     * cycle finds their groups resolved (latest-scan truth) and the funnel shrinks.
     *
     * @return how many critical findings the rescan no longer reports
     */
    public static int patch(SimulatedRegistry r, Instant now) {
        SimulatedRegistry.Artifact image = r.artifacts().stream()
                .filter(a -> a.repository().equals(PATCHED_REPOSITORY) && a.tags() != null && a.tags().contains(PATCHED_TAG))
                .findFirst().orElseThrow();
        List<SimulatedRegistry.Vuln> before = image.scan().vulnerabilities().get();
        List<SimulatedRegistry.Vuln> after = before.stream().filter(v -> !"Critical".equals(v.severity())).toList();
        r.rescan(image, now, after.size(), () -> after);
        return before.size() - after.size();
    }

    public static SimulatedRegistry create(Instant now) {
        SimulatedRegistry r = new SimulatedRegistry("v2.13.1-a1b2c3d4", ROBOT, SECRET);
        Random random = new Random(42);
        r.project("library", true);
        r.project("payments", false);
        r.project("platform", false);
        r.project("data-science", false);
        String[][] images = {
                {"library/nginx", "1.25.2", "1.25.3", "latest"}, {"library/redis", "7.2.4"}, {"library/postgres", "16.2"},
                {"payments/checkout-api", "2.4.0", "2.4.1"}, {"payments/backend/ledger", "1.9.3"}, {"payments/backend/fraud-scoring", "0.7.0"},
                {"platform/ingress-controller", "1.10.0"}, {"platform/cert-manager", "1.14.4"}, {"platform/tools/debug-shell"},
                {"data-science/notebook", "2024.03"}, {"data-science/model-serving", "3.1.0", "3.2.0-rc1"},
        };
        for (String[] image : images) {
            List<String> tags = image.length == 1 ? null : List.of(image).subList(1, image.length);
            int versions = tags == null ? 1 : tags.size();
            for (int v = 0; v < versions; v++) {
                Instant end = now.minus(Duration.ofMinutes(20 + random.nextInt(20 * 60)));
                String mime = image[0].startsWith("library/redis") ? ReportMimeTypes.V1_0 : ReportMimeTypes.V1_1;
                List<SimulatedRegistry.Vuln> vulns = pick(random, 3 + random.nextInt(10));
                SimulatedRegistry.Scan scan = new SimulatedRegistry.Scan(UUID.nameUUIDFromBytes((image[0] + v).getBytes()).toString(),
                        "Success", end.minusSeconds(30 + random.nextInt(60)), end, mime, "Trivy", "Aqua Security", "v0.56.2",
                        vulns.size(), () -> vulns);
                r.push(image[0], digest(random), "IMAGE", tags == null ? null : List.of(tags.get(v)), scan);
            }
        }
        // older than the first run's 24 h look-back: only a backfill sends it
        List<SimulatedRegistry.Vuln> old = pick(random, 4);
        r.push("library/nginx", digest(random), "IMAGE", List.of("1.23.0"), new SimulatedRegistry.Scan(UUID.randomUUID().toString(),
                "Success", now.minus(Duration.ofDays(30)), now.minus(Duration.ofDays(30)), ReportMimeTypes.V1_1, "Trivy",
                "Aqua Security", "v0.49.0", old.size(), () -> old));
        // a failed scan, a running one and a chart: none is coverage
        r.push("platform/cert-manager", digest(random), "IMAGE", List.of("1.15.0-beta"), new SimulatedRegistry.Scan(
                UUID.randomUUID().toString(), "Error", now.minusSeconds(3600), now.minusSeconds(3500), ReportMimeTypes.V1_1,
                "Trivy", "Aqua Security", "v0.56.2", 0, List::of));
        r.push("payments/checkout-api", digest(random), "IMAGE", List.of("2.5.0-snapshot"), new SimulatedRegistry.Scan(
                UUID.randomUUID().toString(), "Running", now.minusSeconds(60), null, ReportMimeTypes.V1_1,
                "Trivy", "Aqua Security", "v0.56.2", 0, List::of));
        r.push("platform/charts", digest(random), "CHART", List.of("0.3.1"), null);
        auditTrail(r, now, random);
        return r;
    }

    /**
     * Who did what: history in the pre-2.13 table, then a day and a half of pushes, pulls, logins (one failed), a new
     * robot and a configuration change in the 2.13 table. Rows older than the first run's 24 h look-back stay behind.
     */
    private static void auditTrail(SimulatedRegistry r, Instant now, Random random) {
        for (int i = 0; i < 5; i++) {
            r.audit(AuditStream.LEGACY, "admin", "create", "project", "project-" + i, null, true, now.minus(Duration.ofDays(400 - i)));
        }
        Instant t = now.minus(Duration.ofHours(30));
        r.audit(AuditStream.EXTS, "admin", "login", "user", "admin", "login", true, t);
        r.audit(AuditStream.EXTS, "admin", "update", "configuration", "configuration", "update configuration: audit_log_forward_endpoint", true, t.plusSeconds(60));
        Duration step = Duration.ofHours(28).dividedBy(r.artifacts().size() + 1);
        for (SimulatedRegistry.Artifact a : r.artifacts()) {
            t = t.plus(step).plusSeconds(random.nextInt(600));
            String ref = a.repository() + "@" + a.digest();
            r.audit(AuditStream.EXTS, "robot$ci-pusher", "create", "artifact", ref, "push artifact: " + ref, true, t);
            r.audit(AuditStream.EXTS, "robot$k8s-puller", "pull", "artifact", ref, "pull artifact: " + ref, true, t.plusSeconds(90));
        }
        Instant recent = now.minus(Duration.ofMinutes(25));
        r.audit(AuditStream.EXTS, "mallory", "login", "user", "mallory", "login", false, recent);
        r.audit(AuditStream.EXTS, "alice", "login", "user", "alice", "login", true, recent.plusSeconds(30));
        r.audit(AuditStream.EXTS, "alice", "create", "robot", "robot$release-bot", "create robot with name: robot$release-bot", true, recent.plusSeconds(120));
        r.audit(AuditStream.EXTS, "alice", "delete", "tag", "payments/checkout-api:2.4.0", "delete tag: payments/checkout-api:2.4.0", true, recent.plusSeconds(300));
    }

    private static List<SimulatedRegistry.Vuln> pick(Random random, int n) {
        List<SimulatedRegistry.Vuln> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            SimulatedRegistry.Vuln v = CATALOGUE[random.nextInt(CATALOGUE.length)];
            if (!out.contains(v)) {
                out.add(v);
            }
        }
        return out;
    }

    private static String digest(Random random) {
        StringBuilder sb = new StringBuilder("sha256:");
        for (int i = 0; i < 32; i++) {
            sb.append(String.format("%02x", random.nextInt(256)));
        }
        return sb.toString();
    }

    /**
     * A uniform registry for the benchmark: {@code artifacts} images over 20 projects, each scanned within the last
     * hour with {@code findingsPerArtifact} findings generated on demand.
     */
    public static SimulatedRegistry synthetic(int artifacts, int findingsPerArtifact, Instant now) {
        SimulatedRegistry r = new SimulatedRegistry("v2.13.1-bench000", ROBOT, SECRET);
        Random random = new Random(7);
        for (int p = 0; p < 20; p++) {
            r.project("team-" + p, false);
        }
        for (int i = 0; i < artifacts; i++) {
            int seed = i;
            SimulatedRegistry.Scan scan = new SimulatedRegistry.Scan(UUID.nameUUIDFromBytes(("bench" + i).getBytes()).toString(),
                    "Success", now.minusSeconds(600), now.minusSeconds(300), ReportMimeTypes.V1_1, "Trivy",
                    "Aqua Security", "v0.56.2", findingsPerArtifact, () -> generated(seed, findingsPerArtifact));
            r.push("team-" + (i % 20) + "/service-" + (i % 150), digest(random), "IMAGE", List.of("1." + i), scan);
        }
        return r;
    }

    private static List<SimulatedRegistry.Vuln> generated(int seed, int n) {
        List<SimulatedRegistry.Vuln> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            SimulatedRegistry.Vuln base = CATALOGUE[(seed + i) % CATALOGUE.length];
            out.add(new SimulatedRegistry.Vuln(base.id(), base.pkg() + "-" + i, base.version(), base.fixVersion(),
                    base.severity(), base.description(), base.cvssV3(), base.vectorV3(), base.cweIds(), base.links()));
        }
        return out;
    }
}
