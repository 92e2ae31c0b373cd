"""Issue 17 (H): light rows read SQLite's date text without Tortoise's general ISO 8601
parser, on both databases, and give exactly what a Tortoise model would."""

from __future__ import annotations

import datetime

import pytest
from tortoise.fields import DateField

from store.models import Certificate
from store.rows import CERTIFICATE_FIELDS, FACTORY_FIELDS, _date, fetch_rows


@pytest.fixture
def conversions(monkeypatch) -> list[object]:
    seen: list[object] = []
    convert = DateField.to_python_value

    def counting(self, value):
        seen.append(value)
        return convert(self, value)

    monkeypatch.setattr(DateField, "to_python_value", counting)
    return seen


async def test_rows_read_as_models_do(db):
    models = {c.id: c for c in await Certificate.all()}
    rows = await fetch_rows(Certificate.all().order_by("id"), CERTIFICATE_FIELDS)
    assert [row.id for row in rows] == sorted(models) and len(rows) > 3
    for row in rows:
        for name in CERTIFICATE_FIELDS:
            assert getattr(row, name) == getattr(models[row.id], name), name
            assert type(getattr(row, name)) is type(getattr(models[row.id], name)), name
        assert isinstance(row.issued_on, datetime.date) and isinstance(row.expires_on, datetime.date)


async def test_date_text_is_read_without_the_general_parser(db, backend, conversions):
    rows = await fetch_rows(Certificate.all().order_by("id"), CERTIFICATE_FIELDS)
    # SQLite: only NULLs reach Tortoise's converter; PostgreSQL sends dates, handed on as they are.
    assert all(value is None or isinstance(value, datetime.date) for value in conversions)
    assert len(conversions) <= len(rows) * 3 and rows


def test_other_texts_still_go_through_tortoise():
    field = Certificate._meta.fields_map["issued_on"]
    assert _date(field, "2026-03-04") == datetime.date(2026, 3, 4)
    assert _date(field, "2026-03-04T10:00:00+08:00") == datetime.date(2026, 3, 4)
    assert _date(field, None) is None
    with pytest.raises(ValueError):
        _date(field, "not a date")


async def test_rows_without_dates_are_unchanged(db):
    rows = await fetch_rows(Certificate.all().order_by("id").limit(2), ("id", "number"))
    assert [vars(r) for r in rows] == await Certificate.all().order_by("id").limit(2).values("id", "number")
    assert FACTORY_FIELDS  # factories carry no date column
