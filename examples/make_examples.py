"""Writes the example import files of this folder (deterministic: the same rows every run).

    .venv/bin/python examples/make_examples.py

units.csv, factories.csv (UTF-8), factories-north.csv (GB18030, Chinese headers),
certificates.xlsx (first sheet, real date cells and text dates), people.csv. The deliberately
bad rows are listed in examples/README.md; tests/api/test_import_examples.py imports them
all on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent

SUBCENTRES = {
    "east": ("East China Sub-centre", "华东分中心", ["Shanghai", "Jiangsu", "Zhejiang", "Anhui", "Fujian", "Jiangxi",
                                                     "Shandong"]),
    "south": ("South China Sub-centre", "华南分中心", ["Guangdong", "Guangxi", "Hainan", "Hunan", "Hubei", "Henan"]),
    "west": ("West China Sub-centre", "西部分中心", ["Sichuan", "Chongqing", "Yunnan", "Guizhou", "Shaanxi", "Gansu",
                                                    "Xinjiang"]),
    "northeast": ("Northeast China Sub-centre", "东北分中心", ["Liaoning", "Jilin", "Heilongjiang"]),
}  # fmt: skip
GERMAN_CITIES = ["Koeln", "Muenchen", "Hamburg", "Stuttgart", "Berlin", "Dresden", "Nuernberg", "Bremen"]
PRODUCTS = ["Cable", "Switchgear", "Low-Voltage", "Motor", "Tools", "Welding", "Appliances", "Audio", "IT",
            "Lighting"]  # fmt: skip
CATEGORIES = ["C01", "C02", "C03", "C04", "C05", "C06", "C07", "C08", "C09", "C10", "C16"]
CLASSES = "ABCD"
FACTORIES = 320  # in factories.csv; factories-north.csv adds 40 in North China
CERTIFICATES_PER_FACTORY = 10


def _csv(rows: list[list[str]]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    return buffer.getvalue()


def units() -> list[list[str]]:
    rows = [["code", "kind", "name", "name_zh", "provinces", "countries", "regions"],
            ["hq", "HQ", "Factory Inspection Department", "工厂检查部", "", "", ""]]  # fmt: skip
    for code, (name, name_zh, provinces) in SUBCENTRES.items():
        rows.append([code, "SUBCENTER", name, name_zh, ";".join(provinces), "", ""])
    rows += [
        ["agency-de", "FOREIGN_AGENCY", "Partner agency Germany", "德国境外委托机构", "", "DE", ""],
        ["east-lab-1", "LAB", "East Lab 1", "华东检测实验室一", "", "", "east"],
        ["south-lab-1", "LAB", "South Lab 1", "华南检测实验室", "", "", "south"],
        # Deliberately bad (examples/README.md):
        ["north", "SUBCENTER", "North China Sub-centre", "华北分中心", "Beijing;Tianjin", "", ""],
        ["West Lab", "LAB", "West Lab", "西部实验室", "", "", "west"],
        ["lab-x", "LAB", "Lab X", "X 实验室", "", "", "nowhere"],
        ["east", "SUBCENTER", "East again", "华东", "Shanghai", "", ""],
    ]
    return rows


def _location(n: int) -> tuple[str, str, str]:
    """(country, province, city-ish) for the n-th factory: every sub-centre's provinces and Germany."""
    places = [(p, code) for code, (_, _, provinces) in SUBCENTRES.items() for p in provinces]
    if n % 10 == 9:
        return "DE", "", GERMAN_CITIES[n % len(GERMAN_CITIES)]
    province, _ = places[n % len(places)]
    return "CN", province, province


def factories() -> list[list[str]]:
    rows = [["code", "name", "address", "country", "province", "class", "enterprise_code", "enterprise_name"]]
    for n in range(1, FACTORIES + 1):
        country, province, city = _location(n)
        product = PRODUCTS[n % len(PRODUCTS)]
        name = f"{city} {product} Works {n:03d}" + (" GmbH" if country == "DE" else " Co., Ltd.")
        enterprise = [f"ent-f{n:04d}", name] if n % 4 == 0 else ["", ""]
        street = f"Industriestrasse {n}" if country == "DE" else f"{n} Industrial Road"
        rows.append([f"F{n:04d}", name, f"{street}, {city}", country, province, CLASSES[n % 4], *enterprise])
    rows += [
        # Deliberately bad (examples/README.md):
        ["F9001", "Atlantis Cable Works", "1 Sea Road", "CN", "Atlantis", "A", "", ""],
        ["F9002", "Nowhere Switches", "2 Road", "CN", "", "B", "", ""],
        ["F9003", "Classless Motors", "3 Road", "CN", "Jiangsu", "E", "", ""],
        ["F9004", "", "4 Road", "CN", "Zhejiang", "A", "", ""],
        ["F0001", "Duplicate of row 2", "5 Road", "CN", "Shanghai", "A", "", ""],
        ["F9005", "Enterprise without code", "6 Road", "CN", "Anhui", "C", "", "Some Enterprise"],
        ["F9006", "Formula Works", "7 Road", "CN", "Fujian", '=HYPERLINK("http://example.org")', "", ""],
    ]
    return rows


