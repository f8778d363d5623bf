package io.github.harbordt.support;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

/**
 * HTTPS in front of a plain loopback fake, as a private-CA Harbor looks from outside: TLS with a certificate for
 * {@code localhost} and {@code 127.0.0.1} signed by a certificate authority this class makes (with the JDK's
 * {@code keytool}) and no public CA knows. {@link #caPem()} is that authority's certificate, to be trusted explicitly.
 */
public final class FakeTlsFront implements AutoCloseable {

    private static final String PASSWORD = "changeit";
    private final ServerSocket server;
    private final URI upstream;
    private final Path caPem;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "fake-tls-front");
        t.setDaemon(true);
        return t;
    });

    /** @param dir where the authority and the server's keys are written */
    public FakeTlsFront(String upstreamUrl, Path dir) throws Exception {
        this.upstream = URI.create(upstreamUrl);
        Path ca = dir.resolve("ca.p12");
        Path serverKeys = dir.resolve("server.p12");
        this.caPem = dir.resolve("ca.pem");
        keytool("-genkeypair", "-alias", "ca", "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=Connector Test CA",
                "-ext", "bc:c", "-validity", "2", "-keystore", ca.toString(), "-storetype", "PKCS12", "-storepass", PASSWORD);
        keytool("-exportcert", "-alias", "ca", "-keystore", ca.toString(), "-storepass", PASSWORD, "-rfc", "-file", caPem.toString());
        keytool("-genkeypair", "-alias", "server", "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=localhost",
                "-validity", "2", "-keystore", serverKeys.toString(), "-storetype", "PKCS12", "-storepass", PASSWORD);
        Path csr = dir.resolve("server.csr");
        Path signed = dir.resolve("server.pem");
        keytool("-certreq", "-alias", "server", "-keystore", serverKeys.toString(), "-storepass", PASSWORD, "-file", csr.toString());
        keytool("-gencert", "-alias", "ca", "-keystore", ca.toString(), "-storepass", PASSWORD, "-infile", csr.toString(),
                "-outfile", signed.toString(), "-rfc", "-ext", "san=ip:127.0.0.1,dns:localhost", "-validity", "2");
        keytool("-importcert", "-alias", "ca", "-keystore", serverKeys.toString(), "-storepass", PASSWORD, "-file",
                caPem.toString(), "-noprompt");
        keytool("-importcert", "-alias", "server", "-keystore", serverKeys.toString(), "-storepass", PASSWORD, "-file",
                signed.toString());

        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(serverKeys)) {
            keys.load(in, PASSWORD.toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, PASSWORD.toCharArray());
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(kmf.getKeyManagers(), null, null);
        server = (SSLServerSocket) tls.getServerSocketFactory().createServerSocket(0, 50, InetAddress.getLoopbackAddress());
        threads.submit(this::accept);
    }

    /** The HTTPS address in front of the fake. */
    public String url() {
        return "https://localhost:" + server.getLocalPort();
    }

    /** The PEM file of the authority that signed the certificate. */
    public Path caPem() {
        return caPem;
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                SSLSocket client = (SSLSocket) server.accept();
                threads.submit(() -> serve(client));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(SSLSocket client) {
        try (client; Socket plain = new Socket(upstream.getHost(), upstream.getPort())) {
            client.startHandshake();
            FakeProxy.pipe(threads, client, plain, new byte[0]);
        } catch (IOException e) {
            // a client that refused the certificate, or a closed connection
        }
    }

    private static void keytool(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new IOException("keytool " + String.join(" ", args) + " failed: " + out);
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        threads.shutdownNow();
    }
}
