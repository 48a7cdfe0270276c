-- name: page
-- Parties as they stood at the end of :as_of, keyset-paged by (name, id): the Parties in name order, each with the
-- period holding that day (its latest starting by then, one index probe). Written as a lateral probe so that a
-- reused, generic plan also walks the names rather than reading every period of the day and sorting.
SELECT p.id, p.name, s.status, s.category, s.voting_group_id, s.acceded_on, p.note
FROM parties p
CROSS JOIN LATERAL (
    SELECT * FROM party_periods s WHERE s.party_id = p.id AND s.valid_from <= :as_of::date
    ORDER BY s.valid_from DESC LIMIT 1
) AS s
WHERE (:category::text IS NULL OR s.category = :category)
  AND (:status::text IS NULL OR s.status = :status)
  AND (:name_contains::text IS NULL OR strpos(lower(p.name), lower(:name_contains)) > 0)
  AND (:voting_group_id::bigint IS NULL OR s.voting_group_id = :voting_group_id)
  AND (NOT :members_only OR s.status = ANY(:member_statuses::text[]))
  AND (:after_name::text IS NULL OR (p.name, p.id) > (:after_name, :after_id::bigint))
  AND (:before_name::text IS NULL OR (p.name, p.id) < (:before_name, :before_id::bigint))
ORDER BY p.name, p.id
LIMIT :limit;

-- name: page_backward
-- The same, paging backward: the Parties before a position, nearest first. A statement of its own (not a
-- direction parameter) so that each direction walks its index in order.
SELECT p.id, p.name, s.status, s.category, s.voting_group_id, s.acceded_on, p.note
FROM parties p
CROSS JOIN LATERAL (
    SELECT * FROM party_periods s WHERE s.party_id = p.id AND s.valid_from <= :as_of::date
    ORDER BY s.valid_from DESC LIMIT 1
) AS s
WHERE (:category::text IS NULL OR s.category = :category)
  AND (:status::text IS NULL OR s.status = :status)
  AND (:name_contains::text IS NULL OR strpos(lower(p.name), lower(:name_contains)) > 0)
  AND (:voting_group_id::bigint IS NULL OR s.voting_group_id = :voting_group_id)
  AND (NOT :members_only OR s.status = ANY(:member_statuses::text[]))
  AND (:after_name::text IS NULL OR (p.name, p.id) > (:after_name, :after_id::bigint))
  AND (:before_name::text IS NULL OR (p.name, p.id) < (:before_name, :before_id::bigint))
ORDER BY p.name DESC, p.id DESC
LIMIT :limit;

-- name: count
-- The periods containing :as_of (an index-only range read); the names are read only when filtered on.
SELECT count(*)
FROM party_periods s
WHERE s.valid_from <= :as_of::date AND s.valid_to > :as_of::date
  AND (:category::text IS NULL OR s.category = :category)
  AND (:status::text IS NULL OR s.status = :status)
  AND (:name_contains::text IS NULL OR EXISTS (
        SELECT 1 FROM parties p WHERE p.id = s.party_id AND strpos(lower(p.name), lower(:name_contains)) > 0))
  AND (:voting_group_id::bigint IS NULL OR s.voting_group_id = :voting_group_id)
  AND (NOT :members_only OR s.status = ANY(:member_statuses::text[]));

-- name: by_ids
SELECT p.id, p.name, s.status, s.category, s.voting_group_id, s.acceded_on, p.note
FROM parties p
CROSS JOIN LATERAL (
    SELECT * FROM party_periods s WHERE s.party_id = p.id AND s.valid_from <= :as_of::date
    ORDER BY s.valid_from DESC LIMIT 1
) AS s
WHERE p.id = ANY(:ids::bigint[]);

