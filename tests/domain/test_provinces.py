"""China's provincial-level divisions (domain/provinces.py): one canonical name each, found
however a planner or an import file spells it."""

from __future__ import annotations

import pytest

from domain.jurisdiction import DEFAULT_NORTH_CHINA
from domain.provinces import PROVINCE_NAMES, PROVINCES, canonical_province, canonical_provinces
from server import demo_world


def test_there_are_34_divisions_each_with_its_chinese_name():
    assert len(PROVINCES) == len(set(PROVINCES)) == 34
    assert sorted(PROVINCE_NAMES.values()) == sorted(PROVINCES)


@pytest.mark.parametrize(
    ("spelt", "canonical"),
    [
        ("Jiangsu", "Jiangsu"), ("jiangsu", "Jiangsu"), ("  JIANGSU\t", "Jiangsu"), ("Ｊｉａｎｇｓｕ", "Jiangsu"),
        ("江苏", "Jiangsu"), ("江苏省", "Jiangsu"), ("inner  mongolia", "Inner Mongolia"), ("内蒙古自治区", "Inner Mongolia"),
        ("广西壮族自治区", "Guangxi"), ("新疆维吾尔自治区", "Xinjiang"), ("宁夏回族自治区", "Ningxia"), ("北京市", "Beijing"),
        ("香港特别行政区", "Hong Kong"), ("Macau", "Macao"), ("Xizang", "Tibet"), ("Shanxi", "Shanxi"),
        ("Shaanxi", "Shaanxi"), ("陕西", "Shaanxi"), ("山西", "Shanxi"),
    ],
)  # fmt: skip
def test_a_division_is_found_however_spelt(spelt, canonical):
    assert canonical_province(spelt) == canonical


@pytest.mark.parametrize("spelt", ["", " ", "Atlantis", "Bavaria", "省", "江", "Jiang su", "P1"])
def test_anything_else_is_no_division(spelt):
    assert canonical_province(spelt) is None


def test_configuration_is_canonicalised_and_unknown_names_refused():
    assert canonical_provinces(["beijing", "天津市", "Beijing"]) == ("Beijing", "Tianjin")
    with pytest.raises(ValueError, match="Atlantis"):
        canonical_provinces(["Beijing", "Atlantis"])


def test_north_china_and_the_demo_world_use_canonical_names():
    assert canonical_provinces(DEFAULT_NORTH_CHINA) == DEFAULT_NORTH_CHINA
    listed = [p for unit in demo_world.UNITS for p in unit[4]]
    located = [row[4] for row in demo_world.FACTORIES if row[3] == "CN"]
    assert listed and located
    assert all(canonical_province(p) == p for p in listed + located)


def test_north_china_configured_in_any_spelling_is_canonical_and_a_typo_stops_the_start(monkeypatch):
    from server.settings import load_settings

    monkeypatch.setenv("SURVEIL_NORTH_CHINA", "beijing, 天津市,ＨＥＢＥＩ,")
    assert load_settings().north_china == ("Beijing", "Tianjin", "Hebei")
    monkeypatch.setenv("SURVEIL_NORTH_CHINA", "Beijing,Peking")
    with pytest.raises(RuntimeError, match=r"SURVEIL_NORTH_CHINA.*Peking"):
        load_settings()
