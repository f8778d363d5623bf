package io.github.harbordt.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.harbordt.config.Proxies;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * How the connector proves itself to Dynatrace: a classic access token ({@code dt0c01.…}, sent as {@code Api-Token}),
 * a platform token ({@code dt0s16.…}, sent as {@code Bearer}), or an OAuth client whose id and secret are exchanged for
 * an access token at the token URL (client credentials), fetched again a minute before it expires. A failure names
 * the settings to fix; no token or secret ever appears in a message.
 */
public final class DynatraceCredentials {

    /** The prefix Dynatrace gives platform tokens. */
    public static final String PLATFORM_TOKEN_PREFIX = "dt0s16.";

    private final String token;
    private final String clientId;
    private final String clientSecret;
    private final String tokenUrl;
    private final String scope;
    private final String clientSettings;
    private final Duration timeout;
    private final HttpClient http;
    private final ObjectMapper json = new ObjectMapper();
    private String accessToken;
    private long refreshAtNanos;

    private DynatraceCredentials(String token, String clientId, String clientSecret, String tokenUrl, String scope,
                                 String clientSettings, Duration timeout) {
        this.token = token;
        this.clientId = clientId;
        this.clientSecret = clientSecret;
        this.tokenUrl = tokenUrl;
        this.scope = scope;
        this.clientSettings = clientSettings;
        this.timeout = timeout;
        this.http = clientId.isEmpty() ? null : Proxies.jdkClient(timeout).build();
    }

    /** An access token or a platform token, told apart by its prefix. */
    public static DynatraceCredentials token(String token) {
        return new DynatraceCredentials(token, "", "", "", "", "", Duration.ZERO);
    }

    /**
     * An OAuth client.
     *
     * @param scope          the permissions asked for, space-separated
     * @param clientSettings the settings that name the client, for messages (e.g. {@code dynatrace.oauth-client-id
     *                       and -client-secret (DT_OAUTH_CLIENT_ID, DT_OAUTH_CLIENT_SECRET)})
     */
    public static DynatraceCredentials oauth(String clientId, String clientSecret, String tokenUrl, String scope,
                                             String clientSettings, Duration timeout) {
        return new DynatraceCredentials("", clientId, clientSecret, tokenUrl, scope, clientSettings, timeout);
    }

    /** The token URL refused the client: trying again will not help, the settings must change. */
    public static final class RefusedException extends IOException {
        RefusedException(String message) {
            super(message);
        }
    }

    /**
     * The {@code Authorization} header's value.
     *
     * @throws RefusedException the token URL refused the OAuth client
     * @throws IOException      the token URL could not be reached
     */
    public synchronized String authorization() throws IOException, InterruptedException {
        if (clientId.isEmpty()) {
            return (token.startsWith(PLATFORM_TOKEN_PREFIX) ? "Bearer " : "Api-Token ") + token;
        }
        if (accessToken == null || System.nanoTime() > refreshAtNanos) {
            String form = "grant_type=client_credentials&client_id=" + URLEncoder.encode(clientId, StandardCharsets.UTF_8)
                    + "&client_secret=" + URLEncoder.encode(clientSecret, StandardCharsets.UTF_8)
                    + "&scope=" + URLEncoder.encode(scope, StandardCharsets.UTF_8);
            HttpResponse<byte[]> response;
            try {
                response = http.send(HttpRequest.newBuilder(URI.create(tokenUrl)).timeout(timeout)
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofByteArray());
            } catch (IOException e) {
                throw new IOException("the OAuth token URL " + tokenUrl + " is unreachable (" + e + "): check the token URL "
                        + "setting beside " + clientSettings, e);
            }
            JsonNode body;
            try {
                body = json.readTree(response.body());
            } catch (IOException e) {
                body = json.nullNode();
            }
            if (response.statusCode() != 200 || body == null || !body.hasNonNull("access_token")) {
                throw new RefusedException("the OAuth token URL answered " + response.statusCode() + " ("
                        + (body == null ? "" : body.path("error").asText("")) + "): check " + clientSettings
                        + " and that the client has the permissions " + scope);
            }
            accessToken = body.get("access_token").asText();
            long seconds = Math.max(0, body.path("expires_in").asLong(300) - 60);
            refreshAtNanos = System.nanoTime() + seconds * 1_000_000_000L;
        }
        return "Bearer " + accessToken;
    }
}
