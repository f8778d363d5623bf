package io.github.harbordt.harbor;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.harbordt.mapping.Vulnerability;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads the body of {@code additions/vulnerabilities}: {@code {"<mime>": report}} in either format, or {@code {}} when
 * Harbor has no report for the accepted types. Entries that cannot identify a finding are returned as rejects with
 * their reason instead of failing the whole artifact.
 */
public final class ReportParser {

    public record Rejected(String reason, String raw) {
    }

    /**
     * @param present false when Harbor answered {@code {}}: no report for the accepted mime types
     */
    public record Report(boolean present, String scannerName, String scannerVendor,
                         List<Vulnerability> vulnerabilities, List<Rejected> rejected) {
    }

    /** What a scan without a report (failed or stopped) contributes: nothing. */
    public static final Report NONE = new Report(false, null, null, List.of(), List.of());

    private ReportParser() {
    }

    public static Report parse(JsonNode body) {
        Optional<JsonNode> report = Optional.empty();
        if (body != null && body.isObject()) {
            for (String mime : ReportMimeTypes.PREFERENCE) {
                if (body.get(mime) != null && body.get(mime).isObject()) {
                    report = Optional.of(body.get(mime));
                    break;
                }
            }
        }
        if (report.isEmpty()) {
            return NONE;
        }
        JsonNode r = report.get();
        JsonNode scanner = r.get("scanner");
        JsonNode vulns = r.get("vulnerabilities");
        List<Vulnerability> found = new ArrayList<>(vulns == null ? 0 : vulns.size());
        List<Rejected> rejected = new ArrayList<>();
        if (vulns != null && vulns.isArray()) {
            for (JsonNode v : vulns) {
                String id = Json.text(v, "id", "cve_id");
                String pkg = Json.text(v, "package");
                String version = Json.text(v, "version");
                if (id == null || pkg == null || version == null) {
                    rejected.add(new Rejected("vulnerability without id, package or version", v.toString()));
                    continue;
                }
                found.add(new Vulnerability(id, pkg, version, Json.text(v, "fix_version", "fixed_version"),
                        Json.text(v, "severity"), Json.text(v, "description", "desc"), score(v), vector(v),
                        Json.strings(v, "cwe_ids")));
            }
        }
        return new Report(true, Json.text(scanner, "name"), Json.text(scanner, "vendor"), found, rejected);
    }

    /** CVSS v3: the scanner's preferred score, else NVD's from the vendor attributes, else the list-item spelling. */
    private static Double score(JsonNode v) {
        Double preferred = Json.positiveNumber(v.get("preferred_cvss"), "score_v3");
        if (preferred != null) {
            return preferred;
        }
        Double nvd = Json.positiveNumber(nvd(v), "V3Score");
        return nvd != null ? nvd : Json.positiveNumber(v, "cvss_v3_score");
    }

    private static String vector(JsonNode v) {
        String preferred = Json.text(v.get("preferred_cvss"), "vector_v3");
        return preferred != null ? preferred : Json.text(nvd(v), "V3Vector");
    }

    private static JsonNode nvd(JsonNode v) {
        JsonNode attrs = v.get("vendor_attributes");
        JsonNode cvss = attrs == null ? null : attrs.get("CVSS");
        return cvss == null ? null : cvss.get("nvd");
    }
}
