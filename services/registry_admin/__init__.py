"""Registry administration (issue 12): HQ keeps the org units and people (policy
administrators: `org_unit manage`, `user manage`) and the product categories, factories and
certificates (planners: `product_category manage`, `factory create|close|reopen|merge`,
`certificate issue|renew|transfer|cancel`). Every command goes through the runner, audited,
with a reason; the rules of new records are in domain/registry.py, a factory's life in
domain/factory_admin.py."""
