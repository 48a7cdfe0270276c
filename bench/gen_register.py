"""A realistic large register in a fresh database, made with set-based SQL (generate_series) in seconds.

python -m bench.gen_register [--parties 5000] [--modifications 2000] [--exceptions 50000] [--keep]

5,000 Parties in 4,000 Voting Groups (3,000 one-Party groups, the rest shared by two), each with its dated events:
application, accession (96%), User Entry Process completions for up to three DCC User Roles, SREPT completions,
defaults (6%, most of them cured), expulsions and withdrawals. 2,000 modifications with their stage histories
(raised, stage changes, Change Board votes, implementation or withdrawal). A submission for every monthly and
quarterly period from 2016-09 on (some late, some first REJECTED then resubmitted), with a validation run and
parsed rows each, and 50,000 exceptions over them with their review history.

The database is made on DATABASE_URL's server, or on a private pgserver when it is unset (as the tests do), and is
dropped afterwards unless --keep. Random choices are seeded, so every run builds the same register.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import asyncpg

from api.setup import prepare


def with_database(dsn: str, name: str) -> str:
    return urlunsplit(urlsplit(dsn)._replace(path="/" + name))


class Postgres:
    """The server benchmark databases live on: DATABASE_URL's, or a private pgserver (stopped by close())."""

    def __init__(self, *, keep: bool = False) -> None:
        self._embedded: Any = None
        self._dir: Path | None = None
        url = os.environ.get("DATABASE_URL")
        if url:
            self.admin_dsn = url
        else:
            import pgserver

            self._dir = Path(tempfile.mkdtemp(prefix="secgov-bench-pg-"))
            self._embedded = pgserver.get_server(self._dir, cleanup_mode=None if keep else "delete")
            self.admin_dsn = self._embedded.get_uri()
        self.made: list[str] = []

    async def create(self) -> str:
        name = f"secgov_bench_{uuid.uuid4().hex[:10]}"
        admin = await asyncpg.connect(self.admin_dsn)
        try:
            await admin.execute(f'CREATE DATABASE "{name}"')
        finally:
            await admin.close()
        dsn = with_database(self.admin_dsn, name)
        self.made.append(dsn)
        return dsn

    async def drop(self, dsn: str) -> None:
        name = urlsplit(dsn).path.lstrip("/")
        assert name.startswith("secgov_bench_"), name
        admin = await asyncpg.connect(self.admin_dsn)
        try:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await admin.close()
        if dsn in self.made:
            self.made.remove(dsn)

    async def drop_all(self) -> None:
        for dsn in list(self.made):
            await self.drop(dsn)

    def close(self, *, keep: bool = False) -> None:
        """Drop what was made (call drop_all() first from inside an event loop) and stop a private server."""
        if not keep:
            if self.made:
                asyncio.run(self.drop_all())
            if self._embedded is not None:
                self._embedded.cleanup()
                if self._dir is not None:
                    shutil.rmtree(self._dir, ignore_errors=True)


@dataclass(frozen=True)
class Sizes:
    parties: int = 5_000
    modifications: int = 2_000
    exceptions: int = 50_000
    sr_rows: int = 300  # parsed rows of each SR_VARIANCE submission (what the OPSG table reads)


BODIES = """
INSERT INTO bodies (code, name) VALUES
    ('PANEL', 'SEC Panel'), ('OPSG', 'Operations Group'), ('SSC', 'Security Sub-Committee'),
    ('SMKI_PMA', 'SMKI Policy Management Authority'), ('TABASC', 'Technical Architecture and Business Architecture'),
    ('TAG', 'Technical Advisory Group'), ('CHANGE_BOARD', 'Change Board'),
    ('CHANGE_SUB_COMMITTEE', 'Change Sub-Committee'), ('SECCO_BOARD', 'SECCo Board')
ON CONFLICT (code) DO NOTHING;
"""

