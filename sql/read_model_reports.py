"""How the review queue's types are read (ReportException and its history, the report type and submission it
names), declared once over the statements their resolvers run. Who may see them is the planner's to check with the
same role set the resolvers use: a viewer without it is answered by normal execution (an empty page)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sql.compiled import Many, One, Page, Params, TypeMap, paged, statement
from sql.ids import sql_datetime, sql_global_id
from sql.read_model_governance import viewer_args

_FILTERS = ("status", "severity", "report_type", "period", "rule_code")


def _exceptions(a: str, args: Mapping[str, Any], p: Params) -> str:
    f = args["filter"]
    after, before = args["after"] or (None, None, None), args["before"] or (None, None, None)
    return paged(
        "exceptions.page",
        args,
        p,
        **{k: p(f[k], "text") for k in _FILTERS},
        after_rank=p(after[0], "int"),
        after_at=p(after[1], "timestamptz"),
        after_id=p(after[2], "bigint"),
        before_rank=p(before[0], "int"),
        before_at=p(before[1], "timestamptz"),
        before_id=p(before[2], "bigint"),
    )


def _exception_count(a: str, args: Mapping[str, Any], p: Params) -> str:
    return statement("exceptions.count", **{k: p(args["filter"][k], "text") for k in _FILTERS})


def _one(name: str, column: str) -> Any:
    def rows(a: str, args: Mapping[str, Any], p: Params) -> str:
        return statement(name, ids=f"ARRAY[{a}.{column}]")

    return rows


def _history(a: str, args: Mapping[str, Any], p: Params) -> str:
    """The exception's history, but the entries made at a meeting the viewer may not see."""
    rows = statement("exceptions.history_of", ids=f"ARRAY[{a}.id]")
    seen = statement("meetings.by_ids", ids="ARRAY[h.meeting_id]", **viewer_args(args, p))
    return f"SELECT h.* FROM ({rows}) h WHERE h.meeting_id IS NULL OR EXISTS (SELECT 1 FROM ({seen}) m)"


def _submissions(a: str, args: Mapping[str, Any], p: Params) -> str:
    f = args["filter"]
    return paged(
        "submissions.page",
        args,
        p,
        **{k: p(f[k], "text") for k in _SUBMISSION_FILTERS},
        after_id=p(args["after"], "bigint"),
        before_id=p(args["before"], "bigint"),
    )


def _submission_count(a: str, args: Mapping[str, Any], p: Params) -> str:
    return statement("submissions.count", **{k: p(args["filter"][k], "text") for k in _SUBMISSION_FILTERS})


_SUBMISSION_FILTERS = ("report_type", "period", "status")


def _findings(a: str, args: Mapping[str, Any], p: Params) -> str:
    return paged(
        "submissions.findings_page",
        args,
        p,
        submission_id=f"{a}.id",
        after_id=p(args["after"], "bigint"),
        before_id=p(args["before"], "bigint"),
    )


def _finding_count(a: str, args: Mapping[str, Any], p: Params) -> str:
    return statement("submissions.findings_count", submission_id=f"{a}.id")


def _runs(a: str, args: Mapping[str, Any], p: Params) -> str:
    return statement("submissions.runs_of", ids=f"ARRAY[{a}.id]")


RANK = "CASE {a}.severity WHEN 'HIGH' THEN 0 ELSE 1 END"

TYPES: list[TypeMap] = [
    TypeMap(
        "ReportException",
        {
            "id": sql_global_id("ReportException", "{a}.id"),
            "ruleCode": "{a}.rule_code",
            "severity": "{a}.severity",
            "status": "{a}.status",
            "subject": "{a}.subject",
            "message": "{a}.message",
            "secClause": "{a}.sec_clause",
            "details": "{a}.details",
            "period": "{a}.period",
            "firstFlaggedAt": sql_datetime("{a}.first_flagged_at"),
            "lastRaisedAt": sql_datetime("{a}.last_raised_at"),
        },
        {
            "reportType": One("ReportType", _one("catalogue.by_ids", "report_type_id")),
            "submission": One("ReportSubmission", _one("submissions.by_ids", "submission_id")),
            "history": Many("HistoryEntry", _history, ("id",)),
        },
    ),
    TypeMap(
        "HistoryEntry",
        {
            "id": sql_global_id("HistoryEntry", "{a}.id"),
            "at": sql_datetime("{a}.at"),
            "actor": "{a}.actor",
            "action": "{a}.action",
            "fromStatus": "{a}.from_status",
            "toStatus": "{a}.to_status",
            "comment": "{a}.comment",
        },
    ),
    TypeMap(
        "ReportType",
        {
            "id": sql_global_id("ReportType", "{a}.id"),
            "code": "{a}.code",
            "name": "{a}.name",
            "secClause": "{a}.sec_clause",
            "cadence": "{a}.cadence",
            "dueWorkingDays": "{a}.due_working_days",
            "obligationFrom": "{a}.obligation_from",
            "version": "{a}.version",
        },
    ),
    TypeMap(
        "ReportSubmission",
        {
            "id": sql_global_id("ReportSubmission", "{a}.id"),
            "period": "{a}.period",
            "receivedAt": sql_datetime("{a}.received_at"),
            "dueAt": sql_datetime("{a}.due_at"),
            "status": "{a}.status",
            "sha256": "encode({a}.sha256, 'hex')",
            "filename": "{a}.filename",
            "rowCount": "{a}.row_count",
            "sizeBytes": "{a}.size_bytes",
            "delivery": "{a}.delivery",
        },
        {
            "reportType": One("ReportType", _one("catalogue.by_ids", "report_type_id")),
            "findings": Page("Finding", _findings, _finding_count, (("id", "int"),), ("id",)),
            "runs": Many("ValidationRun", _runs, ("id",)),
        },
    ),
    TypeMap(
        "Finding",
        {
            "id": sql_global_id("Finding", "{a}.id"),
            "ruleCode": "{a}.rule_code",
            "severity": "{a}.severity",
            "subject": "{a}.subject",
            "message": "{a}.message",
            "secClause": "{a}.sec_clause",
            "details": "{a}.details",
            "row": "{a}.row",
        },
    ),
    TypeMap(
        "ValidationRun",
        {
            "id": sql_global_id("ValidationRun", "{a}.id"),
            "startedAt": sql_datetime("{a}.started_at"),
            "finishedAt": sql_datetime("{a}.finished_at"),
            "catalogueVersion": "{a}.catalogue_version",
            "outcome": "{a}.outcome",
            "attempt": "{a}.attempt",
            "findingCount": "{a}.finding_count",
        },
    ),
]
QUERY_LINKS = {
    "reportSubmissions": Page("ReportSubmission", _submissions, _submission_count, (("id", "int"),), ("id DESC",)),
    "exceptions": Page(
        "ReportException",
        _exceptions,
        _exception_count,
        (("rank", "int"), ("first_flagged_at", "datetime"), ("id", "int")),
        ("rank", "first_flagged_at", "id"),
    ),
}
