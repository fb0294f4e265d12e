"""Department names: full names read into regions, body and organ, and the short names
people use derived by general rules (names written by hand, shipped and invented)."""

from __future__ import annotations

import json

import pytest

from indexer.departments import (
    RULES_PATH,
    NamingRules,
    canonical_name,
    department_from_dict,
    department_to_dict,
    parse_department,
)


def names(full: str) -> set[str]:
    return {a.text for a in parse_department(full).aliases}


@pytest.mark.parametrize(
    ("full", "expected"),
    [
        ("上海市普陀区司法局", {"普陀区司法局", "区司法局", "普陀司法局", "司法局"}),
        ("江苏省高级人民法院", {"江苏高院", "省高院", "高院", "江苏省高院"}),
        ("江苏省人民检察院", {"江苏省检察院", "省检察院", "检察院"}),
        ("中共江苏省委办公厅", {"江苏省委办公厅", "省委办公厅", "省委办"}),
        ("江苏省政协办公厅", {"省政协办公厅", "省政协", "江苏省政协"}),
        ("上海市普陀区人民政府万里街道办事处", {"万里街道", "万里街道办", "万里街道办事处"}),
        # only the city dropped: as printed, and without 人民政府
        (
            "上海市普陀区人民政府万里街道办事处",
            {"普陀区人民政府万里街道办事处", "普陀区万里街道办事处"},
        ),
        ("浙江省杭州市西湖区卫生健康委员会", {"杭州市西湖区卫生健康委员会", "杭州市西湖区卫健委"}),
        ("上海市普陀区人民政府办公室", {"区政府办公室", "区府办", "区政府办", "普陀区政府办公室"}),
        ("上海市普陀区商务委员会", {"商务委", "区商务委", "普陀区商务委员会"}),
        ("中共上海市普陀区委社会工作部", {"区委社会工作部", "社工部", "普陀区委社会工作部"}),
        ("辽宁省朝阳市生态环境局", {"朝阳市生态环境局", "市生态环境局", "生态环境局"}),
        ("上海市财政局", {"市财政局", "上海财政局", "财政局"}),
        ("上海市黄浦区人力资源和社会保障局", {"黄浦区人社局", "区人社局", "人社局"}),
        ("浙江省杭州市西湖区卫生健康委员会", {"西湖区卫健委", "区卫健委", "卫健委"}),
    ],
)
def test_short_names_follow_the_naming_rules(full: str, expected: set[str]) -> None:
    got = names(full)
    assert full in got
    assert expected <= got, expected - got


@pytest.mark.parametrize(
    ("full", "never"),
    [
        ("中共江苏省委办公厅", {"办公厅", "办", "江苏委办公厅", "委办公厅"}),
        ("上海市普陀区人民政府办公室", {"办公室", "府办", "政府", "人民府办"}),
        ("上海市普陀区人民政府万里街道办事处", {"办事处", "街道", "街道办事处", "万里办事处"}),
        ("江苏省政协办公厅", {"政协", "办公厅"}),
    ],
)
def test_generic_words_are_never_a_department_name(full: str, never: set[str]) -> None:
    assert not names(full) & never


@pytest.mark.parametrize(
    ("full", "regions", "body", "organ", "level"),
    [
        ("上海市普陀区司法局", ["上海市", "普陀区"], "", "司法局", "区县"),
        (
            "上海市普陀区人民政府万里街道办事处",
            ["上海市", "普陀区", "万里街道"],
            "",
            "办事处",
            "街道",
        ),
        ("中共上海市普陀区委社会工作部", ["上海市", "普陀区"], "委", "社会工作部", "区县"),
        ("江苏省高级人民法院", ["江苏省"], "", "高级人民法院", "省"),
        ("辽宁省朝阳市生态环境局", ["辽宁省", "朝阳市"], "", "生态环境局", "市"),
        ("上海市财政局", ["上海市"], "", "财政局", "省"),  # 直辖市: province level
        ("内蒙古自治区财政厅", ["内蒙古自治区"], "", "财政厅", "省"),
        ("上海市浦东新区发展和改革委员会", ["上海市", "浦东新区"], "", "发展和改革委员会", "区县"),
        ("江苏省住房和城乡建设厅", ["江苏省"], "", "住房和城乡建设厅", "省"),  # 城乡 is no region
        ("上海市普陀区人民政府办公室", ["上海市", "普陀区"], "人民政府", "办公室", "区县"),
    ],
)
def test_full_name_is_read_into_regions_body_and_organ(full, regions, body, organ, level) -> None:
    d = parse_department(full)
    assert [r.name for r in d.regions] == regions
    assert (d.body, d.organ, d.level) == (body, organ, level)
    assert d.region == "".join(regions)
    assert d.parent_region == "".join(regions[:-1])


def test_printed_variants_share_one_canonical_name() -> None:
    assert (
        canonical_name("江苏省委办公厅")
        == canonical_name("中共江苏省委办公厅")
        == "中共江苏省委办公厅"
    )
    long_form = "中国人民政治协商会议江苏省委员会办公厅"
    assert canonical_name(long_form) == canonical_name("江苏省政协办公厅") == "江苏省政协办公厅"
    assert (
        canonical_name("中国共产党上海市普陀区委员会社会工作部") == "中共上海市普陀区委社会工作部"
    )


def test_alias_knows_how_many_regions_it_leaves_unnamed() -> None:
    d = parse_department("上海市普陀区司法局")
    unnamed = {a.text: (a.unnamed, a.suffix_only) for a in d.aliases}
    assert unnamed["上海市普陀区司法局"] == (0, False)
    assert unnamed["普陀区司法局"] == (1, False)
    assert unnamed["区司法局"] == (2, True)
    assert unnamed["司法局"] == (2, False)


def test_a_name_without_regions_keeps_its_full_name() -> None:
    d = parse_department("国家税务总局江苏省税务局")
    assert d.level is None and d.regions == ()
    assert [a.text for a in d.aliases] == ["国家税务总局江苏省税务局"]


def test_department_round_trips_through_its_dict() -> None:
    d = parse_department("中共上海市普陀区委社会工作部")
    data = json.loads(json.dumps(department_to_dict(d), ensure_ascii=False))
    assert department_from_dict(data) == d


def test_rules_are_validated_on_load(tmp_path) -> None:
    data = json.loads(RULES_PATH.read_text(encoding="utf-8"))
    data["region_suffixes"][0]["level"] = "国"
    bad = tmp_path / "rules.json"
    bad.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(ValueError, match="unknown level '国'"):
        NamingRules.load(bad)


def test_rules_file_names_no_single_department() -> None:
    """The rules are general: apart from their examples (``_doc``), the rules file names no
    region or department of the shipped reports."""

    def strip_docs(obj):
        if isinstance(obj, dict):
            return {k: strip_docs(v) for k, v in obj.items() if not k.startswith("_")}
        if isinstance(obj, list):
            return [strip_docs(v) for v in obj]
        return obj

    rules = json.dumps(strip_docs(json.loads(RULES_PATH.read_text(encoding="utf-8"))),
                       ensure_ascii=False)  # fmt: skip
    for shipped in ("普陀", "万里", "江苏", "朝阳", "辽宁", "社会福利院", "司法局"):
        assert shipped not in rules
