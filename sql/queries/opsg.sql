-- name: calendar
-- The reports whose deadline falls in the month (London time): every catalogue type with a due rule, every
-- monthly or quarterly period that could be due in it (deadlines come at most 270 days after the period ends,
-- the reach of nth_working_day_after), with the delivery as at :as_at (now when null) and the submission that
-- counts (the newest one not REJECTED, received by then).
WITH win AS (
    SELECT first_day,
           first_day::timestamp AT TIME ZONE 'Europe/London' AS starts,
           (first_day + interval '1 month')::timestamp AT TIME ZONE 'Europe/London' AS ends,
           coalesce(:as_at::timestamptz, now()) AS as_at
    FROM (SELECT to_date(:month::text || '-01', 'YYYY-MM-DD') AS first_day) AS m
), candidates AS (
    SELECT t.id AS report_type_id, t.code, p.period, due_at(t.due_working_days, p.period) AS due_at
    FROM win
    CROSS JOIN LATERAL owed_periods((win.first_day - interval '10 months')::date,
                                    (win.first_day - interval '1 month')::date) AS p
    JOIN report_types t ON t.id = p.report_type_id
)
SELECT c.report_type_id, c.code AS report_type, c.period, c.due_at,
       delivery(c.report_type_id, c.period, win.as_at) AS delivery,
       (SELECT s.id FROM submissions s
        WHERE s.report_type_id = c.report_type_id AND s.period = c.period AND s.status <> 'REJECTED'
          AND s.received_at <= win.as_at
        ORDER BY s.id DESC LIMIT 1) AS submission_id
FROM candidates c CROSS JOIN win
WHERE c.due_at >= win.starts AND c.due_at < win.ends
ORDER BY c.due_at, c.report_type_id, c.period;