# Parties and Voting Groups: party i is in group g (one-Party groups first, then groups of two); the group fixes the
# category, so the Parties of a shared group share it.
REGISTER = """
SELECT setseed(0.42);

CREATE TEMP TABLE gen_party ON COMMIT DROP AS
SELECT i, g,
       CASE WHEN g = 1 THEN 'DCC'
            WHEN g % 25 = 2 THEN 'LARGE_SUPPLIER'
            WHEN g % 25 = 3 THEN 'ELECTRICITY_NETWORK'
            WHEN g % 25 = 4 THEN 'GAS_NETWORK'
            WHEN g % 5 IN (0, 1) THEN 'OTHER_SEC_PARTY'
            ELSE 'SMALL_SUPPLIER' END AS category,
       initcap(translate(substr(md5('party' || i), 1, 7), '0123456789', 'aeioulmnrs'))
           || ' ' || (ARRAY['Energy', 'Power', 'Gas', 'Supply', 'Utilities', 'Networks', 'Metering'])[1 + i % 7]
           || ' ' || i || ' Ltd' AS name
FROM (SELECT i, CASE WHEN i <= $1::int * 3 / 5 THEN i
                      ELSE $1::int * 3 / 5 + (i - $1::int * 3 / 5 + 1) / 2 END AS g
      FROM generate_series(1, $1::int) AS i) AS x;

INSERT INTO voting_groups (id, name, category)
OVERRIDING SYSTEM VALUE
SELECT g, CASE WHEN count(*) = 1 THEN min(name) ELSE 'Group of ' || min(name) END, min(category)
FROM gen_party GROUP BY g;

INSERT INTO parties (id, name, initial_category, initial_voting_group_id)
OVERRIDING SYSTEM VALUE
SELECT i, name, category, g FROM gen_party;

SELECT setval(pg_get_serial_sequence('voting_groups', 'id'), (SELECT max(id) FROM voting_groups));
SELECT setval(pg_get_serial_sequence('parties', 'id'), (SELECT max(id) FROM parties));

-- Each Party's life, one column at a time (each may depend on the ones before).
CREATE TEMP TABLE gen_life ON COMMIT DROP AS
SELECT i AS party_id, date '2014-01-01' + floor(random() * 3900)::int AS applied_on, random() AS r
FROM generate_series(1, $1::int) AS i;
ALTER TABLE gen_life ADD acceded_on date, ADD default_on date, ADD cured_on date, ADD expelled_on date,
                     ADD withdrawn_on date, ADD roles int;
UPDATE gen_life SET acceded_on = applied_on + 20 + floor(random() * 60)::int WHERE random() < 0.96;
UPDATE gen_life SET default_on = acceded_on + 200 + floor(random() * 1000)::int
WHERE acceded_on IS NOT NULL AND random() < 0.06;
UPDATE gen_life SET cured_on = default_on + 30 + floor(random() * 150)::int
WHERE default_on IS NOT NULL AND random() < 0.6;
UPDATE gen_life SET expelled_on = default_on + 200 + floor(random() * 100)::int
WHERE default_on IS NOT NULL AND cured_on IS NULL AND random() < 0.3;
UPDATE gen_life SET withdrawn_on = greatest(acceded_on, cured_on, default_on) + 300 + floor(random() * 1500)::int
WHERE acceded_on IS NOT NULL AND expelled_on IS NULL AND random() < 0.09;
UPDATE gen_life SET roles = CASE WHEN acceded_on IS NULL THEN 0 ELSE floor(random() * 4)::int END;

INSERT INTO party_events (party_id, kind, occurred_on, user_role, user_id, note)
SELECT e.party_id, e.kind, e.occurred_on, e.user_role, e.user_id, e.note
FROM (
    SELECT party_id, 'APPLICATION' AS kind, applied_on AS occurred_on, NULL AS user_role, NULL AS user_id,
           NULL AS note, 0 AS seq
    FROM gen_life
    UNION ALL
    SELECT party_id, 'ACCESSION', acceded_on, NULL, NULL, 'Accession Agreement signed', 1
    FROM gen_life WHERE acceded_on IS NOT NULL
    UNION ALL
    -- up to three DCC User Roles, each with its User ID (EUI-64 style)
    SELECT l.party_id, 'UEP_COMPLETED', l.acceded_on + 30 * j + floor(random() * 300)::int,
           (ARRAY['IMPORT_SUPPLIER', 'EXPORT_SUPPLIER', 'GAS_SUPPLIER', 'ELECTRICITY_DISTRIBUTOR',
                  'GAS_TRANSPORTER', 'REGISTERED_SUPPLIER_AGENT', 'OTHER_USER'])[1 + (l.party_id + j) % 7],
           upper(regexp_replace(substr(md5('user' || l.party_id || '/' || j), 1, 16), '(..)(?!$)', '\\1-', 'g')),
           NULL, 2
    FROM gen_life l CROSS JOIN generate_series(1, 3) AS j
    WHERE j <= l.roles
    UNION ALL
    SELECT party_id, 'SREPT_COMPLETED', acceded_on + 400, NULL, NULL, NULL, 3
    FROM gen_life WHERE acceded_on IS NOT NULL AND r < 0.2
    UNION ALL
    SELECT party_id, 'DEFAULT_ENTERED', default_on, NULL, NULL, 'Notice of default (M8.1)', 4
    FROM gen_life WHERE default_on IS NOT NULL
    UNION ALL
    SELECT party_id, 'DEFAULT_CURED', cured_on, NULL, NULL, NULL, 5 FROM gen_life WHERE cured_on IS NOT NULL
    UNION ALL
    SELECT party_id, 'EXPULSION', expelled_on, NULL, NULL, 'Expelled by the Panel (M8.10)', 6
    FROM gen_life WHERE expelled_on IS NOT NULL
    UNION ALL
    SELECT party_id, 'WITHDRAWAL', withdrawn_on, NULL, NULL, 'Withdrawal notice (M9)', 7
    FROM gen_life WHERE withdrawn_on IS NOT NULL
) AS e
JOIN gen_life l USING (party_id)
-- nothing after the Party left, nothing in the future
WHERE e.occurred_on <= least(current_date - 1, coalesce(l.expelled_on, l.withdrawn_on, 'infinity'::date))
ORDER BY e.occurred_on, e.party_id, e.seq;
"""

