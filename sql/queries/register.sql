-- name: recorded_parties
-- The Parties of these names (case-insensitive) as the register file states a Party: the category and Voting Group
-- it was created with, and its events of the kinds a file gives.
SELECT p.name, p.initial_category AS category, vg.name AS group_name,
       coalesce(jsonb_agg(jsonb_build_object('kind', e.kind, 'occurred_on', e.occurred_on, 'user_role', e.user_role,
                                             'user_id', e.user_id) ORDER BY e.occurred_on, e.id)
                FILTER (WHERE e.id IS NOT NULL), '[]') AS events
FROM parties p
JOIN voting_groups vg ON vg.id = p.initial_voting_group_id
LEFT JOIN party_events e ON e.party_id = p.id AND e.kind IN ('ACCESSION', 'UEP_COMPLETED', 'DEFAULT_ENTERED',
                                                              'DEFAULT_CURED', 'WITHDRAWAL', 'EXPULSION')
WHERE lower(p.name) = ANY(:names::text[])
GROUP BY p.id, vg.name;

-- name: group_categories
-- The category of each Voting Group of these names (case-insensitive; the first made where names repeat).
SELECT DISTINCT ON (lower(name)) name, id, category
FROM voting_groups
WHERE lower(name) = ANY(:names::text[])
ORDER BY lower(name), id;

-- name: insert_groups
INSERT INTO voting_groups (name, category)
SELECT name, category FROM unnest(:names::text[], :categories::text[]) AS g(name, category)
RETURNING id, name;

-- name: insert_parties
INSERT INTO parties (name, initial_category, initial_voting_group_id, note)
SELECT name, category, group_id, note
FROM unnest(:names::text[], :categories::text[], :group_ids::bigint[], :notes::text[]) AS p(name, category, group_id, note)
RETURNING id, name;

-- name: insert_events
-- Every event of the imported Parties in one statement: the periods and statistics are derived once per Party.
INSERT INTO party_events (party_id, kind, occurred_on, user_role, user_id, note)
SELECT * FROM unnest(:party_ids::bigint[], :kinds::text[], :days::date[], :roles::text[], :user_ids::text[],
                     :notes::text[]);

-- name: balance_rows
SELECT as_of, category, parties, voting_groups, source FROM opening_balances WHERE as_of = :as_of;

-- name: insert_balance
INSERT INTO opening_balances (as_of, category, parties, voting_groups, source)
SELECT * FROM unnest(:days::date[], :categories::text[], :parties::int[], :groups::int[], :sources::text[]);

-- name: opening_balance
-- The register's opening balance (the latest): its day, source and figures by category.
SELECT as_of, category, parties, voting_groups, source
FROM opening_balances WHERE as_of = (SELECT max(as_of) FROM opening_balances)
ORDER BY category;
