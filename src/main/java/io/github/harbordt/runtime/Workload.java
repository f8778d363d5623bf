package io.github.harbordt.runtime;

import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;

import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The workload a pod belongs to, from its owner references alone (no extra API calls, no extra RBAC): a ReplicaSet
 * carrying the pod's {@code pod-template-hash} is a Deployment's, a Job named {@code <name>-<schedule time>} is a
 * CronJob's; StatefulSets, DaemonSets and others own their pods directly; a bare pod is its own workload.
 */
public record Workload(String kind, String name) {

    private static final Pattern CRONJOB_JOB = Pattern.compile("(.+)-\\d{8,10}");

    public static Workload of(Pod pod) {
        List<OwnerReference> owners = pod.getMetadata().getOwnerReferences();
        OwnerReference owner = owners == null ? null : owners.stream()
                .filter(o -> Boolean.TRUE.equals(o.getController())).findFirst()
                .orElse(owners.isEmpty() ? null : owners.get(0));
        if (owner == null) {
            return new Workload("Pod", pod.getMetadata().getName());
        }
        Map<String, String> labels = pod.getMetadata().getLabels();
        String hash = labels == null ? null : labels.get("pod-template-hash");
        if ("ReplicaSet".equals(owner.getKind()) && hash != null && owner.getName().endsWith("-" + hash)) {
            return new Workload("Deployment", owner.getName().substring(0, owner.getName().length() - hash.length() - 1));
        }
        if ("Job".equals(owner.getKind())) {
            Matcher m = CRONJOB_JOB.matcher(owner.getName());
            if (m.matches()) {
                return new Workload("CronJob", m.group(1));
            }
        }
        return new Workload(owner.getKind(), owner.getName());
    }
}
