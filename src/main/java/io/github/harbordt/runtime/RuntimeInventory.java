package io.github.harbordt.runtime;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Pod;
import io.github.harbordt.config.StageRules;
import io.github.harbordt.mapping.RuntimeContext;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What runs, at one moment, in every configured cluster: running containers by image digest, the repositories of
 * running containers whose digest is unknown, and which clusters could not be listed. Immutable once built; a
 * refresh builds a new one. Lookups are hash lookups, so matching costs the same whatever the inventory's size.
 */
public final class RuntimeInventory {

    private final Map<String, List<RunningContainer>> byDigest;
    private final Set<String> unresolvedRepositories;
    private final Map<String, String> unlistedClusters;
    private final Stats stats;

    /** Counts of the last build, for the refresh log line. */
    public record Stats(int pods, int runningContainers, int unresolved, int digests) {
    }

    private RuntimeInventory(Map<String, List<RunningContainer>> byDigest, Set<String> unresolvedRepositories,
                             Map<String, String> unlistedClusters, Stats stats) {
        this.byDigest = byDigest;
        this.unresolvedRepositories = unresolvedRepositories;
        this.unlistedClusters = unlistedClusters;
        this.stats = stats;
    }

    /** Before the first listing every cluster is unlisted: everything is UNKNOWN, nothing NOT_RUNNING. */
    public static RuntimeInventory notListedYet(Collection<String> clusters) {
        Map<String, String> unlisted = new TreeMap<>();
        clusters.forEach(c -> unlisted.put(c, "not listed yet"));
        return new RuntimeInventory(Map.of(), Set.of(), unlisted, new Stats(0, 0, 0, 0));
    }

    public Stats stats() {
        return stats;
    }

    /** The clusters this inventory knows nothing of, with why. */
    public Map<String, String> unlistedClusters() {
        return unlistedClusters;
    }

    /**
     * The runtime context of an image: {@code digest} and its {@code aliases} (the other digests of a multi-platform
     * image) looked up; {@code repository} (full name, e.g. {@code library/nginx}) decides between NOT_RUNNING and
     * UNKNOWN when a container of that repository runs under a tag nobody could resolve.
     */
    public RuntimeContext contextOf(String digest, List<String> aliases, String repository) {
        List<RunningContainer> found = new ArrayList<>(byDigest.getOrDefault(digest, List.of()));
        for (String alias : aliases) {
            found.addAll(byDigest.getOrDefault(alias, List.of()));
        }
        if (found.isEmpty()) {
            boolean maybe = !unlistedClusters.isEmpty() || unresolvedRepositories.contains(repository);
            return maybe ? RuntimeContext.unknown() : RuntimeContext.notRunning();
        }
        Set<String> clusters = new TreeSet<>();
        Set<String> namespaces = new TreeSet<>();
        Set<Workload> workloads = new TreeSet<>(Comparator.comparing(Workload::kind).thenComparing(Workload::name));
        Set<String> stages = new TreeSet<>();
        for (RunningContainer c : found) {
            clusters.add(c.cluster());
            namespaces.add(c.namespace());
            workloads.add(c.workload());
            if (c.stage() != null) {
                stages.add(c.stage());
            }
        }
        return new RuntimeContext(RuntimeContext.Status.RUNNING, found.size(), List.copyOf(clusters),
                List.copyOf(namespaces), workloads.stream().map(Workload::kind).toList(),
                workloads.stream().map(Workload::name).toList(), List.copyOf(stages));
    }

    /** Collects one listing per cluster, then {@link #build()}s the inventory. */
    public static final class Builder {
        private final Map<String, List<RunningContainer>> byDigest = new HashMap<>();
        private final Set<String> unresolved = new HashSet<>();
        private final Map<String, String> unlisted = new LinkedHashMap<>();
        private int pods;
        private int running;
        private int unresolvedCount;

        /** A cluster's listing, fed page by page; it joins the inventory only once complete ({@link #listed}). */
        public ClusterListing cluster(String name, StageRules stages) {
            return new ClusterListing(name, stages);
        }

        /** A whole listing at once (files, the demo cluster, tests). */
        public Builder listed(String cluster, Collection<Pod> clusterPods, Collection<Namespace> namespaces, StageRules stages) {
            ClusterListing listing = cluster(cluster, stages);
            listing.namespaces(namespaces);
            listing.pods(clusterPods);
            return listed(listing);
        }

