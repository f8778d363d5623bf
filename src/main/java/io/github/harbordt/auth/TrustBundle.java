package io.github.harbordt.auth;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * A private certificate authority's certificates (a PEM bundle) trusted beside the JVM's own: a server is trusted when
 * either the default trust or the bundle vouches for it, so pointing one destination at a private CA takes nothing
 * away from the others.
 */
public final class TrustBundle implements X509TrustManager {

    private final X509TrustManager defaults;
    private final X509TrustManager bundle;

    private TrustBundle(X509TrustManager defaults, X509TrustManager bundle) {
        this.defaults = defaults;
        this.bundle = bundle;
    }

    /**
     * @param pem     the bundle: one or more {@code -----BEGIN CERTIFICATE-----} blocks
     * @param setting the setting that names it, for messages
     */
    public static TrustBundle of(Path pem, String setting) {
        try {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            Collection<? extends Certificate> certificates;
            try (InputStream in = Files.newInputStream(pem)) {
                certificates = CertificateFactory.getInstance("X.509").generateCertificates(in);
            }
            if (certificates.isEmpty()) {
                throw new IllegalArgumentException(setting + " (" + pem + ") holds no PEM certificate");
            }
            int i = 0;
            for (Certificate c : certificates) {
                store.setCertificateEntry("ca-" + i++, c);
            }
            return new TrustBundle(managerOf(null), managerOf(store));
        } catch (IOException e) {
            throw new IllegalArgumentException(setting + " (" + pem + ") cannot be read: " + e.getMessage(), e);
        } catch (CertificateException e) {
            throw new IllegalArgumentException(setting + " (" + pem + ") is not a PEM certificate bundle: " + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JVM's trust store cannot be read: " + e.getMessage(), e);
        }
    }

    /** An SSL context that trusts the JVM's authorities and the bundle's. */
    public SSLContext sslContext() {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {this}, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("TLS is not available: " + e.getMessage(), e);
        }
    }

    private static X509TrustManager managerOf(KeyStore store) throws GeneralSecurityException {
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(store);
        for (TrustManager m : factory.getTrustManagers()) {
            if (m instanceof X509TrustManager x) {
                return x;
            }
        }
        throw new IllegalStateException("no X.509 trust manager");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        defaults.checkClientTrusted(chain, authType);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        try {
            defaults.checkServerTrusted(chain, authType);
        } catch (CertificateException notByDefault) {
            bundle.checkServerTrusted(chain, authType);
        }
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        List<X509Certificate> all = new ArrayList<>(List.of(defaults.getAcceptedIssuers()));
        all.addAll(List.of(bundle.getAcceptedIssuers()));
        return all.toArray(X509Certificate[]::new);
    }
}
