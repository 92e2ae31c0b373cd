"""Results, review, risk assessment, decision, result changes, spot checks, disputes (issue 5)."""