def factories_north() -> list[list[str]]:
    """North China factories (HQ is responsible), in GB18030 with Chinese headers and values."""
    rows = [["工厂编码", "名称", "地址", "国家", "省份", "分类"]]
    places = [
        ("北京", "北京市"),
        ("天津", "天津市"),
        ("石家庄", "河北省"),
        ("太原", "山西"),
        ("呼和浩特", "内蒙古自治区"),
    ]
    for n in range(1, 41):
        city, province = places[n % len(places)]
        name, address = f"{city}电器厂{n:02d}", f"{city}市工业路{n}号"
        rows.append([f"N{n:04d}", name, address, "中国", province, f"{CLASSES[n % 4]}类"])
    rows.append(["N9001", "边境工厂", "某地", "中国", "火星", "A类"])  # deliberately bad: no such province
    return rows


def certificates() -> list[list]:
    rows: list[list] = [["number", "holder", "factory_code", "category_code", "implementation_rule", "issued_on",
                         "expires_on", "status"]]  # fmt: skip
    for n in range(1, FACTORIES + 1):
        _, _, city = _location(n)
        holder = f"{city} {PRODUCTS[n % len(PRODUCTS)]} Holding"
        for k in range(CERTIFICATES_PER_FACTORY):
            issued = date(2022 + (n + k) % 4, 1 + (n * 7 + k) % 12, 1 + (n * 3 + k) % 28)
            expires = issued.replace(year=issued.year + 5) - timedelta(days=1)
            category = CATEGORIES[(n + k) % len(CATEGORIES)]
            status = "SUSPENDED" if (n + k) % 97 == 0 else ("CANCELLED" if (n + k) % 89 == 0 else "VALID")
            # Half the dates are real date cells, the others text as registers export them.
            issued_cell = issued if k % 2 else issued.strftime("%Y/%m/%d").replace("/0", "/")
            expires_cell = expires if k % 2 else expires.strftime("%Y.%m.%d")
            rule = "CNCA-C09-01:2014" if category == "C09" and k == 3 else ""
            number = f"{issued.year}{category[1:]}{n:04d}{k:04d}"
            rows.append([number, holder, f"F{n:04d}", category, rule, issued_cell, expires_cell, status])
    rows += [
        # Deliberately bad (examples/README.md):
        ["2024990000001", "Ghost Holder", "F9999", "C01", "", date(2024, 1, 2), date(2029, 1, 1), "VALID"],
        ["2024990000002", "Holder", "F0002", "C99", "", date(2024, 1, 2), date(2029, 1, 1), "VALID"],
        ["2024990000003", "Holder", "F0003", "C01", "", date(2024, 5, 1), date(2024, 4, 1), "VALID"],
        ["2024990000004", "Holder", "F0004", "C01", "", "2024-13-45", date(2029, 1, 1), "VALID"],
        ["2024990000005", "Holder", "F0005", "C01", "", date(2024, 1, 2), date(2029, 1, 1), "EXPIRED"],
        ["2024990000006", "Holder", "F0006", "C01", "", date(2020, 1, 2), date(2029, 1, 1), "VALID"],
    ]
    return rows


def people() -> list[list[str]]:
    rows = [["login", "display_name", "unit_code", "roles", "email"],
            ["hq.admin", "HQ policy administrator", "hq", "policy_admin", "admin@hq.example.org"],
            ["hq.planner", "HQ planner", "hq", "planner", "planner@hq.example.org"],
            ["hq.auditor", "HQ auditor", "hq", "auditor", ""],
            ["hq.reviewer", "HQ reviewer", "hq", "reviewer;inspector", ""],
            ["hq.decider", "HQ decision maker", "hq", "decider", ""]]  # fmt: skip
    for unit, title in (("east", "East"), ("south", "South")):
        rows += [
            [f"{unit}.planner", f"{title} planner", unit, "planner", f"planner@{unit}.example.org"],
            [f"{unit}.inspector1", f"{title} inspector 1", unit, "inspector", ""],
            [f"{unit}.inspector2", f"{title} inspector 2", unit, "inspector;market_buyer", ""],
            [f"{unit}.reviewer", f"{title} reviewer", unit, "reviewer", ""],
            [f"{unit}.decider", f"{title} decision maker", unit, "decider", ""],
            [f"{unit}.archivist", f"{title} archivist", unit, "archivist", ""],
        ]
    rows += [
        ["lab.east1", "East Lab 1 tester", "east-lab-1", "lab_tester", ""],
        ["agency.de.inspector", "Agency inspector (Germany)", "agency-de", "agency_inspector", ""],
        ["ent.f0004", "F0004 quality manager", "ent-f0004", "enterprise", "quality@f0004.example.com"],
        # Deliberately bad (examples/README.md):
        ["mars.planner", "Mars planner", "mars", "planner", ""],
        ["east.tester", "Misplaced tester", "east", "lab_tester", ""],
        ["bad.mail", "Bad e-mail", "south", "inspector", "not-an-address"],
        ["EAST.PLANNER", "Duplicate (case)", "east", "planner", ""],
        ["x y", "Space in login", "east", "inspector", ""],
    ]
    return rows


def certificates_xlsx(rows: list[list]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("certificates")
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def main() -> None:
    (HERE / "units.csv").write_text(_csv(units()), encoding="utf-8")
    (HERE / "factories.csv").write_text(_csv(factories()), encoding="utf-8")
    (HERE / "factories-north.csv").write_bytes(_csv(factories_north()).encode("gb18030"))
    (HERE / "certificates.xlsx").write_bytes(certificates_xlsx(certificates()))
    (HERE / "people.csv").write_bytes(b"\xef\xbb\xbf" + _csv(people()).encode("utf-8"))  # with a BOM, as Excel saves
    print(f"wrote the example files to {HERE}")


if __name__ == "__main__":
    main()
