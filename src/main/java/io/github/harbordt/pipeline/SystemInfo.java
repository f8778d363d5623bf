package io.github.harbordt.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.harbordt.config.HarborInstance;
import io.github.harbordt.exchange.ExchangeNames;
import io.github.harbordt.harbor.HarborException;
import io.github.harbordt.harbor.HarborUrls;
import io.github.harbordt.harbor.HarborVersion;
import io.github.harbordt.mapping.HarborTime;
import org.apache.camel.Body;
import org.apache.camel.ExchangeProperty;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import javax.net.ssl.SSLHandshakeException;

/**
 * The first call of every cycle: the authenticated {@code /systeminfo}. Harbor answers bad robot credentials as if
 * anonymous, without {@code harbor_version}, instead of with 401; the version decides which API calls follow.
 */
public final class SystemInfo {

    public String url(@ExchangeProperty(ExchangeNames.CYCLE) HarborCycle cycle) {
        return HarborUrls.of(cycle.instance()).systemInfo();
    }

    public void check(@ExchangeProperty(ExchangeNames.CYCLE) HarborCycle cycle, @Body JsonNode info) {
        String version = info == null || info.get("harbor_version") == null ? null : info.get("harbor_version").asText();
        if (version == null || version.isBlank()) {
            throw new HarborException("Harbor '" + cycle.instance().id() + "' at " + cycle.instance().url()
                    + " treated the connector as anonymous: the robot account was not accepted (wrong name or secret, "
                    + "disabled or expired). Check " + cycle.instance().credentialSettings() + ".");
        }
        HarborVersion parsed = HarborVersion.parse(version).orElseThrow(() ->
                new HarborException("Harbor '" + cycle.instance().id() + "' reports an unreadable version '" + version + "'"));
        String now = info.get("current_time") == null ? null : info.get("current_time").asText();
        cycle.harborInfo(parsed, HarborTime.parse(now).orElse(null));
    }

    /** A cycle's failure in one line; an unreachable Harbor names the setting to check. */
    public static String reason(HarborInstance instance, Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ConnectException || t instanceof UnknownHostException || t instanceof NoRouteToHostException) {
                return "Harbor at " + instance.url() + " is unreachable (" + t.getMessage() + "): check "
                        + instance.setting("url", "HARBOR_URL")
                        + " and that this host can reach it";
            }
            if (t instanceof SSLHandshakeException) {
                return "the certificate of Harbor at " + instance.url() + " is not trusted (" + t.getMessage() + "): set "
                        + instance.property("ca-file") + " to the PEM file of the certificate authority that signed it";
            }
        }
        return e == null ? "unknown failure" : e.getMessage();
    }
}
