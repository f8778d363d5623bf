package io.github.harbordt.state;

/**
 * Identity of one completed scan of one artifact: the same artifact rescanned gets a new report id and end time, and
 * one digest pushed to two repositories is two artifacts sharing one report, each delivered as its own object.
 */
public record ScanRef(String instanceId, String repository, String digest, String reportId, String endTime)
        implements EventOrigin {
}
