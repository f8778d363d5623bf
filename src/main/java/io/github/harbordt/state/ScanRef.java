package io.github.harbordt.state;

/** Identity of one completed scan: the same artifact rescanned gets a new report id and end time. */
public record ScanRef(String instanceId, String digest, String reportId, String endTime) implements EventOrigin {
}
