package io.github.harbordt.dynatrace;

/** What to do with a batch after Dynatrace answered (dynatrace-ingest.md §5.1 and §5.2 status tables). */
public enum ResponseDecision {
    DELIVERED, PARTIAL, SPLIT, RETRY, DEAD_LETTER, HALT;

    public static ResponseDecision of(Sink sink, int status) {
        // the logs endpoint answers 204 for success and 200 when it dropped some records (size limits, parse issues)
        if (sink == Sink.LOGS && status == 200) {
            return PARTIAL;
        }
        if (status >= 200 && status < 300) {
            return DELIVERED;
        }
        return switch (status) {
            case 413 -> SPLIT;
            case 429, 408 -> RETRY;
            // the token or the endpoint is wrong: every batch would fail the same way, so stop instead of dead-lettering all data
            case 401, 403, 404 -> HALT;
            default -> status >= 500 ? RETRY : DEAD_LETTER;
        };
    }
}
