package io.github.harbordt.support;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A loopback notification endpoint (generic webhook, Slack incoming webhook, ...): records what it accepted with the
 * request's headers, answers 200, or the scripted statuses first (a channel that is down or refuses).
 */
public final class FakeChannel implements AutoCloseable {

    static {
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    public record Received(String path, String authorization, String contentType, String body) {
    }

    private final HttpServer server;
    private final List<Received> accepted = new CopyOnWriteArrayList<>();
    private final ConcurrentLinkedQueue<Integer> script = new ConcurrentLinkedQueue<>();
    private final List<Integer> answers = new CopyOnWriteArrayList<>();
    private final String okBody;

    /** @param okBody what it answers on success (Slack answers {@code ok}) */
    public FakeChannel(String okBody) throws IOException {
        this.okBody = okBody;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.createContext("/", this::handle);
        server.start();
    }

    public String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    /** The next {@code times} requests get {@code status}. */
    public void fail(int status, int times) {
        for (int i = 0; i < times; i++) {
            script.add(status);
        }
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String body;
            try (InputStream in = ex.getRequestBody()) {
                body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            Integer status = script.poll();
            int answer = status == null ? 200 : status;
            answers.add(answer);
            if (status == null) {
                accepted.add(new Received(ex.getRequestURI().toString(), ex.getRequestHeaders().getFirst("Authorization"),
                        ex.getRequestHeaders().getFirst("Content-Type"), body));
            }
            byte[] out = (status == null ? okBody : "failed").getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(answer, out.length);
            try (OutputStream o = ex.getResponseBody()) {
                o.write(out);
            }
        }
    }

    public List<Received> accepted() {
        return List.copyOf(accepted);
    }

    /** Every status answered, in order. */
    public List<Integer> answers() {
        return List.copyOf(answers);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
