package io.github.harbordt.state;

/**
 * The state database cannot be opened, read or written (read-only or full disk, locked or corrupt file, database
 * down); the message names where it is, the cause and the setting. A cycle stops at once rather than lose track of
 * what was sent, and the process exits with its own status.
 */
public class StateStoreException extends RuntimeException {
    StateStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
