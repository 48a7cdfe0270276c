-- name: latest
-- The latest submission of each period of a report type from :from_period to :to_period, with what re-running it
-- needs: its bytes, the first receipt that counts for delivery (not REJECTED), the deadline under the due rule
-- tried (the catalogue's when null), and its latest run, which stands today.
WITH latest AS (
    SELECT DISTINCT ON (s.period) s.id, s.period, s.report_type_id, s.status
    FROM submissions s
    WHERE s.report_type_id = :report_type_id
      AND period_start(s.period) BETWEEN period_start(:from_period) AND period_start(:to_period)
    ORDER BY s.period, s.id DESC
)
SELECT l.id AS submission_id, l.period, l.status, f.content,
       (SELECT min(o.received_at) FROM submissions o
        WHERE o.report_type_id = l.report_type_id AND o.period = l.period AND o.status <> 'REJECTED')
           AS first_received_at,
       due_at(coalesce(:due_working_days::int, t.due_working_days), l.period) AS due_at,
       (SELECT max(r.id) FROM validation_runs r WHERE r.submission_id = l.id) AS run_id
FROM latest l
JOIN report_types t ON t.id = l.report_type_id
JOIN submission_files f ON f.submission_id = l.id
ORDER BY period_start(l.period);

-- name: run_findings
-- The findings of runs, read through each run's range of ids (docs/architecture.md).
SELECT f.run_id, f.rule_code, f.severity, f.subject, f.message, f.details, f.row
FROM validation_runs r
JOIN findings f ON f.id > r.findings_after AND f.id <= r.findings_last AND f.run_id = r.id
WHERE r.id = ANY(:run_ids::bigint[])
ORDER BY f.id;

-- name: standing_exceptions
-- The exceptions that stand for the periods, to name the one a finding raised.
SELECT e.id, e.period, e.rule_code, e.subject
FROM report_exceptions e
WHERE e.report_type_id = :report_type_id AND e.period = ANY(:periods::text[]);
