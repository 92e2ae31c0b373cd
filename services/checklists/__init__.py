"""Clause checklists (issue 13, D): drawn when a task is issued, added to by its planner, answered
by its team, and read through DataLoaders."""
