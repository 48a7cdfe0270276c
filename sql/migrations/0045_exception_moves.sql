-- Every status an exception took and when: each history entry that set one, or, for an exception without any, the
-- status it has held since it was first flagged. `seq` orders moves written at the same instant.
CREATE VIEW exception_moves AS
SELECT h.exception_id, h.at, h.id AS seq, h.to_status AS status
FROM exception_history h
WHERE h.to_status IS NOT NULL
UNION ALL
SELECT e.id, e.first_flagged_at, 0, e.status
FROM report_exceptions e
WHERE NOT EXISTS (SELECT 1 FROM exception_history h WHERE h.exception_id = e.id AND h.to_status IS NOT NULL);
