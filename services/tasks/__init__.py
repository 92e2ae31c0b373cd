"""Surveillance task use cases (issue 3): planning, lifecycle, team, exceptions, reads."""
