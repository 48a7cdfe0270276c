-- name: page
-- Parties as they stood at the end of :as_of, keyset-paged by (name, id).
SELECT p.id, p.name, s.status, s.category, s.voting_group_id, s.acceded_on, p.note
FROM parties p
JOIN party_states(:as_of) s ON s.party_id = p.id
WHERE (:category::text IS NULL OR s.category = :category)
  AND (:status::text IS NULL OR s.status = :status)
  AND (:name_contains::text IS NULL OR strpos(lower(p.name), lower(:name_contains)) > 0)
  AND (:voting_group_id::bigint IS NULL OR s.voting_group_id = :voting_group_id)
  AND (NOT :members_only OR s.status IN ('ACTIVE', 'IN_DEFAULT'))
  AND (:after_name::text IS NULL OR (p.name, p.id) > (:after_name, :after_id::bigint))
ORDER BY p.name, p.id
LIMIT :limit;

-- name: count
SELECT count(*)
FROM parties p
JOIN party_states(:as_of) s ON s.party_id = p.id
WHERE (:category::text IS NULL OR s.category = :category)
  AND (:status::text IS NULL OR s.status = :status)
  AND (:name_contains::text IS NULL OR strpos(lower(p.name), lower(:name_contains)) > 0)
  AND (:voting_group_id::bigint IS NULL OR s.voting_group_id = :voting_group_id)
  AND (NOT :members_only OR s.status IN ('ACTIVE', 'IN_DEFAULT'));

-- name: by_ids
SELECT p.id, p.name, s.status, s.category, s.voting_group_id, s.acceded_on, p.note
FROM parties p
JOIN party_states(:as_of) s ON s.party_id = p.id
WHERE p.id = ANY(:ids::bigint[]);

-- name: by_voting_groups
SELECT p.id, p.name, s.status, s.category, s.voting_group_id, s.acceded_on, p.note
FROM parties p
JOIN party_states(:as_of) s ON s.party_id = p.id
WHERE s.voting_group_id = ANY(:ids::bigint[])
  AND (NOT :members_only OR s.status IN ('ACTIVE', 'IN_DEFAULT'))
ORDER BY p.name, p.id;

-- name: insert
INSERT INTO parties (name, initial_category, initial_voting_group_id, note)
VALUES (:name, :category, :voting_group_id, :note)
RETURNING id;

-- name: lock
SELECT id FROM parties WHERE id = :id FOR UPDATE;

-- name: exists_named
SELECT EXISTS (SELECT 1 FROM parties WHERE lower(name) = lower(:name));

-- name: events_by_parties
SELECT id, party_id, kind, occurred_on, user_role, user_id, category, voting_group_id, note
FROM party_events
WHERE party_id = ANY(:ids::bigint[]) AND occurred_on <= :as_of
ORDER BY party_id, occurred_on, id;

-- name: events_of
SELECT id, party_id, kind, occurred_on, user_role, user_id, category, voting_group_id, note
FROM party_events
WHERE party_id = :party_id
ORDER BY occurred_on, id;

-- name: event_by_ids
SELECT id, party_id, kind, occurred_on, user_role, user_id, category, voting_group_id, note
FROM party_events
WHERE id = ANY(:ids::bigint[]);

-- name: insert_event
INSERT INTO party_events (party_id, kind, occurred_on, user_role, user_id, category, voting_group_id, note)
VALUES (:party_id, :kind, :occurred_on, :user_role, :user_id, :category, :voting_group_id, :note)
RETURNING id, party_id, kind, occurred_on, user_role, user_id, category, voting_group_id, note;