-- name: table
-- The OPSG table of a month (docs/domain.md, OPSG table): one row per report and period whose deadline
-- falls in the month or that was received in it (not REJECTED), plus one NOT_DUE row (no period) per type with a
-- due rule and no row otherwise. Delivery as at the earlier of now and the end of the month; the figures from
-- the parsed rows of the submission that counts (the newest one not REJECTED, received by then); the exceptions of
-- the report and period (the first 20, most severe first) with the latest review comment of each; and the
-- observation OPSG recorded for the report and period. Every row also names the month's first OPSG meeting, the
-- meeting at which the table was recorded and the follow-ups it carries, as the viewer's clearance
-- (:seen_anywhere, :seen_as_member, :viewer_bodies) may see them.
WITH win AS (
    SELECT first_day,
           first_day::timestamp AT TIME ZONE 'Europe/London' AS starts,
           (first_day + interval '1 month')::timestamp AT TIME ZONE 'Europe/London' AS ends,
           least(now(), (first_day + interval '1 month')::timestamp AT TIME ZONE 'Europe/London'
                        - interval '1 microsecond') AS as_at,
           mt.id AS meeting_id, mt.reference AS meeting_reference, mt.held_on AS meeting_held_on
    FROM (SELECT to_date(:month::text || '-01', 'YYYY-MM-DD') AS first_day) AS m
    LEFT JOIN LATERAL (
        SELECT mm.id, mm.reference, mm.held_on
        FROM meetings mm JOIN bodies b ON b.id = mm.body_id
        WHERE b.code = 'OPSG' AND mm.held_on >= m.first_day AND mm.held_on < m.first_day + interval '1 month'
          AND can_see(mm.classification, b.code, :seen_anywhere, :seen_as_member, :viewer_bodies)
        ORDER BY mm.held_on, mm.id
        LIMIT 1
    ) AS mt ON true
), candidates AS (
    SELECT t.id AS report_type_id, p.period, due_at(t.due_working_days, p.period) AS due_at
    FROM win
    CROSS JOIN LATERAL owed_periods((win.first_day - interval '10 months')::date,
                                    (win.first_day - interval '1 month')::date) AS p
    JOIN report_types t ON t.id = p.report_type_id
), owed AS (
    SELECT c.report_type_id, c.period FROM candidates c CROSS JOIN win
    WHERE c.due_at >= win.starts AND c.due_at < win.ends
    UNION
    SELECT s.report_type_id, s.period FROM submissions s CROSS JOIN win
    WHERE s.status <> 'REJECTED' AND s.received_at >= win.starts AND s.received_at < win.ends
      AND s.received_at <= win.as_at
), keyed AS (
    SELECT report_type_id, period FROM owed
    UNION ALL
    SELECT t.id, NULL FROM report_types t
    WHERE t.due_working_days IS NOT NULL AND NOT EXISTS (SELECT 1 FROM owed o WHERE o.report_type_id = t.id)
), recorded AS (
    -- The meeting at which the month's table was recorded, when the viewer may see it.
    SELECT m.id, m.reference, m.held_on
    FROM opsg_meeting_outcomes oc JOIN meetings m ON m.id = oc.meeting_id JOIN bodies b ON b.id = m.body_id
    WHERE oc.month = :month AND can_see(m.classification, b.code, :seen_anywhere, :seen_as_member, :viewer_bodies)
), carried AS (
    -- The OPSG follow-ups the table carries: from meetings held by the month's end, open at that end or closed
    -- during the month, as the viewer may see them; soonest due first.
    SELECT coalesce(jsonb_agg(jsonb_build_object(
               'id', a.id, 'reference', a.reference, 'text', a.text, 'owner', coalesce(a.owner, ''),
               'due_on', a.due_on, 'report_type', rt.code, 'period', a.period, 'closed_at', a.closed_at,
               'closing_comment', a.closing_comment) ORDER BY a.due_on, a.id), '[]'::jsonb) AS follow_ups
    FROM actions a JOIN meetings m ON m.id = a.meeting_id JOIN bodies b ON b.id = m.body_id
    LEFT JOIN report_types rt ON rt.id = a.report_type_id
    CROSS JOIN win
    WHERE a.follow_up AND b.code = 'OPSG' AND m.held_on < (win.first_day + interval '1 month')::date
      AND (a.closed_at IS NULL OR a.closed_at >= win.starts)
      AND can_see(a.classification, b.code, :seen_anywhere, :seen_as_member, :viewer_bodies)
)
SELECT t.id AS report_type_id, t.code AS report_type, t.name AS report_name, t.sec_clause, t.cadence,
       t.due_working_days, t.tbc, t.tolerance_lower_pct::float8 AS tolerance_lower_pct,
       t.tolerance_upper_pct::float8 AS tolerance_upper_pct, t.delivery_wording, t.content_lead_in, t.table_order,
       k.period, win.as_at,
       CASE WHEN k.period IS NULL THEN 'NOT_DUE' ELSE delivery(t.id, k.period, win.as_at) END AS delivery,
       due_at(t.due_working_days, k.period) AS due_at,
       f.first_received_at,
       c.id AS submission_id, c.status AS submission_status, c.received_at AS submission_received_at,
       c.row_count,
       coalesce(v.variance_rows, 0) AS variance_rows, v.actual_total, v.forecast_total,
       CASE WHEN v.forecast_total > 0
            THEN round(div(v.actual_total * 2000 + v.forecast_total, 2 * v.forecast_total) / 10.0, 1)
       END AS ratio_pct,
       CASE WHEN v.forecast_total IS NULL OR v.forecast_total = 0 THEN NULL
            WHEN t.tolerance_upper_pct IS NOT NULL AND v.actual_total * 100 > v.forecast_total * t.tolerance_upper_pct
                THEN 'ABOVE'
            WHEN t.tolerance_lower_pct IS NOT NULL AND v.actual_total * 100 < v.forecast_total * t.tolerance_lower_pct
                THEN 'BELOW'
            WHEN t.tolerance_upper_pct IS NOT NULL OR t.tolerance_lower_pct IS NOT NULL THEN 'WITHIN'
       END AS tolerance,
       coalesce(pm.measures, 0) AS measures, coalesce(pm.checked, 0) AS measures_checked,
       coalesce(pm.no_data, 0) AS measures_no_data, coalesce(pm.providers, '{}') AS providers,
       coalesce(pm.shortfalls, '[]'::jsonb) AS shortfalls,
       coalesce(rdp.incidents, 0) AS incidents, coalesce(rdp.resolved, 0) AS incidents_resolved,
       coalesce(rdp.open, 0) AS incidents_open,
       coalesce(ex.exception_count, 0) AS exception_count, coalesce(ex.exceptions, '[]'::jsonb) AS exceptions,
       o.id AS observation_id, o.text AS observation_text, o.recorded_by AS observation_by,
       o.recorded_at AS observation_at,
       win.meeting_id, win.meeting_reference, win.meeting_held_on,
       rec.id AS recorded_meeting_id, rec.reference AS recorded_meeting_reference,
       rec.held_on AS recorded_meeting_held_on, carried.follow_ups
