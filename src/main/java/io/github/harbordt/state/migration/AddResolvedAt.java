package io.github.harbordt.state.migration;

import org.flywaydb.core.api.migration.Context;

import java.sql.Statement;

/**
 * {@code sighting_group.resolved_at} (latest-scan truth; null while a group is current) came after the table: a state
 * of the first release that has it already is left as it is.
 */
public final class AddResolvedAt extends StateMigration {

    public AddResolvedAt() {
        super("3", "sighting_group.resolved_at");
    }

    @Override
    public void migrate(Context context) throws Exception {
        var c = context.getConnection();
        if (!has(c, "sighting_group", "resolved_at")) {
            try (Statement s = c.createStatement()) {
                s.execute("ALTER TABLE sighting_group ADD COLUMN resolved_at TIMESTAMP");
            }
        }
    }
}