MODIFICATIONS = """
SELECT setseed(0.17);

CREATE TEMP TABLE gen_mod ON COMMIT DROP AS
SELECT m,
       CASE WHEN m <= 150 THEN 'SECMP' || lpad(m::text, 4, '0') ELSE 'MP' || lpad(m::text, 4, '0') END AS reference,
       date '2015-01-01' + floor(random() * 3500)::int AS raised_on,
       random() AS r, 1 + floor(random() * 8)::int AS reached
FROM generate_series(1, $1::int) AS m;

INSERT INTO modifications (id, reference, former_references, title, path, stage, proposer, raised_on,
                           working_group, release, parties_impacted, sec_sections)
OVERRIDING SYSTEM VALUE
SELECT m, reference,
       CASE WHEN m > 150 AND m % 3 = 0 THEN ARRAY['DP' || lpad(m::text, 4, '0')] ELSE '{}' END,
       (ARRAY['Amendments to', 'Clarification of', 'Changes to', 'Introduction of', 'Removal of'])[1 + m % 5]
           || ' ' || (ARRAY['Section H', 'the SMKI arrangements', 'Service Request processing', 'Appendix AG',
                            'the Reporting framework', 'Smart Metering Key Infrastructure', 'CPL requirements'])
              [1 + m % 7] || ' (' || reference || ')',
       (ARRAY['PATH_1_AUTHORITY_LED', 'PATH_2_AUTHORITY_DETERMINATION', 'PATH_3_SELF_GOVERNANCE',
              'FAST_TRACK_SELF_GOVERNANCE', 'URGENT'])[1 + (m * 7) % 5],
       'DRAFT_PROPOSAL',
       (ARRAY['DCC', 'SECAS', 'British Gas', 'EDF Energy', 'Octopus Energy', 'Western Power Distribution'])[1 + m % 6],
       raised_on,
       CASE WHEN m % 4 = 0 THEN 'WG' || (m % 12) END,
       CASE WHEN m % 2 = 0 THEN to_char(raised_on + 365, 'Mon YYYY') || ' SEC Release' END,
       CASE WHEN m % 3 = 0 THEN ARRAY['Large Suppliers', 'Small Suppliers'] ELSE ARRAY['DCC'] END,
       ARRAY['Section ' || chr(65 + m % 20)]
FROM gen_mod;
SELECT setval(pg_get_serial_sequence('modifications', 'id'), (SELECT max(id) FROM modifications));

-- Stage histories: raised, then the stages in order up to the one each reached; 10% withdrawn on the way,
-- 6% rejected at the Change Board; the rest approved (and most implemented).
CREATE TEMP TABLE gen_mod_event ON COMMIT DROP AS
SELECT g.m, g.step, g.raised_on + g.step * 40 + floor(random() * 30)::int AS occurred_on,
       (ARRAY['DRAFT_PROPOSAL', 'DEVELOPMENT', 'REFINEMENT', 'REPORT_PHASE', 'MODIFICATION_REPORT_CONSULTATION',
              'CHANGE_BOARD', 'APPROVED', 'IMPLEMENTED'])[g.step + 1] AS stage
FROM (SELECT gm.*, s AS step FROM gen_mod gm CROSS JOIN generate_series(0, 7) AS s WHERE s < gm.reached) AS g;

INSERT INTO modification_events (modification_id, kind, occurred_on, note, stage, body_id, outcome)
SELECT e.m,
       CASE WHEN e.step = 0 THEN 'RAISED'
            WHEN e.stage = 'APPROVED' THEN 'CHANGE_BOARD_VOTE'
            WHEN e.stage = 'IMPLEMENTED' THEN 'IMPLEMENTED'
            ELSE 'STAGE_CHANGED' END,
       e.occurred_on, NULL, e.stage,
       CASE WHEN e.stage = 'APPROVED' THEN (SELECT id FROM bodies WHERE code = 'CHANGE_BOARD')
            WHEN e.stage IN ('DEVELOPMENT', 'REFINEMENT') THEN (SELECT id FROM bodies WHERE code = 'PANEL') END,
       CASE WHEN e.stage = 'APPROVED' THEN 'APPROVED' END
FROM gen_mod_event e
UNION ALL
-- the end of the road for some: withdrawn or rejected after the last stage reached
SELECT gm.m, CASE WHEN gm.r < 0.10 THEN 'WITHDRAWN' ELSE 'CHANGE_BOARD_VOTE' END,
       (SELECT max(e.occurred_on) + 20 FROM gen_mod_event e WHERE e.m = gm.m), 'closed',
       CASE WHEN gm.r < 0.10 THEN 'WITHDRAWN' ELSE 'REJECTED' END,
       CASE WHEN gm.r >= 0.10 THEN (SELECT id FROM bodies WHERE code = 'CHANGE_BOARD') END,
       CASE WHEN gm.r >= 0.10 THEN 'REJECTED' END
FROM gen_mod gm
WHERE gm.reached < 7 AND (gm.r < 0.10 OR (gm.r < 0.16 AND gm.reached = 6))
ORDER BY 1, 3;

-- The stage is the latest event's.
UPDATE modifications m SET stage = last.stage,
    implemented_on = CASE WHEN last.stage = 'IMPLEMENTED' THEN last.occurred_on END
FROM (SELECT DISTINCT ON (modification_id) modification_id, stage, occurred_on FROM modification_events
      ORDER BY modification_id, occurred_on DESC, id DESC) AS last
WHERE last.modification_id = m.id;
"""

