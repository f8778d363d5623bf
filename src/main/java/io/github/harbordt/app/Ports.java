package io.github.harbordt.app;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/**
 * Checks the ports the connector serves before anything starts: a server that cannot bind would otherwise log a stack
 * trace and leave the connector running without it.
 */
public final class Ports {

    private Ports() {
    }

    /** The port, after checking nothing else listens on it; else one line naming the port, the setting and the fix. */
    public static int requireFree(int port, String setting, String environmentVariable) {
        try (ServerSocket probe = new ServerSocket()) {
            probe.setReuseAddress(true);
            probe.bind(new InetSocketAddress(port));
            return port;
        } catch (IOException e) {
            throw new IllegalStateException("port " + port + " (" + setting + ") is already in use: stop what listens "
                    + "there or choose another port with " + environmentVariable);
        }
    }

    /** A port nothing listens on now. */
    public static int free() {
        try (ServerSocket probe = new ServerSocket(0)) {
            return probe.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port for the webhook receiver", e);
        }
    }
}