FROM keyed k
JOIN report_types t ON t.id = k.report_type_id
CROSS JOIN win
CROSS JOIN carried
LEFT JOIN recorded rec ON true
LEFT JOIN LATERAL (
    SELECT min(s.received_at) AS first_received_at FROM submissions s
    WHERE s.report_type_id = t.id AND s.period = k.period AND s.status <> 'REJECTED' AND s.received_at <= win.as_at
) AS f ON true
LEFT JOIN LATERAL (
    SELECT s.id, s.status, s.received_at, s.row_count FROM submissions s
    WHERE s.report_type_id = t.id AND s.period = k.period AND s.status <> 'REJECTED' AND s.received_at <= win.as_at
    ORDER BY s.id DESC LIMIT 1
) AS c ON true
LEFT JOIN LATERAL (
    SELECT count(*) AS variance_rows, sum(x.actual)::numeric AS actual_total, sum(x.forecast)::numeric AS forecast_total
    FROM (
        SELECT actual, forecast FROM sr_variance_rows WHERE submission_id = c.id
        UNION ALL
        SELECT actual, forecast FROM csr_variance_rows WHERE submission_id = c.id
    ) AS x
    HAVING count(*) > 0
) AS v ON true
LEFT JOIN LATERAL (
    SELECT count(*) AS measures,
           count(*) FILTER (WHERE p.actual_pct IS NOT NULL AND (lv.target IS NOT NULL OR lv.minimum IS NOT NULL))
               AS checked,
           count(*) FILTER (WHERE p.actual_pct IS NULL) AS no_data,
           array_agg(DISTINCT upper(btrim(p.provider))) AS providers,
           coalesce(jsonb_agg(jsonb_build_object(
                   'subject', p.subject, 'actual_pct', p.actual_pct, 'target_pct', lv.target,
                   'minimum_pct', lv.minimum,
                   'below', CASE WHEN p.actual_pct < lv.minimum THEN 'MINIMUM' ELSE 'TARGET' END)
                   ORDER BY p.row)
               FILTER (WHERE p.actual_pct < lv.minimum OR p.actual_pct < lv.target), '[]'::jsonb) AS shortfalls
    FROM pmr_rows p
    CROSS JOIN LATERAL (
        SELECT coalesce(p.target_pct,
                        (SELECT sl.target_pct::float8 FROM service_levels sl
                         WHERE sl.report_type_id = t.id AND upper(btrim(sl.measure)) = upper(btrim(p.measure))
                           AND sl.provider <> '' AND upper(btrim(sl.provider)) = upper(btrim(p.provider))
                         LIMIT 1),
                        (SELECT sl.target_pct::float8 FROM service_levels sl
                         WHERE sl.report_type_id = t.id AND upper(btrim(sl.measure)) = upper(btrim(p.measure))
                           AND sl.provider = ''
                         LIMIT 1)) AS target,
               coalesce(p.minimum_pct,
                        (SELECT sl.minimum_pct::float8 FROM service_levels sl
                         WHERE sl.report_type_id = t.id AND upper(btrim(sl.measure)) = upper(btrim(p.measure))
                           AND sl.provider <> '' AND upper(btrim(sl.provider)) = upper(btrim(p.provider))
                         LIMIT 1),
                        (SELECT sl.minimum_pct::float8 FROM service_levels sl
                         WHERE sl.report_type_id = t.id AND upper(btrim(sl.measure)) = upper(btrim(p.measure))
                           AND sl.provider = ''
                         LIMIT 1)) AS minimum
    ) AS lv
    WHERE p.submission_id = c.id
    HAVING count(*) > 0
) AS pm ON true
LEFT JOIN LATERAL (
    SELECT count(*) AS incidents,
           count(*) FILTER (WHERE upper(btrim(r.status)) = 'RESOLVED') AS resolved,
           count(*) FILTER (WHERE upper(btrim(r.status)) = 'OPEN') AS open
    FROM rdp_incident_rows r WHERE r.submission_id = c.id
) AS rdp ON true
LEFT JOIN LATERAL (
    SELECT count(*) AS exception_count,
           coalesce(jsonb_agg(jsonb_build_object(
                   'id', x.id, 'rule_code', x.rule_code, 'subject', x.subject, 'severity', x.severity, 'status', x.status,
                   'message', x.message, 'comment', x.comment, 'comment_by', x.actor, 'comment_on', x.comment_on)
                   ORDER BY x.n)
               FILTER (WHERE x.n <= 20), '[]'::jsonb) AS exceptions
    FROM (
        SELECT e.id, e.rule_code, e.subject, e.severity, e.status, e.message, h.comment, h.actor,
               to_char(h.at AT TIME ZONE 'Europe/London', 'DD/MM/YYYY') AS comment_on,
               row_number() OVER (ORDER BY CASE e.severity WHEN 'HIGH' THEN 0 ELSE 1 END, e.id) AS n
        FROM report_exceptions e
        LEFT JOIN LATERAL (
            SELECT eh.comment, eh.actor, eh.at FROM exception_history eh
            WHERE eh.exception_id = e.id AND eh.action <> 'FLAGGED' AND coalesce(btrim(eh.comment), '') <> ''
              -- A comment made at a meeting the viewer may not see is not theirs to read.
              AND (eh.meeting_id IS NULL OR EXISTS (
                  SELECT 1 FROM meetings hm JOIN bodies hb ON hb.id = hm.body_id
                  WHERE hm.id = eh.meeting_id AND can_see(hm.classification, hb.code, :seen_anywhere, :seen_as_member, :viewer_bodies)))
            ORDER BY eh.id DESC LIMIT 1
        ) AS h ON true
        WHERE e.report_type_id = t.id AND e.period = k.period
    ) AS x
) AS ex ON true
LEFT JOIN opsg_observations o ON o.report_type_id = t.id AND o.period = k.period
ORDER BY t.table_order, t.id, k.period NULLS LAST;