# Submissions: one per period of every catalogue type from its obligation on (to two months ago), 10% preceded by
# a REJECTED one, 10% resubmitted later (superseding); the deadline met by most, missed by some.
SUBMISSIONS = """
SELECT setseed(0.73);

CREATE TEMP TABLE gen_period ON COMMIT DROP AS
SELECT t.id AS report_type_id, t.code, t.cadence, t.due_working_days, p.period,
       coalesce(due_at(t.due_working_days, p.period), period_end(p.period) + interval '20 days') AS due,
       random() AS r
FROM report_types t
CROSS JOIN LATERAL (
    SELECT to_char(m, 'YYYY-MM') AS period
    FROM generate_series(date '2016-09-01', date_trunc('month', current_date) - interval '2 months',
                         interval '1 month') AS m
    WHERE t.cadence = 'MONTHLY'
    UNION ALL
    SELECT to_char(m, 'YYYY') || '-Q' || extract(quarter FROM m)::int
    FROM generate_series(date '2016-10-01', date_trunc('quarter', current_date) - interval '6 months',
                         interval '3 months') AS m
    WHERE t.cadence = 'QUARTERLY'
) AS p;

CREATE TEMP TABLE gen_submission ON COMMIT DROP AS
SELECT row_number() OVER (ORDER BY received_at, report_type_id, period, kind) AS id, *
FROM (
    SELECT report_type_id, code, period, 'REJECTED' AS kind, due - interval '3 days' AS received_at
    FROM gen_period WHERE r < 0.10
    UNION ALL
    SELECT report_type_id, code, period, 'MAIN',
           CASE WHEN r < 0.85 THEN due - make_interval(days => 1 + (r * 100)::int % 5, hours => (r * 1000)::int % 9)
                ELSE due + make_interval(days => 1 + (r * 1000)::int % 12) END
    FROM gen_period
    UNION ALL
    SELECT report_type_id, code, period, 'RESUBMITTED', due + interval '15 days'
    FROM gen_period WHERE r > 0.90
) AS s;

INSERT INTO submissions (id, report_type_id, period, sha256, size_bytes, filename, content_type, format,
                         received_at, uploaded_by, status, attempts, row_count, supersedes_id)
OVERRIDING SYSTEM VALUE
SELECT s.id, s.report_type_id, s.period, decode(md5('a' || s.id) || md5('b' || s.id), 'hex'),
       20000 + (s.id * 7919) % 400000, lower(s.code) || '_' || s.period || '.csv', 'text/csv', 'csv',
       s.received_at, 'dcc-upload', CASE WHEN s.kind = 'REJECTED' THEN 'REJECTED' ELSE 'PASSED' END, 1,
       CASE WHEN s.kind = 'REJECTED' THEN NULL
            WHEN s.code = 'SR_VARIANCE' THEN $1::int WHEN s.code = 'CSR_VARIANCE' THEN 30
            WHEN s.code = 'PMR' THEN 40 ELSE 10 END,
       CASE WHEN s.kind = 'RESUBMITTED' THEN (SELECT o.id FROM gen_submission o
            WHERE o.report_type_id = s.report_type_id AND o.period = s.period AND o.kind = 'MAIN') END
FROM gen_submission s ORDER BY s.id;
SELECT setval(pg_get_serial_sequence('submissions', 'id'), (SELECT max(id) FROM submissions));

INSERT INTO validation_runs (submission_id, started_at, finished_at, catalogue_version, outcome, attempt)
SELECT id, received_at + interval '1 minute', received_at + interval '2 minutes', 1, status, 1
FROM submissions ORDER BY id;

-- The submission that counts for each period: the newest one not REJECTED.
CREATE TEMP TABLE gen_latest ON COMMIT DROP AS
SELECT DISTINCT ON (s.report_type_id, s.period) s.id, s.report_type_id, s.period, s.received_at, t.code,
       r.id AS run_id
FROM submissions s JOIN report_types t ON t.id = s.report_type_id
JOIN validation_runs r ON r.submission_id = s.id
WHERE s.status <> 'REJECTED'
ORDER BY s.report_type_id, s.period, s.id DESC;

-- The parsed rows of the submissions that count (what the OPSG table's figures come from).
INSERT INTO sr_variance_rows (submission_id, row, subject, user_id, forecast, actual, user_role, party_name)
SELECT l.id, n, 'U' || lpad(n::text, 5, '0'), 'U' || lpad(n::text, 5, '0'), f, (f * (0.8 + random() * 0.45))::bigint,
       'IMPORT_SUPPLIER', 'Party ' || n
FROM gen_latest l CROSS JOIN LATERAL (SELECT n, 1000 + floor(random() * 200000)::bigint AS f
                                      FROM generate_series(1, $1::int) AS n) AS x
WHERE l.code = 'SR_VARIANCE';

INSERT INTO csr_variance_rows (submission_id, row, subject, subscriber, forecast, actual)
SELECT l.id, n, 'S' || n, 'S' || n, 5000 + n * 10, 5000 + n * 10 + (random() * 1500)::bigint - 500
FROM gen_latest l CROSS JOIN generate_series(1, 30) AS n WHERE l.code = 'CSR_VARIANCE';

INSERT INTO pmr_rows (submission_id, row, subject, measure, provider, actual_pct, target_pct, minimum_pct, volume)
SELECT l.id, (m - 1) * 5 + p, 'CPM' || m || '/' || (ARRAY['CODE', 'DSP', 'CSP_N', 'CSP_C', 'CSP_S'])[p],
       'CPM' || m, (ARRAY['CODE', 'DSP', 'CSP_N', 'CSP_C', 'CSP_S'])[p], round((93 + random() * 7)::numeric, 2),
       NULL, NULL, 100000 + (random() * 900000)::bigint
FROM gen_latest l CROSS JOIN generate_series(1, 8) AS m CROSS JOIN generate_series(1, 5) AS p
WHERE l.code = 'PMR';

INSERT INTO rdp_incident_rows (submission_id, row, subject, incident_ref, rdp, raised_on, status, resolved_on,
                               category)
SELECT l.id, n, 'INC' || l.id || '-' || n, 'INC' || l.id || '-' || n, 'RDP' || (1 + n % 3),
       period_start(l.period) + n, CASE WHEN n % 4 = 0 THEN 'OPEN' ELSE 'RESOLVED' END,
       CASE WHEN n % 4 <> 0 THEN period_start(l.period) + n + 3 END, 'Category ' || (1 + n % 5)
FROM gen_latest l CROSS JOIN generate_series(1, 10) AS n WHERE l.code = 'RDP_INCIDENT';
"""

