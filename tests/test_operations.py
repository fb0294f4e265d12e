"""Sums, shares, rates and rankings over hand-built facts; counts of listed organisations."""

from __future__ import annotations

from decimal import Decimal

from indexer.list_facts import listed_count
from qa.frame import parse
from qa.gate import grounded
from qa.vocabulary import base_vocabulary
from tests.test_scoring import BUDGET_2025, INFO, _fact, _on

PENSION = ["社会保障和就业支出", "行政事业单位养老支出"]
PROCUREMENT = [
    _fact(["政府采购预算"], "1708.03", "budget", origin="sentence", context=("说明",),
          total=True),
    _fact(["政府采购预算", "政府采购货物预算"], "57.43", "budget", origin="sentence",
          context=("说明",)),
    _fact(["政府采购预算", "政府采购服务预算"], "983.05", "budget", origin="sentence",
          context=("说明",)),
    _fact(["商品和服务支出"], "1082.77", "budget", context=("基本支出预算表",)),
]  # fmt: skip
FUNCTIONS = ("一般公共预算支出功能分类预算表",)


def _function(row: list[str], value: str, code: str) -> object:
    return _fact(row, value, "budget", ("一般公共预算支出",), "元", context=FUNCTIONS, code=code)


def test_each_part_of_a_sum_is_its_own_row_not_the_other_parts() -> None:
    # 行政单位离退休 is named in the question too: it must not answer for 事业单位离退休
    d = _on(INFO, [
        _fact([*PENSION, "行政单位离退休"], "3.92", context=("支出决算表",)),
        _fact([*PENSION, "事业单位离退休"], "7.33", context=("支出决算表",)),
    ], "离退休的钱，行政单位离退休加上事业单位离退休，一共多少？", operation=True)  # fmt: skip
    assert d is not None and d.computed is not None
    assert d.computed.value == Decimal("11.25")


def test_a_scope_before_the_parts_belongs_to_each_part() -> None:
    d = _on(BUDGET_2025, PROCUREMENT, "政府采购里，货物和服务两类加起来多少钱？", operation=True)
    assert d is not None and d.computed is not None
    assert d.computed.value == Decimal("1040.48")


def test_a_gloss_listing_parts_asks_for_the_whole() -> None:
    d = _on(BUDGET_2025, PROCUREMENT, "政府采购（买东西、买服务）一共预算了多少？")
    assert d.status == "answered" and d.best.fact.value == Decimal("1708.03")


def test_a_share_of_the_whole_report_needs_no_named_whole() -> None:
    d = _on(BUDGET_2025, [
        _fact(["支出总计"], "156211123", "budget", unit="元", context=("支出预算总表",),
              total=True),
        _fact(["支出总计", "基本支出"], "99706020", "budget", unit="元",
              context=("支出预算总表",)),
    ], "基本支出占全部预算的比重是多少？", operation=True)  # fmt: skip
    assert d is not None and d.computed is not None
    assert (d.computed.value, d.computed.unit) == (Decimal("63.83"), "%")


def test_an_execution_rate_not_printed_is_spent_over_budget_of_one_row() -> None:
    car = ["公务用车购置及运行费", "公务用车运行维护费"]
    d = _on(INFO, [_fact(car, "80.35"), _fact(car, "84.64", measure="budget")],
            "公务用车运行维护费的决算数占预算数的百分之多少？", operation=True)  # fmt: skip
    assert d is not None and d.computed is not None
    assert (d.computed.value, d.computed.unit) == (Decimal("94.93"), "%")
    assert "80.35" in d.computed.formula and "84.64" in d.computed.formula


def test_a_named_level_ranks_the_rows_of_that_level() -> None:
    facts = [
        _function(["一般公共服务支出"], "82096797.42", "201"),
        _function(["一般公共服务支出", "政府办公厅(室)及相关机构事务"], "80000000", "20103"),
        _function(
            ["一般公共服务支出", "政府办公厅(室)及相关机构事务", "一般行政管理事务"],
            "46140000",
            "2010350",
        ),
        _function(
            ["一般公共服务支出", "政府办公厅(室)及相关机构事务", "行政运行"],
            "12029501.84",
            "2010301",
        ),
        _function(["卫生健康支出", "行政事业单位医疗", "行政单位医疗"], "1097073.43", "2101101"),
    ]
    d = _on(BUDGET_2025, facts, "支出预算里，哪个项级科目的钱最多？", operation=True)
    assert d is not None and d.status == "answered"
    assert d.best.fact.row[-1] == "一般行政管理事务"


def test_which_item_under_a_named_row_ranks_the_rows_under_it() -> None:
    cppcc = ["一般公共服务支出", "政协事务"]
    facts = [
        _function(cppcc, "10191.56", "20102"),
        _function([*cppcc, "行政运行"], "5223.22", "2010201"),
        _function([*cppcc, "其他政协事务支出"], "100.00", "2010299"),
        _function(["一般公共服务支出", "财政事务"], "20000", "20106"),
    ]
    d = _on(BUDGET_2025, facts, "政协事务下面分了好几个支出项目，哪一项预算最多？", operation=True)
    assert d is not None and d.status == "answered"
    assert d.best.fact.row[-1] == "行政运行"


def test_levels_counted_nouns_and_several_in_the_frame() -> None:
    vocab = base_vocabulary()
    assert parse("按功能分类的“项”级科目里，哪一项钱最多？", vocab).level == 3
    assert parse("钱主要花在哪一类功能科目上？", vocab).level == 1
    assert parse("哪一项经济科目预算最多？", vocab).level is None  # 哪一项: which item
    assert [t.text for t in parse("这个部门决算一共包含几个单位？", vocab).terms] == ["单位"]
    assert parse("政协事务下面分了好几个支出项目，哪一项最多？", vocab).count_unit is None


def test_organisations_listed_one_by_one_are_counted() -> None:
    said = "纳入本部门2019年部门汇总预算编制范围的预算单位包括：江苏省委办公厅（本级）、省委机要局（省国家密码管理局）、机关后勤服务中心、机关文印中心。"  # noqa: E501
    assert listed_count(said) == 4
    assert (
        listed_count("本部门内设机构包括省政协办公厅、研究室和 10 个专门委员会，现有处室 21 个。")
        is None
    )
    assert (
        listed_count("下属事业单位包括：联谊俱乐部、文史资料编辑部、博物馆管理建设办公室等。")
        is None
    )
    count = _fact(["预算单位"], "4", "count", unit="个", text="4", origin="sentence", quote=said)
    assert grounded(count)
    assert not grounded(_fact(["预算单位"], "5", "count", unit="个", text="5", quote=said))


def test_a_row_named_by_another_form_of_the_asked_word_is_another_reading() -> None:
    # 退休人员 means 退休费 (economic) or 行政单位离退休 (functional): both are stated
    d = _on(BUDGET_2025, [
        _fact(["对个人和家庭的补助", "退休费"], "717240", "budget", ("一般公共预算基本支出",),
              "元", context=("基本支出预算表",)),
        _fact([*PENSION, "行政单位离退休"], "877080", "budget", ("收入",), "元",
              context=("收入预算总表",)),
    ], "给退休人员安排了多少钱？")  # fmt: skip
    assert d.status == "answered"
    assert {s.fact.value for s in (d.best, *d.readings)} == {Decimal("717240"), Decimal("877080")}
