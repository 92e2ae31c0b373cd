"""schema/schema.graphql is the contract front ends code against: it must match the code."""

from server.cli import SCHEMA_PATH, export_schema_text


def test_committed_schema_matches_the_code():
    committed = SCHEMA_PATH.read_text(encoding="utf-8")
    assert committed == export_schema_text(), "schema drift: run `make schema` and review the diff"


def test_enums_carry_chinese_terms():
    text = SCHEMA_PATH.read_text(encoding="utf-8")
    for term in ("有效", "暂停", "撤销", "注销", "分中心", "境外委托机构", "工厂编号"):
        assert term in text, term
