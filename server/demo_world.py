"""The demo world as plain data: units, people, product categories, factories, certificates.
Deterministic, so that seeding twice yields the same world and tests can count on it."""

from __future__ import annotations

from datetime import date, timedelta

from domain.enums import CertificateStatus as C
from domain.enums import FactoryClass, FactoryStatus, Role, UnitKind

UNITS = [
    # code, kind, name, name_zh, provinces, countries, regions
    ("hq", UnitKind.HQ, "Factory Inspection Department", "工厂检查部", [], [], []),
    (
        "east",
        UnitKind.SUBCENTER,
        "East China Sub-centre",
        "华东分中心",
        ["Shanghai", "Jiangsu", "Zhejiang", "Anhui", "Fujian", "Jiangxi", "Shandong"],
        [],
        [],
    ),
    (
        "south",
        UnitKind.SUBCENTER,
        "South China Sub-centre",
        "华南分中心",
        ["Guangdong", "Guangxi", "Hainan", "Hunan", "Hubei", "Henan"],
        [],
        [],
    ),
    (
        "west",
        UnitKind.SUBCENTER,
        "West China Sub-centre",
        "西部分中心",
        ["Sichuan", "Chongqing", "Yunnan", "Guizhou", "Shaanxi", "Gansu", "Xinjiang"],
        [],
        [],
    ),
    ("agency-de", UnitKind.FOREIGN_AGENCY, "Partner agency Germany", "德国境外委托机构", [], ["DE"], []),
    ("east-lab-1", UnitKind.LAB, "East Lab 1", "华东检测实验室一", [], [], ["east"]),
    ("east-lab-2", UnitKind.LAB, "East Lab 2", "华东检测实验室二", [], [], ["east"]),
    ("south-lab-1", UnitKind.LAB, "South Lab 1", "华南检测实验室", [], [], ["south"]),
]

STAFF = [
    # login, display name, unit, roles held in that unit
    ("hq.admin", "HQ policy administrator", "hq", [Role.POLICY_ADMIN]),
    ("hq.auditor", "HQ auditor", "hq", [Role.AUDITOR]),
    ("hq.planner", "HQ planner", "hq", [Role.PLANNER]),
    ("hq.reviewer", "HQ reviewer", "hq", [Role.REVIEWER]),
    ("hq.decider", "HQ decision maker", "hq", [Role.DECIDER]),
    ("hq.archivist", "HQ archivist", "hq", [Role.ARCHIVIST]),
    ("hq.inspector", "HQ inspector", "hq", [Role.INSPECTOR]),
    ("east.planner", "East planner", "east", [Role.PLANNER]),
    ("east.inspector1", "East inspector 1", "east", [Role.INSPECTOR]),
    ("east.inspector2", "East inspector 2", "east", [Role.INSPECTOR]),
    ("east.reviewer", "East reviewer", "east", [Role.REVIEWER]),
    ("east.decider", "East decision maker", "east", [Role.DECIDER]),
    ("east.archivist", "East archivist", "east", [Role.ARCHIVIST]),
    ("south.planner", "South planner", "south", [Role.PLANNER]),
    ("south.inspector", "South inspector", "south", [Role.INSPECTOR]),
    ("south.reviewer", "South reviewer", "south", [Role.REVIEWER]),
    ("south.decider", "South decision maker", "south", [Role.DECIDER]),
    ("agency.de.inspector", "Agency inspector (Germany)", "agency-de", [Role.AGENCY_INSPECTOR]),
    ("buyer.east", "East market buyer", "east", [Role.MARKET_BUYER]),
    ("buyer.east2", "East market buyer 2", "east", [Role.MARKET_BUYER]),
    ("buyer.south", "South market buyer", "south", [Role.MARKET_BUYER]),
    ("lab.east1", "East Lab 1 tester", "east-lab-1", [Role.LAB_TESTER]),
    ("lab.east2", "East Lab 2 tester", "east-lab-2", [Role.LAB_TESTER]),
    ("lab.south1", "South Lab 1 tester", "south-lab-1", [Role.LAB_TESTER]),
]

PRODUCT_CATEGORIES = [
    ("C01", "Wires and cables", "电线电缆", "CNCA-C01-01:2014"),
    ("C02", "Circuit switches and protective devices", "电路开关及保护或连接用电器装置", "CNCA-C02-01:2014"),
    ("C03", "Low-voltage apparatus", "低压电器", "CNCA-C03-01:2014"),
    ("C07", "Household appliances", "家用和类似用途设备", "CNCA-C07-01:2017"),
    ("C08", "Audio and video equipment", "音视频设备", "CNCA-C08-01:2014"),
    ("C09", "Information technology equipment", "信息技术设备", "CNCA-C09-01:2014"),
]

