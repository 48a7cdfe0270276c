"""The arguments of mapped fields, checked and put in the store's terms by the same functions the resolvers use
(a refusal here leaves the operation to normal execution, which refuses it in its own words)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from domain.register import COUNTED
from domain.roles import REPORT_READERS
from domain.viewer import Viewer
from schema.enums import PartyCategory, PartyStatus
from schema.governance.queries import highlight_key
from schema.register.queries import party_page_args, statistics_months
from schema.register.types import PartyFilter
from schema.relay import Window, decode_cursor, id_key, keys_of, parse_node_id, pk_of, text_key, window
from schema.reports.catalogue import Severity
from schema.reports.exceptions import ExceptionFilter, ExceptionStatus
from schema.reports.queries import exception_page_args
from sql.compiled import Unanswerable


@dataclass(frozen=True, slots=True)
class Asking:
    """Who asks, and on which day (what `today` means in the operation)."""

    today: date
    viewer: Viewer


Prepare = Callable[[Mapping[str, Any], Asking], Mapping[str, Any]]


def _day(value: date | None) -> date | None:
    if value is not None and value >= date.max:
        raise Unanswerable("the last day of the calendar")  # sent as 'infinity'
    return value


def _window(args: Mapping[str, Any]) -> Window:
    return window(args.get("first"), args.get("after"), args.get("last"), args.get("before"))


def _parties(args: Mapping[str, Any], asking: Asking) -> Mapping[str, Any]:
    w = _window(args)
    f = args.get("filter") or {}
    party_filter = PartyFilter(
        category=PartyCategory[f["category"]] if f.get("category") else None,
        status=PartyStatus[f["status"]] if f.get("status") else None,
        name_contains=f.get("nameContains"),
        voting_group_id=f.get("votingGroupId"),
    )
    as_of = _day(args.get("asOf"))
    store, after, before = party_page_args(party_filter, as_of, w)
    return {"window": w, "filter": {**store, "as_of": as_of or asking.today}, "after": after, "before": before}


def _party(args: Mapping[str, Any], asking: Asking) -> Mapping[str, Any]:
    kind, pk, day = parse_node_id(args["id"])
    if kind != "Party":
        raise Unanswerable("not a Party's ID")
    return {"id": pk, "as_of": _day(day) or asking.today, "explicit": day is not None}


def _voting_groups(args: Mapping[str, Any], asking: Asking) -> Mapping[str, Any]:
    as_of = _day(args.get("asOf"))
    return {"category": args.get("category"), "as_of": as_of or asking.today, "explicit": as_of is not None}


def _statistics(args: Mapping[str, Any], asking: Asking) -> Mapping[str, Any]:
    start, end = statistics_months(args["fromMonth"], args["toMonth"])
    return {"from_month": start, "to_month": end}


def _position(cursor: str | None, field: str) -> int | None:
    if cursor is None:
        return None
    (at,) = decode_cursor(cursor, 1, field=field)
    if not isinstance(at, int) or isinstance(at, bool):
        raise Unanswerable("not a cursor")
    return at


def _events(args: Mapping[str, Any], asking: Asking) -> Mapping[str, Any]:
    w = _window(args)
    return {"window": w, "after": _position(w.after, "after"), "before": _position(w.before, "before")}


def _exceptions(args: Mapping[str, Any], asking: Asking) -> Mapping[str, Any]:
    w = _window(args)
    f = args.get("filter") or {}
    exception_filter = ExceptionFilter(
        status=ExceptionStatus[f["status"]] if f.get("status") else None,
        severity=Severity[f["severity"]] if f.get("severity") else None,
        report_type=f.get("reportType"),
        period=f.get("period"),
        rule_code=f.get("ruleCode"),
    )
    store, after, before = exception_page_args(exception_filter, w)
    if asking.viewer.role not in REPORT_READERS:
        raise Unanswerable("not a reader of reports")  # normal execution answers an empty page
    return {"window": w, "filter": store, "after": after, "before": before}


def _modifications(args: Mapping[str, Any], asking: Asking) -> Mapping[str, Any]:
    w = _window(args)
    f = args.get("filter") or {}
    after, before = keys_of(w, 1, text_key)
    store = {
        "stage": f.get("stage"),
        "path": f.get("path"),
        "text_contains": f.get("textContains"),
        "raised_from": _day(f.get("raisedFrom")),
        "raised_to": _day(f.get("raisedTo")),
    }
    return {"window": w, "filter": store, "after": after, "before": before}


def _seen_by(args: Mapping[str, Any], asking: Asking) -> Mapping[str, Any]:
    return {"viewer": asking.viewer.sql_args()}


def _highlights(args: Mapping[str, Any], asking: Asking) -> Mapping[str, Any]:
    w = _window(args)
    f = args.get("filter") or {}
    after, before = keys_of(w, 2, highlight_key)
    store = {
        "body_code": f.get("bodyCode"),
        "from_date": _day(f.get("from")),
        "to_date": _day(f.get("to")),
        "text_contains": f.get("textContains"),
    }
    return {"window": w, "filter": store, "after": after, "before": before, **_seen_by(args, asking)}


def _actions(args: Mapping[str, Any], asking: Asking) -> Mapping[str, Any]:
    w = _window(args)
    f = args.get("filter") or {}
    meeting = pk_of(f["meetingId"], "Meeting", field="meetingId") if f.get("meetingId") is not None else None
    after, before = keys_of(w, 1, text_key)
    store = {"meeting_id": meeting, "status": f.get("status")}
    return {"window": w, "filter": store, "after": after, "before": before, **_seen_by(args, asking)}


def _submissions(args: Mapping[str, Any], asking: Asking) -> Mapping[str, Any]:
    w = _window(args)
    if asking.viewer.role not in REPORT_READERS:
        raise Unanswerable("not a reader of reports")  # normal execution answers an empty page
    f = args.get("filter") or {}
    after, before = keys_of(w, 1, id_key)
    store = {"report_type": f.get("reportType"), "period": f.get("period"), "status": f.get("status")}
    return {"window": w, "filter": store, "after": after, "before": before}


def _findings(args: Mapping[str, Any], asking: Asking) -> Mapping[str, Any]:
    w = _window(args)
    after, before = keys_of(w, 1, id_key)
    return {"window": w, "after": after, "before": before}


ARGUMENTS: dict[tuple[str, str], Prepare] = {
    ("Query", "parties"): _parties,
    ("Query", "party"): _party,
    ("Query", "votingGroups"): _voting_groups,
    ("Query", "membershipStatistics"): _statistics,
    ("Query", "exceptions"): _exceptions,
    ("Query", "modifications"): _modifications,
    ("Query", "highlights"): _highlights,
    ("Query", "reportSubmissions"): _submissions,
    ("ReportSubmission", "findings"): _findings,
    ("Query", "actions"): _actions,
    ("Highlight", "meeting"): _seen_by,
    ("Action", "meeting"): _seen_by,
    ("ReportException", "history"): _seen_by,
    ("Party", "events"): _events,
    ("PartyEvent", "party"): lambda args, asking: {"today": asking.today},
    ("MembershipMonth", "votingGroupsByCategory"): lambda args, asking: {"categories": list(COUNTED)},
}
