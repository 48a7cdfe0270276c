-- name: span
-- The first and last status change of any exception, and how many exceptions there are.
SELECT min(at) AS first_at, max(at) AS last_at, count(DISTINCT exception_id) AS exceptions FROM exception_moves;

-- name: at_ends
-- How many exceptions stood in each status just before each of the given instants (the last move before it wins).
SELECT b.end_at, s.status, count(*) AS n
FROM unnest(:ends::timestamptz[]) AS b(end_at)
CROSS JOIN LATERAL (
    SELECT DISTINCT ON (m.exception_id) m.status
    FROM exception_moves m WHERE m.at < b.end_at
    ORDER BY m.exception_id, m.at DESC, m.seq DESC
) s
GROUP BY b.end_at, s.status;
