"""The bench query in PostGraphile's spelling, and both answers mapped to one comparable form.

Our API and PostGraphile 4 name the same data differently (PostGraphile's inflection derives
names from tables and foreign keys) and encode node ids differently (ours: url-safe base64 of
`Factory:1`, unpadded; PostGraphile's: base64 of the JSON `["factories",1]`). Both ids are
decoded to the row's primary key so that the comparison also checks the rows and their order.
Everything else selected is compared as it is: our `classification` enum names and stored
classes are the same letters, and the bench world stores each certificate's effective status
(what our `status` answers), so both sides read the same values."""

from __future__ import annotations

import base64
import json
from typing import Any

from plain import CERTIFICATE_PAGE, FACTORY_PAGE

# PostGraphile's name for each of our fields that it names differently (the rest are spelled alike).
PEER_FIELD_FOR = {
    "factories": "allFactories",
    "id": "nodeId",
    "responsibleUnit": "orgUnitByResponsibleUnitId",
    "certificates": "certificatesByFactoryId",
}

# Our `factories`/`certificates` pages are in primary-key order (keyset pagination); so are these.
PEER_QUERY = (
    f"query {{ allFactories(first: {FACTORY_PAGE}, orderBy: PRIMARY_KEY_ASC) {{ totalCount nodes {{ nodeId code "
    f"name classification orgUnitByResponsibleUnitId {{ code }} certificatesByFactoryId(first: {CERTIFICATE_PAGE}, "
    "orderBy: PRIMARY_KEY_ASC) { totalCount nodes { number status } } } } }"
)


def _unb64(text: str, *, urlsafe: bool) -> str:
    padded = text + "=" * (-len(text) % 4)
    return (base64.urlsafe_b64decode if urlsafe else base64.b64decode)(padded).decode()


def our_row_id(global_id: str) -> int:
    type_name, _, raw = _unb64(global_id, urlsafe=True).partition(":")
    if type_name != "Factory":
        raise ValueError(f"not a Factory id: {global_id!r}")
    return int(raw)


def peer_row_id(node_id: str) -> int:
    collection, row_id = json.loads(_unb64(node_id, urlsafe=False))
    if collection != "factories":
        raise ValueError(f"not a factories node id: {node_id!r}")
    return row_id


def _certificates(connection: dict) -> dict:
    return {
        "totalCount": connection["totalCount"],
        "nodes": [{"number": c["number"], "status": c["status"]} for c in connection["nodes"]],
    }


def comparable_ours(answer: dict[str, Any]) -> dict:
    """Our `/graphql` answer to run.QUERY (the whole response: `data`, and `errors` if any)."""
    if answer.get("errors"):
        raise ValueError(f"our API answered with errors: {answer['errors']}")
    page = answer["data"]["factories"]
    return {
        "totalCount": page["totalCount"],
        "nodes": [
            {
                "row": our_row_id(node["id"]),
                "code": node["code"],
                "name": node["name"],
                "classification": node["classification"],
                "responsibleUnit": node["responsibleUnit"]["code"],
                "certificates": _certificates(node["certificates"]),
            }
            for node in page["nodes"]
        ],
    }


def comparable_peer(answer: dict[str, Any]) -> dict:
    """PostGraphile's answer to PEER_QUERY, in the same form as comparable_ours."""
    if answer.get("errors"):
        raise ValueError(f"PostGraphile answered with errors: {answer['errors']}")
    name = PEER_FIELD_FOR
    page = answer["data"][name["factories"]]
    return {
        "totalCount": page["totalCount"],
        "nodes": [
            {
                "row": peer_row_id(node[name["id"]]),
                "code": node["code"],
                "name": node["name"],
                "classification": node["classification"],
                "responsibleUnit": node[name["responsibleUnit"]]["code"],
                "certificates": _certificates(node[name["certificates"]]),
            }
            for node in page["nodes"]
        ],
    }


def differences(ours: dict, peer: dict, limit: int = 5) -> list[str]:
    """Where two comparable answers differ, at most `limit` places; [] when they are equal."""
    found = []
    if ours["totalCount"] != peer["totalCount"]:
        found.append(f"totalCount: ours {ours['totalCount']}, PostGraphile {peer['totalCount']}")
    if len(ours["nodes"]) != len(peer["nodes"]):
        found.append(f"page length: ours {len(ours['nodes'])}, PostGraphile {len(peer['nodes'])}")
    for n, (a, b) in enumerate(zip(ours["nodes"], peer["nodes"], strict=False)):
        for key in a:
            if a[key] != b[key]:
                found.append(f"node {n} {key}: ours {a[key]!r}, PostGraphile {b[key]!r}")
    return found[:limit]
