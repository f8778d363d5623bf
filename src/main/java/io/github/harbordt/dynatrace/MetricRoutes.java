package io.github.harbordt.dynatrace;

import io.github.harbordt.auth.DynatraceCredentials;
import io.github.harbordt.config.DynatraceSettings;
import org.apache.camel.Exchange;
import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteBuilder;

import java.time.LocalDate;
import java.time.ZoneOffset;

/**
 * Connector metrics (the alert-reduction funnel of each cycle) to Dynatrace's metrics ingest as metric lines, so they
 * can be charted over time; in a dry run they are appended to {@code metrics-<date>.txt}. A data point is a summary,
 * not a record: after bounded retries a failure is logged, not dead-lettered, and whatever follows the metrics in the
 * caller (sightings, notifications) still runs. A token without {@code metrics.ingest} (the Harbor extension's token
 * has only {@code openpipeline.events_security}) gets one warning, and no metrics are sent again until a restart.
 */
public class MetricRoutes extends RouteBuilder {

    /** Body: metric lines, one data point per line. */
    public static final String METRICS = "direct:dynatrace-metrics";

    private final DynatraceSettings settings;
    private final DynatraceCredentials credentials;
    private volatile String refused;

    public MetricRoutes(DynatraceSettings settings, DynatraceCredentials credentials) {
        this.credentials = credentials;
        this.settings = settings;
    }

    @Override
    public void configure() {
        if (settings.dryRun()) {
            from(METRICS).routeId("dynatrace-metrics")
                    .process(e -> e.getMessage().setHeader(Exchange.FILE_NAME, "metrics-" + LocalDate.now(ZoneOffset.UTC) + ".txt"))
                    .to("file:" + settings.dryRunDir().toAbsolutePath() + "?fileExist=Append").id("metrics-file");
            return;
        }
        from(METRICS).routeId("dynatrace-metrics")
                .errorHandler(defaultErrorHandler().maximumRedeliveries(settings.maxRedeliveries())
                        .redeliveryDelay(settings.retryDelay().toMillis()).useExponentialBackOff().backOffMultiplier(2)
                        .maximumRedeliveryDelay(settings.maxRetryDelay().toMillis())
                        .retryAttemptedLogLevel(LoggingLevel.DEBUG).logExhausted(false))
                // continued, not handled: a handled exception would also end the caller's route here
                .onException(MetricsRefusedException.class).maximumRedeliveries(0).continued(true)
                    .process(e -> refused = e.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class).getMessage())
                    .log(LoggingLevel.WARN, "Funnel metrics not sent, and not tried again until a restart: ${exception.message}")
                .end()
                .onException(Exception.class).continued(true)
                    .log(LoggingLevel.WARN, "Funnel metrics not sent after retries: ${exception.message}")
                .end()
                .filter(e -> refused == null)
                .process(e -> {
                    var m = e.getMessage();
                    m.removeHeaders("*", "CamelRedeliver*");
                    m.setHeader(Exchange.HTTP_URI, settings.url() + settings.metricsPath());
                    m.setHeader("Authorization", credentials.authorization());
                    m.setHeader(Exchange.CONTENT_TYPE, "text/plain; charset=utf-8");
                })
                .to(settings.url() + "?httpMethod=POST&throwExceptionOnFailure=false").id("metrics-ingest")
                .process(e -> judge(e.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, 0, Integer.class),
                        e.getMessage().getBody(String.class)));
    }

    private void judge(int status, String answer) {
        if (status >= 200 && status < 300) {
            return;
        }
        String where = "Dynatrace answered " + status + " to POST " + settings.metricsPath();
        if (status == 401 || status == 403) {
            throw new MetricsRefusedException(where + ": give DT_TOKEN (dynatrace.token) the scope metrics.ingest");
        }
        if (status == 429 || status >= 500) {
            throw new IllegalStateException(where);
        }
        throw new MetricsRefusedException(where + ": " + (answer == null ? "" : answer.substring(0, Math.min(500, answer.length()))));
    }

    /** An answer that retrying will not change. */
    static final class MetricsRefusedException extends RuntimeException {
        MetricsRefusedException(String message) {
            super(message, null, false, false);
        }
    }
}
