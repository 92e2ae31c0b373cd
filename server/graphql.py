"""The strawberry schema and its protections: authentication gate, abuse limits, masking."""

from __future__ import annotations

import functools
from collections.abc import Iterator

import strawberry
from graphql import FieldNode, GraphQLError, OperationDefinitionNode
from strawberry.extensions import DisableIntrospection, MaxTokensLimiter, SchemaExtension
from strawberry.schema.config import StrawberryConfig
from strawberry.tools import merge_types

from resolvers.admin_org import AdminOrgMutation
from resolvers.admin_registry import AdminRegistryMutation
from resolvers.archive import ArchiveMutation, ArchiveQuery
from resolvers.checklists import ChecklistMutation
from resolvers.corrective import CorrectiveMutation
from resolvers.forms import FormMutation
from resolvers.imports import ImportMutation
from resolvers.mutation import Mutation as RegistryMutation
from resolvers.notice_admin import NoticeAdminMutation, NoticeAdminQuery
from resolvers.notice_routes import NoticeRouteMutation, NoticeRouteQuery
from resolvers.notices import NoticeMutation, NoticeQuery
from resolvers.preferences import PreferenceMutation
from resolvers.purchases import PurchaseMutation, PurchaseQuery
from resolvers.query import Query as RegistryQuery
from resolvers.reference import ReferenceMutation, ReferenceQuery
from resolvers.result_mutation import ResultMutation
from resolvers.samples import SampleMutation, SampleQuery
from resolvers.subscriptions import Subscription
from resolvers.task_mutation import TaskMutation
from resolvers.task_query import TaskQuery
from schema import types
from schema.conventions import describe_conventions
from server.budgets import ChargeBudget
from server.compiled.extension import CompiledReads
from server.document_limits import DocumentLimits, DocumentMemo
from server.enum_descriptions import describe_notice_kinds
from server.graphql_errors import PublicErrors, log_errors
from server.observe import ObserveOperation
from server.parse_cache import SignedInParserCache, remembering_parser
from server.settings import Settings


class RequireAuthentication(SchemaExtension):
    """Without a valid token only `__typename` may be asked (docs/architecture.md, Pre-execution limits: nothing leaks).
    Runs before validation, so an anonymous caller learns nothing about field names either."""

    def on_validate(self) -> Iterator[None]:
        ctx = self.execution_context
        context = ctx.context
        anonymous = getattr(context, "session", None) is None
        if anonymous and ctx.graphql_document is not None and _asks_more_than_typename(ctx.graphql_document):
            reason = getattr(context, "auth_error", None) or "sign in with a bearer token"
            ctx.pre_execution_errors = [GraphQLError(reason, extensions={"code": "UNAUTHENTICATED"})]
        yield


def _asks_more_than_typename(document) -> bool:
    for definition in document.definitions:
        if not isinstance(definition, OperationDefinitionNode):
            return True  # fragments: refuse rather than walk them
        for selection in definition.selection_set.selections:
            if not (isinstance(selection, FieldNode) and selection.name.value == "__typename"):
                return True
    return False


Query = merge_types(
    "Query",
    (
        RegistryQuery,
        TaskQuery,
        ReferenceQuery,
        SampleQuery,
        PurchaseQuery,
        ArchiveQuery,
        NoticeQuery,
        NoticeAdminQuery,
        NoticeRouteQuery,
    ),
)
Mutation = merge_types(
    "Mutation",
    (
        RegistryMutation,
        TaskMutation,
        ReferenceMutation,
        SampleMutation,
        PurchaseMutation,
        ResultMutation,
        CorrectiveMutation,
        ChecklistMutation,
        ArchiveMutation,
        FormMutation,
        AdminOrgMutation,
        AdminRegistryMutation,
        ImportMutation,
        NoticeMutation,
        NoticeAdminMutation,
        NoticeRouteMutation,
        PreferenceMutation,
    ),
)


class SurveilSchema(strawberry.Schema):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        describe_conventions(self._schema)  # list arguments, mutation inputs, userErrors, version
        describe_notice_kinds(self._schema)

    def process_errors(self, errors, execution_context=None) -> None:
        log_errors(errors, execution_context)


def build_schema(settings: Settings | None = None) -> strawberry.Schema:
    """The schema with the limits `settings` give, built once per set of limits: building walks
    every type (~50 ms), and the schema holds no per-request state (its extensions are
    factories). The test suite creates an app per test; a server, one."""
    settings = settings or Settings()
    return _schema(
        settings.max_tokens,
        settings.introspection,
        settings.max_depth,
        settings.max_aliases,
        settings.max_cost,
        settings.field_suggestions,
        settings.compiled_reads,
    )


@functools.cache
def _schema(
    max_tokens: int,
    introspection: bool,
    max_depth: int,
    max_aliases: int,
    max_cost: int,
    field_suggestions: bool,
    compiled_reads: bool,
) -> strawberry.Schema:
    settings = Settings(
        max_tokens=max_tokens,
        introspection=introspection,
        max_depth=max_depth,
        max_aliases=max_aliases,
        max_cost=max_cost,
        field_suggestions=field_suggestions,
    )
    # Factories, so every request gets fresh extension instances; the factories, and the caches
    # they share, are made once here, for this schema and these limits only.
    extensions: list = [
        ObserveOperation,  # first: it sees the operation's errors last, as the client gets them
        RequireAuthentication,
        functools.partial(MaxTokensLimiter, max_token_count=settings.max_tokens),
        # Parses with the token limit MaxTokensLimiter sets: the limit is part of its key.
        functools.partial(SignedInParserCache, remembering_parser()),
    ]
    if not settings.introspection:
        extensions.append(DisableIntrospection)
    # Last of the checks, so that the validation rules the others add run in its worker thread.
    # It remembers each document's cost and validation (server/document_limits.py).
    limits = {"max_depth": settings.max_depth, "max_aliases": settings.max_aliases, "max_cost": settings.max_cost}
    # The budget spends the cost DocumentLimits estimated (valid or not), before anything runs.
    extensions += [functools.partial(DocumentLimits, **limits, memo=DocumentMemo()), ChargeBudget]
    if compiled_reads:  # after the limits and the budget: they still apply to compiled answers
        extensions.append(CompiledReads)
    extensions.append(PublicErrors)
    return SurveilSchema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        types=[
            types.Factory,
            types.Certificate,
            types.OrgUnit,
            types.ProductCategory,
            types.AuditEntry,
            types.PolicyRule,
        ],
        extensions=extensions,
        config=StrawberryConfig(disable_field_suggestions=not settings.field_suggestions),
    )
