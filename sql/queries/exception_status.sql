-- name: span
-- The first and last status change of any exception, and how many exceptions there are.
SELECT min(at) AS first_at, max(at) AS last_at, count(DISTINCT exception_id) AS exceptions FROM exception_moves;

-- name: at_ends
-- How many exceptions stood in each status just before each of the given instants. Each move holds from its instant
-- until the exception's next move (one sort of the moves), so a status counts at an end it was taken before and not
-- left before.
WITH spans AS (
    SELECT m.status, m.at, lead(m.at) OVER (PARTITION BY m.exception_id ORDER BY m.at, m.seq) AS next_at
    FROM exception_moves m
)
SELECT b.end_at, s.status, count(*) AS n
FROM unnest(:ends::timestamptz[]) AS b(end_at)
JOIN spans s ON s.at < b.end_at AND (s.next_at IS NULL OR s.next_at >= b.end_at)
GROUP BY b.end_at, s.status;
