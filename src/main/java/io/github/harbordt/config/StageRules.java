package io.github.harbordt.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Which stage (production, staging, ...) a running container is in, in this order: the pod's {@code label}, its
 * namespace's {@code label}, the first namespace-name pattern that matches, the cluster's default stage; null when
 * none says.
 *
 * @param label            a label key such as {@code environment}; empty = labels are not used
 * @param namespacePatterns e.g. {@code prod-*=production,staging-*=staging}
 */
public record StageRules(String label, List<Rule> namespacePatterns, String defaultStage) {

    public record Rule(NameFilter namespaces, String stage) {
    }

    /** Reads {@code pattern=stage,pattern=stage}; throws naming {@code setting} when a pair is malformed. */
    public static List<Rule> parse(String setting, String value) {
        List<Rule> rules = new ArrayList<>();
        for (String pair : value.split(",")) {
            if (pair.isBlank()) {
                continue;
            }
            int eq = pair.indexOf('=');
            if (eq <= 0 || eq == pair.length() - 1) {
                throw new IllegalArgumentException(setting + " must be pattern=stage pairs such as prod-*=production; "
                        + "got '" + pair.trim() + "'");
            }
            rules.add(new Rule(new NameFilter(pair.substring(0, eq).trim(), ""), pair.substring(eq + 1).trim()));
        }
        return List.copyOf(rules);
    }

    public String stageOf(Map<String, String> podLabels, Map<String, String> namespaceLabels, String namespace) {
        if (!label.isEmpty()) {
            String own = podLabels == null ? null : podLabels.get(label);
            if (own != null && !own.isBlank()) {
                return own;
            }
            String inherited = namespaceLabels == null ? null : namespaceLabels.get(label);
            if (inherited != null && !inherited.isBlank()) {
                return inherited;
            }
        }
        for (Rule r : namespacePatterns) {
            if (r.namespaces().accepts(namespace)) {
                return r.stage();
            }
        }
        return defaultStage.isEmpty() ? null : defaultStage;
    }
}
