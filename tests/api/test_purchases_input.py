"""Malformed purchase input through GraphQL: prices, positions, quantities, times, counts of
photos and samples, file types and names, files sent without multipart. Each refusal names
the input field that was sent and writes nothing.

A comment starting ``Regression`` describes a bug that was found and fixed; the test pins the fix."""

import json
import os
from datetime import UTC, datetime

from tests.api.purchase_support import (
    JPEG,
    RECORD,
    WITHDRAW,
    _assigned,
    _nothing_written,
    codes,
    fields,
    purchase_files,
    purchase_input,
    purchase_settings,  # noqa: F401
    record,
)


async def test_price_edge_cases(api):
    assignment = await _assigned(api)
    aid = assignment["id"]
    for n, price in enumerate(["NaN", "sNaN", "Infinity", "-Infinity", "1e-3", "0.001", "-0.01", "1E+9"]):
        body = purchase_input(aid, f"price-{n}", price=price)
        payload = (await record(api, body))["data"]["recordPurchase"]
        assert fields(payload) == [(["input", "price"], "INVALID")], (price, payload)
    await _nothing_written()
    ok = (await record(api, purchase_input(aid, "price-ok", price="1e5")))["data"]["recordPurchase"]
    assert ok["userErrors"] == [] and ok["purchase"]["price"] == "100000.00"


async def test_a_price_with_a_huge_exponent_is_a_user_error(api):
    # Regression: domain/purchases.price_in_cents catches only InvalidOperation, but amount * 100
    # with an exponent past the context's Emax raises decimal.Overflow: the request fails
    # with a masked internal error instead of INVALID on input.price.
    assignment = await _assigned(api)
    body = await record(api, purchase_input(assignment["id"], "huge", price="1e999999"))
    assert "errors" not in body, body["errors"]
    assert fields(body["data"]["recordPurchase"]) == [(["input", "price"], "INVALID")]


async def test_positions_and_numbers_out_of_range(api):
    assignment = await _assigned(api)
    aid = assignment["id"]
    # NaN / Infinity are not JSON numbers GraphQL accepts: refused before any resolver runs
    for n, value in enumerate([float("nan"), float("inf"), float("-inf")]):
        for key in ("latitude", "longitude", "gpsAccuracyMeters"):
            body = await record(api, purchase_input(aid, f"nan-{n}-{key}", **{key: value}))
            assert body.get("errors") and not (body.get("data") or {}).get("recordPurchase"), (key, value)
    for n, (key, value) in enumerate([("latitude", 90.0001), ("longitude", -180.5), ("latitude", 1e308)]):
        payload = (await record(api, purchase_input(aid, f"pos-{n}", **{key: value})))["data"]["recordPurchase"]
        assert codes(payload) == ["INVALID"], (key, value, payload)
    for n, value in enumerate([-1.0, 100_000.5, 1e300]):
        body = purchase_input(aid, f"acc-{n}", gpsAccuracyMeters=value)
        payload = (await record(api, body))["data"]["recordPurchase"]
        assert fields(payload) == [(["input", "gpsAccuracyMeters"], "INVALID")], value
    for n, quantity in enumerate([0, -1, 1001]):
        samples = [{"identifier": f"Q-{n}", "sealNumber": "F", "quantity": quantity}]
        payload = (await record(api, purchase_input(aid, f"q-{n}", samples=samples)))["data"]["recordPurchase"]
        assert fields(payload) == [(["input", "samples", "0", "quantity"], "INVALID")], quantity
    huge = [{"identifier": "Q-huge", "sealNumber": "F", "quantity": 2**31}]
    body = await record(api, purchase_input(aid, "q-huge", samples=huge))
    assert body.get("errors")  # not a GraphQL Int
    await _nothing_written()


async def test_error_fields_name_the_input_sent(api):
    # Regression: several userErrors point at fields the input does not have, so the app cannot mark
    # what it sent: domain.custody.check_position -> ["input", "position"] (not latitude /
    # longitude); recording._clean_sample -> ["input", "identifier"] (not samples.0.identifier);
    # assignments.withdraw via load_for -> ["input", "taskId"] (the input has assignmentId).
    assignment = await _assigned(api)
    aid = assignment["id"]
    seen = []
    payload = (await record(api, purchase_input(aid, "lat", latitude=91.0)))["data"]["recordPurchase"]
    seen.append(fields(payload))
    long_id = [{"identifier": "I" * 65, "sealNumber": "F", "quantity": 1}]
    payload = (await record(api, purchase_input(aid, "ident", samples=long_id)))["data"]["recordPurchase"]
    seen.append(fields(payload))
    withdraw = {"assignmentId": aid, "expectedVersion": 1, "reason": "probe"}
    seen.append(
        fields((await api.data(WITHDRAW, {"i": withdraw}, as_user="south.planner"))["withdrawPurchaseAssignment"])
    )
    assert seen == [
        [(["input", "latitude"], "INVALID")],
        [(["input", "samples", "0", "identifier"], "TOO_LONG")],
        [(["input", "assignmentId"], "NOT_FOUND")],
    ]


async def test_purchase_time_needs_an_offset_and_a_plausible_moment(api):
    assignment = await _assigned(api)
    aid = assignment["id"]
    naive = datetime.now(UTC).replace(tzinfo=None).isoformat()
    for n, value in enumerate([naive, "2026-13-01T00:00:00+00:00", "yesterday", "9999-12-31T23:59:59+14:00"]):
        body = await record(api, purchase_input(aid, f"t-{n}", purchasedAt=value))
        payload = (body.get("data") or {}).get("recordPurchase")
        if payload is None:
            assert body.get("errors"), value  # not a DateTime at all
        else:
            assert fields(payload) == [(["input", "purchasedAt"], "INVALID")], (value, payload)
    await _nothing_written()


