"""The strawberry schema: queries and mutations composed from the per-aggregate resolver classes."""

from __future__ import annotations

import strawberry
from strawberry.extensions import MaskErrors, QueryDepthLimiter

from schema.errors import exception_handlers, should_mask
from schema.resolvers.account import AccountMutations, AccountQueries
from schema.resolvers.events import EventQueries
from schema.resolvers.groups import GroupMutations, GroupQueries
from schema.resolvers.members import MemberMutations, MemberQueries
from schema.resolvers.scim import ScimMutations, ScimQueries

MAX_DEPTH = 12


@strawberry.type
class Query(AccountQueries, MemberQueries, GroupQueries, ScimQueries, EventQueries):
    pass


@strawberry.type
class Mutation(ScimMutations, AccountMutations, MemberMutations, GroupMutations):
    pass


schema = strawberry.Schema(
    query=Query,
    mutation=Mutation,
    extensions=[
        # Group.members -> Member.groups -> ... could otherwise nest without end.
        lambda: QueryDepthLimiter(max_depth=MAX_DEPTH),
        lambda: MaskErrors(should_mask_error=should_mask),
    ],
    exception_handlers=exception_handlers(),
)
