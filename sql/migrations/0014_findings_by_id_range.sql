-- A run's findings are found by the range of ids they were given, kept on the run, through the findings' primary
-- key: the index on (run_id, id) cost a second B-tree entry for each of a run's findings (half a million for a large
-- variance report) to serve a page that the primary key serves as well. The ids of one run's findings all lie in
-- findings_after < id <= findings_last; a run written at the same time by another worker can take ids inside that
-- range too, which is why readers keep their run_id condition. Both are null for a run without findings.
ALTER TABLE validation_runs ADD COLUMN findings_after bigint, ADD COLUMN findings_last bigint;

UPDATE validation_runs r
SET findings_after = m.first_id - 1, findings_last = m.last_id
FROM (SELECT run_id, min(id) AS first_id, max(id) AS last_id FROM findings GROUP BY run_id) m
WHERE m.run_id = r.id;

DROP INDEX findings_run;
