package io.github.harbordt.dynatrace;

/** What to do with a batch after Dynatrace answered (dynatrace-ingest.md §5.1 status table). */
public enum ResponseDecision {
    DELIVERED, SPLIT, RETRY, DEAD_LETTER, HALT;

    public static ResponseDecision of(int status) {
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
