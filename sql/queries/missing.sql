-- name: overdue
-- Report periods whose deadline passed within the look-back window with nothing (not REJECTED) received.
WITH owed AS (
    SELECT t.id, t.code, t.sec_clause, t.due_working_days, t.obligation_from, to_char(m, 'YYYY-MM') AS period
    FROM report_types t,
         generate_series(date_trunc('month', :now::timestamptz - make_interval(days => :lookback_days) - interval '8 months'),
                         :now::timestamptz, interval '1 month') AS m
    WHERE t.cadence = 'MONTHLY' AND t.due_working_days IS NOT NULL
    UNION ALL
    SELECT t.id, t.code, t.sec_clause, t.due_working_days, t.obligation_from,
           to_char(m, 'YYYY') || '-Q' || extract(quarter FROM m)::int
    FROM report_types t,
         generate_series(date_trunc('quarter', :now::timestamptz - make_interval(days => :lookback_days) - interval '8 months'),
                         :now::timestamptz, interval '3 months') AS m
    WHERE t.cadence = 'QUARTERLY' AND t.due_working_days IS NOT NULL
)
SELECT o.id AS report_type_id, o.code, o.sec_clause, o.period, due_at(o.due_working_days, o.period) AS due_at
FROM owed o
WHERE period_start(o.period) >= period_start(o.obligation_from)
  AND due_at(o.due_working_days, o.period) < :now::timestamptz
  AND due_at(o.due_working_days, o.period) >= :now::timestamptz - make_interval(days => :lookback_days)
  AND NOT EXISTS (SELECT 1 FROM submissions s
                  WHERE s.report_type_id = o.id AND s.period = o.period AND s.status <> 'REJECTED')
ORDER BY o.code, o.period;