# Exceptions: LATE_DELIVERY for each late period, the rest variance exceptions over the SR and CSR submissions that
# count (SR three times as often), unique per subject; statuses as a busy queue has them, with their history.
EXCEPTIONS = """
SELECT setseed(0.31);

INSERT INTO report_exceptions (report_type_id, period, rule_code, subject, severity, status, message, sec_clause,
                               details, submission_id, run_id, first_flagged_at, last_raised_at)
SELECT l.report_type_id, l.period, 'LATE_DELIVERY', 'FILE', 'WARNING', 'ACKNOWLEDGED',
       'received ' || to_char(l.received_at, 'DD/MM/YYYY') || ', after the deadline', t.sec_clause,
       jsonb_build_object('received_at', l.received_at), l.id, l.run_id,
       l.received_at + interval '2 minutes', l.received_at + interval '2 minutes'
FROM gen_latest l JOIN report_types t ON t.id = l.report_type_id
WHERE delivery(l.report_type_id, l.period, now()) = 'LATE';

CREATE TEMP TABLE gen_target ON COMMIT DROP AS
SELECT row_number() OVER (ORDER BY k, l.id) - 1 AS k, l.*
FROM gen_latest l CROSS JOIN generate_series(1, 3) AS k
WHERE l.code = 'SR_VARIANCE' OR (l.code = 'CSR_VARIANCE' AND k = 1);

INSERT INTO report_exceptions (report_type_id, period, rule_code, subject, severity, status, message, sec_clause,
                               details, submission_id, run_id, first_flagged_at, last_raised_at)
SELECT g.report_type_id, g.period, x.rule, x.subject, x.severity, x.status,
       x.subject || ': actual ' || x.actual || ' is ' || round(x.actual * 100.0 / x.forecast, 1)
           || '% of forecast ' || x.forecast || ' (band 90%–110%)',
       CASE WHEN g.code = 'SR_VARIANCE' THEN 'H3.24' ELSE 'L8.9' END,
       jsonb_build_object('actual', x.actual, 'forecast', x.forecast,
                          'ratio', round(x.actual * 100.0 / x.forecast, 1), 'lower', 90, 'upper', 110),
       g.id, g.run_id, g.received_at + make_interval(mins => 2, secs => (x.n % 600)::float8 / 10),
       g.received_at + make_interval(mins => 2, secs => (x.n % 600)::float8 / 10)
FROM (
    SELECT n, 'U' || lpad(n::text, 6, '0') AS subject,
           CASE WHEN n % 10 < 7 THEN 'VARIANCE_ABOVE_TOLERANCE' ELSE 'VARIANCE_BELOW_TOLERANCE' END AS rule,
           CASE WHEN n % 9 = 0 THEN 'HIGH' ELSE 'WARNING' END AS severity,
           (ARRAY['OPEN', 'OPEN', 'OPEN', 'OPEN', 'ACKNOWLEDGED', 'ACKNOWLEDGED', 'RESOLVED', 'RESOLVED', 'RESOLVED',
                  'WAIVED', 'ESCALATED'])[1 + floor(random() * 11)::int] AS status,
           1000 + (n * 7919) % 90000 AS forecast,
           ((1000 + (n * 7919) % 90000) * CASE WHEN n % 10 < 7 THEN 1.12 + random() * 0.5
                                               ELSE 0.3 + random() * 0.55 END)::bigint AS actual
    FROM generate_series(1, $1::int - (SELECT count(*) FROM report_exceptions)::int) AS n
) AS x
JOIN gen_target g ON g.k = x.n % (SELECT count(*) FROM gen_target);

UPDATE submissions s SET status = 'FLAGGED'
WHERE EXISTS (SELECT 1 FROM report_exceptions e WHERE e.submission_id = s.id);
UPDATE validation_runs r SET outcome = 'FLAGGED', finding_count = c.n
FROM (SELECT run_id, count(*) AS n FROM report_exceptions GROUP BY run_id) AS c
WHERE c.run_id = r.id;

INSERT INTO exception_history (exception_id, at, actor, action, from_status, to_status, comment)
SELECT id, first_flagged_at, 'system', 'FLAGGED', NULL, 'OPEN', NULL FROM report_exceptions
UNION ALL
SELECT id, first_flagged_at + interval '3 days', 'opsg-member',
       CASE status WHEN 'ACKNOWLEDGED' THEN 'ACKNOWLEDGE' WHEN 'RESOLVED' THEN 'RESOLVE' WHEN 'WAIVED' THEN 'WAIVE'
                   ELSE 'ESCALATE' END,
       'OPEN', status, CASE WHEN status <> 'ACKNOWLEDGED' THEN 'Discussed at OPSG; DCC to explain the variance' END
FROM report_exceptions WHERE status <> 'OPEN'
ORDER BY 2, 1;
"""


