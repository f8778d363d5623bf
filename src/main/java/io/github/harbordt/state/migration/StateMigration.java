package io.github.harbordt.state.migration;

import org.flywaydb.core.api.MigrationVersion;
import org.flywaydb.core.api.migration.JavaMigration;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Locale;

/**
 * A schema step that SQL alone cannot say on both databases (it depends on what an older state holds, or on the
 * database). Named by its version, so the classes can have names that say what they do.
 */
abstract class StateMigration implements JavaMigration {

    private final String version;
    private final String description;

    StateMigration(String version, String description) {
        this.version = version;
        this.description = description;
    }

    @Override
    public MigrationVersion getVersion() {
        return MigrationVersion.fromVersion(version);
    }

    @Override
    public String getDescription() {
        return description;
    }

    @Override
    public Integer getChecksum() {
        return null;
    }

    @Override
    public boolean canExecuteInTransaction() {
        return true;
    }

    static boolean postgres(Connection c) throws SQLException {
        return c.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT).contains("postgres");
    }

    /** Whether the table exists in the connection's schema and, when {@code column} is given, has that column. */
    static boolean has(Connection c, String table, String column) throws SQLException {
        for (String name : new String[] {table.toLowerCase(Locale.ROOT), table.toUpperCase(Locale.ROOT)}) {
            try (ResultSet columns = c.getMetaData().getColumns(null, c.getSchema(), name, null)) {
                while (columns.next()) {
                    if (column == null || columns.getString("COLUMN_NAME").equalsIgnoreCase(column)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }
}
