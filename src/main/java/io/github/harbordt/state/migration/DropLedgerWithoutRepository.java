package io.github.harbordt.state.migration;

import org.flywaydb.core.api.migration.Context;

import java.sql.Statement;

/**
 * Before 0.2 the ledger keyed delivered scans by digest alone, so a digest in a second repository looked delivered. Its
 * rows cannot be given a repository, and they only spare re-sends inside the crawl's overlap window: dropping them
 * re-sends at most those scans once (with the same event ids). The next step creates the table again.
 */
public final class DropLedgerWithoutRepository extends StateMigration {

    public DropLedgerWithoutRepository() {
        super("1", "drop a ledger without repository");
    }

    @Override
    public void migrate(Context context) throws Exception {
        var c = context.getConnection();
        if (has(c, "delivered_scan", null) && !has(c, "delivered_scan", "repository")) {
            try (Statement s = c.createStatement()) {
                s.execute("DROP TABLE delivered_scan");
            }
        }
    }
}
