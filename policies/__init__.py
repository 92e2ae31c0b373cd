"""Authorization: the Casbin model, the seed policy and the one authorizer every service uses."""
