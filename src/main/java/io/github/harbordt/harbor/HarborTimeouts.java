package io.github.harbordt.harbor;

import io.github.harbordt.config.HarborInstance;
import org.apache.camel.component.http.HttpClientConfigurer;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;
import org.apache.hc.core5.util.Timeout;

/**
 * Applies one instance's timeouts to its Harbor endpoint (camel-http only has component-wide ones, which default to
 * three minutes), and turns off HttpClient's own retries: the route's bounded, backed-off redelivery is the only retry.
 */
public final class HarborTimeouts implements HttpClientConfigurer {

    private final HarborInstance instance;

    public HarborTimeouts(HarborInstance instance) {
        this.instance = instance;
    }

    @Override
    @SuppressWarnings("deprecation") // request-level connect timeout: the only per-endpoint knob camel-http leaves us
    public void configureHttpClient(HttpClientBuilder builder) {
        builder.setDefaultRequestConfig(RequestConfig.custom()
                .setConnectTimeout(Timeout.ofMilliseconds(instance.connectTimeout().toMillis()))
                .setConnectionRequestTimeout(Timeout.ofMilliseconds(instance.responseTimeout().toMillis()))
                .setResponseTimeout(Timeout.ofMilliseconds(instance.responseTimeout().toMillis()))
                .build());
        builder.disableAutomaticRetries();
    }
}
