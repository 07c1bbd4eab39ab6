-- The charts' derived table, made correct under concurrent writers, and the columns the new
-- chart views read.
--
-- Until now report_discount was refreshed from the tickets whose updated_at moved past a
-- watermark. A writer's timestamp is taken before it commits: a transaction stamped 10:00:01
-- that commits after a refresh which already saw another writer's 10:00:02 fell behind the
-- watermark and was never re-derived. Now every write to a ticket or a discount request also
-- appends the ticket's id to report_change, in the same transaction (lib/store/tickets.py), and
-- the refresh re-derives the ids it sees there and deletes exactly those rows: a change that
-- commits later is still in the log for the next refresh, whatever its timestamp.
CREATE SEQUENCE seq_report_change START 1;
CREATE TABLE report_change (
    id         BIGINT NOT NULL DEFAULT nextval('seq_report_change'),
    ticket_id  BIGINT NOT NULL
);

-- People, Amounts and Method views: who opened and who decided, how long the decision took,
-- what was computed and the monthly fee it was computed on.
ALTER TABLE report_discount ADD COLUMN opened_by INTEGER;
ALTER TABLE report_discount ADD COLUMN decided_by INTEGER;
ALTER TABLE report_discount ADD COLUMN decide_s DOUBLE;
ALTER TABLE report_discount ADD COLUMN computed_amount DECIMAL(12, 2);
ALTER TABLE report_discount ADD COLUMN monthly_fee DECIMAL(12, 2);

-- Rebuild it whole on the next refresh, with the new columns.
DELETE FROM report_state WHERE name = 'discount';
