"""The schema: every area's Query and Mutation merged, with the limits and error policy."""

from __future__ import annotations

import strawberry
from strawberry.extensions import MaxAliasesLimiter, MaxTokensLimiter, QueryDepthLimiter
from strawberry.schema.config import StrawberryConfig

from schema.errors import ErrorPolicy
from schema.governance.mutations import GovernanceMutation
from schema.governance.queries import GovernanceQuery
from schema.modifications.mutations import ModificationMutation
from schema.modifications.queries import ModificationQuery
from schema.node import NodeQuery
from schema.register.mutations import RegisterMutation
from schema.register.queries import RegisterQuery
from schema.register.types import Party, PartyEvent, VotingGroup
from schema.reports.live import Subscription
from schema.reports.mutations import ReportMutation
from schema.reports.queries import ReportQuery
from schema.reports.review import ReviewMutation


@strawberry.type
class Query(NodeQuery, RegisterQuery, ModificationQuery, GovernanceQuery, ReportQuery):
    pass


@strawberry.type
class Mutation(RegisterMutation, ModificationMutation, GovernanceMutation, ReportMutation, ReviewMutation):
    pass


def build_schema(*, max_depth: int = 12, max_aliases: int = 30, max_tokens: int = 4000) -> strawberry.Schema:
    return strawberry.Schema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        types=[Party, PartyEvent, VotingGroup],
        extensions=[
            ErrorPolicy,
            lambda: QueryDepthLimiter(max_depth=max_depth),
            lambda: MaxAliasesLimiter(max_alias_count=max_aliases),
            lambda: MaxTokensLimiter(max_token_count=max_tokens),
        ],
        config=StrawberryConfig(auto_camel_case=True),
    )


schema = build_schema()
