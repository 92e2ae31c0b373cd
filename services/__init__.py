"""Use cases. Each command: authorize -> load -> apply domain rule -> persist -> audit, in
one transaction. Reads apply the policy scope in SQL. Same behaviour from GraphQL, CLI, tests."""
