package io.github.harbordt.config;

import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Include/exclude patterns for project or repository names: comma-separated globs where {@code *} matches any
 * run of characters (including {@code /}) and {@code ?} one character. Empty include list = everything.
 */
public final class NameFilter {

    private final List<Pattern> includes;
    private final List<Pattern> excludes;

    public NameFilter(String includes, String excludes) {
        this.includes = compile(includes);
        this.excludes = compile(excludes);
    }

    public static NameFilter all() {
        return new NameFilter("", "");
    }

    public boolean accepts(String name) {
        boolean included = includes.isEmpty() || includes.stream().anyMatch(p -> p.matcher(name).matches());
        return included && excludes.stream().noneMatch(p -> p.matcher(name).matches());
    }

    private static List<Pattern> compile(String globs) {
        if (globs == null || globs.isBlank()) {
            return List.of();
        }
        return Arrays.stream(globs.split(",")).map(String::trim).filter(s -> !s.isEmpty())
                .map(NameFilter::toRegex).map(Pattern::compile).toList();
    }

    private static String toRegex(String glob) {
        StringBuilder re = new StringBuilder();
        for (char c : glob.toCharArray()) {
            switch (c) {
                case '*' -> re.append(".*");
                case '?' -> re.append('.');
                default -> re.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return re.toString();
    }
}
