"""Thin GraphQL resolvers: input -> service call -> payload, plus DataLoaders."""
