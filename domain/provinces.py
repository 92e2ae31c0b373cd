"""China's 34 provincial-level divisions (省级行政区): the only provinces a factory in China is
recorded in, a sub-centre's jurisdiction lists, or North China (configuration) names.

Each has one canonical name, the English one the jurisdiction map and the demo world use
(`Jiangsu`, `Inner Mongolia`); that is what is stored. Its Chinese name (江苏, with or without
省/市/自治区 ...) and a few other English spellings are aliases. A name is looked up NFKC-
normalised, case-folded and trimmed, so `jiangsu`, `ＪＩＡＮＧＳＵ` and `江苏省` are all `Jiangsu`,
and a province cannot be listed twice, or slip past a comparison, under two spellings."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

# Chinese name -> canonical name; the same table as the bulk import's (services/imports/parsing.py).
PROVINCE_NAMES = {
    "北京": "Beijing", "天津": "Tianjin", "河北": "Hebei", "山西": "Shanxi", "内蒙古": "Inner Mongolia",
    "辽宁": "Liaoning", "吉林": "Jilin", "黑龙江": "Heilongjiang", "上海": "Shanghai", "江苏": "Jiangsu",
    "浙江": "Zhejiang", "安徽": "Anhui", "福建": "Fujian", "江西": "Jiangxi", "山东": "Shandong", "河南": "Henan",
    "湖北": "Hubei", "湖南": "Hunan", "广东": "Guangdong", "广西": "Guangxi", "海南": "Hainan", "重庆": "Chongqing",
    "四川": "Sichuan", "贵州": "Guizhou", "云南": "Yunnan", "西藏": "Tibet", "陕西": "Shaanxi", "甘肃": "Gansu",
    "青海": "Qinghai", "宁夏": "Ningxia", "新疆": "Xinjiang",
    "香港": "Hong Kong", "澳门": "Macao", "台湾": "Taiwan",
}  # fmt: skip
PROVINCES: tuple[str, ...] = tuple(dict.fromkeys(PROVINCE_NAMES.values()))
# Other English spellings in use (official pinyin, older romanisations).
ENGLISH_ALIASES = {"Xizang": "Tibet", "Nei Mongol": "Inner Mongolia", "Macau": "Macao", "Hongkong": "Hong Kong"}
# 江苏省, 北京市, 广西壮族自治区, 香港特别行政区 ... name the same division as 江苏, 北京, 广西, 香港.
_SUFFIX = re.compile(r"(省|市|自治区|壮族自治区|回族自治区|维吾尔自治区|特别行政区)$")
_SPACES = re.compile(r"\s+")


def _key(name: str) -> str:
    return _SPACES.sub(" ", unicodedata.normalize("NFKC", name)).strip().casefold()


_BY_KEY: dict[str, str] = {
    **{_key(p): p for p in PROVINCES},
    **{_key(alias): p for alias, p in ENGLISH_ALIASES.items()},
    **{_key(zh): p for zh, p in PROVINCE_NAMES.items()},
}


def canonical_province(name: str) -> str | None:
    """The canonical name of the division `name` spells, or None when it spells none."""
    key = _key(name)
    found = _BY_KEY.get(key)
    if found is None and key:
        found = _BY_KEY.get(_SUFFIX.sub("", key))
    return found


def canonical_provinces(names: Iterable[str]) -> tuple[str, ...]:
    """Canonical names, each once, in the order given; ValueError names any unknown one (for
    configuration, checked at start-up)."""
    found, unknown = [], []
    for name in names:
        canonical = canonical_province(name)
        (found if canonical else unknown).append(canonical or name)
    if unknown:
        raise ValueError(f"not provinces of China: {', '.join(map(repr, unknown))} (known: {', '.join(PROVINCES)})")
    return tuple(dict.fromkeys(found))
