package io.github.harbordt.state.migration;

import org.flywaydb.core.api.migration.Context;

import java.sql.Statement;

/**
 * A group may be announced twice per channel: when it is new, and (with {@code notifications.resolved}) when no image
 * that counts has it in its newest scan any more. Existing rows are the NEW announcements. The primary key is named by
 * PostgreSQL and not by H2, hence a Java step.
 */
public final class NotificationKinds extends StateMigration {

    public NotificationKinds() {
        super("6", "notification kinds");
    }

    @Override
    public void migrate(Context context) throws Exception {
        var c = context.getConnection();
        try (Statement s = c.createStatement()) {
            s.execute("ALTER TABLE notification ADD COLUMN kind VARCHAR(10) DEFAULT 'NEW' NOT NULL");
            s.execute(postgres(c) ? "ALTER TABLE notification DROP CONSTRAINT notification_pkey"
                    : "ALTER TABLE notification DROP PRIMARY KEY");
            s.execute("ALTER TABLE notification ADD PRIMARY KEY (group_key, channel, kind)");
        }
    }
}
