"""Pure domain model of post-certification surveillance (获证后监督).

Standard library only: no web, ORM or authorization imports. Everything here is
deterministic and unit-tested in tests/domain.
"""
