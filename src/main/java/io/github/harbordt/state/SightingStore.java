package io.github.harbordt.state;

import io.github.harbordt.mapping.RuntimeContext;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.IntStream;
import javax.sql.DataSource;

/**
 * The memory of what was seen, for the new-vulnerability notifications: per group (vulnerability, registry,
 * repository, component, version) and per affected image, the first and last sighting; and per group and channel,
 * the notification and whether the channel accepted it. A group not seen for the retention period is forgotten with
 * its images and notifications, so one that comes back later counts as new again.
 */
public class SightingStore {

    /** Notification states: waiting for (another) attempt, accepted by the channel, given up after too many attempts. */
    public enum State { PENDING, SENT, DEAD }

    /** What a notification announces: a group new in production, or (notifications.resolved) gone from it. */
    public enum Kind { NEW, RESOLVED }

    /** A notification to send, or sent. */
    public record Notification(String groupKey, String channel, Kind kind, State state, String payload, int attempts,
                               String lastError) {
    }

    private static final String SEP = "\n";
    private static final String NOTIFICATION_KEY = "group_key = ? AND channel = ? AND kind = ?";
    /** Attempts at a write that met another replica's write to the same rows. */
    private static final int CONFLICT_ATTEMPTS = 3;
    private final Database database;
    private final DataSource dataSource;
    private final Replicas replicas;

    public SightingStore(Database database, Replicas replicas) {
        this.database = database;
        this.dataSource = database.dataSource();
        this.replicas = replicas;
    }

    /**
     * Records one image's findings from its newest scan: groups and images are created with first = last = {@code now},
     * or touched. What the image had before and its newest scan no longer reports is dropped from it (latest-scan
     * truth), and a group left in no image is marked resolved. A handful of batched statements per call, whatever the
     * number of findings; serialised, so two threads meeting the same new group cannot both insert it (portable, no
     * MERGE dialects).
     *
     * @param registry   where the image was scanned, with {@code repository}: the same digest in another repository or
     *                   registry (replication, mirrors) is scanned on its own, and this scan does not speak for it
     * @param digest    the image
     * @param sightings its findings that count, possibly none
     * @return the groups this scan resolved
     */
    public synchronized int record(String registry, String repository, String digest, List<Sighting> sightings, Instant now) {
        Map<String, Sighting> byGroup = new LinkedHashMap<>();
        sightings.forEach(s -> byGroup.putIfAbsent(s.groupKey(), s));
        for (int attempt = 1; ; attempt++) {
            try {
                return record(registry, repository, digest, byGroup, now);
            } catch (SQLException e) {
                // replicas on one database record the same new group at once: the loser finds it there next time
                if (attempt >= CONFLICT_ATTEMPTS || !Database.conflict(e)) {
                    throw database.failure("record " + sightings.size() + " sightings", e);
                }
            }
        }
    }

