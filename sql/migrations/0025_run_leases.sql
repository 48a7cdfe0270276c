-- A validation run holds a lease on its submission, renewed while it works: another delivery of the same submission
-- waits for the lease to lapse instead of parsing the file a second time, and the scheduler re-rings the bell only
-- for a submission whose lease has lapsed (its worker died), never for a run that is merely slow.
ALTER TABLE submissions ADD COLUMN lease_token uuid, ADD COLUMN lease_until timestamptz;
