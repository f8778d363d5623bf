package io.github.harbordt.harbor;

import java.util.List;

/** The two vulnerability report formats Harbor negotiates through {@code X-Accept-Vulnerabilities}. */
public final class ReportMimeTypes {

    public static final String V1_1 = "application/vnd.security.vulnerability.report; version=1.1";
    public static final String V1_0 = "application/vnd.scanner.adapter.vuln.report.harbor+json; version=1.0";
    /** Sent on every call: without it Harbor before 2.6 offers only 1.0 and a 1.1 scanner's data looks absent. */
    public static final String ACCEPT_HEADER = V1_1 + ", " + V1_0;
    public static final List<String> PREFERENCE = List.of(V1_1, V1_0);

    private ReportMimeTypes() {
    }
}
