-- name: list
SELECT id, code, name, sec_clause, cadence, due_working_days, tolerance_lower_pct::float8 AS tolerance_lower_pct,
       tolerance_upper_pct::float8 AS tolerance_upper_pct, obligation_from, tbc, version,
       below_tolerance_severity, delivery_wording, content_lead_in, table_order
FROM report_types ORDER BY code;

-- name: by_ids
SELECT id, code, name, sec_clause, cadence, due_working_days, tolerance_lower_pct::float8 AS tolerance_lower_pct,
       tolerance_upper_pct::float8 AS tolerance_upper_pct, obligation_from, tbc, version,
       below_tolerance_severity, delivery_wording, content_lead_in, table_order
FROM report_types WHERE id = ANY(:ids::bigint[]);

-- name: by_code
SELECT id, code, name, sec_clause, cadence, due_working_days, tolerance_lower_pct::float8 AS tolerance_lower_pct,
       tolerance_upper_pct::float8 AS tolerance_upper_pct, obligation_from, tbc, version,
       below_tolerance_severity, delivery_wording, content_lead_in, table_order
FROM report_types WHERE code = :code;

-- name: lock
SELECT id FROM report_types WHERE id = :id FOR UPDATE;

-- name: service_levels_of
SELECT report_type_id, measure, nullif(provider, '') AS provider, name, target_pct::float8 AS target_pct,
       minimum_pct::float8 AS minimum_pct, tbc
FROM service_levels WHERE report_type_id = ANY(:ids::bigint[])
ORDER BY report_type_id, measure, provider;

-- name: amend
-- A new version: the changed parameters, a bumped version number.
UPDATE report_types
SET sec_clause = CASE WHEN :set_clause THEN :sec_clause ELSE sec_clause END,
    due_working_days = CASE WHEN :set_due THEN :due_working_days::int ELSE due_working_days END,
    tolerance_lower_pct = coalesce(:tolerance_lower_pct::numeric, tolerance_lower_pct),
    tolerance_upper_pct = coalesce(:tolerance_upper_pct::numeric, tolerance_upper_pct),
    obligation_from = coalesce(:obligation_from, obligation_from),
    tbc = coalesce(:tbc::text[], tbc),
    version = version + 1, updated_at = now(), updated_by = :actor
WHERE id = :id
RETURNING version;

-- name: upsert_service_level
INSERT INTO service_levels (report_type_id, measure, provider, name, target_pct, minimum_pct)
VALUES (:report_type_id, :measure, coalesce(:provider, ''), :name, :target_pct, :minimum_pct)
ON CONFLICT (report_type_id, measure, provider)
DO UPDATE SET target_pct = excluded.target_pct, minimum_pct = excluded.minimum_pct,
              name = coalesce(excluded.name, service_levels.name);

-- name: snapshot
INSERT INTO report_type_versions (report_type_id, version, snapshot, created_by)
SELECT t.id, t.version, to_jsonb(t) || jsonb_build_object('service_levels', coalesce((
    SELECT jsonb_agg(to_jsonb(s) - 'report_type_id' ORDER BY s.measure, s.provider)
    FROM service_levels s WHERE s.report_type_id = t.id), '[]'::jsonb)), :actor
FROM report_types t WHERE t.id = :id;

-- name: write_bank_holiday
INSERT INTO bank_holidays (day, name) VALUES (:day, :name)
ON CONFLICT (day) DO UPDATE SET name = excluded.name;

-- name: amend_calendar
INSERT INTO calendar_amendments (day, working, reason, created_by) VALUES (:day, :working, :reason, :actor)
RETURNING id;

-- name: non_working_between
SELECT day FROM non_working_days WHERE day BETWEEN :from_day AND :to_day ORDER BY day;

-- name: due_at
SELECT due_at(due_working_days, :period) FROM report_types WHERE id = :report_type_id;