async def generate(conn: asyncpg.Connection, sizes: Sizes = Sizes()) -> dict[str, int]:
    """Fill a migrated, empty database; returns the row counts."""
    async with conn.transaction():
        await conn.execute(BODIES)
        for script, arg in (
            (REGISTER, sizes.parties),
            (MODIFICATIONS, sizes.modifications),
            (SUBMISSIONS, sizes.sr_rows),
            (EXCEPTIONS, sizes.exceptions),
        ):
            # Statement by statement: only the ones that name $1 take the argument.
            for statement in _statements(script):
                if "$1" in statement:
                    await conn.execute(statement, arg)
                else:
                    await conn.execute(statement)
    await conn.execute("ANALYZE")
    counts = {}
    for table in (
        "parties",
        "voting_groups",
        "party_events",
        "modifications",
        "modification_events",
        "submissions",
        "sr_variance_rows",
        "report_exceptions",
        "exception_history",
    ):
        counts[table] = await conn.fetchval(f"SELECT count(*) FROM {table}")
    return counts


def _statements(script: str) -> list[str]:
    """Split on semicolons that end a line (none of the statements above has one inside a line's end)."""
    parts, current = [], []
    for line in script.splitlines():
        if line.lstrip().startswith("--"):
            continue
        current.append(line)
        if line.rstrip().endswith(";"):
            parts.append("\n".join(current).strip().rstrip(";"))
            current = []
    tail = "\n".join(current).strip()
    if tail:
        parts.append(tail)
    return [p for p in parts if p]


async def build(server: Postgres, sizes: Sizes = Sizes()) -> tuple[str, dict[str, int], float]:
    """A fresh database on the server, migrated and filled: (dsn, counts, seconds)."""
    started = time.perf_counter()
    dsn = await server.create()
    conn = await asyncpg.connect(dsn)
    try:
        await prepare(conn)
        counts = await generate(conn, sizes)
    finally:
        await conn.close()
    return dsn, counts, time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--parties", type=int, default=Sizes.parties)
    parser.add_argument("--modifications", type=int, default=Sizes.modifications)
    parser.add_argument("--exceptions", type=int, default=Sizes.exceptions)
    parser.add_argument("--keep", action="store_true", help="keep the database (and the pgserver) and print its URL")
    args = parser.parse_args(argv)
    server = Postgres(keep=args.keep)
    try:
        dsn, counts, seconds = asyncio.run(build(server, Sizes(args.parties, args.modifications, args.exceptions)))
        print(f"built in {seconds:.1f}s: " + ", ".join(f"{v:,} {k}" for k, v in counts.items()))
        if args.keep:
            print(dsn)
    finally:
        server.close(keep=args.keep)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
