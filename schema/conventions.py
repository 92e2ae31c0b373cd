"""Descriptions of the API's conventions, written once: the arguments and fields every list and
every mutation share (README, "Conventions of the API") are described here rather than at each of
their hundred declarations. A description written in the code always wins; this fills only blanks."""

from __future__ import annotations

from graphql import GraphQLInputObjectType, GraphQLObjectType, GraphQLSchema

ARGUMENTS = {
    "input": "The mutation's one input object.",
    "first": "Page size from the start (or after `after`): at most 100; `first` or `last` is required.",
    "after": "Cursor (an edge's `cursor`, or `pageInfo.endCursor`) the page starts after.",
    "last": "Page size from the end (or before `before`): at most 100.",
    "before": "Cursor (`pageInfo.startCursor`) the page ends before.",
}
INPUT_FIELDS = {
    "expectedVersion": "The object's `version` as you read it; if it changed since, nothing is done and the "
    "answer is a STALE_VERSION user error.",
    "taskId": "Global ID of the task 监督任务.",
    "factoryId": "Global ID of the factory 工厂.",
    "sampleId": "Global ID of the sample 样品.",
    "certificateId": "Global ID of the certificate 证书.",
    "assignmentId": "Global ID of the purchase assignment 买样任务.",
    "disputeId": "Global ID of the dispute 争议.",
    "reason": "Why; kept in the audit record 审计记录.",
}
OBJECT_FIELDS = {
    "userErrors": "Why nothing changed (empty when the mutation succeeded); a rule broken, a stale version, "
    "an id not found.",
    "version": "Changes with every update; pass it back as `expectedVersion`.",
}


def describe_conventions(schema: GraphQLSchema) -> None:
    if schema.query_type and not schema.query_type.description:  # merged from many classes, each undescribed
        schema.query_type.description = "Everything you may read, filtered by your roles and jurisdiction."
    if schema.mutation_type and not schema.mutation_type.description:
        schema.mutation_type.description = "Every change: one `input`, the changed object and `userErrors`; audited."
    for name, gql_type in schema.type_map.items():
        if name.startswith("__"):
            continue
        if isinstance(gql_type, GraphQLObjectType):
            if name.endswith("Payload") and not gql_type.description:
                gql_type.description = (
                    "What a mutation answers: the changed object, or `userErrors` saying why nothing changed."
                )
            for field_name, field in gql_type.fields.items():
                field.description = field.description or OBJECT_FIELDS.get(field_name)
                for arg_name, arg in field.args.items():
                    arg.description = arg.description or ARGUMENTS.get(arg_name)
        elif isinstance(gql_type, GraphQLInputObjectType):
            for field_name, field in gql_type.fields.items():
                field.description = field.description or INPUT_FIELDS.get(field_name)
