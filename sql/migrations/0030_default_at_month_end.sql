-- Table 3 counts "in default" as the papers do: the Parties in an Event of Default at the end of the month's last
-- day that are still Parties then (January 2019 prints 4, not 5, in the month Economy Energy defaulted and was
-- expelled). That is the status a Party's period holds at the month end, so an 'in_default' run is the months of
-- its IN_DEFAULT periods: a default entered and cured, or entered and ended by expulsion, within one month counts
-- in no month; one entered on the month's last day counts in that month. Everything else is as 0010 derived it.
CREATE OR REPLACE FUNCTION derive_membership_runs(party_ids bigint[], group_ids bigint[])
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
    runs AS (
        -- Months with a member per Voting Group.
        SELECT s.voting_group_id AS key, s.first_month, s.last_month
        FROM spans s
        WHERE s.status IN ('ACTIVE', 'IN_DEFAULT') AND (group_ids IS NULL OR s.voting_group_id = ANY (group_ids))
    ),
    pieces AS (
        -- What each run adds to the months its group's earlier-starting runs cover (those cover, from this run's
        -- start, every month up to the furthest they reach): each group then counts once a month.
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
        -- A Party's periods hold disjoint months, so it counts once a month.
        SELECT 'in_default', party_id, NULL, first_month, last_month
        FROM counted WHERE status = 'IN_DEFAULT'
        UNION ALL
        SELECT unnest(ARRAY['groups', vg.category]), NULL, p.key, p.first_month, p.last_month
        FROM pieces p JOIN voting_groups vg ON vg.id = p.key
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

SELECT rebuild_party_periods();
