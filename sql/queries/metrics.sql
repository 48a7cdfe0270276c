-- What /metrics reads at each scrape: three small grouped statements.

-- name: queue_depth
-- Submissions waiting for or in validation (the partial index submissions_status covers exactly these).
SELECT status, count(*) AS n
FROM submissions
WHERE status IN ('RECEIVED', 'VALIDATING')
GROUP BY status;

-- name: validation_runs
-- Runs by outcome and duration bucket: width_bucket gives 0 below the first bound, i for bounds[i] <= s < bounds[i+1].
SELECT outcome, width_bucket(s, :bounds::float8[]) AS bucket, count(*) AS n, sum(s)::float8 AS seconds
FROM (SELECT outcome, greatest(extract(epoch FROM finished_at - started_at), 0)::float8 AS s
      FROM validation_runs) AS runs
GROUP BY outcome, bucket;

-- name: exceptions
SELECT status, severity, count(*) AS n
FROM report_exceptions
GROUP BY status, severity;
