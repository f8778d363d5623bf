package io.github.harbordt.kamelet;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.harbordt.config.NameFilter;
import io.github.harbordt.harbor.ArtifactSelector;
import io.github.harbordt.harbor.HarborNotFoundException;
import io.github.harbordt.harbor.HarborUrls;
import io.github.harbordt.harbor.HarborVersion;
import io.github.harbordt.harbor.ReportParser;
import io.github.harbordt.mapping.HarborTime;
import io.github.harbordt.mapping.ScannedArtifact;
import io.github.harbordt.mapping.SecurityEventMapper;
import io.github.harbordt.mapping.Vulnerability;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The bean behind the {@code harbor-scan-source} Kamelet: each {@link #poll} crawls Harbor as the connector does and
 * returns, for every scan finished since the previous poll, its {@code VULNERABILITY_SCAN} event and one
 * {@code VULNERABILITY_FINDING} event per vulnerability, mapped by the connector's own mapper. Its mark lives in
 * memory: a restart reads the look-back window again. The connector itself keeps the mark, the ledger and the outbox
 * in its state database; this source is for Camel applications that bring their own guarantees.
 */
public class HarborScanSource extends HarborSource {

    private final SecurityEventMapper mapper = new SecurityEventMapper(Map.of());
    /** Scans end at whole seconds: those already sent at the mark's second are told apart by their report id. */
    private Instant mark;
    private final Set<String> sentAtMark = new HashSet<>();

    public HarborScanSource() {
        super(Duration.ofHours(24));
    }

    /** The events of every scan that finished since the last poll; the mark moves only when the whole crawl succeeded. */
    public synchronized List<Map<String, Object>> poll() throws IOException, InterruptedException {
        if (readerOrNull() == null) {
            mark = Instant.now().minus(lookBack());
        }
        HarborReader reader = reader();
        HarborUrls urls = reader.urls();
        HarborVersion version = reader.version();
        ArtifactSelector selector = new ArtifactSelector(reader.registry(), new NameFilter("", ""));
        List<Map<String, Object>> events = new ArrayList<>();
        Instant newMark = mark;
        Set<String> newAtMark = new HashSet<>(sentAtMark);
        // the window starts just before the mark so that a scan ending in the mark's second is seen, then told apart
        Instant windowStart = mark.minusNanos(1);
        for (JsonNode project : reader.all(urls.projects())) {
            String name = project.path("name").asText();
            String projectId = project.path("project_id").asText(null);
            List<Listed> listed = new ArrayList<>();
            if (version.hasProjectArtifactList()) {
                reader.all(urls.projectArtifacts(name)).forEach(a -> listed.add(new Listed(a, null)));
            } else {
                for (JsonNode repository : reader.all(urls.repositories(name))) {
                    String repo = repository.path("name").asText();
                    reader.all(urls.repositoryArtifacts(name, repo)).forEach(a -> listed.add(new Listed(a, repo)));
                }
            }
            for (Listed l : listed) {
                if (selector.decide(l.artifact(), projectId, name, l.repository(), windowStart, false)
                        instanceof ArtifactSelector.Selected s) {
                    ScannedArtifact artifact = s.artifact();
                    Instant end = HarborTime.parse(artifact.scan().endTime()).orElseThrow();
                    if (end.equals(mark) && sentAtMark.contains(artifact.scan().reportId())) {
                        continue;
                    }
                    events.addAll(eventsOf(artifact, urls));
                    if (end.isAfter(newMark)) {
                        newMark = end;
                        newAtMark.clear();
                    }
                    if (end.equals(newMark)) {
                        newAtMark.add(artifact.scan().reportId());
                    }
                }
            }
        }
        mark = newMark;
        sentAtMark.clear();
        sentAtMark.addAll(newAtMark);
        return events;
    }

    private record Listed(JsonNode artifact, String repository) {
    }

    private List<Map<String, Object>> eventsOf(ScannedArtifact artifact, HarborUrls urls) throws IOException, InterruptedException {
        ReportParser.Report report;
        try {
            report = reader().report(urls.report(artifact.projectName(), artifact.repository(), artifact.digest()));
        } catch (HarborNotFoundException gone) {
            return List.of();
        }
        ScannedArtifact scanned = artifact.scannedBy(report.scannerName(), report.scannerVendor());
        List<Map<String, Object>> events = new ArrayList<>(report.vulnerabilities().size() + 1);
        events.add(mapper.scanEvent(scanned, null));
        for (Vulnerability v : report.vulnerabilities()) {
            events.add(mapper.findingEvent(scanned, v, null));
        }
        return events;
    }
}