-- name: meeting
-- The first OPSG meeting held in the month that the viewer may see, if any.
SELECT m.id, m.reference, m.held_on
FROM meetings m JOIN bodies b ON b.id = m.body_id
WHERE b.code = 'OPSG' AND m.held_on >= to_date(:month::text || '-01', 'YYYY-MM-DD')
  AND m.held_on < to_date(:month::text || '-01', 'YYYY-MM-DD') + interval '1 month'
  AND can_see(m.classification, b.code, :seen_anywhere, :seen_as_member, :viewer_bodies)
ORDER BY m.held_on, m.id
LIMIT 1;

-- name: record_observation
-- Replace the current text of a report and period's observation ('' clears it); the history keeps every version.
WITH t AS (SELECT id FROM report_types WHERE code = :report_type),
saved AS (
    INSERT INTO opsg_observations (report_type_id, period, text, recorded_by, recorded_at)
    SELECT t.id, :period, :text, :actor, now() FROM t
    ON CONFLICT (report_type_id, period)
    DO UPDATE SET text = excluded.text, recorded_by = excluded.recorded_by, recorded_at = excluded.recorded_at
    RETURNING id, report_type_id, period, text, recorded_by, recorded_at
), logged AS (
    INSERT INTO opsg_observation_history (observation_id, at, actor, text)
    SELECT id, recorded_at, recorded_by, text FROM saved
)
SELECT s.id, t.code AS report_type, s.period, s.text, s.recorded_by, s.recorded_at
FROM saved s JOIN report_types t ON t.id = s.report_type_id;

-- name: observations_by_ids
SELECT o.id, t.code AS report_type, o.period, o.text, o.recorded_by, o.recorded_at
FROM opsg_observations o JOIN report_types t ON t.id = o.report_type_id
WHERE o.id = ANY(:ids::bigint[]);

-- name: observation_history
SELECT observation_id, at, actor, text FROM opsg_observation_history
WHERE observation_id = ANY(:ids::bigint[])
ORDER BY observation_id, id;
