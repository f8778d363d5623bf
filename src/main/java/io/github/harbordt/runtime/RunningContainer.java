package io.github.harbordt.runtime;

/** One running container of one pod, reduced to what the runtime context reports. */
public record RunningContainer(String cluster, String namespace, Workload workload, String stage) {
}
