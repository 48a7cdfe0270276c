-- A run keeps how many findings each rule gave, counted from its findings frame when it was stored: a submission's
-- status (polled by uploaders until the run ends) names them, and counting half a million stored findings at
-- each request cost more than the rest of the answer together.
ALTER TABLE validation_runs ADD COLUMN rule_counts jsonb NOT NULL DEFAULT '{}';

UPDATE validation_runs r
SET rule_counts = c.counts
FROM (
    SELECT run_id, jsonb_object_agg(rule_code, n) AS counts
    FROM (SELECT run_id, rule_code, count(*) AS n FROM findings GROUP BY run_id, rule_code) per_rule
    GROUP BY run_id
) c
WHERE c.run_id = r.id;
