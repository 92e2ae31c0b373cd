"""A sample is a Node: `node(id)` and `nodes(ids)` answer it for whoever the `samples` list
shows it to, with the same fields, and with null for everyone else."""

from tests.api.sampling_support import _sample_under_test

NODE = """query($id: ID!) { node(id: $id) { __typename id ... on Sample { identifier status } } }"""


async def test_a_sample_resolves_by_id_as_the_list_shows_it(api):
    sample = await _sample_under_test(api)
    for login in ("east.planner", "east.inspector1", "lab.east2", "hq.planner"):
        listed = await api.data("{ samples(first: 50) { nodes { id identifier status } } }", as_user=login)
        seen = next(n for n in listed["samples"]["nodes"] if n["id"] == sample["id"])
        node = (await api.data(NODE, {"id": sample["id"]}, as_user=login))["node"]
        assert node == {"__typename": "Sample", **seen}, login
        batch = await api.data(
            "query($ids: [ID!]!) { nodes(ids: $ids) { id } }", {"ids": [sample["id"]]}, as_user=login
        )
        assert batch["nodes"] == [{"id": sample["id"]}]
    for login in ("south.planner", "lab.south1", "ent.E001", "buyer.east"):
        listed = await api.data("{ samples(first: 50) { nodes { id } } }", as_user=login)
        assert sample["id"] not in str(listed), login
        assert (await api.data(NODE, {"id": sample["id"]}, as_user=login))["node"] is None, login