        public Builder listed(ClusterListing listing) {
            listing.byDigest.forEach((digest, containers) ->
                    byDigest.computeIfAbsent(digest, d -> new ArrayList<>(containers.size())).addAll(containers));
            unresolved.addAll(listing.unresolved);
            pods += listing.pods;
            running += listing.running;
            unresolvedCount += listing.unresolvedCount;
            return this;
        }

        /** The cluster could not be listed: nothing is NOT_RUNNING while it is unknown. */
        public Builder unlisted(String cluster, String problem) {
            unlisted.put(cluster, problem);
            return this;
        }

        public RuntimeInventory build() {
            return new RuntimeInventory(Map.copyOf(byDigest), Set.copyOf(unresolved), Map.copyOf(unlisted),
                    new Stats(pods, running, unresolvedCount, byDigest.size()));
        }
    }

    /**
     * One cluster's running containers, reduced as each page of pods arrives, so a 50,000-pod cluster never sits in
     * memory as pod objects. Namespaces (their labels) come first.
     */
    public static final class ClusterListing {
        private final String cluster;
        private final StageRules stages;
        private final Map<String, Map<String, String>> namespaceLabels = new HashMap<>();
        private final Map<String, List<RunningContainer>> byDigest = new HashMap<>();
        private final Set<String> unresolved = new HashSet<>();
        private int pods;
        private int running;
        private int unresolvedCount;

        private ClusterListing(String cluster, StageRules stages) {
            this.cluster = cluster;
            this.stages = stages;
        }

        public void namespaces(Collection<Namespace> namespaces) {
            for (Namespace n : namespaces) {
                namespaceLabels.put(n.getMetadata().getName(), n.getMetadata().getLabels());
            }
        }

        /** Adds a page of pods; only containers in state running count. */
        public void pods(Collection<Pod> page) {
            for (Pod pod : page) {
                pods++;
                if (pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null) {
                    continue;
                }
                String namespace = pod.getMetadata().getNamespace();
                Workload workload = Workload.of(pod);
                String stage = stages.stageOf(pod.getMetadata().getLabels(), namespaceLabels.get(namespace), namespace);
                Map<String, String> specImages = new HashMap<>();
                if (pod.getSpec() != null && pod.getSpec().getContainers() != null) {
                    pod.getSpec().getContainers().forEach(c -> specImages.put(c.getName(), c.getImage()));
                }
                for (ContainerStatus cs : pod.getStatus().getContainerStatuses()) {
                    if (cs.getState() == null || cs.getState().getRunning() == null) {
                        continue;
                    }
                    running++;
                    ContainerImage ci = ContainerImage.of(cs.getImageID(), image(specImages.get(cs.getName()), cs.getImage()));
                    if (ci.resolved()) {
                        byDigest.computeIfAbsent(ci.digest(), d -> new ArrayList<>(1))
                                .add(new RunningContainer(cluster, namespace, workload, stage));
                    } else {
                        unresolvedCount++;
                        addWithSuffixes(ci.repositoryPath());
                    }
                }
            }
        }

        /**
         * A running container from a source that knows its image's digest and where it runs already (Dynatrace's own
         * entities): counted and matched as a pod's container is. Missing cluster, namespace or stage come from this
         * listing's cluster and its stage rules.
         */
        public void container(String digest, String clusterName, String namespace, Workload workload, String stage) {
            pods++;
            running++;
            String ns = namespace == null ? "" : namespace;
            byDigest.computeIfAbsent(digest, d -> new ArrayList<>(1)).add(new RunningContainer(
                    clusterName == null ? cluster : clusterName, ns, workload,
                    stage != null ? stage : stages.stageOf(null, null, ns)));
        }

        /** A digest-pinned reference wins (the pod's own, then the runtime's); else what the pod asked for. */
        private static String image(String spec, String status) {
            if (spec != null && spec.contains("@sha256:")) {
                return spec;
            }
            if (status != null && status.contains("@sha256:")) {
                return status;
            }
            return spec != null ? spec : status;
        }

        /**
         * A proxy-cache or mirror path ends with the repository name ({@code proxy/library/nginx} for
         * {@code library/nginx}): every {@code /}-suffix is kept, so the lookup stays one hash probe.
         */
        private void addWithSuffixes(String path) {
            String rest = path;
            unresolved.add(rest);
            for (int slash = rest.indexOf('/'); slash >= 0; slash = rest.indexOf('/')) {
                rest = rest.substring(slash + 1);
                unresolved.add(rest);
            }
        }
    }
}
