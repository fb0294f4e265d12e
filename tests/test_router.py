"""The report router: departments named in questions (full, partial, abbreviated, with a year
glued on), ambiguity, departments and years the index lacks, and report selection through
the registry's dictionaries. Departments are the shipped reports' (as their covers print
them) and invented ones named by the same rules."""

from __future__ import annotations

import pytest

from indexer.registry import Registry
from qa.router import find_departments, missing, route, select_reports

SHIPPED = [  # (department as printed, year, kind, scope)
    ("辽宁省朝阳市生态环境局", 2024, "决算", "部门"),
    ("江苏省委办公厅", 2019, "预算", "部门"),
    ("中共江苏省委办公厅", 2019, "预算", "部门"),
    ("江苏省政协办公厅", 2019, "预算", "部门"),
    ("上海市普陀区人民政府万里街道办事处", 2023, "预算", "部门"),
    ("上海市普陀区人民政府万里街道办事处", 2024, "预算", "部门"),
    ("上海市普陀区人民政府万里街道办事处", 2025, "预算", "部门"),
    ("上海市普陀区人民政府办公室", 2025, "预算", "单位"),
    ("上海市普陀区人民政府办公室", 2025, "预算", "部门"),
    ("上海市普陀区商务委员会", 2025, "预算", "单位"),
    ("上海市普陀区商务委员会", 2025, "预算", "部门"),
    ("上海市普陀区社会福利院", 2024, "预算", "单位"),
    ("上海市普陀区规划和自然资源局", 2024, "决算", "部门"),
    ("上海市普陀区财政局", 2024, "决算", "部门"),
    ("上海市普陀区财政局", 2025, "预算", "部门"),
    ("上海市财政局", 2025, "预算", "单位"),
    ("中共上海市普陀区委社会工作部", 2024, "决算", "部门"),
]
INVENTED = [
    ("上海市普陀区司法局", 2024, "决算", "部门"),
    ("上海市普陀区司法局", 2025, "预算", "部门"),
    ("江苏省高级人民法院", 2019, "预算", "部门"),
    ("江苏省高级人民法院", 2020, "预算", "部门"),
    ("江苏省人民检察院", 2019, "预算", "部门"),
]
OTHER_DISTRICT = [("上海市静安区司法局", 2024, "决算", "部门")]


def registry_of(entries) -> Registry:
    rows = [
        {"report_id": f"r{i:03d}", "printed_department": d, "year": y, "kind": k, "scope": s,
         "title": f"{d} {y}年度{s}{k}"}
        for i, (d, y, k, s) in enumerate(entries)
    ]  # fmt: skip
    return Registry.from_rows(rows)


@pytest.fixture(scope="module")
def registry() -> Registry:
    return registry_of(SHIPPED + INVENTED)


@pytest.fixture(scope="module")
def two_districts() -> Registry:
    return registry_of(SHIPPED + INVENTED + OTHER_DISTRICT)


def only(question: str, registry: Registry) -> tuple[str, tuple[str, ...]]:
    mentions = find_departments(question, registry)
    assert len(mentions) == 1, mentions
    return mentions[0].text, mentions[0].departments


@pytest.mark.parametrize(
    ("question", "text", "department"),
    [
        ("江苏高院2019年三公经费", "江苏高院", "江苏省高级人民法院"),
        ("区司法局的公车", "区司法局", "上海市普陀区司法局"),
        ("省检察院的机关运行经费是多少", "省检察院", "江苏省人民检察院"),
        ("2026年普陀区司法局三公经费", "普陀区司法局", "上海市普陀区司法局"),
        ("省委办2019年预算收入", "省委办", "中共江苏省委办公厅"),
        ("省政协的三公经费", "省政协", "江苏省政协办公厅"),
        ("万里街道办2024年人员经费", "万里街道办", "上海市普陀区人民政府万里街道办事处"),
        ("万里街道的公车", "万里街道", "上海市普陀区人民政府万里街道办事处"),
        ("区府办的公用经费", "区府办", "上海市普陀区人民政府办公室"),
        ("区政府办公室2025年预算", "区政府办公室", "上海市普陀区人民政府办公室"),
        ("商务委的三公经费", "商务委", "上海市普陀区商务委员会"),
        ("社工部决算支出", "社工部", "中共上海市普陀区委社会工作部"),
        ("朝阳市生态环境局车辆运行花了多少钱", "朝阳市生态环境局", "辽宁省朝阳市生态环境局"),
        ("市财政局2025年单位预算", "市财政局", "上海市财政局"),
        ("規劃和自然資源局的收入", "规划和自然资源局", "上海市普陀区规划和自然资源局"),
        ("上海市普陀区社会福利院的支出", "上海市普陀区社会福利院", "上海市普陀区社会福利院"),
    ],
)
def test_department_named_in_full_part_or_short(registry, question, text, department) -> None:
    assert only(question, registry) == (text, (department,))


def test_span_points_into_the_question_after_a_glued_year(registry) -> None:
    (m,) = find_departments("2026年普陀区司法局三公经费", registry)
    assert (m.start, m.end) == (5, 11)


def test_printed_variants_are_one_department(registry) -> None:
    assert len([d for d in registry.by_department if "江苏省委办公厅" in d]) == 1
    refs = select_reports(registry, ["中共江苏省委办公厅"], 2019, "预算")
    assert {r.printed_department for r in refs} == {"江苏省委办公厅", "中共江苏省委办公厅"}


@pytest.mark.parametrize("first", [0, 1])
def test_every_printed_form_names_the_merged_department(first: int) -> None:
    forms = [("中国人民政治协商会议江苏省委员会办公厅", 2019, "预算", "部门"),
             ("江苏省政协办公厅", 2020, "预算", "部门")]  # fmt: skip
    registry = registry_of(forms[first:] + forms[:first])
    for q in ("中国人民政治协商会议江苏省委员会办公厅的三公经费", "省政协的三公经费"):
        assert only(q, registry)[1] == ("江苏省政协办公厅",)
    assert registry.years(["江苏省政协办公厅"]) == [2019, 2020]


