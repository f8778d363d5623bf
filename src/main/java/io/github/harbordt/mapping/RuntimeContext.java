package io.github.harbordt.mapping;

import java.util.List;

/**
 * Where an image runs: the answer the events carry (README, "Runtime context"). Lists are distinct and sorted;
 * {@code workloadKinds} and {@code workloadNames} are pairs, index by index.
 *
 * @param status RUNNING when at least one running container runs the image; NOT_RUNNING only when every cluster
 *               was listed and nothing that could be this image runs; UNKNOWN otherwise (a cluster could not be
 *               listed, or a running container's image is a tag that could not be resolved to a digest)
 */
public record RuntimeContext(Status status, int runningContainers, List<String> clusters, List<String> namespaces,
                             List<String> workloadKinds, List<String> workloadNames, List<String> stages) {

    public enum Status { RUNNING, NOT_RUNNING, UNKNOWN }

    public static RuntimeContext notRunning() {
        return new RuntimeContext(Status.NOT_RUNNING, 0, List.of(), List.of(), List.of(), List.of(), List.of());
    }

    public static RuntimeContext unknown() {
        return new RuntimeContext(Status.UNKNOWN, 0, List.of(), List.of(), List.of(), List.of(), List.of());
    }

    public boolean running() {
        return status == Status.RUNNING;
    }

    public boolean runsIn(String stage) {
        return running() && stages.contains(stage);
    }
}
