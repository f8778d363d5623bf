package io.github.harbordt.harbor;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.github.harbordt.mapping.JsonString;
import io.github.harbordt.mapping.Vulnerability;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the body of {@code additions/vulnerabilities}: {@code {"<mime>": report}} in either format, or {@code {}} when
 * Harbor has no report for the accepted types. Entries that cannot identify a finding are returned as rejects with
 * their reason and their exact JSON instead of failing the whole artifact.
 * <p>
 * Streamed: a report is the largest thing the connector reads (~240 kB for 200 findings), and only a dozen of each
 * entry's fields are used, so the parser takes those off the token stream without building a tree. Harbor's quirks
 * are read as {@link Json} reads them: blank and {@code null} values are absent, a score of 0 is no score.
 */
public final class ReportParser {

    private static final JsonFactory JSON = new JsonFactory();

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

    /** @throws IOException when the body is not JSON (an answer cut off on the way) */
    public static Report parse(byte[] body) throws IOException {
        if (body == null || body.length == 0) {
            return NONE;
        }
        try (JsonParser p = JSON.createParser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return NONE;
            }
            Report chosen = NONE;
            int chosenRank = Integer.MAX_VALUE;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                int rank = ReportMimeTypes.PREFERENCE.indexOf(p.currentName());
                if (p.nextToken() == JsonToken.START_OBJECT && rank >= 0 && rank < chosenRank) {
                    chosen = report(p, body);
                    chosenRank = rank;
                } else {
                    p.skipChildren();
                }
            }
            return chosen;
        }
    }

    private static Report report(JsonParser p, byte[] body) throws IOException {
        String scannerName = null;
        String scannerVendor = null;
        List<Vulnerability> found = new ArrayList<>();
        List<Rejected> rejected = new ArrayList<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken value = p.nextToken();
            if (field.equals("scanner") && value == JsonToken.START_OBJECT) {
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String key = p.currentName();
                    p.nextToken();
                    if (key.equals("name")) {
                        scannerName = text(p);
                    } else if (key.equals("vendor")) {
                        scannerVendor = text(p);
                    } else {
                        p.skipChildren();
                    }
                }
            } else if (field.equals("vulnerabilities") && value == JsonToken.START_ARRAY) {
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    if (p.currentToken() == JsonToken.START_OBJECT) {
                        entry(p, body, found, rejected);
                    } else {
                        rejected.add(new Rejected("vulnerability entry is not a JSON object", p.getText()));
                        p.skipChildren();
                    }
                }
            } else {
                p.skipChildren();
            }
        }
        return new Report(true, scannerName, scannerVendor, found, rejected);
    }

    /** One entry, from its START_OBJECT to its END_OBJECT. */
    private static void entry(JsonParser p, byte[] body, List<Vulnerability> found, List<Rejected> rejected) throws IOException {
        long start = p.currentTokenLocation().getByteOffset();
        String id = null;
        String cveId = null;
        String pkg = null;
        String version = null;
        String fixVersion = null;
        String fixedVersion = null;
        String severity = null;
        JsonString description = null;
        JsonString desc = null;
        Double preferredScore = null;
        String preferredVector = null;
        Double nvdScore = null;
        String nvdVector = null;
        Double listScore = null;
        List<String> cwes = List.of();
        // a description is kept as its literal: where it ends is known once the parser has skipped it
        long literalStart = -1;
        boolean literalIsDesc = false;
        for (JsonToken t = p.nextToken(); ; t = p.nextToken()) {
            if (literalStart >= 0) {
                JsonString s = JsonString.literal(body, (int) literalStart, literalEnd(body, p.currentTokenLocation().getByteOffset()));
                if (literalIsDesc) {
                    desc = s;
                } else {
                    description = s;
                }
                literalStart = -1;
            }
            if (t != JsonToken.FIELD_NAME) {
                break;
            }
            String field = p.currentName();
            JsonToken value = p.nextToken();
            if ((field.equals("description") || field.equals("desc")) && value == JsonToken.VALUE_STRING) {
                literalStart = p.currentTokenLocation().getByteOffset();
                literalIsDesc = field.equals("desc");
                continue;
            }
            switch (field) {
                case "id" -> id = text(p);
                case "cve_id" -> cveId = text(p);
                case "package" -> pkg = text(p);
                case "version" -> version = text(p);
                case "fix_version" -> fixVersion = text(p);
                case "fixed_version" -> fixedVersion = text(p);
                case "severity" -> severity = text(p);
                case "description" -> description = JsonString.of(text(p));
                case "desc" -> desc = JsonString.of(text(p));
                case "cvss_v3_score" -> listScore = positive(p);
                case "cwe_ids" -> cwes = strings(p);
                case "preferred_cvss" -> {
                    Object[] cvss = cvss(p, "score_v3", "vector_v3");
                    preferredScore = (Double) cvss[0];
                    preferredVector = (String) cvss[1];
                }
                case "vendor_attributes" -> {
                    Object[] nvd = nvd(p);
                    nvdScore = (Double) nvd[0];
                    nvdVector = (String) nvd[1];
                }
                default -> p.skipChildren();
            }
        }
        id = id != null ? id : cveId;
        if (id == null || pkg == null || version == null) {
            long end = p.currentTokenLocation().getByteOffset() + 1;
            rejected.add(new Rejected("vulnerability without id, package or version",
                    new String(body, (int) start, (int) (end - start), StandardCharsets.UTF_8)));
            return;
        }
        Double score = preferredScore != null ? preferredScore : nvdScore != null ? nvdScore : listScore;
        found.add(new Vulnerability(id, pkg, version, fixVersion != null ? fixVersion : fixedVersion, severity,
                description != null ? description : desc, score, preferredVector != null ? preferredVector : nvdVector, cwes));
    }

    /** {@code vendor_attributes.CVSS.nvd}: NVD's own score and vector, the fallback when the scanner prefers none. */
    private static Object[] nvd(JsonParser p) throws IOException {
        Object[] nvd = {null, null};
        if (p.currentToken() != JsonToken.START_OBJECT) {
            p.skipChildren();
            return nvd;
        }
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            if (p.nextToken() == JsonToken.START_OBJECT && field.equals("CVSS")) {
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String source = p.currentName();
                    p.nextToken();
                    if (source.equals("nvd")) {
                        nvd = cvss(p, "V3Score", "V3Vector");
                    } else {
                        p.skipChildren();
                    }
                }
            } else {
                p.skipChildren();
            }
        }
        return nvd;
    }

    /** A CVSS object's positive score and non-blank vector, each null when absent. */
    private static Object[] cvss(JsonParser p, String scoreField, String vectorField) throws IOException {
        Object[] cvss = {null, null};
        if (p.currentToken() != JsonToken.START_OBJECT) {
            p.skipChildren();
            return cvss;
        }
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            p.nextToken();
            if (field.equals(scoreField)) {
                cvss[0] = positive(p);
            } else if (field.equals(vectorField)) {
                cvss[1] = text(p);
            } else {
                p.skipChildren();
            }
        }
        return cvss;
    }

    /** A string kept as its literal (see {@link JsonString}); other scalars as text; null when blank or absent. */
    /** Just after a string's closing quote, from where the next token starts: only white space and a comma lie between. */
    private static int literalEnd(byte[] body, long nextToken) {
        int i = (int) nextToken - 1;
        while (body[i] != '"') {
            i--;
        }
        return i + 1;
    }

    /** A scalar as text; null for null, blank, an object or an array. */
    private static String text(JsonParser p) throws IOException {
        JsonToken t = p.currentToken();
        if (t.isStructStart()) {
            p.skipChildren();
            return null;
        }
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        String s = p.getText();
        return s.isBlank() ? null : s;
    }

    private static Double positive(JsonParser p) throws IOException {
        JsonToken t = p.currentToken();
        if (t.isStructStart()) {
            p.skipChildren();
            return null;
        }
        if (!t.isNumeric()) {
            return null;
        }
        double v = p.getDoubleValue();
        return v > 0 ? v : null;
    }

    private static List<String> strings(JsonParser p) throws IOException {
        if (p.currentToken() != JsonToken.START_ARRAY) {
            p.skipChildren();
            return List.of();
        }
        List<String> out = new ArrayList<>(2);
        while (p.nextToken() != JsonToken.END_ARRAY) {
            if (p.currentToken() == JsonToken.VALUE_STRING && !p.getText().isBlank()) {
                out.add(p.getText());
            } else {
                p.skipChildren();
            }
        }
        return out;
    }
}
