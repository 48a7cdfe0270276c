"""The enums of the public schema (docs/api.md); values are the names, as stored."""

from __future__ import annotations

from enum import Enum
from typing import cast

import strawberry


def described(value: str, description: str) -> str:
    """An enum member's value with its description in the schema. strawberry reads the definition and stores the
    plain value in the Enum; the cast tells the type checker so (`.value` is the text, as stored)."""
    return cast(str, strawberry.enum_value(value, description=description))


@strawberry.enum(description="The category a Party votes in; the DCC is a Party of its own kind, reported separately.")
class PartyCategory(Enum):
    LARGE_SUPPLIER = described("LARGE_SUPPLIER", description="Large Supplier Party.")
    SMALL_SUPPLIER = described("SMALL_SUPPLIER", description="Small Supplier Party.")
    ELECTRICITY_NETWORK = described("ELECTRICITY_NETWORK", description="Electricity Network Party.")
    GAS_NETWORK = described("GAS_NETWORK", description="Gas Network Party.")
    OTHER_SEC_PARTY = described("OTHER_SEC_PARTY", description="Any other SEC Party.")
    DCC = described("DCC", description="The DCC: listed in the register, left out of every membership count.")


@strawberry.enum(description="Where a Party stands, derived from its dated events.")
class PartyStatus(Enum):
    APPLICANT = described("APPLICANT", description="Applied; not yet acceded.")
    ACTIVE = described("ACTIVE", description="Acceded; not in default, withdrawn or expelled.")
    IN_DEFAULT = described("IN_DEFAULT", description="In an Event of Default (SEC M8.1) not yet cured.")
    WITHDRAWN = described("WITHDRAWN", description="Withdrew from the Code (effective on the withdrawal's date).")
    EXPELLED = described("EXPELLED", description="Expelled from the Code.")


@strawberry.enum(description="What a Party's dated event records.")
class PartyEventKind(Enum):
    APPLICATION = described("APPLICATION", description="Applied to accede to the Code.")
    ACCESSION = described("ACCESSION", description="Acceded (the SECCo Board countersigned the Accession Agreement).")
    UEP_COMPLETED = described("UEP_COMPLETED", description="Completed the User Entry Process for a DCC User Role.")
    SREPT_COMPLETED = described("SREPT_COMPLETED", description="Completed SMKI and Repository Entry Process Tests.")
    UEPT_COMPLETED = described("UEPT_COMPLETED", description="Completed User Entry Process Tests for a DCC User Role.")
    DEFAULT_ENTERED = described("DEFAULT_ENTERED", description="Entered an Event of Default (SEC M8.1).")
    DEFAULT_CURED = described("DEFAULT_CURED", description="Its Event of Default was cured.")
    WITHDRAWAL = described("WITHDRAWAL", description="Withdrew from the Code.")
    EXPULSION = described("EXPULSION", description="Was expelled from the Code.")
    CATEGORY_CHANGE = described("CATEGORY_CHANGE", description="Moved to another Party Category.")
    VOTING_GROUP_CHANGE = described("VOTING_GROUP_CHANGE", description="Moved to another Voting Group.")


@strawberry.enum(description="A role in which a Party uses the DCC's services (each with its User ID).")
class DccUserRole(Enum):
    IMPORT_SUPPLIER = described("IMPORT_SUPPLIER", description="Import Supplier.")
    EXPORT_SUPPLIER = described("EXPORT_SUPPLIER", description="Export Supplier.")
    GAS_SUPPLIER = described("GAS_SUPPLIER", description="Gas Supplier.")
    ELECTRICITY_DISTRIBUTOR = described("ELECTRICITY_DISTRIBUTOR", description="Electricity Distributor.")
    GAS_TRANSPORTER = described("GAS_TRANSPORTER", description="Gas Transporter.")
    REGISTERED_SUPPLIER_AGENT = described("REGISTERED_SUPPLIER_AGENT", description="Registered Supplier Agent.")
    OTHER_USER = described("OTHER_USER", description="Other User.")


@strawberry.enum(description="The route by which a modification is decided.")
class ModificationPath(Enum):
    PATH_1_AUTHORITY_LED = described("PATH_1_AUTHORITY_LED", description="Path 1: led by the Authority.")
    PATH_2_AUTHORITY_DETERMINATION = described(
        "PATH_2_AUTHORITY_DETERMINATION", description="Path 2: the Authority decides."
    )
    PATH_3_SELF_GOVERNANCE = described(
        "PATH_3_SELF_GOVERNANCE", description="Path 3: self-governance (the Change Board decides)."
    )
    FAST_TRACK_SELF_GOVERNANCE = described("FAST_TRACK_SELF_GOVERNANCE", description="Fast-Track Self-Governance.")
    URGENT = described("URGENT", description="Urgent.")


