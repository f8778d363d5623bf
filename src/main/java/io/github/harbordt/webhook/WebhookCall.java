package io.github.harbordt.webhook;

/** A webhook accepted for a configured Harbor instance, queued for its check. */
public record WebhookCall(String instanceId, HarborWebhook webhook) {
}
