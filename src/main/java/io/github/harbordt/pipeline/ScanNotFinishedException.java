package io.github.harbordt.pipeline;

/**
 * A webhook announced a finished scan, but Harbor still shows it pending or running (older Harbors sent
 * {@code SCANNING_COMPLETED} before the report was stored). The webhook route reads the artifact again a little later.
 */
public class ScanNotFinishedException extends RuntimeException {

    public ScanNotFinishedException(String status) {
        super("Harbor still shows the scan as " + status);
    }
}