-- name: by_voting_groups
SELECT p.id, p.name, s.status, s.category, s.voting_group_id, s.acceded_on, p.note
FROM party_periods s
JOIN parties p ON p.id = s.party_id
WHERE s.voting_group_id = ANY(:ids::bigint[]) AND s.valid_from <= :as_of::date AND s.valid_to > :as_of::date
  AND (NOT :members_only OR s.status = ANY(:member_statuses::text[]))
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
-- Table 3 of the Operations Report, per month, in one read of the membership runs that touch the months (kept with
-- the periods, so nothing is worked out per Party or per month here): a run counts +1 from the month it starts and
-- -1 after the month it ends, and a month's figure is the running sum. The DCC is left out of every count. From the
-- register's opening balance on, the month-end totals add the balance (with_opening_balance, shared with
-- statistics_by_month_ends); months before it are marked incomplete.
WITH bounds AS (
    SELECT month_number(:from_month::date) AS first_month, month_number(:to_month::date) AS last_month
),
changes AS (
    SELECT r.what, greatest(r.first_month, b.first_month) AS month, count(*) AS change
    FROM bounds b
    JOIN membership_runs r ON r.first_month <= b.last_month AND (r.last_month IS NULL OR r.last_month >= b.first_month)
    GROUP BY 1, 2
    UNION ALL
    -- (a run going on after the last month asked for has no end to count)
    SELECT r.what, r.last_month + 1, -count(*)
    FROM bounds b
    JOIN membership_runs r ON r.last_month >= b.first_month AND r.last_month < b.last_month
    GROUP BY 1, 2
),
by_month AS (
    SELECT month,
           sum(change) FILTER (WHERE what = 'accessions') AS accessions,
           sum(change) FILTER (WHERE what = 'in_default') AS in_default,
           sum(change) FILTER (WHERE what = 'withdrawals') AS withdrawals,
           sum(change) FILTER (WHERE what = 'expulsions') AS expulsions,
           sum(change) FILTER (WHERE what = 'parties') AS parties,
           sum(change) FILTER (WHERE what = 'groups') AS groups,
           sum(change) FILTER (WHERE what = 'LARGE_SUPPLIER') AS large_supplier,
           sum(change) FILTER (WHERE what = 'SMALL_SUPPLIER') AS small_supplier,
           sum(change) FILTER (WHERE what = 'ELECTRICITY_NETWORK') AS electricity_network,
           sum(change) FILTER (WHERE what = 'GAS_NETWORK') AS gas_network,
           sum(change) FILTER (WHERE what = 'OTHER_SEC_PARTY') AS other_sec_party
    FROM changes
    GROUP BY month
),
register AS (
    SELECT m.month,
           coalesce(sum(c.accessions) OVER w, 0)::int AS accessions,
           coalesce(sum(c.in_default) OVER w, 0)::int AS in_default,
           coalesce(sum(c.withdrawals) OVER w, 0)::int AS withdrawals,
           coalesce(sum(c.expulsions) OVER w, 0)::int AS expulsions,
           coalesce(sum(c.parties) OVER w, 0)::int AS parties,
           coalesce(sum(c.groups) OVER w, 0)::int AS groups,
           jsonb_build_object('LARGE_SUPPLIER', coalesce(sum(c.large_supplier) OVER w, 0)::int,
                              'SMALL_SUPPLIER', coalesce(sum(c.small_supplier) OVER w, 0)::int,
                              'ELECTRICITY_NETWORK', coalesce(sum(c.electricity_network) OVER w, 0)::int,
                              'GAS_NETWORK', coalesce(sum(c.gas_network) OVER w, 0)::int,
                              'OTHER_SEC_PARTY', coalesce(sum(c.other_sec_party) OVER w, 0)::int) AS by_category
    FROM bounds b
    CROSS JOIN generate_series(b.first_month, b.last_month) AS m(month)
    LEFT JOIN by_month c ON c.month = m.month
    WINDOW w AS (ORDER BY m.month)
)
SELECT to_char(make_date(r.month / 12, r.month % 12 + 1, 1), 'YYYY-MM') AS month,
       r.accessions, r.in_default, r.withdrawals, r.expulsions, f.parties_at_month_end,
       f.voting_groups_at_month_end, f.voting_groups_by_category, f.complete
FROM register r
LEFT JOIN (SELECT * FROM opening_offsets()) AS o ON true
CROSS JOIN LATERAL with_opening_balance(r.month, r.parties, r.groups, r.by_category,
                                        o.first_month, o.parties, o.voting_groups, o.by_category) AS f
ORDER BY r.month;

-- name: rebuild_periods
-- Every Party's validity periods derived again from the events; the number of periods.
SELECT rebuild_party_periods();

-- name: statistics_by_month_ends
-- The same figures as `statistics`, from party_states() at every month end (Parties x months: seconds on a large
-- register). Not on the read path: the plain definition the one-pass statement is tested and measured against.
WITH months AS (
    SELECT m::date AS month_start, (m + interval '1 month' - interval '1 day')::date AS month_end
    FROM generate_series(:from_month::date, :to_month::date, interval '1 month') AS m
),
states AS (
    SELECT m.month_start, s.*
    FROM months m CROSS JOIN LATERAL party_states(m.month_end) s
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
    -- In default at the month's end and still a Party then: the status the month end finds.
    SELECT s.month_start, count(*) AS in_default
    FROM states s
    WHERE s.status = 'IN_DEFAULT' AND s.category <> 'DCC'
    GROUP BY s.month_start
),
members AS (
    SELECT s.month_start, s.party_id, s.voting_group_id, vg.category AS group_category
    FROM states s JOIN voting_groups vg ON vg.id = s.voting_group_id
    WHERE s.status = ANY(:member_statuses::text[]) AND s.category <> 'DCC'
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
       f.parties_at_month_end, f.voting_groups_at_month_end, f.voting_groups_by_category, f.complete
FROM months m
LEFT JOIN event_counts ec ON ec.month_start = m.month_start
LEFT JOIN default_counts dc ON dc.month_start = m.month_start
LEFT JOIN member_counts mc ON mc.month_start = m.month_start
LEFT JOIN by_category bc ON bc.month_start = m.month_start
LEFT JOIN (SELECT * FROM opening_offsets()) AS o ON true
CROSS JOIN LATERAL with_opening_balance(month_number(m.month_start), coalesce(mc.parties, 0)::int,
                                        coalesce(mc.voting_groups, 0)::int, bc.groups,
                                        o.first_month, o.parties, o.voting_groups, o.by_category) AS f
ORDER BY m.month_start;
