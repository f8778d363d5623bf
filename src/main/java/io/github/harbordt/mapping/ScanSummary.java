package io.github.harbordt.mapping;

/**
 * The parts of Harbor's {@code NativeReportSummary} (an artifact's {@code scan_overview} entry) that the
 * events need. Times are kept as Harbor wrote them: the contract passes them through unchanged.
 *
 * @param startTime     null when Harbor reported its zero time
 * @param findingsTotal null when Harbor omitted the summary
 */
public record ScanSummary(String reportId, String status, String startTime, String endTime,
                          String scannerName, String scannerVendor, Integer findingsTotal) {

    /** Harbor's {@code scan_status} of a scan that produced a report; {@code Error} and {@code Stopped} did not. */
    public static final String SUCCESS = "Success";

    public boolean successful() {
        return SUCCESS.equals(status);
    }
}
