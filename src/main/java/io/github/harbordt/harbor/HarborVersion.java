package io.github.harbordt.harbor;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Harbor's release from {@code /systeminfo} ({@code "v2.13.1-abcdef12"}): decides which calls exist. */
public record HarborVersion(int major, int minor, int patch) implements Comparable<HarborVersion> {

    private static final Pattern FORM = Pattern.compile("v?(\\d+)\\.(\\d+)(?:\\.(\\d+))?.*");

    public static Optional<HarborVersion> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        Matcher m = FORM.matcher(text.trim());
        if (!m.matches()) {
            return Optional.empty();
        }
        return Optional.of(new HarborVersion(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
                m.group(3) == null ? 0 : Integer.parseInt(m.group(3))));
    }

    public boolean atLeast(int major, int minor) {
        return compareTo(new HarborVersion(major, minor, 0)) >= 0;
    }

    /** {@code GET /projects/{p}/artifacts} lists a whole project in one paged call since 2.12. */
    public boolean hasProjectArtifactList() {
        return atLeast(2, 12);
    }

    /** Webhook policies can ask for the CloudEvents payload format since 2.8. */
    public boolean hasCloudEvents() {
        return atLeast(2, 8);
    }

    /** {@code GET /auditlog-exts} (with login, user, robot and configuration events) replaced the old table in 2.13. */
    public boolean hasAuditLogExts() {
        return atLeast(2, 13);
    }

    @Override
    public int compareTo(HarborVersion o) {
        int c = Integer.compare(major, o.major);
        if (c == 0) {
            c = Integer.compare(minor, o.minor);
        }
        return c == 0 ? Integer.compare(patch, o.patch) : c;
    }

    @Override
    public String toString() {
        return major + "." + minor + "." + patch;
    }
}