def test_a_short_name_several_departments_fit_is_ambiguous(two_districts) -> None:
    text, depts = only("区司法局的公车", two_districts)
    assert text == "区司法局"
    assert depts == ("上海市普陀区司法局", "上海市静安区司法局")
    _, depts = only("财政局的收入总计", two_districts)
    assert depts == ("上海市普陀区财政局", "上海市财政局")


@pytest.mark.parametrize(
    "question", ["关于区司法局的公车", "查看区司法局2024年决算", "请帮我比较区司法局的收入"]
)
def test_words_before_a_short_name_are_not_taken_for_a_region(registry, question) -> None:
    assert only(question, registry)[1] == ("上海市普陀区司法局",)


def test_the_region_word_before_a_short_name_decides(two_districts) -> None:
    assert only("静安区司法局的公车", two_districts)[1] == ("上海市静安区司法局",)
    assert only("2024年静安司法局", two_districts)[1] == ("上海市静安区司法局",)


@pytest.mark.parametrize(
    ("question", "text"),
    [
        ("黄浦区司法局的公车", "黄浦区司法局"),
        ("请问黄浦区司法局2024年的公车", "黄浦区司法局"),
        ("上海市司法局的三公经费", "上海市司法局"),
        ("北京市生态环境局2024年决算", "北京市生态环境局"),
        ("北京市教育局2024年收入", "北京市教育局"),
        ("区外办2025年的出国费是多少", "区外办"),  # a region suffix and an organ, standing alone
        ("出国费由区外办安排，那区外办的呢", "区外办"),
    ],
)
def test_a_department_the_index_lacks_is_named_not_guessed(registry, question, text) -> None:
    assert only(question, registry) == (text, ())
    gap = missing(registry, find_departments(question, registry))
    assert gap is not None and gap.departments == (text,)
    assert "上海市普陀区司法局" in gap.indexed_departments


def test_questions_naming_no_department(registry) -> None:
    for q in ("普陀区哪个部门三公经费最高", "查询2024年各部门的收入", "公务用车运行维护费是多少",
              "各区财政部门的开支结构", "社区服务中心的用款计划"):  # fmt: skip
        assert find_departments(q, registry) == [], q


def test_several_departments_in_one_question(registry) -> None:
    mentions = find_departments("区财政局和商务委2025年预算比一比", registry)
    assert [(m.text, m.departments) for m in mentions] == [
        ("区财政局", ("上海市普陀区财政局",)),
        ("商务委", ("上海市普陀区商务委员会",)),
    ]


def test_select_by_department_year_kind_and_scope(registry) -> None:
    office = ["上海市普陀区人民政府办公室"]
    assert len(select_reports(registry, office, 2025, "预算")) == 2
    (unit,) = select_reports(registry, office, 2025, "预算", "单位")
    assert unit.scope == "单位"
    wanli = select_reports(registry, ["上海市普陀区人民政府万里街道办事处"])
    assert [r.year for r in wanli] == [2023, 2024, 2025]
    in_2019 = select_reports(registry, None, 2019)
    assert {r.department for r in in_2019} == {
        "中共江苏省委办公厅", "江苏省政协办公厅", "江苏省高级人民法院", "江苏省人民检察院",
    }  # fmt: skip
    finals = select_reports(registry, None, [2024, 2025], "决算")
    assert {r.year for r in finals} == {2024} and all(r.kind == "决算" for r in finals)


def test_a_year_the_department_lacks_lists_its_years(registry) -> None:
    r = route("2026年普陀区司法局三公经费", registry, year=2026)
    assert r.reports == ()
    assert r.missing.year == 2026 and r.missing.departments == ()
    assert r.missing.indexed_years == (2024, 2025)
    gap = route("江苏高院的决算", registry, kind="决算").missing
    assert gap.kind == "决算" and gap.indexed_years == (2019, 2020)


def test_route_selects_reports_for_an_indexed_request(registry) -> None:
    r = route("江苏高院2019年三公经费", registry, year=2019, kind="预算")
    assert [x.department for x in r.reports] == ["江苏省高级人民法院"]
    assert r.missing is None and r.ambiguous == ()


class _NoScan(dict):
    """A dict of every report that fails the test when anything walks through it."""

    def values(self):
        raise AssertionError("select_reports scanned every report")

    def __iter__(self):
        raise AssertionError("select_reports scanned every report")


def test_selection_never_walks_every_report(registry) -> None:
    guarded = registry_of(SHIPPED + INVENTED)
    guarded.reports = _NoScan(guarded.reports)
    assert len(select_reports(guarded, ["上海市普陀区财政局"], 2025, "预算")) == 1
    assert len(select_reports(guarded, ["上海市普陀区财政局"])) == 2
    assert len(select_reports(guarded, None, 2019, "预算")) == 5


def test_a_generic_name_one_indexed_department_bears_names_it() -> None:
    one = registry_of([("江苏省政协办公厅", 2019, "预算", "部门")])
    found = find_departments("政协办公厅2019年公务接待费压缩了多少？", one)
    assert [m.departments for m in found] == [("江苏省政协办公厅",)]
    two = registry_of([("江苏省政协办公厅", 2019, "预算", "部门"),
                       ("浙江省政协办公厅", 2019, "预算", "部门")])  # fmt: skip
    assert all(m.text != "政协办公厅" for m in find_departments("政协办公厅公务接待费", two))
    assert find_departments("普陀区规资局工会经费", registry_of(SHIPPED))[0].indexed
