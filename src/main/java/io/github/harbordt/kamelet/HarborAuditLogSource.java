package io.github.harbordt.kamelet;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.harbordt.mapping.AuditLogMapper;
import io.github.harbordt.mapping.AuditStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The bean behind the {@code harbor-audit-log-source} Kamelet: each {@link #poll} returns Harbor's audit rows added
 * since the previous poll, oldest first, as Dynatrace log records ({@code log.source} Harbor) mapped by the connector's
 * own mapper. It reads the table Harbor writes to ({@code /auditlog-exts} from 2.13, {@code /audit-logs} before) by
 * id, so rows sharing a second are neither lost nor repeated. The mark lives in memory, as in {@link HarborScanSource}.
 */
public class HarborAuditLogSource extends HarborSource {

    private static final Logger LOG = LoggerFactory.getLogger(HarborAuditLogSource.class);
    /** Dynatrace drops log records stamped more than a day ago: older rows are stamped at ingest. */
    private static final Duration KEEP_TIME = Duration.ofHours(23);

    private AuditStream stream;
    private final AuditLogMapper mapper = new AuditLogMapper(Map.of());
    /** The id the next poll starts from; empty until the first row at or after the look-back was located. */
    private Optional<Long> nextId = Optional.empty();

    public HarborAuditLogSource() {
        super(Duration.ofHours(1));
    }

    public synchronized List<Map<String, Object>> poll() throws IOException, InterruptedException {
        HarborReader reader = reader();
        int pageSize = pageSize();
        if (stream == null) {
            stream = AuditStream.current(reader.version().hasAuditLogExts());
        }
        if (nextId.isEmpty()) {
            JsonNode first = reader.get(reader.urls().auditFirstAt(stream.path(), Instant.now().minus(lookBack()))).body();
            if (first.isEmpty()) {
                return List.of();
            }
            nextId = Optional.of(first.get(0).path("id").asLong());
        }
        List<Map<String, Object>> records = new ArrayList<>();
        long from = nextId.get();
        Instant keepTimeAfter = Instant.now().minus(KEEP_TIME);
        while (true) {
            JsonNode page = reader.get(reader.urls().auditFrom(stream.path(), from, pageSize)).body();
            long before = from;
            List<JsonNode> rows = new ArrayList<>(page.size());
            for (JsonNode row : page) {
                Optional<String> invalid = AuditLogMapper.invalid(row);
                if (invalid.isPresent()) {
                    LOG.warn("Skipped a Harbor audit row from {}: {}", stream.path(), invalid.get());
                } else {
                    rows.add(row);
                }
            }
            // sort=id is asked for; sorting again keeps the mark right should a Harbor ignore it
            rows.sort(Comparator.comparingLong(r -> r.get("id").asLong()));
            for (JsonNode row : rows) {
                if (row.get("id").asLong() >= from) {
                    records.add(mapper.record(row, stream, reader.registry(), keepTimeAfter));
                    from = row.get("id").asLong() + 1;
                }
            }
            if (page.size() < pageSize || from == before) {
                break;
            }
        }
        nextId = Optional.of(from);
        return records;
    }
}