    private int record(String registry, String repository, String digest, Map<String, Sighting> byGroup, Instant now)
            throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                int resolved = dropGone(c, registry, repository, digest, byGroup.keySet(), now);
                if (byGroup.isEmpty()) {
                    c.commit();
                    return resolved;
                }
                Set<String> knownGroups = existingGroups(c, byGroup.keySet());
                try (PreparedStatement update = c.prepareStatement(
                        "UPDATE sighting_group SET last_seen = ?, fix_version = ?, title = ?, resolved_at = NULL WHERE group_key = ?");
                     PreparedStatement insert = c.prepareStatement("INSERT INTO sighting_group (group_key, vulnerability_id, "
                             + "title, registry, repository, component, version, risk_level, fix_version, first_seen, last_seen) "
                             + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                    for (Sighting s : byGroup.values()) {
                        if (knownGroups.contains(s.groupKey())) {
                            update.setTimestamp(1, Timestamp.from(now));
                            update.setString(2, cut(s.fixVersion(), 300));
                            update.setString(3, cut(s.title(), 1000));
                            update.setString(4, s.groupKey());
                            update.addBatch();
                        } else {
                            insert.setString(1, s.groupKey());
                            insert.setString(2, cut(s.vulnerabilityId(), 300));
                            insert.setString(3, cut(s.title(), 1000));
                            insert.setString(4, cut(s.registry(), 300));
                            insert.setString(5, cut(s.repository(), 1000));
                            insert.setString(6, cut(s.component(), 1000));
                            insert.setString(7, cut(s.version(), 300));
                            insert.setString(8, s.riskLevel());
                            insert.setString(9, cut(s.fixVersion(), 300));
                            insert.setTimestamp(10, Timestamp.from(now));
                            insert.setTimestamp(11, Timestamp.from(now));
                            insert.addBatch();
                        }
                    }
                    update.executeBatch();
                    insert.executeBatch();
                }
                recordImages(c, byGroup.values(), now);
                c.commit();
                return resolved;
            } catch (SQLException e) {
                c.rollback();
                throw e;
            }
        }
    }

    /** Drops the image's groups its newest scan no longer reports; marks those left in no image resolved. */
    private static int dropGone(Connection c, String registry, String repository, String digest, Set<String> current,
                                Instant now) throws SQLException {
        List<String> gone = new ArrayList<>();
        // one digest may be in several repositories and registries (replication, mirrors): this scan speaks for its own
        try (PreparedStatement ps = c.prepareStatement("SELECT i.group_key FROM sighting_image i JOIN sighting_group g ON "
                + "g.group_key = i.group_key WHERE i.digest = ? AND g.registry = ? AND g.repository = ?")) {
            ps.setString(1, digest);
            ps.setString(2, cut(registry, 300));
            ps.setString(3, cut(repository, 1000));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    if (!current.contains(rs.getString(1))) {
                        gone.add(rs.getString(1));
                    }
                }
            }
        }
        if (gone.isEmpty()) {
            return 0;
        }
        try (PreparedStatement drop = c.prepareStatement("DELETE FROM sighting_image WHERE group_key = ? AND digest = ?");
             PreparedStatement resolve = c.prepareStatement("UPDATE sighting_group SET resolved_at = ? WHERE group_key = ? "
                     + "AND resolved_at IS NULL AND NOT EXISTS (SELECT 1 FROM sighting_image i WHERE i.group_key = ?)")) {
            for (String key : gone) {
                drop.setString(1, key);
                drop.setString(2, digest);
                drop.addBatch();
            }
            drop.executeBatch();
            int resolved = 0;
            for (String key : gone) {
                resolve.setTimestamp(1, Timestamp.from(now));
                resolve.setString(2, key);
                resolve.setString(3, key);
                resolved += resolve.executeUpdate();
            }
            return resolved;
        }
    }

    /** Groups marked resolved: no image that counts still has them in its newest scan. */
    public int resolvedCount() {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM sighting_group WHERE resolved_at IS NOT NULL");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getInt(1);
        } catch (SQLException e) {
            throw database.failure("count the resolved groups", e);
        }
    }

    private static void recordImages(Connection c, Collection<Sighting> sightings, Instant now) throws SQLException {
        Set<String> known = new HashSet<>();
        Set<String> digests = new HashSet<>();
        sightings.forEach(s -> digests.add(s.digest()));
        for (String digest : digests) {
            try (PreparedStatement ps = c.prepareStatement("SELECT group_key FROM sighting_image WHERE digest = ?")) {
                ps.setString(1, digest);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        known.add(rs.getString(1) + "@" + digest);
                    }
                }
            }
        }
        try (PreparedStatement update = c.prepareStatement("UPDATE sighting_image SET last_seen = ?, tags = ?, "
                + "runtime_status = ?, clusters = ?, namespaces = ?, workloads = ?, stages = ? WHERE group_key = ? AND digest = ?");
             PreparedStatement insert = c.prepareStatement("INSERT INTO sighting_image (group_key, digest, tags, "
                     + "runtime_status, clusters, namespaces, workloads, stages, first_seen, last_seen) "
                     + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (Sighting s : sightings) {
                String[] runtime = runtimeColumns(s.runtime());
                String tags = String.join(SEP, s.tags());
                boolean exists = known.contains(s.groupKey() + "@" + s.digest());
                PreparedStatement ps = exists ? update : insert;
                int i = 1;
                if (exists) {
                    ps.setTimestamp(i++, Timestamp.from(now));
                } else {
                    ps.setString(i++, s.groupKey());
                    ps.setString(i++, s.digest());
                }
                ps.setString(i++, tags);
                for (String column : runtime) {
                    ps.setString(i++, column);
                }
                if (exists) {
                    ps.setString(i++, s.groupKey());
                    ps.setString(i, s.digest());
                } else {
                    ps.setTimestamp(i++, Timestamp.from(now));
                    ps.setTimestamp(i, Timestamp.from(now));
                }
                ps.addBatch();
            }
            update.executeBatch();
            insert.executeBatch();
        }
    }

    /** Which of the group keys were first seen at or after {@code since}. */
    public Set<String> firstSeenSince(Set<String> keys, Instant since) {
        try (Connection c = dataSource.getConnection()) {
            return groups(c, keys, " AND first_seen >= ?", since);
        } catch (SQLException e) {
            throw database.failure("read when " + keys.size() + " groups were first seen", e);
        }
    }

    /** Which of the group keys exist. */
    private static Set<String> existingGroups(Connection c, Set<String> keys) throws SQLException {
        return groups(c, keys, "", null);
    }

    /** The group keys among {@code keys} that meet the condition, asked in slices of 500. */
    private static Set<String> groups(Connection c, Set<String> keys, String condition, Instant since) throws SQLException {
        Set<String> found = new HashSet<>();
        List<String> all = new ArrayList<>(keys);
        for (int from = 0; from < all.size(); from += 500) {
            List<String> slice = all.subList(from, Math.min(all.size(), from + 500));
            try (PreparedStatement ps = c.prepareStatement("SELECT group_key FROM sighting_group WHERE group_key IN ("
                    + String.join(",", Collections.nCopies(slice.size(), "?")) + ")" + condition)) {
                for (int i = 0; i < slice.size(); i++) {
                    ps.setString(i + 1, slice.get(i));
                }
                if (since != null) {
                    ps.setTimestamp(slice.size() + 1, Timestamp.from(since));
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        found.add(rs.getString(1));
                    }
                }
            }
        }
        return found;
    }

    /**
     * The crawl listed these images again (their scans unchanged): their groups are still there, seen {@code now},
     * and each image's runtime is refreshed. Without this, an image scanned once and running for months would be
     * forgotten after the retention and announced as new again.
     */
    public synchronized void touch(Map<String, RuntimeContext> images, Instant now) {
        if (images.isEmpty()) {
            return;
        }
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement image = c.prepareStatement("UPDATE sighting_image SET last_seen = ?, runtime_status = ?, "
                    + "clusters = ?, namespaces = ?, workloads = ?, stages = ? WHERE digest = ?");
                 PreparedStatement group = c.prepareStatement("UPDATE sighting_group SET last_seen = ? WHERE group_key IN "
                         + "(SELECT group_key FROM sighting_image WHERE digest = ?)")) {
                for (Map.Entry<String, RuntimeContext> e : images.entrySet()) {
                    String[] runtime = runtimeColumns(e.getValue());
                    image.setTimestamp(1, Timestamp.from(now));
                    for (int i = 0; i < runtime.length; i++) {
                        image.setString(2 + i, runtime[i]);
                    }
                    image.setString(7, e.getKey());
                    image.addBatch();
                    group.setTimestamp(1, Timestamp.from(now));
                    group.setString(2, e.getKey());
                    group.addBatch();
                }
                image.executeBatch();
                group.executeBatch();
                c.commit();
            } catch (SQLException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw database.failure("refresh " + images.size() + " sighted images", e);
        }
    }

    /** status, clusters, namespaces, workloads ({@code Kind/name}), stages. */
    private static String[] runtimeColumns(RuntimeContext r) {
        if (r == null) {
            return new String[]{null, null, null, null, null};
        }
        List<String> workloads = IntStream.range(0, r.workloadKinds().size())
                .mapToObj(i -> r.workloadKinds().get(i) + "/" + r.workloadNames().get(i)).toList();
        return new String[]{r.status().name(), join(r.clusters()), join(r.namespaces()), join(workloads), join(r.stages())};
    }

    /** Forgets groups (with their images and notifications) last seen before {@code cutoff}; returns how many. */
    public int forgetBefore(Instant cutoff) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            String stale = "SELECT group_key FROM sighting_group WHERE last_seen < ?";
            int groups;
            try (PreparedStatement images = c.prepareStatement("DELETE FROM sighting_image WHERE group_key IN (" + stale + ")");
                 PreparedStatement notes = c.prepareStatement("DELETE FROM notification WHERE group_key IN (" + stale + ")");
                 PreparedStatement group = c.prepareStatement("DELETE FROM sighting_group WHERE last_seen < ?")) {
                for (PreparedStatement ps : List.of(images, notes, group)) {
                    ps.setTimestamp(1, Timestamp.from(cutoff));
                }
                images.executeUpdate();
                notes.executeUpdate();
                groups = group.executeUpdate();
            }
            c.commit();
            return groups;
        } catch (SQLException e) {
            throw database.failure("forget sightings before " + cutoff, e);
        }
    }

    /** The group's columns, first in every query that reads groups ({@link #group}). */
    private static final String GROUP_COLUMNS = "g.group_key, g.vulnerability_id, g.title, g.registry, g.repository, "
            + "g.component, g.version, g.risk_level, g.fix_version, g.first_seen, g.last_seen";

    /** The group in the first {@link #GROUP_COLUMNS} columns of the row. */
    private static SightedGroup group(ResultSet rs, List<SightedGroup.Image> images) throws SQLException {
        return new SightedGroup(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                rs.getString(6), rs.getString(7), rs.getString(8), rs.getString(9), rs.getTimestamp(10).toInstant(),
                rs.getTimestamp(11).toInstant(), images);
    }

    /** A group resolved after it was announced as new, and the channels that took that announcement. */
    public record Resolved(SightedGroup group, Instant resolvedAt, List<String> channels) {
    }

    /**
     * Groups marked resolved whose NEW notification a channel accepted and that have no RESOLVED notification on that
     * channel yet; without images (a resolved group has none left).
     */
    public List<Resolved> resolvedToAnnounce() {
        Map<String, Resolved> out = new LinkedHashMap<>();
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT " + GROUP_COLUMNS
                     + ", g.resolved_at, n.channel FROM sighting_group g JOIN notification n ON n.group_key = g.group_key "
                     + "AND n.kind = ? AND n.state = ? WHERE g.resolved_at IS NOT NULL AND NOT EXISTS (SELECT 1 FROM "
                     + "notification r WHERE r.group_key = g.group_key AND r.channel = n.channel AND r.kind = ?) "
                     + "ORDER BY g.resolved_at, g.group_key, n.channel")) {
            ps.setString(1, Kind.NEW.name());
            ps.setString(2, State.SENT.name());
            ps.setString(3, Kind.RESOLVED.name());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String key = rs.getString(1);
                    if (!out.containsKey(key)) {
                        out.put(key, new Resolved(group(rs, List.of()), rs.getTimestamp(12).toInstant(), new ArrayList<>()));
                    }
                    out.get(key).channels().add(rs.getString(13));
                }
            }
        } catch (SQLException e) {
            throw database.failure("read the resolved groups", e);
        }
        return List.copyOf(out.values());
    }

    /** Groups first seen at or after {@code since} that have no notification yet, with their images. */
    public List<SightedGroup> unnotifiedSince(Instant since) {
        Map<String, SightedGroup> groups = new LinkedHashMap<>();
        Map<String, List<SightedGroup.Image>> images = new LinkedHashMap<>();
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT " + GROUP_COLUMNS + ", i.digest, i.tags, i.runtime_status, i.clusters, i.namespaces, i.workloads, i.stages, i.last_seen "
                     + "FROM sighting_group g JOIN sighting_image i ON i.group_key = g.group_key "
                     + "WHERE g.first_seen >= ? AND NOT EXISTS (SELECT 1 FROM notification n WHERE n.group_key = g.group_key) "
                     + "ORDER BY g.first_seen, g.group_key, i.digest")) {
            ps.setTimestamp(1, Timestamp.from(since));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String key = rs.getString(1);
                    List<SightedGroup.Image> own = images.computeIfAbsent(key, k -> new ArrayList<>());
                    groups.computeIfAbsent(key, k -> {
                        try {
                            return group(rs, own);
                        } catch (SQLException e) {
                            throw database.failure("read a sighting", e);
                        }
                    });
                    own.add(new SightedGroup.Image(rs.getString(12), split(rs.getString(13)), rs.getString(14),
                            split(rs.getString(15)), split(rs.getString(16)), split(rs.getString(17)), split(rs.getString(18)),
                            rs.getTimestamp(19).toInstant()));
                }
            }
        } catch (SQLException e) {
            throw database.failure("read the sightings since " + since, e);
        }
        return List.copyOf(groups.values());
    }

    /**
     * Creates the group's notification of this kind for each channel (PENDING); one that exists is left as it is, also
     * when another replica created it a moment ago.
     */
    public void createNotifications(String groupKey, Kind kind, List<String> channels, String payload, Instant now) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement insert = c.prepareStatement("INSERT INTO notification (group_key, channel, kind, state, "
                     + "payload, created_at, attempts) VALUES (?, ?, ?, ?, ?, ?, 0)")) {
            for (String channel : channels) {
                insert.setString(1, groupKey);
                insert.setString(2, channel);
                insert.setString(3, kind.name());
                insert.setString(4, State.PENDING.name());
                insert.setString(5, payload);
                insert.setTimestamp(6, Timestamp.from(now));
                try {
                    insert.executeUpdate();
                } catch (SQLException e) {
                    if (!Database.conflict(e)) {
                        throw e;
                    }
                }
            }
        } catch (SQLException e) {
            throw database.failure("create the notifications of " + groupKey, e);
        }
    }

    public List<Notification> notifications(State state) {
        return queryNotifications("WHERE state = ? ORDER BY created_at, group_key, channel, kind", state.name());
    }

    /**
     * Takes the pending notification for this replica to send: false when another live replica is sending it, or it
     * was sent since it was listed. Unshared, true while it is pending.
     */
    public boolean claim(Notification n) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("UPDATE notification SET claimed_by = ? WHERE " + NOTIFICATION_KEY
                     + " AND state = ? AND " + replicas.claimable("claimed_by"))) {
            ps.setString(1, replicas.id());
            ps.setString(2, n.groupKey());
            ps.setString(3, n.channel());
            ps.setString(4, n.kind().name());
            ps.setString(5, State.PENDING.name());
            ps.setString(6, replicas.id());
            return ps.executeUpdate() == 1;
        } catch (SQLException e) {
            throw database.failure("claim a notification", e);
        }
    }

    /** The channel accepted it: it is never sent again. */
    public void sent(Notification n, Instant now) {
        update("UPDATE notification SET state = ?, sent_at = ?, attempts = attempts + 1, last_error = NULL, claimed_by = NULL "
                + "WHERE " + NOTIFICATION_KEY, State.SENT.name(), Timestamp.from(now), n.groupKey(), n.channel(), n.kind().name());
    }

    /** The channel failed after its retries: PENDING for the next run, or DEAD when {@code dead}. */
    public void failed(Notification n, String error, boolean dead) {
        update("UPDATE notification SET state = ?, attempts = attempts + 1, last_error = ?, claimed_by = NULL WHERE "
                + NOTIFICATION_KEY, (dead ? State.DEAD : State.PENDING).name(), cut(error, 2000), n.groupKey(), n.channel(),
                n.kind().name());
    }

    public Optional<Notification> notification(String groupKey, String channel, Kind kind) {
        return queryNotifications("WHERE " + NOTIFICATION_KEY, groupKey, channel, kind.name()).stream().findFirst();
    }

    private List<Notification> queryNotifications(String where, String... values) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT group_key, channel, kind, state, payload, attempts, "
                     + "last_error FROM notification " + where)) {
            for (int i = 0; i < values.length; i++) {
                ps.setString(i + 1, values[i]);
            }
            List<Notification> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Notification(rs.getString(1), rs.getString(2), Kind.valueOf(rs.getString(3)),
                            State.valueOf(rs.getString(4)), rs.getString(5), rs.getInt(6), rs.getString(7)));
                }
            }
            return out;
        } catch (SQLException e) {
            throw database.failure("read notifications " + where, e);
        }
    }

    private void update(String sql, Object... values) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < values.length; i++) {
                ps.setObject(i + 1, values[i]);
            }
            ps.executeUpdate();
        } catch (SQLException e) {
            throw database.failure("update a notification", e);
        }
    }

    private static String join(List<String> values) {
        return values == null ? null : String.join(SEP, values);
    }

    private static List<String> split(String joined) {
        return joined == null || joined.isEmpty() ? List.of() : Arrays.asList(joined.split(SEP));
    }

    private static String cut(String value, int max) {
        return value == null || value.length() <= max ? value : value.substring(0, max);
    }
}
