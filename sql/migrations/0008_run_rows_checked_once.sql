-- A run's findings and parsed rows can number millions. Their submission and run were checked once, in the same
-- transaction, when the run was inserted (validation_runs keeps its foreign key, and the run locks its submission
-- FOR UPDATE): a foreign-key check per row, which doubled the time of the COPY, adds nothing. Submissions and runs
-- are never deleted.
ALTER TABLE findings DROP CONSTRAINT findings_run_id_fkey;
ALTER TABLE findings DROP CONSTRAINT findings_submission_id_fkey;
ALTER TABLE sr_variance_rows DROP CONSTRAINT sr_variance_rows_submission_id_fkey;
ALTER TABLE csr_variance_rows DROP CONSTRAINT csr_variance_rows_submission_id_fkey;
ALTER TABLE pmr_rows DROP CONSTRAINT pmr_rows_submission_id_fkey;
ALTER TABLE rdp_incident_rows DROP CONSTRAINT rdp_incident_rows_submission_id_fkey;
