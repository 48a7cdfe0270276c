"""The DCC's reports of the July 2018 Sub-Committee report, delivered as demo data through the real intake and
validated by the worker's own run, with their receipt dates; then the OPSG meeting that considered them
(api.demo_meeting): its four observations and its follow-up. With them, the June 2018 OPSG table reads as the
paper's.

Every file is marked as demo data (its name starts with "demo-", and a demo_note column, which validation ignores,
says what was made up). The paper gives no receipt dates: the ones below are the demo's, chosen on time where the
paper says on time; "April report delayed" is received on 4 June 2018.
"""

from __future__ import annotations

from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime
from importlib import resources

from api import demo_meeting
from domain.limits import MAX_UPLOAD_BYTES
from domain.periods import LONDON
from domain.viewer import Viewer
from services.upload import File, UploadRequest, accept, given
from sql import keys
from sql.db import Pool
from sql.errors import Conflict
from workers.validate import Limits, run

DEMO_UPLOADER = Viewer(role="secas", name="demo-data (DCC receipt back-filled)")
DEMO_OPSG_KEY = demo_meeting.DEMO_OPSG.name


@dataclass(frozen=True, slots=True)
class DemoReport:
    code: str
    period: str
    file: str
    received_at: datetime  # London wall-clock time of the demo's receipt


def _london(year: int, month: int, day: int, hour: int, minute: int) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=LONDON)


REPORTS = (
    DemoReport("PMR", "2018-04", "pmr-2018-04.csv", _london(2018, 6, 5, 10, 0)),  # due 06/06/2018
    DemoReport("SR_VARIANCE", "2018-04", "sr-variance-2018-04.csv", _london(2018, 6, 4, 11, 0)),  # due 15/05: late
    DemoReport("RDP_INCIDENT", "2018-05", "rdp-incident-2018-05.csv", _london(2018, 6, 8, 9, 30)),  # no deadline
    DemoReport("CSR_VARIANCE", "2018-05", "csr-variance-2018-05.csv", _london(2018, 6, 12, 15, 0)),  # due 14/06
    DemoReport("SR_VARIANCE", "2018-05", "sr-variance-2018-05.csv", _london(2018, 6, 13, 14, 0)),  # due 14/06
)


def content(name: str) -> bytes:
    return resources.files("api.demo").joinpath("dcc", name).read_bytes()


async def load(pool: Pool, limits: Limits | None = None) -> dict[str, int]:
    """Deliver the demo reports and record the observations; returns counts (a file already stored is skipped)."""
    limits = limits or Limits()
    delivered = 0

    async def validate_now(submission_id: int, request_id: str) -> bool:  # the demo validates in its own process
        await run(pool, submission_id, limits)
        return False  # no broker had it: the submission is not marked enqueued

    for report in REPORTS:
        file = File(content(report.file), f"demo-{report.file}", "text/csv")
        request = UploadRequest(DEMO_UPLOADER, report.code, report.period, "demo-data", report.received_at)
        received = await accept(pool, validate_now, request, given(file), max_upload_bytes=MAX_UPLOAD_BYTES)
        delivered += received.duplicate_of is None
    async with pool.acquire() as conn:
        with suppress(Conflict):  # loaded before: the key is there
            await keys.create(conn, name=DEMO_OPSG_KEY, role="opsg", bodies=["OPSG"], party_id=None)
    # The meeting that considered them records its observations and what it asked for.
    return {"dcc_reports": delivered} | await demo_meeting.load(pool)
