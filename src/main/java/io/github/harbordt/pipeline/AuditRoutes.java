package io.github.harbordt.pipeline;

import io.github.harbordt.dynatrace.DeliveryRoutes;
import io.github.harbordt.exchange.ExchangeNames;
import org.apache.camel.builder.RouteBuilder;

/**
 * The audit-log read: systeminfo check (which decides the table), then each audit stream page by page in id order,
 * mapped to log records and handed to the audit batcher. One Quartz route per Harbor instance comes from the
 * {@code harbor-schedule} template; the Harbor calls go through the shared {@code direct:harbor-get}.
 */
public class AuditRoutes extends RouteBuilder {

    public static final String AUDIT_CYCLE = "direct:harbor-audit-cycle";

    private final AuditCycles cycles;
    private final CycleMeters meters;
    private final SystemInfo systemInfo = new SystemInfo();

    public AuditRoutes(AuditCycles cycles, CycleMeters meters) {
        this.cycles = cycles;
        this.meters = meters;
    }

    @Override
    public void configure() {
        // the body ends as the cycle's CycleResult (pipeline.CycleResult)
        from(AUDIT_CYCLE).routeId("harbor-audit-cycle")
                // log batches Dynatrace could not take earlier go first; while any wait, new rows wait in Harbor
                .setBody(header(ExchangeNames.INSTANCE))
                .to(DeliveryRoutes.OUTBOX_DRAIN).id("audit-cycle-outbox")
                .choice()
                .when(method(cycles, "begin"))
                    .doTry()
                        .setProperty(ExchangeNames.HARBOR_URL, method(systemInfo, "url"))
                        .to(HarborRoutes.GET).id("audit-systeminfo")
                        .bean(systemInfo, "check")
                        .to("direct:harbor-audit-streams").id("audit-read")
                        .setBody(method(cycles, "finish")).id("audit-finish")
                    .doCatch(Exception.class)
                        .setBody(method(cycles, "abort")).id("audit-abort")
                    .end()
                .endChoice()
                .otherwise()
                    .setBody(method(cycles, "notStarted"))
                .end()
                .bean(meters, "audit");

        // the audit tables this cycle reads (the pre-2.13 history first, when asked for), one after the other
        from("direct:harbor-audit-streams").routeId("harbor-audit-streams")
                .loopDoWhile(method(cycles, "nextStream")).breakOnShutdown()
                    .to("direct:harbor-audit-stream")
                .end();

        // one stream (audit table): page after page until the URL clears
        from("direct:harbor-audit-stream").routeId("harbor-audit-stream")
                .loopDoWhile(exchangeProperty(ExchangeNames.HARBOR_URL).isNotNull()).breakOnShutdown()
                    .to(HarborRoutes.GET).id("audit-page")
                    .bean(cycles, "page").id("audit-mapping")
                    .split(body())
                        .to(DeliveryRoutes.AUDIT_LOGS)
                    .end()
                .end();
    }
}
