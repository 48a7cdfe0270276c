-- Membership statistics as runs of months, kept with the periods. Each figure of a month's Table 3 counts things
-- whose run covers that month: a Party whose month end finds it a member ('parties'), a Voting Group with a member
-- then ('groups', and again under the group's category), a Party in an Event of Default at some time in the month
-- ('in_default'), an accession, withdrawal or expulsion in it (a run of one month). The DCC is left out by its
-- category at the month's end. A Party's runs follow from its periods and events, a group's from its members'
-- periods: they are derived again with them, in the same transaction, so that the statistics are one read of
-- these rows whatever the months asked for.
CREATE TABLE membership_runs (
    what             text NOT NULL,
    party_id         bigint REFERENCES parties (id) ON DELETE CASCADE,
    voting_group_id  bigint REFERENCES voting_groups (id) ON DELETE CASCADE,
    first_month      int NOT NULL,  -- month_number()s
    last_month       int,           -- null: still running
    CHECK ((party_id IS NULL) <> (voting_group_id IS NULL)),
    CHECK (first_month <= last_month)
);
CREATE INDEX membership_runs_party ON membership_runs (party_id) WHERE party_id IS NOT NULL;
CREATE INDEX membership_runs_group ON membership_runs (voting_group_id) WHERE voting_group_id IS NOT NULL;

-- The runs of some Parties and some Voting Groups (all of them when null), from the periods and events.
CREATE FUNCTION derive_membership_runs(party_ids bigint[], group_ids bigint[])
RETURNS TABLE (what text, party_id bigint, voting_group_id bigint, first_month int, last_month int)
LANGUAGE sql STABLE AS $$
    WITH spans AS (
        -- The month ends each period holds (2147483646: no end yet).
        SELECT s.party_id, s.status, s.category, s.voting_group_id,
               coalesce(s.valid_from_month, 0) AS first_month,
               coalesce(s.valid_to_month - 1, 2147483646) AS last_month
        FROM party_periods s
        WHERE coalesce(s.valid_from_month, 0) <= coalesce(s.valid_to_month - 1, 2147483646)
          AND s.category <> 'DCC'
          AND (party_ids IS NULL OR s.party_id = ANY (party_ids)
               OR group_ids IS NULL OR s.voting_group_id = ANY (group_ids))
    ),
    counted AS (
        SELECT * FROM spans WHERE party_ids IS NULL OR party_id = ANY (party_ids)
    ),
    defaults AS (
        -- A default lasts until it is cured or the Party leaves (an expelled Party still counts in its last month).
        SELECT e.party_id, month_number(e.occurred_on) AS first_month,
               coalesce(month_number(ended.on_day), 2147483646) AS last_month
        FROM party_events e
        CROSS JOIN LATERAL (
            SELECT min(x.occurred_on) AS on_day FROM party_events x
            WHERE x.party_id = e.party_id AND x.kind IN ('DEFAULT_CURED', 'EXPULSION', 'WITHDRAWAL')
              AND x.occurred_on >= e.occurred_on
        ) AS ended
        WHERE e.kind = 'DEFAULT_ENTERED' AND (party_ids IS NULL OR e.party_id = ANY (party_ids))
    ),
    runs AS (
        -- Months with a member per Voting Group (keyed by its id), months in default per Party (by minus its id).
        SELECT s.voting_group_id AS key, s.first_month, s.last_month
        FROM spans s
        WHERE s.status IN ('ACTIVE', 'IN_DEFAULT') AND (group_ids IS NULL OR s.voting_group_id = ANY (group_ids))
        UNION ALL
        SELECT -d.party_id, d.first_month, d.last_month FROM defaults d
    ),
    pieces AS (
        -- What each run adds to the months its key's earlier-starting runs cover (those cover, from this run's
        -- start, every month up to the furthest they reach): each group or Party then counts once a month.
        SELECT key, CASE WHEN reached >= first_month THEN reached + 1 ELSE first_month END AS first_month,
               last_month
        FROM (SELECT r.*, max(r.last_month) OVER (PARTITION BY r.key ORDER BY r.first_month, r.last_month
                                                  ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS reached
              FROM runs r) AS r
        WHERE reached IS NULL OR last_month > reached
    ),
    found AS (
        SELECT 'parties' AS what, party_id, NULL::bigint AS voting_group_id, first_month, last_month
        FROM counted WHERE status IN ('ACTIVE', 'IN_DEFAULT')
        UNION ALL
        SELECT unnest(ARRAY['groups', vg.category]), NULL, p.key, p.first_month, p.last_month
        FROM pieces p JOIN voting_groups vg ON vg.id = p.key
        UNION ALL
        -- in default, while not the DCC (a Party's periods hold disjoint months: its pieces stay disjoint)
        SELECT 'in_default', c.party_id, NULL, greatest(p.first_month, c.first_month),
               least(p.last_month, c.last_month)
        FROM pieces p JOIN counted c ON c.party_id = -p.key
        WHERE greatest(p.first_month, c.first_month) <= least(p.last_month, c.last_month)
        UNION ALL
        SELECT CASE e.kind WHEN 'ACCESSION' THEN 'accessions' WHEN 'WITHDRAWAL' THEN 'withdrawals'
                           ELSE 'expulsions' END,
               e.party_id, NULL, e.month, e.month
        FROM (SELECT x.party_id, x.kind, month_number(x.occurred_on) AS month FROM party_events x
              WHERE x.kind IN ('ACCESSION', 'WITHDRAWAL', 'EXPULSION')
                AND (party_ids IS NULL OR x.party_id = ANY (party_ids))) AS e
        JOIN counted c ON c.party_id = e.party_id AND e.month BETWEEN c.first_month AND c.last_month
    )
    SELECT what, party_id, voting_group_id, first_month, nullif(last_month, 2147483646) FROM found
$$;

-- Derive the runs of some Parties and Voting Groups again. The groups' rows are locked first: two transactions
-- changing members of one group derive its runs one after the other, the second seeing the first's periods.
CREATE FUNCTION refresh_membership_runs(party_ids bigint[], group_ids bigint[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM voting_groups WHERE id = ANY (group_ids) ORDER BY id FOR NO KEY UPDATE;
    DELETE FROM membership_runs WHERE party_id = ANY (party_ids) OR voting_group_id = ANY (group_ids);
    INSERT INTO membership_runs (what, party_id, voting_group_id, first_month, last_month)
    SELECT * FROM derive_membership_runs(party_ids, group_ids);
END
$$;

-- The periods of some Parties, then their runs and those of every Voting Group they were or are in.
CREATE OR REPLACE FUNCTION refresh_party_periods(ids bigint[]) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    groups bigint[];
BEGIN
    PERFORM 1 FROM parties WHERE id = ANY (ids) ORDER BY id FOR NO KEY UPDATE;
    groups := ARRAY(SELECT voting_group_id FROM party_periods WHERE party_id = ANY (ids));
    DELETE FROM party_periods WHERE party_id = ANY (ids);
    INSERT INTO party_periods (party_id, valid_from, valid_to, status, category, voting_group_id, acceded_on)
    SELECT * FROM derive_party_periods(ids);
    groups := groups || ARRAY(SELECT voting_group_id FROM party_periods WHERE party_id = ANY (ids));
    PERFORM refresh_membership_runs(ids, ARRAY(SELECT DISTINCT unnest(groups)));
END
$$;

-- Every Party's periods and every run derived again from the events; returns the number of periods.
CREATE OR REPLACE FUNCTION rebuild_party_periods() RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
    n bigint;
BEGIN
    LOCK TABLE parties, party_events, voting_groups IN SHARE MODE;
    DELETE FROM party_periods;
    INSERT INTO party_periods (party_id, valid_from, valid_to, status, category, voting_group_id, acceded_on)
    SELECT * FROM derive_party_periods(NULL);
    GET DIAGNOSTICS n = ROW_COUNT;
    DELETE FROM membership_runs;
    INSERT INTO membership_runs (what, party_id, voting_group_id, first_month, last_month)
    SELECT * FROM derive_membership_runs(NULL, NULL);
    RETURN n;
END
$$;

-- A Voting Group's category is read into its runs.
CREATE FUNCTION membership_runs_follow_groups() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM refresh_membership_runs('{}', ARRAY(SELECT id FROM new_rows UNION SELECT id FROM old_rows));
    RETURN NULL;
END
$$;
CREATE TRIGGER membership_runs_after_group_update AFTER UPDATE ON voting_groups
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION membership_runs_follow_groups();

SELECT rebuild_party_periods();
