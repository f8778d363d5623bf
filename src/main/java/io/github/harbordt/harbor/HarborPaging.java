package io.github.harbordt.harbor;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Harbor's paging rules (harbor-api.md §1.7): the {@code Link} header is relative, its query is written
 * unescaped (raw {@code , [ ~ ]} and spaces from {@code q}), several links are joined by {@code " , "}, and there is
 * a next page only while a page comes back full.
 */
public final class HarborPaging {

    private static final Pattern NEXT = Pattern.compile("<([^>]*)>\\s*;\\s*rel=\"next\"");

    private HarborPaging() {
    }

    /**
     * The absolute URL of the next page, or empty when there is none. A link to another host (or scheme) is refused:
     * the robot's credentials only ever go to the configured Harbor.
     */
    public static Optional<String> nextPage(String linkHeader, String baseUrl, int itemsOnPage, int pageSize) {
        if (itemsOnPage == 0 || itemsOnPage < pageSize || linkHeader == null) {
            return Optional.empty();
        }
        Matcher m = NEXT.matcher(linkHeader);
        if (!m.find()) {
            return Optional.empty();
        }
        String link = m.group(1).trim();
        URI base = URI.create(baseUrl);
        if (link.startsWith("/")) {
            return Optional.of(origin(base) + reencode(link));
        }
        URI absolute = URI.create(reencode(link));
        if (!origin(absolute).equalsIgnoreCase(origin(base))) {
            throw new HarborException("Harbor sent a next-page link to another host (" + origin(absolute)
                    + "); refusing to send credentials there. Check harbor.url points at Harbor itself, not a proxy that rewrites links.");
        }
        return Optional.of(absolute.toString());
    }

    private static String origin(URI uri) {
        return uri.getScheme() + "://" + uri.getRawAuthority();
    }

    /** Encodes each query value once, so the raw query Harbor echoes becomes a valid URI again. */
    static String reencode(String link) {
        int q = link.indexOf('?');
        if (q < 0) {
            return link;
        }
        StringBuilder out = new StringBuilder(link.substring(0, q + 1));
        String[] params = link.substring(q + 1).split("&");
        for (int i = 0; i < params.length; i++) {
            if (i > 0) {
                out.append('&');
            }
            String param = params[i];
            int eq = param.indexOf('=');
            if (eq < 0) {
                out.append(encode(param));
            } else {
                out.append(encode(param.substring(0, eq))).append('=').append(encode(param.substring(eq + 1)));
            }
        }
        return out.toString();
    }

    public static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /**
     * A repository name as a path segment: without its project prefix and with {@code /} encoded twice
     * ({@code team/app} becomes {@code team%252Fapp}), because Harbor decodes the segment once more itself.
     */
    public static String repositorySegment(String projectName, String repositoryFullName) {
        String name = repositoryFullName.startsWith(projectName + "/")
                ? repositoryFullName.substring(projectName.length() + 1) : repositoryFullName;
        return encode(name).replace("%2F", "%252F");
    }
}
