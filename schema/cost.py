"""What an operation may cost, estimated from its document and variables before any SQL runs.

The estimate walks the fields graphql-core collects for execution (fragments, @include/@skip, aliases and repeated
fields as execution sees them; arguments and variables coerced as execution coerces them) and counts the objects a
query would produce: each object- or list-valued field once per parent object,
a list's items by its page size (`first`, 20 when not given; more than 100 is refused outright) or by a guess for
unpaged lists, multiplied through the nesting; aliases count as the fields they repeat; known expensive fields add
their own weight (membershipStatistics per month, the OPSG table per request, a what-if per period re-run). Scalars
cost nothing. An operation above the budget is refused with QUERY_TOO_COMPLEX naming its costliest top-level field.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    GraphQLError,
    GraphQLField,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLUnionType,
    OperationDefinitionNode,
    get_named_type,
    get_nullable_type,
    get_operation_ast,
)
from graphql.execution.collect_fields import FieldDetailsList, FragmentDetails, collect_fields, collect_subfields
from graphql.execution.values import VariableValues, get_argument_values, get_variable_values
from strawberry.extensions import SchemaExtension
from strawberry.types.graphql import OperationType

from domain.whatif import COST_BASE, COST_PER_PERIOD, span
from schema.errors import too_complex
from schema.relay import DEFAULT_PAGE, MAX_PAGE

DEFAULT_BUDGET = 10_000
LIST_GUESS = 20  # items of an unpaged list, unless named below
# Unpaged lists by what they hold on a large register (Voting Groups' members together are about the Parties).
LIST_SIZES = {
    ("Query", "votingGroups"): 200,
    ("VotingGroup", "parties"): 10,
    ("Query", "reportTypes"): 50,
    ("Query", "bodies"): 20,
    ("Party", "userRoles"): 5,
    ("MembershipMonth", "votingGroupsByCategory"): 5,
}
# Work beyond the objects produced: per request, or per month asked for.
EXTRA = {("Query", "opsgReport"): 300, ("Query", "reportingCalendar"): 50, ("Query", "whatIf"): COST_BASE}
PER_MONTH = {("Query", "membershipStatistics"): 5}
# Re-running stored files, per period asked for (fromPeriod to toPeriod).
PER_PERIOD = {("Query", "whatIf"): COST_PER_PERIOD}
MAX_MONTHS = 600
CONNECTION_LISTS = ("edges", "nodes")


@dataclass(frozen=True, slots=True)
class Estimate:
    total: int
    parts: dict[str, int]  # per top-level field (by alias)

    @property
    def costliest(self) -> tuple[str, int]:
        return max(self.parts.items(), key=lambda kv: kv[1], default=("", 0))


class _Walk:
    """The operation's fields as graphql-core collects them for execution (fragments, @include/@skip, aliases,
    repeated fields merged) with their arguments coerced: what will run, not what is written."""

    def __init__(
        self,
        types: GraphQLSchema,
        document: DocumentNode,
        operation: OperationDefinitionNode,
        variables: VariableValues,
    ) -> None:
        self.types, self.operation, self.variables = types, operation, variables
        self.fragments = {
            d.name.value: FragmentDetails(d) for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }

    def grouped(self, parent: GraphQLObjectType, details: FieldDetailsList | None) -> dict[str, FieldDetailsList]:
        if details is None:
            return collect_fields(self.types, self.fragments, self.variables, parent, self.operation).grouped_field_set
        return collect_subfields(
            self.types, self.fragments, self.variables, self.operation, parent, details
        ).grouped_field_set

    def arguments(self, definition: GraphQLField, node: FieldNode) -> dict[str, Any]:
        try:
            return get_argument_values(definition, node, self.variables)
        except GraphQLError:
            return {}  # execution refuses it, before any SQL

    def cost(self, details: FieldDetailsList, named: GraphQLNamedType, times: int, page: int | None = None) -> int:
        """The sub-selection's cost: on an interface or union, its costliest possible type's."""
        if isinstance(named, GraphQLObjectType):
            possible: Sequence[GraphQLObjectType] = (named,)
        elif isinstance(named, GraphQLInterfaceType | GraphQLUnionType):
            possible = self.types.get_possible_types(named)
        else:
            return 0
        return max(
            (sum(self.field(d, t, times, page) for d in self.grouped(t, details).values()) for t in possible),
            default=0,
        )

    def field(self, details: FieldDetailsList, owner: GraphQLObjectType, times: int, page: int | None) -> int:
        node = details[0].node
        name = node.name.value
        definition = owner.fields.get(name)
        if definition is None:
            return 0
        named = get_named_type(definition.type)
        if not isinstance(named, GraphQLObjectType | GraphQLInterfaceType | GraphQLUnionType):
            return 0  # a scalar or enum: answered from its parent's row
        args = self.arguments(definition, node)
        key = (owner.name, name)
        size, extra = 1, EXTRA.get(key, 0)
        if isinstance(get_nullable_type(definition.type), GraphQLList):
            size = page if page is not None and name in CONNECTION_LISTS else LIST_SIZES.get(key, LIST_GUESS)
        if key in PER_MONTH:
            size = months(args.get("fromMonth"), args.get("toMonth"))
            extra = PER_MONTH[key] * size
        if key in PER_PERIOD:
            extra += PER_PERIOD[key] * span(args.get("fromPeriod"), args.get("toPeriod"))
        inner_page = None
        if named.name.endswith("Connection"):
            last = args.get("last")
            inner_page = page_of(args.get("first"), node) if last is None else page_of(last, node, "last")
        return times * (size + extra) + self.cost(details, named, times * size, inner_page)


def page_of(first: Any, node: FieldNode, name: str = "first") -> int:
    if first is None:
        return DEFAULT_PAGE
    if not isinstance(first, int):
        return MAX_PAGE
    if first > MAX_PAGE:
        where = node.alias.value if node.alias else node.name.value
        raise too_complex(f"{where}: {name}: {first} is more than the maximum page size of {MAX_PAGE}")
    return max(first, 0)


def months(start: Any, end: Any) -> int:
    """Months from `start` to `end` (YYYY-MM) inclusive; a malformed one is the resolver's to refuse (counted 1)."""
    try:
        (y0, m0), (y1, m1) = (tuple(int(p) for p in str(v).split("-")) for v in (start, end))
    except ValueError:
        return 1
    return min(max((y1 - y0) * 12 + m1 - m0 + 1, 1), MAX_MONTHS)


