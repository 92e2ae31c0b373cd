"""Entry points: the Starlette app, authentication, settings and the `surveil` CLI."""
