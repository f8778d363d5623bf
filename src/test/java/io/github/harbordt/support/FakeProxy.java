package io.github.harbordt.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback forward proxy, as corporate networks have them: {@code CONNECT host:port} opens a tunnel (HTTPS), and a
 * request in absolute form ({@code GET http://host:port/path}) is passed on to its host (HTTP). It remembers the
 * {@code host:port} of every connection it made, so a test can tell what went through it. Made with a user and
 * password, it answers a request without them with 407 and a Basic challenge, as an authenticating proxy does.
 */
public final class FakeProxy implements AutoCloseable {

    private final ServerSocket server;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "fake-proxy");
        t.setDaemon(true);
        return t;
    });
    private final List<String> targets = new CopyOnWriteArrayList<>();
    private final String userInfo;
    private final String authorization;
    private final AtomicInteger challenges = new AtomicInteger();

    public FakeProxy() throws IOException {
        this(null, null);
    }

    /** A proxy that admits only requests carrying this user and password (Basic). */
    public FakeProxy(String user, String password) throws IOException {
        this.userInfo = user == null ? null : URLEncoder.encode(user, StandardCharsets.UTF_8) + ":"
                + URLEncoder.encode(password, StandardCharsets.UTF_8);
        this.authorization = user == null ? null : "Basic " + Base64.getEncoder().encodeToString(
                (user + ":" + password).getBytes(StandardCharsets.UTF_8));
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        threads.submit(this::accept);
    }

    /** How many requests were answered 407 for want of the right user and password. */
    public int challenges() {
        return challenges.get();
    }

    /** The proxy as the environment names it, e.g. {@code http://127.0.0.1:41234}. */
    public String url() {
        return "http://" + (userInfo == null ? "" : userInfo + "@") + "127.0.0.1:" + server.getLocalPort();
    }

    /** The {@code host:port} of every connection made through the proxy, in order. */
    public List<String> targets() {
        return List.copyOf(targets);
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                threads.submit(() -> serve(client));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket client) {
        try (client) {
            InputStream in = client.getInputStream();
            String requestLine = line(in);
            String[] parts = requestLine.split(" ");
            if (parts.length < 3) {
                return;
            }
            List<String> headers = new ArrayList<>();
            for (String header = line(in); !header.isEmpty(); header = line(in)) {
                headers.add(header);
            }
            if (authorization != null && headers.stream().noneMatch(h -> h.equalsIgnoreCase("Proxy-Authorization: " + authorization))) {
                challenges.incrementAndGet();
                client.getOutputStream().write(("HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic "
                        + "realm=\"fake\"\r\nContent-Length: 0\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                client.getOutputStream().flush();
                return;
            }
            if (parts[0].equals("CONNECT")) {
                String[] hostPort = parts[1].split(":");
                try (Socket upstream = new Socket(hostPort[0], Integer.parseInt(hostPort[1]))) {
                    targets.add(parts[1]);
                    client.getOutputStream().write("HTTP/1.1 200 Connection established\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                    client.getOutputStream().flush();
                    pipe(threads, client, upstream, new byte[0]);
                }
            } else {
                URI target = URI.create(parts[1]);
                int port = target.getPort() < 0 ? 80 : target.getPort();
                try (Socket upstream = new Socket(target.getHost(), port)) {
                    targets.add(target.getHost() + ":" + port);
                    // the absolute-form request line goes on as it is (the fakes' servers take it), the password does not
                    StringBuilder head = new StringBuilder(requestLine).append("\r\n");
                    headers.stream().filter(h -> !h.regionMatches(true, 0, "Proxy-Authorization:", 0, 20))
                            .forEach(h -> head.append(h).append("\r\n"));
                    pipe(threads, client, upstream, head.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
                }
            }
        } catch (IOException e) {
            // a connection the client or the target closed
        }
    }

    /** Copies both ways until either side closes; {@code first} goes upstream before the rest of the client's bytes. */
    static void pipe(ExecutorService threads, Socket client, Socket upstream, byte[] first) throws IOException {
        upstream.getOutputStream().write(first);
        var back = threads.submit(() -> {
            try {
                upstream.getInputStream().transferTo(client.getOutputStream());
            } catch (IOException e) {
                // closed
            }
            try {
                client.shutdownOutput();
            } catch (IOException e) {
                // closed
            }
        });
        try {
            client.getInputStream().transferTo(upstream.getOutputStream());
            upstream.shutdownOutput();
        } catch (IOException e) {
            // closed
        }
        try {
            back.get();
        } catch (Exception e) {
            // closed
        }
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0 && b != '\n') {
            if (b != '\r') {
                line.write(b);
            }
        }
        return line.toString(StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() throws IOException {
        server.close();
        threads.shutdownNow();
    }
}
