"""The benchmark database: the committed migrations, the demo world, then a larger bulk-loaded
world on top so that list queries, COUNTs and IN-lists work on realistic table sizes."""

from __future__ import annotations

import itertools
from datetime import date
from pathlib import Path

from tortoise import Tortoise
from tortoise.transactions import in_transaction

from domain.certificate import effective_status
from domain.enums import CertificateStatus, FactoryClass, FactoryStatus
from policies.authorizer import read_seed_policy
from server.seed import seed_demo
from services import clock
from store.config import tortoise_config
from store.migrate import apply_migrations
from store.models import Certificate, Factory, ProductCategory
from store.units import load_jurisdiction, unit_ids_by_code

BENCH_FACTORIES = 10_000
COUNTED = ("factory", "certificate", "org_unit")  # the tables the report counts
CERTS_PER_FACTORY = 5
BATCH = 2_000  # rows per INSERT: SQLite allows 32k variables, a factory row binds ~13

CLASSES = list(FactoryClass)
# Mostly valid, like a real registry; the rest so that status filters have something to find.
CERT_STATUSES = [CertificateStatus.VALID] * 17 + [
    CertificateStatus.SUSPENDED,
    CertificateStatus.REVOKED,
    CertificateStatus.CANCELLED,
]


def _locations(jurisdiction) -> list[tuple[str, str | None]]:
    """(country, province) places routed to every kind of responsible unit: each sub-centre,
    HQ for North China, and HQ plus the German agency for DE."""
    places = [("CN", p) for _, provinces in sorted(jurisdiction.subcenter_provinces.items()) for p in sorted(provinces)]
    places += [("CN", "Beijing"), ("CN", "Hebei"), ("DE", None)]
    return places


async def build(db_path: Path, north_china: tuple[str, ...]) -> dict[str, int]:
    """A fresh database at db_path; returns row counts of the finished world."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    return await build_at(f"sqlite://{db_path}", north_china)


async def build_at(url: str, north_china: tuple[str, ...]) -> dict[str, int]:
    """The world in the empty database at `url` (SQLite or PostgreSQL); returns row counts."""
    await apply_migrations(url, read_seed_policy())
    await Tortoise.init(config=tortoise_config(url))
    try:
        await seed_demo(north_china)
        await _bulk_world(north_china)
        conn = Tortoise.get_connection("default")
        # Fresh planner statistics, as a long-running production database would have.
        await conn.execute_script("ANALYZE")
        counts = {}
        for table in COUNTED:
            _, rows = await conn.execute_query(f"SELECT COUNT(*) AS n FROM {table}")
            counts[table] = rows[0]["n"]
        return counts
    finally:
        await Tortoise.close_connections()


async def _bulk_world(north_china: tuple[str, ...]) -> None:
    jurisdiction = await load_jurisdiction(north_china)
    places = _locations(jurisdiction)
    routes = {
        (country, province): (jurisdiction.responsible_unit(country, province), jurisdiction.serving_agency(country))
        for country, province in places
    }
    unit_ids = await unit_ids_by_code({code for pair in routes.values() for code in pair if code})
    categories = await ProductCategory.all().order_by("id").values_list("id", flat=True)

    factories = []
    for i in range(BENCH_FACTORIES):
        country, province = places[i % len(places)]
        responsible, agency = routes[(country, province)]
        factories.append(
            Factory(
                code=f"B{i:05d}",
                name=f"Bench factory {i:05d}",
                address=f"{i % 997 + 1} Industrial Rd, {province or 'Stuttgart'}",
                country=country,
                province=province,
                classification=CLASSES[i % len(CLASSES)],
                status=FactoryStatus.ACTIVE if i % 50 else FactoryStatus.PRODUCTION_STOPPED,
                responsible_unit_id=unit_ids[responsible],
                agency_unit_id=unit_ids[agency] if agency else None,
                enterprise_unit_id=None,
            )
        )
    async with in_transaction("default"):
        await Factory.bulk_create(factories, batch_size=BATCH)
        # bulk_create does not report SQLite rowids, so map codes back to ids.
        ids = dict(await Factory.filter(code__startswith="B").values_list("code", "id"))
        statuses = itertools.cycle(CERT_STATUSES)
        today = clock.today()  # the service's date, as the sweep would judge
        certificates = []
        for i in range(BENCH_FACTORIES):
            code = f"B{i:05d}"
            for k in range(CERTS_PER_FACTORY):
                issued = date(2020 + (i + k) % 6, 1 + (i + k) % 12, 1 + i % 28)
                expires = date(issued.year + 5, issued.month, issued.day)
                certificates.append(
                    Certificate(
                        # 15 characters: cannot collide with the 14-character demo numbers.
                        number=f"{issued.year}9{i:06d}{k:04d}",
                        holder=f"Bench factory {i:05d}",
                        factory_id=ids[code],
                        product_category_id=categories[(i + k) % len(categories)],
                        # Those past their date are loaded expired, as the sweep would leave them.
                        status=effective_status(next(statuses), expires, today),
                        issued_on=issued,
                        expires_on=expires,
                    )
                )
        await Certificate.bulk_create(certificates, batch_size=BATCH)
