package io.github.harbordt.state.migration;

import org.flywaydb.core.api.migration.Context;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.sql.Statement;

/**
 * The tables of Quartz's JDBC job store, with which replicas share their schedules (each trigger fires on one of them):
 * the DDL Quartz ships for PostgreSQL, without its leading DROPs, so Quartz's own schema is what runs. An H2 file
 * belongs to one process, which keeps its schedules in memory: nothing to create there.
 */
public final class QuartzJobStore extends StateMigration {

    public QuartzJobStore() {
        super("4", "Quartz job store");
    }

    @Override
    public void migrate(Context context) throws Exception {
        var c = context.getConnection();
        if (!postgres(c)) {
            return;
        }
        try (Statement s = c.createStatement()) {
            for (String statement : statements("tables_postgres.sql")) {
                s.execute(statement);
            }
        }
    }

    static String[] statements(String file) {
        try (InputStream in = QuartzJobStore.class.getResourceAsStream("/org/quartz/impl/jdbcjobstore/" + file)) {
            if (in == null) {
                throw new IllegalStateException("Quartz's " + file + " is not on the class path");
            }
            StringBuilder sql = new StringBuilder();
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                String trimmed = line.strip();
                if (!trimmed.startsWith("--") && !trimmed.toUpperCase(Locale.ROOT).startsWith("DROP ")
                        && !trimmed.equalsIgnoreCase("commit;")) {
                    sql.append(line).append('\n');
                }
            }
            return Arrays.stream(sql.toString().split(";"))
                    .map(String::strip).filter(st -> !st.isEmpty()).toArray(String[]::new);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
