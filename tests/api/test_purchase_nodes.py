"""A purchase is a Node: `node(id)` answers it for its buyer and the staff who see its purchase
work, as `purchaseAssignments` shows it, and null for everyone else."""

from tests.api.purchase_support import _bought, purchase_settings  # noqa: F401

NODE = (
    """query($id: ID!) { node(id: $id) { __typename id ... on Purchase { shopName buyer samples { identifier } } } }"""
)


async def test_a_purchase_resolves_by_id_for_who_sees_its_work(api):
    _, purchase, _ = await _bought(api)
    for login in ("buyer.east", "east.planner", "hq.planner"):
        node = (await api.data(NODE, {"id": purchase["id"]}, as_user=login))["node"]
        assert node is not None and node["__typename"] == "Purchase" and node["id"] == purchase["id"], login
        assert node["buyer"] == "buyer.east"
    for login in ("buyer.east2", "south.planner", "ent.E001", "lab.south1"):
        assert (await api.data(NODE, {"id": purchase["id"]}, as_user=login))["node"] is None, login
