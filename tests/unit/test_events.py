"""The NOTIFY payloads: one dataclass per kind, the same JSON on the wire as before, anything else ignored."""

from __future__ import annotations

import orjson

from sql.events import IDS_PER_EVENT, ExceptionsFlagged, SubmissionChanged, decode, encode


def test_each_kind_goes_out_as_its_json_and_comes_back_as_itself() -> None:
    changed = SubmissionChanged(id=7, status="FLAGGED")
    flagged = ExceptionsFlagged(ids=(1, 2, 3), report_type="SR_VARIANCE")
    assert orjson.loads(encode(changed)) == {"type": "submission", "id": 7, "status": "FLAGGED"}
    assert orjson.loads(encode(flagged)) == {"type": "exceptions", "ids": [1, 2, 3], "report_type": "SR_VARIANCE"}
    assert decode(encode(changed)) == changed and decode(encode(flagged)) == flagged


def test_a_payload_that_is_not_ours_is_ignored() -> None:
    for payload in ("not json", "[1]", '{"type": "other"}', '{"type": "submission"}', '{"type": "exceptions"}'):
        assert decode(payload) is None, payload


def test_a_full_payload_of_ten_digit_ids_stays_under_postgresql_s_limit() -> None:
    widest = ExceptionsFlagged(ids=tuple(range(10**9, 10**9 + IDS_PER_EVENT)), report_type="X" * 40)
    assert len(encode(widest).encode()) < 8000
