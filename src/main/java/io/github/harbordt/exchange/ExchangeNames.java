package io.github.harbordt.exchange;

/**
 * The name of every header and exchange property the connector's routes carry, one constant each. Headers are cleared
 * before each Harbor or Dynatrace call, so what must outlive a call travels as a property.
 */
public final class ExchangeNames {

    /** The Harbor instance id, from its schedule (a header, and the webhook path's variable) to its batches. */
    public static final String INSTANCE = "harborInstance";
    /** Property: the piece of work a Harbor call belongs to ({@code harbor.HarborCall}: a crawl, audit read, webhook check). */
    public static final String CYCLE = "harborCycle";

    /** Property: absolute URL of the next Harbor call. */
    public static final String HARBOR_URL = "harborUrl";
    /** Property: the endpoint URI (the instance's own http component) a Harbor read goes through. */
    public static final String HARBOR_ENDPOINT = "harborEndpoint";
    /** Properties of a Harbor write: {@code POST} or {@code PUT}, the object to send, and the endpoint with its method. */
    public static final String WRITE_METHOD = "harborWriteMethod";
    public static final String WRITE_BODY = "harborWriteBody";
    public static final String WRITE_ENDPOINT = "harborWriteEndpoint";
    /** Property: the permissions a 403 asks for, when the call needs others than the crawl's. */
    public static final String PERMISSIONS = "harborPermissions";
    /** Properties of a paged listing: the route each page goes to, and the pages read so far. */
    public static final String PAGE_ROUTE = "harborPageRoute";
    public static final String PAGES = "harborPages";

    /** Properties of the crawl: the project and repository being listed, the artifact selected, a pending one retried. */
    public static final String PROJECT_NAME = "harborProjectName";
    public static final String PROJECT_ID = "harborProjectId";
    public static final String REPOSITORY_NAME = "harborRepositoryName";
    public static final String ARTIFACT = "harborArtifact";
    public static final String PENDING_ARTIFACT = "harborPendingArtifact";

    /** Property: the webhook call being worked on. */
    public static final String WEBHOOK_CALL = "harborWebhookCall";
    /** Properties of a webhook-policy pass, and of the write it decided. */
    public static final String POLICY_RUN = "harborPolicyRun";
    public static final String POLICY_CHANGE = "harborPolicyChange";

    /** Header on what the extension points receive: the sink ({@code security.events} or {@code logs}). */
    public static final String SINK = "harborSink";
    /** Properties of a delivery: the batch being sent, and the decision on Dynatrace's answer. */
    public static final String BATCH = "deliveryBatch";
    public static final String DECISION = "deliveryDecision";

    /** Properties of a notification: its channel, its vulnerability group, the message; a Jira one's issue search. */
    public static final String NOTIFICATION_CHANNEL = "notificationChannel";
    public static final String NOTIFICATION_GROUP = "notificationGroup";
    public static final String NOTIFICATION = "notification";
    public static final String JIRA_NOTIFICATION = "jiraNotification";

    private ExchangeNames() {
    }
}
