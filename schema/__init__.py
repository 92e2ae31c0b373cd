"""The GraphQL contract: strawberry types that produce schema.graphql (committed)."""