# code, name, address, country, province
FACTORIES = [
    ("E001", "Shanghai Ruifeng Cable Co.", "88 Jinqiao Rd, Pudong, Shanghai", "CN", "Shanghai"),
    ("E002", "Suzhou Hengtai Switchgear", "12 Suhong Rd, Suzhou, Jiangsu", "CN", "Jiangsu"),
    ("E003", "Ningbo Haitian Appliances", "5 Binhai Ave, Ningbo, Zhejiang", "CN", "Zhejiang"),
    ("E004", "Hefei Kaida Electronics", "301 Innovation Rd, Hefei, Anhui", "CN", "Anhui"),
    ("E005", "Xiamen Lianxin Audio", "9 Huli Ave, Xiamen, Fujian", "CN", "Fujian"),
    ("E006", "Nanchang Hongdu Wire", "77 Yingbin Ave, Nanchang, Jiangxi", "CN", "Jiangxi"),
    ("E007", "Qingdao Haibo Household", "16 Zhuzhou Rd, Qingdao, Shandong", "CN", "Shandong"),
    ("E008", "Hangzhou Xinghe IT", "200 Wensan Rd, Hangzhou, Zhejiang", "CN", "Zhejiang"),
    ("E009", "Wuxi Taihu Low-Voltage", "45 Xinhua Rd, Wuxi, Jiangsu", "CN", "Jiangsu"),
    ("E010", "Jinan Quancheng Cables", "3 Industry N Rd, Jinan, Shandong", "CN", "Shandong"),
    ("S001", "Shenzhen Pengda Electronics", "1 Keji Rd, Nanshan, Shenzhen, Guangdong", "CN", "Guangdong"),
    ("S002", "Foshan Meiling Appliances", "28 Beijiao Ave, Foshan, Guangdong", "CN", "Guangdong"),
    ("S003", "Nanning Lvcheng Cable", "66 Minzu Ave, Nanning, Guangxi", "CN", "Guangxi"),
    ("S004", "Haikou Tropical Switch", "8 Binhai Ave, Haikou, Hainan", "CN", "Hainan"),
    ("S005", "Changsha Xiangjiang Audio", "19 Furong Rd, Changsha, Hunan", "CN", "Hunan"),
    ("S006", "Wuhan Guanggu IT", "150 Optics Valley Ave, Wuhan, Hubei", "CN", "Hubei"),
    ("S007", "Zhengzhou Zhongyuan Electric", "72 Jinshui Rd, Zhengzhou, Henan", "CN", "Henan"),
    ("S008", "Dongguan Songshan Devices", "11 Songshan Lake Rd, Dongguan, Guangdong", "CN", "Guangdong"),
    ("W001", "Chengdu Tianfu Electronics", "99 Tianfu Ave, Chengdu, Sichuan", "CN", "Sichuan"),
    ("W002", "Chongqing Liangjiang Appliances", "20 Jinkai Ave, Chongqing", "CN", "Chongqing"),
    ("W003", "Kunming Dianchi Cable", "14 Dianchi Rd, Kunming, Yunnan", "CN", "Yunnan"),
    ("W004", "Guiyang Zhuquan IT", "6 Big Data Ave, Guiyang, Guizhou", "CN", "Guizhou"),
    ("W005", "Xi'an Qinling Switchgear", "31 Gaoxin Rd, Xi'an, Shaanxi", "CN", "Shaanxi"),
    ("W006", "Urumqi Tianshan Electric", "2 Kashi Rd, Urumqi, Xinjiang", "CN", "Xinjiang"),
    ("N001", "Beijing Yanshan Electronics", "10 Shangdi Rd, Haidian, Beijing", "CN", "Beijing"),
    ("N002", "Beijing Jingcheng Cables", "5 Yizhuang Ave, Beijing", "CN", "Beijing"),
    ("N003", "Baoding Zhili Switch", "40 Chaoyang Ave, Baoding, Hebei", "CN", "Hebei"),
    ("N004", "Shijiazhuang Huabei Appliances", "18 Zhongshan Rd, Shijiazhuang, Hebei", "CN", "Hebei"),
    ("D001", "Rheinland Kabelwerk GmbH", "Industriestrasse 4, 50667 Koeln", "DE", None),
    ("D002", "Bayern Schaltanlagen AG", "Werkstrasse 12, 80331 Muenchen", "DE", None),
    ("D003", "Hamburg Audiotechnik GmbH", "Hafenweg 7, 20457 Hamburg", "DE", None),
    ("D004", "Schwaben Haushaltsgeraete GmbH", "Neckarstrasse 21, 70173 Stuttgart", "DE", None),
]

_CLASSES = [FactoryClass.A, FactoryClass.B, FactoryClass.C, FactoryClass.D]


def factory_class(index: int) -> FactoryClass:
    return _CLASSES[index % 4]


def factory_status(index: int) -> FactoryStatus:
    return FactoryStatus.PRODUCTION_STOPPED if index == 13 else FactoryStatus.ACTIVE


def certificates(index: int, code: str) -> list[dict]:
    """Two certificates per factory; a few suspended, one revoked, one cancelled."""
    category_codes = [c[0] for c in PRODUCT_CATEGORIES]
    out = []
    for k in range(2):
        issued = date(2021 + (index + k) % 4, 1 + (index * 5 + k) % 12, 1 + (index * 7) % 28)
        status = C.VALID
        if (index, k) in ((2, 1), (11, 0), (25, 1)):
            status = C.SUSPENDED
        elif (index, k) == (7, 1):
            status = C.REVOKED
        elif (index, k) == (19, 0):
            status = C.CANCELLED
        out.append(
            {
                "number": f"20{issued.year % 100:02d}0{category_codes[(index + k) % 6][1:]}{index:04d}{k:03d}",
                "category": category_codes[(index + k) % 6],
                "issued_on": issued,
                "expires_on": date(issued.year + 5, issued.month, issued.day),
                "status": status,
                "initial_inspection_end": issued - timedelta(days=45) if k == 0 else None,
            }
        )
    return out


HISTORY_REASONS = {
    C.SUSPENDED: "Failed surveillance sampling test (监督抽样检测不合格)",
    C.REVOKED: "Suspension period over without restoration (暂停期满未恢复)",
    C.CANCELLED: "The holder asked for cancellation (持证人申请注销)",
}