-- name: statistics
-- Table 3 of the Operations Report, per month, from the dated events alone; the DCC is left out of every count.
WITH months AS (
    SELECT m::date AS month_start, (m + interval '1 month' - interval '1 day')::date AS month_end
    FROM generate_series(:from_month::date, :to_month::date, interval '1 month') AS m
),
states AS (
    SELECT m.month_start, s.*
    FROM months m CROSS JOIN LATERAL party_states(m.month_end) s
),
defaults AS (
    -- A default lasts until it is cured or the Party leaves (an expelled Party still counts in its last month).
    SELECT e.party_id, e.occurred_on AS start_on,
           (SELECT min(x.occurred_on) FROM party_events x
            WHERE x.party_id = e.party_id AND x.kind IN ('DEFAULT_CURED', 'EXPULSION', 'WITHDRAWAL')
              AND x.occurred_on >= e.occurred_on) AS end_on
    FROM party_events e
    WHERE e.kind = 'DEFAULT_ENTERED'
),
event_counts AS (
    SELECT m.month_start,
           count(*) FILTER (WHERE e.kind = 'ACCESSION') AS accessions,
           count(*) FILTER (WHERE e.kind = 'WITHDRAWAL') AS withdrawals,
           count(*) FILTER (WHERE e.kind = 'EXPULSION') AS expulsions
    FROM months m
    JOIN party_events e ON e.occurred_on BETWEEN m.month_start AND m.month_end
    JOIN states s ON s.month_start = m.month_start AND s.party_id = e.party_id AND s.category <> 'DCC'
    WHERE e.kind IN ('ACCESSION', 'WITHDRAWAL', 'EXPULSION')
    GROUP BY m.month_start
),
default_counts AS (
    SELECT m.month_start, count(DISTINCT d.party_id) AS in_default
    FROM months m
    JOIN defaults d ON d.start_on <= m.month_end AND (d.end_on IS NULL OR d.end_on >= m.month_start)
    JOIN states s ON s.month_start = m.month_start AND s.party_id = d.party_id AND s.category <> 'DCC'
    GROUP BY m.month_start
),
members AS (
    SELECT s.month_start, s.party_id, s.voting_group_id, vg.category AS group_category
    FROM states s JOIN voting_groups vg ON vg.id = s.voting_group_id
    WHERE s.status IN ('ACTIVE', 'IN_DEFAULT') AND s.category <> 'DCC'
),
member_counts AS (
    SELECT month_start, count(*) AS parties, count(DISTINCT voting_group_id) AS voting_groups
    FROM members GROUP BY month_start
),
group_counts AS (
    -- One pass over the members (a subquery per month and category scanned them all 5 x months times).
    SELECT month_start, group_category, count(DISTINCT voting_group_id) AS groups
    FROM members GROUP BY month_start, group_category
),
by_category AS (
    SELECT m.month_start, jsonb_object_agg(c.category, coalesce(g.groups, 0)) AS groups
    FROM months m
    CROSS JOIN unnest(ARRAY['LARGE_SUPPLIER', 'SMALL_SUPPLIER', 'ELECTRICITY_NETWORK', 'GAS_NETWORK',
                            'OTHER_SEC_PARTY']) AS c(category)
    LEFT JOIN group_counts g ON g.month_start = m.month_start AND g.group_category = c.category
    GROUP BY m.month_start
)
SELECT to_char(m.month_start, 'YYYY-MM') AS month,
       coalesce(ec.accessions, 0) AS accessions,
       coalesce(dc.in_default, 0) AS in_default,
       coalesce(ec.withdrawals, 0) AS withdrawals,
       coalesce(ec.expulsions, 0) AS expulsions,
       coalesce(mc.parties, 0) AS parties_at_month_end,
       coalesce(mc.voting_groups, 0) AS voting_groups_at_month_end,
       bc.groups AS voting_groups_by_category
FROM months m
LEFT JOIN event_counts ec ON ec.month_start = m.month_start
LEFT JOIN default_counts dc ON dc.month_start = m.month_start
LEFT JOIN member_counts mc ON mc.month_start = m.month_start
LEFT JOIN by_category bc ON bc.month_start = m.month_start
ORDER BY m.month_start;

-- name: rebuild_periods
-- Every Party's validity periods derived again from the events; the number of periods.
SELECT rebuild_party_periods();
