-- Catalogue version 2 of every report type: variance as the Operations Group reads it, the Sub-Committee report's
-- wording as data beside each due rule, the paper's row order, and every value the papers do not state marked TBC.
-- Runs made under version 1 keep recording version 1; `secgov revalidate --month` re-runs a month under this one.

ALTER TABLE report_types
    -- Below the lower tolerance is information (INFO) unless a catalogue version raises it.
    ADD COLUMN below_tolerance_severity text NOT NULL DEFAULT 'INFO'
        CHECK (below_tolerance_severity IN ('INFO', 'WARNING', 'HIGH')),
    -- Delivery per SEC in the paper's words, inside "On Time (...)": "SEC L8.9 – 10th Working day following month end".
    ADD COLUMN delivery_wording text,
    -- What the Content cell opens with: "Per SEC L8.9(a),".
    ADD COLUMN content_lead_in text,
    -- Where the type's row stands in the OPSG table.
    ADD COLUMN table_order integer NOT NULL DEFAULT 100;

ALTER TABLE service_levels ADD COLUMN tbc boolean NOT NULL DEFAULT false;

-- A PMR measure may have no data for the month ("above Target where data is available"): a blank is no data.
ALTER TABLE pmr_rows ALTER COLUMN actual_pct DROP NOT NULL;

UPDATE report_types t
SET delivery_wording = v.wording, content_lead_in = v.lead_in, table_order = v.ord,
    tbc = v.tbc::text[], version = t.version + 1, updated_at = now(), updated_by = 'system'
FROM (VALUES
    ('PMR', 'SEC H13.4 – Monthly 25 working days following end of month', 'Per SEC 13.1.', 1, '{}'),
    ('CH_RETURNS', 'SEC clause (TBC) – 20th Working Day following quarter end (TBC)', NULL, 2,
     '{sec_clause,cadence,due_working_days}'),
    ('NEP', 'SEC clause (TBC) – 20th Working Day following quarter end (TBC)', NULL, 3,
     '{sec_clause,cadence,due_working_days}'),
    ('RDP_INCIDENT', 'SEC Appendix AG 2.5.10 – Monthly - timing not specified', NULL, 4, '{}'),
    ('CSR_VARIANCE', 'SEC L8.9 – 10th Working day following month end', 'Per SEC L8.9(a),', 5,
     '{tolerance_lower_pct,tolerance_upper_pct}'),
    ('SR_VARIANCE', 'SEC H3.24 – 10th working day of month', NULL, 6, '{tolerance_lower_pct,tolerance_upper_pct}'),
    ('PROBLEM_QUARTERLY', 'SEC clause (TBC) – 20th Working Day following quarter end (TBC)', NULL, 7,
     '{sec_clause,cadence,due_working_days}')
) AS v (code, wording, lead_in, ord, tbc)
WHERE t.code = v.code;

-- The Code Performance Measures' Targets and Minimum Service Levels are not stated in the papers.
UPDATE service_levels SET tbc = true
WHERE report_type_id = (SELECT id FROM report_types WHERE code = 'PMR');

INSERT INTO report_type_versions (report_type_id, version, snapshot, created_by)
SELECT t.id, t.version, to_jsonb(t) || jsonb_build_object('service_levels', coalesce((
    SELECT jsonb_agg(to_jsonb(s) - 'report_type_id' ORDER BY s.measure, s.provider)
    FROM service_levels s WHERE s.report_type_id = t.id), '[]'::jsonb)), 'system'
FROM report_types t
WHERE NOT EXISTS (SELECT 1 FROM report_type_versions v WHERE v.report_type_id = t.id AND v.version = t.version);
