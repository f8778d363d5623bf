package io.github.harbordt.config;

import io.github.harbordt.mapping.RiskLevel;
import io.github.harbordt.mapping.RuntimeContext;
import io.github.harbordt.state.SightedGroup;

import java.time.Duration;
import java.util.List;

/**
 * Which findings count and which groups deserve a notification: at least {@code threshold}, in images that run
 * ({@code requireRunning}) in production ({@code requireProduction}), first seen so within {@code newWithin}. As in
 * Dynatrace's own query, findings are filtered by runtime before they are grouped: a vulnerability is new when it is
 * new in production, and only such sightings are remembered. "Never notified before" is the store's part: a group
 * with a notification row is not offered again.
 */
public record NotificationRules(RiskLevel threshold, Duration newWithin, Duration retention, boolean requireRunning,
                                boolean requireProduction, String productionStage) {

    public boolean atLeastThreshold(String riskLevel) {
        return RiskLevel.valueOf(riskLevel).atLeast(threshold);
    }

    /** Whether a finding of an image with this runtime counts (null runtime: no cluster configured). */
    public boolean counts(RuntimeContext runtime) {
        return runtime == null ? !requireRunning && !requireProduction
                : counts(runtime.status().name(), runtime.stages());
    }

    private boolean counts(String runtimeStatus, List<String> stages) {
        boolean running = RuntimeContext.Status.RUNNING.name().equals(runtimeStatus);
        if (requireProduction) {
            return running && stages.contains(productionStage);
        }
        return !requireRunning || running;
    }

    /** The images that make the group worth a notification, as they ran at their last sighting; empty when none. */
    public List<SightedGroup.Image> affected(SightedGroup group) {
        if (!atLeastThreshold(group.riskLevel())) {
            return List.of();
        }
        return group.images().stream().filter(i -> counts(i.runtimeStatus(), i.stages())).toList();
    }
}
