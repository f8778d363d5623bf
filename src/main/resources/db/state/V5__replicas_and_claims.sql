-- Several replicas on one database. Each replica writes its heartbeat; work one of them has taken (a scan on its way
-- to Dynatrace, an outbox batch, a notification) carries its id and is taken over only once that replica stopped
-- beating, so a live replica's work is never done twice and a dead one's is not lost.

-- Times are the database's (CURRENT_TIMESTAMP, with time zone): replicas on hosts with different clocks or zones
-- still agree on who is silent.
CREATE TABLE connector_replica (replica_id VARCHAR(100) NOT NULL PRIMARY KEY, host VARCHAR(300) NOT NULL,
    started_at TIMESTAMP WITH TIME ZONE NOT NULL, last_seen TIMESTAMP WITH TIME ZONE NOT NULL);

CREATE TABLE scan_claim (instance_id VARCHAR(100) NOT NULL, repository VARCHAR(1000) NOT NULL,
    digest VARCHAR(200) NOT NULL, report_id VARCHAR(1000) NOT NULL, end_time VARCHAR(64) NOT NULL,
    replica_id VARCHAR(100) NOT NULL, claimed_at TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (instance_id, repository, digest, report_id, end_time));

ALTER TABLE outbox ADD COLUMN claimed_by VARCHAR(100);

ALTER TABLE notification ADD COLUMN claimed_by VARCHAR(100);
