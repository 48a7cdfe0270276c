"""The schema: every area's Query and Mutation merged, with the limits and error policy."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import date
from typing import Any

import graphql
import strawberry
from graphql import GraphQLError
from strawberry.extensions import (
    DisableIntrospection,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    QueryDepthLimiter,
)
from strawberry.schema.config import StrawberryConfig
from strawberry.types import ExecutionContext

from schema.audit import AuditQuery, audited
from schema.cost import DEFAULT_BUDGET, CostLimits, QueryCost
from schema.data_version import DataVersionFirst
from schema.document_length import DocumentSize
from schema.documents import KnownDocuments, ParseAndValidateOnce
from schema.errors import ErrorPolicy, coded
from schema.governance.mutations import GovernanceMutation
from schema.governance.queries import GovernanceQuery
from schema.labels import LabelQuery
from schema.modifications.mutations import ModificationMutation
from schema.modifications.queries import ModificationQuery
from schema.node import NodeQuery
from schema.observe import Executed, OperationName
from schema.persisted import DocumentsByHash, PersistedDocuments
from schema.reads import CompiledReads, ReadPath
from schema.register.imports import RegisterImportMutation
from schema.register.mutations import RegisterMutation
from schema.register.operations import OperationsReportQuery
from schema.register.queries import RegisterQuery
from schema.register.types import Party, PartyEvent, VotingGroup
from schema.reports.live import Subscription
from schema.reports.meeting import MeetingMutation, MeetingQuery
from schema.reports.mutations import ReportMutation
from schema.reports.opsg import OpsgMutation, OpsgQuery
from schema.reports.queries import ReportQuery
from schema.reports.review import ReviewMutation
from schema.reports.status_chart import StatusChartQuery
from schema.reports.whatif import WhatIfQuery
from schema.text_limits import bounded
from schema.viewer import ViewerQuery
from sql.list_sizes import ListSizes

log = logging.getLogger("secgov.graphql")


@strawberry.type(
    description="What can be read: the register, committee business, modifications, the DCC's reports and their review."
)
class Query(
    NodeQuery,
    ViewerQuery,
    LabelQuery,
    RegisterQuery,
    OperationsReportQuery,
    ModificationQuery,
    GovernanceQuery,
    ReportQuery,
    StatusChartQuery,
    OpsgQuery,
    MeetingQuery,
    WhatIfQuery,
    AuditQuery,
):
    pass


@audited
@bounded
@strawberry.type(
    description="What can be changed; every payload answers expected refusals in errors { code message field }."
)
class Mutation(
    RegisterMutation,
    RegisterImportMutation,
    ModificationMutation,
    GovernanceMutation,
    ReportMutation,
    ReviewMutation,
    OpsgMutation,
    MeetingMutation,
):
    pass


class SecgovSchema(strawberry.Schema):
    def process_errors(self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None) -> None:
        """Log what is unexpected, with its traceback; expected, coded errors are the caller's business."""
        for error in errors:
            if ErrorPolicy.is_unexpected(error):
                log.error("unexpected error: %s", error.message, exc_info=error.original_error)


def build_schema(
    *,
    max_depth: int = 12,
    max_aliases: int = 30,
    max_tokens: int = 4000,
    introspection: bool = True,
    cost_budget: int = DEFAULT_BUDGET,
    heavy_wait_s: float = 2.0,
    compiled_reads: bool = True,
    documents: str = "any",
    shipped_documents: Mapping[str, str] | None = None,
    list_sizes: ListSizes | None = None,
) -> strawberry.Schema:
    """The schema; `introspection=False` (production) refuses `__schema` and `__type` while validating (`__typename`
    stays: it names a type, it does not describe the schema). `cost_budget` bounds each operation's estimated cost
    (schema/cost.py); an operation above a quarter of it waits up to `heavy_wait_s` for the heavy lane.
    `documents="trusted"` runs only registered documents (schema/persisted.py) and `shipped_documents`.
    `list_sizes`: the unpaged lists' stored lengths the estimate reads (kept current by the app's live feed)."""
    limits = CostLimits(budget=cost_budget, wait_s=heavy_wait_s, sizes=list_sizes)
    known = KnownDocuments()
    reads = ReadPath()
    reads.enabled = compiled_reads
    persisted = DocumentsByHash(documents, shipped=shipped_documents)
    built = SecgovSchema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        types=[Party, PartyEvent, VotingGroup],
        extensions=[
            lambda: PersistedDocuments(persisted),  # first: it may supply the document, or refuse the request
            ErrorPolicy,
            OperationName,
            lambda: coded(QueryDepthLimiter(max_depth=max_depth)),
            lambda: coded(MaxAliasesLimiter(max_alias_count=max_aliases)),
            lambda: MaxTokensLimiter(max_token_count=max_tokens),
            DocumentSize,
            lambda: ParseAndValidateOnce(known),
            lambda: QueryCost(limits),
            Executed,  # after every check that refuses before execution
            DataVersionFirst,
            lambda: CompiledReads(reads),
            *([] if introspection else [DisableIntrospection]),
        ],
        config=StrawberryConfig(auto_camel_case=True),
    )
    # The estimate walks graphql-core's types, rebuilt from the SDL (strawberry keeps its own private).
    limits.types = reads.schema = typed(graphql.build_schema(built.as_str()))
    return built


def typed(rebuilt: graphql.GraphQLSchema) -> graphql.GraphQLSchema:
    """The rebuilt schema's Date scalar reads ISO days as the served schema's does (the planner coerces with it)."""
    day = rebuilt.type_map["Date"]
    assert isinstance(day, graphql.GraphQLScalarType)
    day.parse_value = day.coerce_input_value = _iso_day  # type: ignore[method-assign]
    return rebuilt


def _iso_day(value: Any) -> date:
    if not isinstance(value, str):
        raise GraphQLError(f"Date cannot represent value: {value!r}")
    return date.fromisoformat(value)


schema = build_schema()
