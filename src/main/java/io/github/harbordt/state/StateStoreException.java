package io.github.harbordt.state;

/** The state database refused a read or write; the cycle stops rather than lose track of what was sent. */
public class StateStoreException extends RuntimeException {
    public StateStoreException(String action, Throwable cause) {
        super("State database: could not " + action + ": " + Database.rootMessage(cause), cause);
    }
}
