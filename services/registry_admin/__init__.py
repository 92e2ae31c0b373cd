"""Registry administration (issue 12): HQ keeps the org units, people, product categories,
factories and certificates (policies/policy.csv, "Registry administration")."""

# The policy actions of registry administration, per object kind; the commands ask them.
ACTIONS = {
    "factory": ("create", "close", "reopen", "merge"),
    "certificate": ("issue", "renew", "transfer", "cancel"),
    "product_category": ("manage",),
    "org_unit": ("manage",),
    "user": ("manage",),
}