def estimate(
    types: GraphQLSchema, document: DocumentNode, operation_name: str | None, variables: Mapping[str, Any] | None
) -> Estimate:
    operation = get_operation_ast(document, operation_name)
    if operation is None:
        return Estimate(0, {})
    root = types.get_root_type(operation.operation)
    if root is None:
        return Estimate(0, {})
    coerced = get_variable_values(types, operation.variable_definitions or (), dict(variables or {}))
    if not isinstance(coerced, VariableValues):
        return Estimate(0, {})  # execution refuses the variables, before any SQL
    walk = _Walk(types, document, operation, coerced)
    parts = {key: walk.field(details, root, 1, None) for key, details in walk.grouped(root, None).items()}
    return Estimate(sum(parts.values()), parts)


class CostLimits:
    """A schema's budget, the types the estimate walks, and its lane for heavy operations: one at a time per
    process, and after each the lane rests for REST_FACTOR times as long as it ran, so heavy operations take at most
    a third of the process's time (and one database connection) whoever sends them and however many; everyone else
    keeps the rest. Waiting longer than `wait_s` for the lane is answered UNAVAILABLE, to be tried again."""

    def __init__(self, *, budget: int = DEFAULT_BUDGET, wait_s: float = 2.0, heavy_at_once: int = 1) -> None:
        self.budget = budget
        self.heavy = max(budget // HEAVY_SHARE, 1)
        self.wait_s = wait_s
        self.lane = asyncio.Semaphore(heavy_at_once)
        self.types: GraphQLSchema | None = None


HEAVY_SHARE = 4  # an operation costing more than a quarter of the budget takes the heavy lane
REST_FACTOR = 2.0


class QueryCost(SchemaExtension):
    def __init__(self, limits: CostLimits) -> None:
        self.limits = limits

    async def on_execute(self) -> AsyncIterator[None]:
        ec = self.execution_context
        limits = self.limits
        if limits.types is None or ec.graphql_document is None:
            yield
            return
        found = estimate(limits.types, ec.graphql_document, ec.operation_name, ec.variables)
        if found.total > limits.budget:
            part, cost = found.costliest
            raise too_complex(
                f"the operation's estimated cost is {found.total:,}, above the limit of {limits.budget:,}; its "
                f"costliest field is {part} ({cost:,}): ask for smaller pages, fewer months or fewer aliases"
            )
        if found.total <= limits.heavy or ec.operation_type is OperationType.SUBSCRIPTION:
            yield
            return
        try:
            await asyncio.wait_for(limits.lane.acquire(), timeout=limits.wait_s)
        except TimeoutError:
            raise GraphQLError(
                "busy with other expensive queries; try again shortly", extensions={"code": "UNAVAILABLE"}
            ) from None
        loop = asyncio.get_running_loop()
        started = loop.time()
        try:
            yield
        finally:
            # The lane opens again only after a rest in proportion to the work (the answer is not held back).
            loop.call_later((loop.time() - started) * REST_FACTOR, limits.lane.release)