async def test_counts_of_photos_and_samples(api):
    assignment = await _assigned(api)
    aid = assignment["id"]
    seven = [(f"p{n}.jpg", JPEG, "image/jpeg") for n in range(7)]
    payload = (await record(api, purchase_input(aid, "p7", photos=[None] * 7), purchase_files(photos=seven)))["data"][
        "recordPurchase"
    ]
    assert fields(payload) == [(["input", "photos"], "INVALID")]
    many = [{"identifier": f"M-{n}", "sealNumber": "F", "quantity": 1} for n in range(21)]
    payload = (await record(api, purchase_input(aid, "s21", samples=many)))["data"]["recordPurchase"]
    assert fields(payload) == [(["input", "samples"], "INVALID")]
    empty = await record(api, purchase_input(aid, "empty"), purchase_files(receipt=("r.jpg", b"", "image/jpeg")))
    assert codes(empty["data"]["recordPurchase"]) == ["REQUIRED"]
    await _nothing_written()


async def test_a_receipt_is_an_image_or_a_pdf(api):
    # Regression: services/purchases/recording._record checks the receipt with accepted=None, so any
    # type sniff() knows passes: a ZIP (DOCX/XLSX signature PK\x03\x04) is stored as the
    # 购物凭证 although the schema says "JPEG, PNG or PDF".
    assignment = await _assigned(api)
    zip_file = ("receipt.docx", b"PK\x03\x04" + b"z" * 500, "application/zip")
    payload = (await record(api, purchase_input(assignment["id"], "zip"), purchase_files(receipt=zip_file)))["data"][
        "recordPurchase"
    ]
    assert fields(payload) == [(["input", "receipt"], "INVALID")]


async def test_files_sent_as_strings_without_multipart(api):
    assignment = await _assigned(api)
    body = purchase_input(assignment["id"], "json-1", photos=["aGVsbG8=", "x"])
    body["receipt"] = "data:image/jpeg;base64,/9j/4AAQ"
    res = await api.run(RECORD, {"i": body}, as_user="buyer.east")
    payload = res["data"]["recordPurchase"]
    assert codes(payload) == ["INVALID"] and payload["userErrors"][0]["field"][:2] == ["input", "receipt"]
    for weird in ({"read": "x"}, 12, ["a"]):
        res = await api.run(RECORD, {"i": {**body, "idempotencyKey": "json-2", "receipt": weird}}, as_user="buyer.east")
        payload = (res.get("data") or {}).get("recordPurchase")
        assert payload is None or codes(payload) == ["INVALID"], (weird, res)
    # a multipart request whose operations JSON is not JSON is a 400, not a 500
    response = await api.http.post(
        "/graphql",
        data={"operations": "{not json", "map": json.dumps({"0": ["variables.i.receipt"]})},
        files={"0": ("r.jpg", JPEG, "image/jpeg")},
        headers={"authorization": f"Bearer {await api.token('buyer.east')}"},
    )
    assert response.status_code == 400
    await _nothing_written()


async def test_an_odd_upload_filename_does_not_refuse_the_purchase_or_leave_files(api, settings):
    # Regression: services/purchases/recording._record stores each blob (store.put) and only then
    # cleans Path(filename).name: a filename of "/" (or only spaces) gives "" -> REQUIRED
    # on a field "filename" that is not in the input, the purchase is refused, and the
    # blobs already written stay on disk. The name should fall back to the purpose.
    assignment = await _assigned(api)
    files = purchase_files(receipt=("/", JPEG, "image/jpeg"))
    payload = (await record(api, purchase_input(assignment["id"], "odd-name"), files))["data"]["recordPurchase"]
    docs = settings.document_dir
    on_disk = [f for _, _, names in os.walk(docs) for f in names] if os.path.isdir(docs) else []
    assert payload["userErrors"] == [], (payload["userErrors"], on_disk)


async def test_a_purchase_whose_files_are_each_within_the_limit_is_accepted(api, settings):
    # Regression: server/app.SurveilGraphQL.parse_multipart refuses any multipart body larger than
    # max_upload_bytes + 64 KiB (HTTP 413), but recordPurchase carries a receipt and up to 6
    # photos, each allowed up to max_upload_bytes: a receipt and two photos of 43 kB each
    # (limit 50 kB per file) are refused; with the default 20 MB, 7 phone photos of 4 MB are.
    assignment = await _assigned(api)
    each = JPEG + b"x" * 40_000
    assert len(each) < settings.max_upload_bytes
    files = purchase_files(receipt=("r.jpg", each, "image/jpeg"), photos=[("p.jpg", each, "image/jpeg")] * 2)
    mapping = {str(n): [f"variables.{path}"] for n, path in enumerate(files)}
    operations = {"query": RECORD, "variables": {"i": purchase_input(assignment["id"], "three-files")}}
    response = await api.http.post(
        "/graphql",
        data={"operations": json.dumps(operations), "map": json.dumps(mapping)},
        files={str(n): f for n, f in enumerate(files.values())},
        headers={"authorization": f"Bearer {await api.token('buyer.east')}"},
    )
    assert response.status_code == 200, response.text
    assert response.json()["data"]["recordPurchase"]["userErrors"] == []
