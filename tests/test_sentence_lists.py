# ruff: noqa: E501  (paragraph openings are kept as printed)
"""indexer.sentence_lists and indexer.sentence_facts: lists that go on across paragraphs, and the
measure word kept as the fact's column.

Each expectation names a paragraph of a shipped report by its opening words and a figure in it
by its printed text; the subject path was written by hand from reading the report. The whole
report is read in order, as the indexer reads it.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from indexer.model import PATH_SEP, Report
from indexer.numbers import squash
from indexer.sentence_facts import sentence_facts
from indexer.sentence_lists import ListContext, parse_in_context, parse_paragraphs
from indexer.sentences import StatedFigure

SEED = "chaoyang-eeb-2024-final-accounts"
GH24 = "上海市普陀区规划和自然资源局_2024_部门决算"
WL24 = "上海市普陀区人民政府万里街道办事处_2024_部门预算"
JZX = "江苏省政协办公厅2019年度部门预算"


@dataclass(frozen=True)
class Item:
    """A figure of the paragraph that opens with ``paragraph``: its ``nth`` printed ``text``."""

    paragraph: str
    text: str
    subject: str  # " › "-joined; "X › …" checks the path starts with "X › "
    nth: int = 0


# fmt: off
ITEMS = {
    SEED: [
        Item("(一) 收入总计 9491.05 万元，包括：", "9491.05", "收入总计"),
        Item("1. 财政拨款收入 9491.05 万元", "9491.05", "收入总计 › 财政拨款收入"),
        Item("1. 财政拨款收入 9491.05 万元", "9491.05", "收入总计 › 财政拨款收入 › 一般公共预算财政拨款收入", nth=1),
        Item("8. 上年结转和结余 0.00 万元", "0.00", "收入总计 › 上年结转和结余"),
        Item("(二) 支出总计 9491.05 万元，包括：", "9491.05", "支出总计"),
        Item("1. 基本支出 5670.09 万元", "5670.09", "支出总计 › 基本支出"),
        Item("1. 基本支出 5670.09 万元", "5118.36", "支出总计 › 基本支出 › 工资福利支出"),
        Item("2. 项目支出 3820.96 万元", "3820.96", "支出总计 › 项目支出"),
        Item("5. 对附属单位补助支出 0.00 万元", "0.00", "支出总计 › 对附属单位补助支出"),
        Item("与上年相比，今年支出增加 1237.83 万元", "1237.83", "支出总计"),  # not an item
        Item("1. 社会保障和就业支出 727.80 万元，具体包括：", "727.80", "一般公共预算财政拨款支出 › 社会保障和就业支出"),
        Item("（1）社会保障和就业支出（类）行政事业单位养老支出（款）行政单位离退休（项）", "3.92", "一般公共预算财政拨款支出 › 社会保障和就业支出 › …"),
        Item("2. 卫生健康支出 286.22 万元", "286.22", "一般公共预算财政拨款支出 › 卫生健康支出"),
        Item("（三）年末结转和结余 0.00 万元。", "0.00", "年末结转和结余"),  # another heading: lists closed
    ],
    GH24: [
        Item("1、因公出国（境）费支出 0.00 万元。", "0.00", "“三公”经费财政拨款支出 › 因公出国（境）费支出"),
        Item("2、公务用车购置及运行维护费支出 0.00 万元。其中：", "0.00", "“三公”经费财政拨款支出 › 公务用车购置及运行维护费支出"),
        Item("公务用车购置支出为 0.00 万元。", "0.00", "“三公”经费财政拨款支出 › 公务用车购置及运行维护费支出 › 公务用车购置支出"),
        Item("公务用车运行维护支出 0.00 万元。", "0.00", "“三公”经费财政拨款支出 › 公务用车购置及运行维护费支出 › 公务用车运行维护支出"),
        Item("2024 年，上海市普陀区规划与自然资源局所属各预算单位开支财政拨款的公务用车保有量为 0 辆。", "0", "所属各预算单位开支财政拨款的公务用车保有量"),
        Item("3、公务接待费支出 0.39 万元。其中：", "0.39", "“三公”经费财政拨款支出 › 公务接待费支出"),
        Item("国内公务接待支出 0.39 万", "0.39", "“三公”经费财政拨款支出 › 公务接待费支出 › 国内公务接待支出"),
        Item("1、社会保障和就业支出（类）行政事业单位养老支出（款）行政单位离退休（项）", "54.53", "一般公共预算财政拨款支出 › 社会保障和就业支出（类）行政事业单位养老支出（款）行政单位离退休（项）"),
    ],
    WL24: [
        Item("2024年“三公”经费预算数为47.91万元", "47.91", "“三公”经费"),
        Item("（一）因公出国（境）费0万元", "0", "“三公”经费 › 因公出国（境）费"),
        Item("（二）公务用车购置及运行费46.56万元", "25", "“三公”经费 › 公务用车购置及运行费 › 公务用车购置费", nth=1),
        Item("（三）公务接待费1.35万元。", "1.35", "“三公”经费 › 公务接待费"),
    ],
    JZX: [
        Item("1.财政拨款收入预算总计 13,297.11 万元。", "13,297.11", "收入预算总计 › 财政拨款收入预算总计"),
        Item("4.上年结转资金预算数为 0 万元", "0", "收入预算总计 › 上年结转资金"),
        Item("3.住房保障（类）支出 2,247.04 万元", "2,247.04", "支出预算总计 › 住房保障（类）支出"),
        Item("此外，基本支出预算数为 6,522.75 万元。", "6,522.75", "基本支出"),  # unnumbered, after the items
    ],
}
# fmt: on


def _figures_of(report: Report, opening: str) -> list[StatedFigure]:
    results = parse_paragraphs([(p.text, p.section) for p in report.paragraphs], report.year)
    found = [
        i for i, p in enumerate(report.paragraphs) if squash(p.text).startswith(squash(opening))
    ]
    assert len(found) == 1, (opening, len(found))
    return results[found[0]]


@pytest.mark.parametrize("source", list(ITEMS))
def test_items_of_a_list_opened_in_an_earlier_paragraph(
    source: str, corpus: dict[str, Report]
) -> None:
    for item in ITEMS[source]:
        same = [f for f in _figures_of(corpus[source], item.paragraph) if f.text == item.text]
        assert len(same) > item.nth, item
        path = PATH_SEP.join(same[item.nth].subject)
        if item.subject.endswith("…"):
            assert path.startswith(item.subject[:-1]), (path, item)
        else:
            assert path == item.subject, (path, item)


def test_a_list_ends_where_its_numbering_breaks_or_its_section_ends() -> None:
    section = ("二、支出", "（二）支出总计 100 万元，包括：")
    context = ListContext()
    for text, sec in [
        ("（二）支出总计 100 万元，包括：", section),
        ("1. 基本支出 60 万元。", section),
    ]:
        parse_in_context(text, 2024, sec, context)
    skipped = parse_in_context("3. 项目支出 40 万元。", 2024, section, context)  # 2 is missing
    assert skipped[0].subject == ("项目支出",)
    context = ListContext()
    parse_in_context("（二）支出总计 100 万元，包括：", 2024, section, context)
    elsewhere = parse_in_context("1. 基本支出 60 万元。", 2024, ("三、其他",), context)
    assert elsewhere[0].subject == ("基本支出",)


def test_an_unnumbered_item_must_keep_the_first_items_unit_family() -> None:
    context = ListContext()
    texts = ["2、公务用车购置及运行维护费支出 0.00 万元。其中：", "公务用车购置支出为 0.00 万元。",
             "公务用车保有量为 0 辆。"]  # fmt: skip
    _, item, other = (parse_in_context(t, 2024, ("（二）",), context) for t in texts)
    assert item[0].subject == ("公务用车购置及运行维护费支出", "公务用车购置支出")
    assert other[0].subject == ("公务用车保有量",)


def test_sibling_figures_before_an_opener_give_their_parent() -> None:
    context = ListContext()
    texts = ["三公经费决算中，因公出国（境）费 0.00 万元；公务接待费 0.39 万元。具体情况如下：",
             "1、因公出国（境）费 0.00 万元。"]  # fmt: skip
    parse_in_context(texts[0], 2024, (), context)
    (fig,) = parse_in_context(texts[1], 2024, (), context)
    assert fig.subject == ("三公经费", "因公出国（境）费")


# -------------------------------------------------------------------- facts


def _facts(corpus: dict[str, Report], source: str, text: str) -> list:
    return [f for f in sentence_facts(corpus[source]) if f.text == text]


def test_the_measure_word_is_the_facts_column(corpus: dict[str, Report]) -> None:
    """“三公”经费财政拨款支出年初预算为 2.85 万元，支出决算为 0.39 万元 (规划和自然资源局 p.25)."""
    (budget,) = [f for f in _facts(corpus, GH24, "2.85") if f.row == ("“三公”经费财政拨款支出",)]
    assert (budget.column, budget.measure, budget.page) == (("年初预算",), "budget", 25)
    actual = [f for f in _facts(corpus, GH24, "0.39") if f.row == ("“三公”经费财政拨款支出",)]
    assert [(f.column, f.measure) for f in actual] == [(("决算",), "actual")]


def test_list_items_and_zero_statements_become_facts(corpus: dict[str, Report]) -> None:
    basic = [f for f in _facts(corpus, SEED, "5670.09") if f.row[-1] == "基本支出"]
    assert ("支出总计", "基本支出") in {f.row for f in basic}
    zeros = [f for f in _facts(corpus, GH24, "无")]
    rows = {f.row for f in zeros}
    assert {("政府性基金预算财政拨款收入",), ("国有资本经营预算财政拨款支出",)} <= rows
    assert all(f.value == 0 and f.unit is None and f.text in f.quote for f in zeros)
