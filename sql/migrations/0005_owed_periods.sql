-- The periods each report type with a due rule owes whose period ends between two days: one definition for the
-- OPSG table, the reporting calendar and the missing-report job.
CREATE FUNCTION owed_periods(from_day date, to_day date)
RETURNS TABLE (report_type_id bigint, period text) LANGUAGE sql STABLE AS $$
    SELECT t.id, p.period
    FROM report_types t
    CROSS JOIN LATERAL (
        SELECT to_char(m, 'YYYY-MM') AS period
        FROM generate_series(date_trunc('month', from_day), to_day, interval '1 month') AS m
        WHERE t.cadence = 'MONTHLY'
        UNION ALL
        SELECT to_char(m, 'YYYY') || '-Q' || extract(quarter FROM m)::int
        FROM generate_series(date_trunc('quarter', from_day), to_day, interval '3 months') AS m
        WHERE t.cadence = 'QUARTERLY'
    ) AS p
    WHERE t.due_working_days IS NOT NULL
      AND period_start(p.period) >= period_start(t.obligation_from)
$$;