@strawberry.enum(description="Where a modification is in its process.")
class ModificationStage(Enum):
    DRAFT_PROPOSAL = described("DRAFT_PROPOSAL", description="Raised as a Draft Proposal.")
    DEVELOPMENT = described("DEVELOPMENT", description="In the Development Stage.")
    REFINEMENT = described("REFINEMENT", description="In the Refinement Process (Working Group, DCC assessments).")
    REPORT_PHASE = described("REPORT_PHASE", description="In the Report Phase.")
    MODIFICATION_REPORT_CONSULTATION = described(
        "MODIFICATION_REPORT_CONSULTATION", description="The Modification Report is out for consultation."
    )
    CHANGE_BOARD = described("CHANGE_BOARD", description="Awaiting the Change Board's vote.")
    AUTHORITY_DETERMINATION = described(
        "AUTHORITY_DETERMINATION", description="Awaiting the Authority's determination."
    )
    APPROVED = described("APPROVED", description="Approved.")
    REJECTED = described("REJECTED", description="Rejected.")
    IMPLEMENTED = described("IMPLEMENTED", description="Implemented in a release.")
    WITHDRAWN = described("WITHDRAWN", description="Withdrawn.")


@strawberry.enum(description="What a modification's dated event records.")
class ModificationEventKind(Enum):
    RAISED = described(
        "RAISED", description="Raised (as a Draft Proposal, or a modification under its older reference)."
    )
    CONVERTED = described(
        "CONVERTED", description="Converted from a Draft Proposal to a Modification Proposal (new reference)."
    )
    STAGE_CHANGED = described("STAGE_CHANGED", description="Moved to another stage.")
    WORKING_GROUP = described("WORKING_GROUP", description="A Working Group met on it.")
    CONSULTATION = described("CONSULTATION", description="A consultation opened or closed.")
    PRELIMINARY_ASSESSMENT = described("PRELIMINARY_ASSESSMENT", description="The DCC's Preliminary Assessment.")
    IMPACT_ASSESSMENT = described("IMPACT_ASSESSMENT", description="The DCC's Impact Assessment.")
    CHANGE_BOARD_VOTE = described(
        "CHANGE_BOARD_VOTE", description="The Change Board voted (approve, reject or recommend to the Authority)."
    )
    PANEL_DECISION = described("PANEL_DECISION", description="The Panel decided on it.")
    AUTHORITY_DECISION = described("AUTHORITY_DECISION", description="The Authority determined it.")
    IMPLEMENTED = described("IMPLEMENTED", description="Implemented in a release.")
    WITHDRAWN = described("WITHDRAWN", description="Withdrawn by its proposer.")
    SPLIT = described("SPLIT", description="Split into modifications with lettered references (MP134A, MP134B).")


@strawberry.enum(
    description="Who may read a paper, highlight or action (the Panel's traffic-light Information Policy)."
)
class Classification(Enum):
    WHITE = described("WHITE", description="Public.")
    GREEN = described("GREEN", description="SEC Parties: any holder of a key.")
    AMBER = described("AMBER", description="Members of the owning body, and the Panel.")
    RED = described("RED", description="Members of the owning body only.")


@strawberry.enum(description="Whether an item of a meeting is an action or a decision.")
class ActionKind(Enum):
    ACTION = described("ACTION", description="An action: someone is to do something, by a date.")
    DECISION = described("DECISION", description="A decision: the body NOTED, AGREED, APPROVED, ... something.")


@strawberry.enum(description="Whether an action is still to be done.")
class ActionStatus(Enum):
    OPEN = described("OPEN", description="Still to be done.")
    CLOSED = described("CLOSED", description="Done or no longer needed.")


@strawberry.enum(description="What a body decided.")
class DecisionOutcome(Enum):
    NOTED = described("NOTED", description="Noted.")
    AGREED = described("AGREED", description="Agreed.")
    APPROVED = described("APPROVED", description="Approved.")
    REJECTED = described("REJECTED", description="Rejected.")
    DEFERRED = described("DEFERRED", description="Deferred to a later meeting.")


def value(member: Enum | None) -> str | None:
    """The stored text of an optional enum argument."""
    return None if member is None else str(member.value)
