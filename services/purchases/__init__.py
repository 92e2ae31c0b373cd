"""Market purchase work (买样): assignments by the planner, purchases by the buyer."""
