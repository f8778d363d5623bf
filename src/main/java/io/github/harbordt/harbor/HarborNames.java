package io.github.harbordt.harbor;

import java.util.regex.Pattern;

/**
 * Harbor's own naming rules for what a webhook names, checked before any of it goes into a Harbor URL: a webhook is
 * input from the network, and a name like {@code x/../../systeminfo?} would otherwise be sent to Harbor with the
 * robot's credentials.
 */
public final class HarborNames {

    /** Harbor's project names: lower case letters, digits and single {@code . _ -} between them, at most 255. */
    private static final Pattern PROJECT = Pattern.compile("[a-z0-9]+(?:[._-][a-z0-9]+)*");
    /** One path component of a repository name, as the distribution spec (and Harbor) allows it. */
    private static final String COMPONENT = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
    private static final Pattern REPOSITORY = Pattern.compile(COMPONENT + "(?:/" + COMPONENT + ")*");
    /** OCI digests: algorithm ':' encoded; sha256 and sha512 with their hex lengths. */
    private static final Pattern DIGEST = Pattern.compile("sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128}");

    private HarborNames() {
    }

    /** Null when the name is Harbor's, else why it is not. */
    public static String whyNotProject(String name) {
        if (name == null || name.length() > 255 || !PROJECT.matcher(name).matches()) {
            return "project name '" + shorten(name) + "' is not a Harbor project name";
        }
        return null;
    }

    /** Null when the full repository name ({@code project/repository}) is one Harbor accepts, else why not. */
    public static String whyNotRepository(String fullName) {
        if (fullName == null || fullName.length() > 255 || !REPOSITORY.matcher(fullName).matches()) {
            return "repository name '" + shorten(fullName) + "' is not a Harbor repository name";
        }
        return null;
    }

    /** Null when the digest is {@code sha256:<64 hex>} or {@code sha512:<128 hex>}, else why not. */
    public static String whyNotDigest(String digest) {
        if (digest == null || !DIGEST.matcher(digest).matches()) {
            return "digest '" + shorten(digest) + "' is not algorithm:hex (sha256:<64 hex digits>)";
        }
        return null;
    }

    private static String shorten(String s) {
        return s == null ? "" : s.length() > 80 ? s.substring(0, 80) + "..." : s;
    }
}
