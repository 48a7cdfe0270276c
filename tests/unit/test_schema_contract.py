"""The committed schema.graphql is the code's schema, and every name clients rely on (docs/api.md) is in it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from graphql import build_schema as parse_sdl

from schema.export import sdl

ROOT = Path(__file__).resolve().parents[2]

# The names clients rely on (docs/api.md, "Names that are fixed"): type → fields.
TYPES = {
    "Query": [
        "node",
        "parties",
        "party",
        "votingGroups",
        "membershipStatistics",
        "modifications",
        "modification",
        "bodies",
        "highlights",
        "reportTypes",
        "reportSubmissions",
        "reportSubmission",
        "exceptions",
        "reportingCalendar",
        "opsgReport",
        "operationsReport",
    ],
    "Mutation": [
        "uploadReport",
        "reviewException",
        "createVotingGroup",
        "createParty",
        "recordPartyEvent",
        "createHighlight",
        "importRegister",
    ],
    "Subscription": ["exceptionFlagged", "submissionUpdated"],
    "Party": ["id", "name", "category", "status", "votingGroup", "accededOn", "userRoles", "events"],
    "UserRole": ["role", "userId", "since"],
    "PartyEvent": ["kind", "occurredOn", "note", "userRole", "userId"],
    "VotingGroup": ["id", "name", "category", "parties"],
    "Modification": [
        "id",
        "reference",
        "formerReferences",
        "title",
        "path",
        "stage",
        "proposer",
        "raisedOn",
        "workingGroup",
        "release",
        "implementedOn",
        "events",
    ],
    "ModificationEvent": ["kind", "occurredOn", "note", "stage", "body", "outcome"],
    "Body": ["id", "code", "name", "meetings"],
    "Meeting": ["id", "reference", "heldOn", "body", "classification"],
    "Highlight": ["id", "title", "body", "bodyCode", "meeting", "classification", "publishedOn"],
    "ReportType": [
        "id",
        "code",
        "name",
        "secClause",
        "cadence",
        "dueWorkingDays",
        "toleranceLowerPct",
        "toleranceUpperPct",
        "serviceLevels",
        "obligationFrom",
        "version",
    ],
    "ServiceLevel": ["measure", "provider", "targetPct", "minimumPct"],
    "MembershipMonth": [
        "month",
        "accessions",
        "inDefault",
        "withdrawals",
        "expulsions",
        "partiesAtMonthEnd",
        "votingGroupsAtMonthEnd",
        "votingGroupsByCategory",
        "complete",
    ],
    "OperationsReport": [
        "month",
        "panelMeeting",
        "reference",
        "classification",
        "recommendations",
        "applicants",
        "withdrawals",
        "defaults",
        "marketExits",
        "uepCompletions",
        "testing",
        "membership",
        "partiesAtMonthEnd",
        "votingGroupsAtMonthEnd",
        "votingGroupsByCategory",
        "markdown",
    ],
    "TestingUpdate": ["srept", "uept", "appendices"],
    "ImportRegisterPayload": ["parties", "events", "votingGroups", "errors"],
    "RegisterImportError": ["code", "message", "field", "row", "column"],
    "ReportSubmission": [
        "id",
        "reportType",
        "period",
        "receivedAt",
        "dueAt",
        "delivery",
        "status",
        "sha256",
        "filename",
        "rowCount",
        "supersedes",
        "findings",
        "exceptions",
        "runs",
    ],
    "Finding": ["ruleCode", "severity", "subject", "message", "secClause", "details", "row"],
    "ReportException": [
        "id",
        "ruleCode",
        "severity",
        "status",
        "subject",
        "message",
        "secClause",
        "details",
        "reportType",
        "period",
        "submission",
        "firstFlaggedAt",
        "meeting",
        "history",
    ],
    "ReportDue": ["reportType", "period", "dueAt", "delivery", "submission"],
    "OpsgReport": ["month", "rows", "markdown"],
    "UploadReportPayload": ["submission", "duplicateOf", "errors"],
    "PageInfo": ["hasNextPage", "endCursor"],
    "PartyConnection": ["edges", "pageInfo", "totalCount"],
}
ENUMS = {
    "PartyCategory": "LARGE_SUPPLIER SMALL_SUPPLIER ELECTRICITY_NETWORK GAS_NETWORK OTHER_SEC_PARTY DCC",
    "PartyStatus": "APPLICANT ACTIVE IN_DEFAULT WITHDRAWN EXPELLED",
    "PartyEventKind": "APPLICATION ACCESSION UEP_COMPLETED SREPT_COMPLETED UEPT_COMPLETED DEFAULT_ENTERED "
    "DEFAULT_CURED WITHDRAWAL EXPULSION CATEGORY_CHANGE VOTING_GROUP_CHANGE",
    "DccUserRole": "IMPORT_SUPPLIER EXPORT_SUPPLIER GAS_SUPPLIER ELECTRICITY_DISTRIBUTOR GAS_TRANSPORTER "
    "REGISTERED_SUPPLIER_AGENT OTHER_USER",
    "ModificationPath": "PATH_1_AUTHORITY_LED PATH_2_AUTHORITY_DETERMINATION PATH_3_SELF_GOVERNANCE "
    "FAST_TRACK_SELF_GOVERNANCE URGENT",
    "ModificationStage": "DRAFT_PROPOSAL DEVELOPMENT REFINEMENT REPORT_PHASE MODIFICATION_REPORT_CONSULTATION "
    "CHANGE_BOARD AUTHORITY_DETERMINATION APPROVED REJECTED IMPLEMENTED WITHDRAWN",
    "Classification": "WHITE GREEN AMBER RED",
    "Severity": "INFO WARNING HIGH",
    "SubmissionStatus": "RECEIVED VALIDATING PASSED FLAGGED REJECTED",
    "ExceptionStatus": "OPEN ACKNOWLEDGED RESOLVED WAIVED ESCALATED",
    "ReviewAction": "ACKNOWLEDGE RESOLVE WAIVE ESCALATE REOPEN COMMENT",
    "Delivery": "ON_TIME LATE MISSING NOT_YET_DUE NOT_DUE NO_DEADLINE",
}
ARGS = {
    ("Query", "parties"): ["filter", "asOf", "first", "after"],
    ("Query", "votingGroups"): ["category", "asOf"],
    ("Query", "membershipStatistics"): ["fromMonth", "toMonth"],
    ("Query", "highlights"): ["filter", "first", "after"],
    ("Query", "exceptions"): ["filter", "first", "after"],
    ("Mutation", "uploadReport"): ["reportType", "period", "file", "receivedAt"],
    ("Mutation", "reviewException"): ["id", "action", "comment", "meetingId"],
    ("Mutation", "importRegister"): ["file", "openingBalance", "dryRun"],
    ("Query", "operationsReport"): ["month"],
    ("Subscription", "exceptionFlagged"): ["reportType"],
    ("Subscription", "submissionUpdated"): ["id"],
}


def test_committed_sdl_is_the_code_schema():
    committed = (ROOT / "schema.graphql").read_text()
    assert committed == sdl(), "schema.graphql is stale: run `make schema` and commit it"


@pytest.fixture(scope="module")
def parsed():
    return parse_sdl(sdl())


@pytest.mark.parametrize("type_name", sorted(TYPES))
def test_fixed_fields_exist(parsed, type_name):
    t = parsed.get_type(type_name)
    assert t is not None, type_name
    missing = [f for f in TYPES[type_name] if f not in t.fields]  # type: ignore[union-attr]
    assert missing == []


@pytest.mark.parametrize("enum_name", sorted(ENUMS))
def test_fixed_enums(parsed, enum_name):
    t = parsed.get_type(enum_name)
    assert t is not None and set(ENUMS[enum_name].split()) == set(t.values)  # type: ignore[union-attr]


@pytest.mark.parametrize(("type_name", "field"), sorted(ARGS))
def test_fixed_arguments(parsed, type_name, field):
    args = parsed.get_type(type_name).fields[field].args  # type: ignore[union-attr]
    assert [a for a in ARGS[(type_name, field)] if a not in args] == []


def test_every_type_with_an_id_implements_node(parsed):
    offenders = [
        name
        for name, t in parsed.type_map.items()
        if hasattr(t, "fields")
        and "id" in getattr(t, "fields", {})
        and hasattr(t, "interfaces")
        and not name.endswith("Input")
        and "Node" not in [i.name for i in t.interfaces]
        and name != "Node"
        and not re.match(r"^__", name)
    ]
    assert offenders == []
