"""Migration 0025 (both databases): a freshly migrated database holds HQ and the CCC product
categories, so that a registry can be imported into it; a database that has them keeps its own."""

from __future__ import annotations

import pytest
from tortoise import Tortoise

from policies.authorizer import read_seed_policy
from store.config import tortoise_config
from store.migrate import apply_migrations
from store.models import OrgUnit, ProductCategory
from tests.databases import empty_database
from tests.store.migrations_support import _migrate_to


@pytest.fixture
def empty_url(worlds, tmp_path):
    with empty_database(worlds, tmp_path, "fresh") as url:
        yield url


async def _contents(url: str) -> tuple[list, dict]:
    await Tortoise.init(config=tortoise_config(url))
    try:
        units = await OrgUnit.all().order_by("id").values_list("code", "kind", "name_zh", "provinces")
        categories = dict(await ProductCategory.all().values_list("code", "name_zh"))
        return units, categories
    finally:
        await Tortoise.close_connections()


async def test_a_fresh_database_has_hq_and_the_categories_once(empty_url):
    await apply_migrations(empty_url, read_seed_policy())
    await apply_migrations(empty_url, read_seed_policy())  # again: nothing more
    units, categories = await _contents(empty_url)
    assert units == [("hq", "HQ", "工厂检查部", [])]
    assert len(categories) == 11 and categories["C01"] == "电线电缆" and categories["C16"] == "电信终端设备"


async def test_an_existing_hq_and_category_are_left_as_they_are(empty_url):
    await _migrate_to(empty_url, "models.0023_registry_admin")
    await Tortoise.init(config=tortoise_config(empty_url))
    try:
        await OrgUnit.create(code="zb", kind="HQ", name="Headquarters", name_zh="总部")
        await ProductCategory.create(code="C01", name="Cables", name_zh="电缆（旧名）", implementation_rule="X")
    finally:
        await Tortoise.close_connections()
    await apply_migrations(empty_url, read_seed_policy())
    units, categories = await _contents(empty_url)
    assert units == [("zb", "HQ", "总部", [])]  # one HQ, whatever its code
    assert categories["C01"] == "电缆（旧名）" and len(categories) == 11
