package io.github.harbordt.dynatrace;

/** A Dynatrace ingest endpoint the connector writes to, with the token scope it needs. */
public enum Sink {
    SECURITY_EVENTS("security.events", "openpipeline.events_security"),
    LOGS("logs", "logs.ingest");

    private final String id;
    private final String scope;

    Sink(String id, String scope) {
        this.id = id;
        this.scope = scope;
    }

    /** Stored in the dead-letter table and used in dry-run file names; stable across releases. */
    public String id() {
        return id;
    }

    public String tokenScope() {
        return scope;
    }

    public static Sink byId(String id) {
        for (Sink s : values()) {
            if (s.id.equals(id)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown sink " + id);
    }
}
