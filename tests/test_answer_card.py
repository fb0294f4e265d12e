"""The answer card and its charts, rendered from hand-built answers (no index needed)."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from app.answer_card import Turn, formula_of, short_source, turn_html
from app.chart import chart_svg
from indexer.store import ReportInfo
from qa.answer import Answer, Citation, Figure, ReportFigure

REPORT = ReportInfo("r1", "朝阳市生态环境局", 2024, "决算", "朝阳市生态环境局 2024年度部门决算",
                    "seed.pdf", "0" * 64, "pdf", 154, 103, 520)  # fmt: skip
REPORTS = {REPORT.id: REPORT}
CELL_LOCATOR = "公开07表 财政拨款“三公”经费支出决算表 › 其中：（1）公务用车运行维护费 › 决算数"
CELL = Citation(REPORT.title, 29, CELL_LOCATOR, "其中：（1）公务用车运行维护费 84.64 80.35", "r1",
                (458.0, 215.7, 538.2, 231.9))  # fmt: skip
PARAGRAPH = Citation(REPORT.title, 8, "第二部分 › 三、“三公”经费 › 公务用车运行维护费",
                     "公务用车运行维护费 80.35 万元，主要用于加油及维修。", "r1",
                     (56.7, 131.5, 538.6, 176.7), "paragraph")  # fmt: skip


def answered(**kw) -> Answer:
    base = dict(question="公务用车运行维护费是多少？", status="answered",
                answer="2024年度公务用车运行维护费决算数为80.35万元。", value=Decimal("80.35"),
                unit="万元", citations=[CELL, PARAGRAPH], method="table")  # fmt: skip
    return Answer(**{**base, **kw})


def render(answer: Answer | None = None, **kw) -> str:
    turn = Turn("t1", answer.question if answer else "问题", answer, **kw)
    return turn_html(turn, REPORTS)


def test_figure_unit_and_what_it_is_come_first() -> None:
    html = render(answered())
    assert html.index("rq-figure'>80.35<") < html.index("rq-what") < html.index("rq-text")
    what = re.search(r"rq-what'>(.*?)</p>", html).group(1)
    assert what.startswith("出自朝阳市生态环境局 2024年度决算，表格：公开07表")
    assert what.endswith("› 决算数。")


def test_sources_are_numbered_short_links_and_the_first_is_shown() -> None:
    html = render(answered())
    labels = re.findall(r"data-source='\d'[^>]*>(.*?)</a>", html)
    assert labels == ["[1] 第 29 页 · 公开07表", "[2] 第 8 页 · 正文"]
    assert "id='t1-s1' data-n='1'>" in html and "id='t1-s2' data-n='2' hidden>" in html
    assert "/api/crop/r1/29.png?boxes=458.00%2C215.70%2C538.20%2C231.90" in html
    assert "data-full='/api/page/r1/29.png?boxes=" in html


def test_short_source_cuts_long_table_names_and_handles_missing_pages() -> None:
    long = Citation(
        "R", None, "二〇二四年度部门收支预算总表和说明 › 合计 › 预算数", "合计 1", kind="cell"
    )
    assert short_source(long) == "无页码 · 二〇二四年度部门收支…"
    untitled = Citation("R", 3, " › 合计 › 预算数", "合计 1")  # a table without a title
    assert short_source(untitled) == "第 3 页 · 合计"
    assert short_source(Citation("R", 3, "", "合计 1")) == "第 3 页 · 正文"


def test_plain_text_report_has_no_page_image() -> None:
    txt = ReportInfo("r2", "某局", 2024, "决算", "某局决算", "x.txt", "1" * 64, "txt", None, 1, 1)
    cite = Citation("某局决算", None, "公开07表 › 合计 › 决算数", "合计 1", "r2")
    html = turn_html(Turn("t1", "q", answered(citations=[cite])), {"r2": txt})
    assert "<img" not in html and "“合计 1”" in html


def test_computed_answer_gets_a_formula_line() -> None:
    last_year = answered(
        answer="上年（2023年）收入总计为8253.22万元：本年 9491.05万元 − 比上年增加的 "
        "1237.83万元 = 8253.22万元。",
        value=Decimal("8253.22"), method="computed",
    )  # fmt: skip
    assert formula_of(last_year) == "本年 9491.05万元 − 比上年增加的 1237.83万元 = 8253.22万元"
    total = answered(answer="3 个项目的预算金额合计为 40万元（25.5 + 5.5 + 9）。",
                     value=Decimal("40"), method="computed")  # fmt: skip
    assert formula_of(total) == "25.5 + 5.5 + 9 = 40 万元"
    assert "计算：25.5 + 5.5 + 9 = 40 万元" in render(total)
    lowest = answered(answer="得分最低的项目是甲，得分为21.6分（共比较 74 个项目）。",
                      value=Decimal("21.6"), unit="分", method="computed")  # fmt: skip
    assert formula_of(lowest) is None
    assert formula_of(answered(answer="合计为 1 + 2 = 3。")) is None  # not computed


def test_not_found_has_no_figure_but_feedback() -> None:
    html = render(Answer("局长是谁？", "not_found", "抱歉，报告中没有找到。"), log_id=7)
    assert "rq-figure" not in html and "报告中没有找到答案" in html
    assert "data-log='7'" in html and "没有回答我的问题" in html


def test_ambiguous_lists_every_figure() -> None:
    a = answered(status="ambiguous", value=None, values=[
        Figure("甲 决算数", Decimal("1.5"), "万元"), Figure("乙 决算数", Decimal("2"), "万元"),
    ])  # fmt: skip
    html = render(a)
    assert "rq-figure" not in html and "rq-what" not in html  # no single figure to describe
    assert "甲 决算数：<b>1.5 万元</b>" in html and "乙 决算数：<b>2 万元</b>" in html


def test_figures_of_several_reports_get_no_headline() -> None:
    other = Citation("另一报告", 5, "表1 › 合计 › 预算数", "合计 3", "r9", (1.0, 2.0, 3.0, 4.0))
    html = render(answered(answer="问题未指明报告，以下分别列出各报告的数字：\n……",
                           citations=[CELL, other]))  # fmt: skip
    assert "rq-figure" not in html and "rq-what" not in html
    assert "[2] 第 5 页 · 表1" in html


def test_refusal_is_an_error_without_feedback() -> None:
    html = render(None, error="问题过长")
    assert "rq-error" in html and "问题过长" in html and "rq-feedback" not in html


def test_everything_from_questions_and_reports_is_escaped() -> None:
    evil = "<script>alert(1)</script>"
    cite = Citation(evil, 3, f"表 › {evil}", f"'{evil}", "r1", (1.0, 2.0, 3.0, 4.0))
    html = turn_html(Turn("t1", evil, answered(question=evil, answer=evil, citations=[cite])),
                     REPORTS)  # fmt: skip
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def rows(values: list[str | None]) -> list[ReportFigure]:
    out = []
    for i, v in enumerate(values):
        out.append(ReportFigure(f"报告{i}", f"部门{i}", 2024, "预算", "三公经费",
                                Decimal(v) if v else None, "万元", i))  # fmt: skip
    return out


def test_table_answer_shows_a_table_with_source_links_instead_of_the_figure() -> None:
    a = answered(value=Decimal("22.91"), table=rows(["22.91", None, "47.9"]), chart="bar",
                 citations=[CELL, CELL, CELL])  # fmt: skip
    html = render(a)
    assert "rq-figure" not in html
    body = re.findall(r"<tr><td>(.*?)</td><td>2024</td><td>预算</td><td class='num'>(.*?)</td>",
                      html)  # fmt: skip
    assert body == [("部门0", "22.91 万元"), ("部门1", "未列出"), ("部门2", "47.9 万元")]
    assert html.count("<svg") == 1 and "href='#t1-s3' data-source='3'" in html


def test_bar_chart_draws_one_linked_bar_per_figure_in_proportion() -> None:
    svg = chart_svg(rows(["10", None, "40"]), "bar", lambda n: f"#s{n}")
    widths = [float(w) for w in re.findall(r"<rect x='[\d.]+' y='[\d.]+' width='([\d.]+)'", svg)]
    assert len(widths) == 2 and widths[1] == pytest.approx(4 * widths[0], rel=0.01)
    assert re.findall(r"data-source='(\d)'", svg) == ["1", "3"]
    assert "部门0" in svg and "40 万元" in svg


def test_line_chart_orders_points_and_puts_the_larger_value_higher() -> None:
    trend = rows(["30", "10"])
    for r, year in zip(trend, (2023, 2024), strict=True):
        r.department, r.year = "某局", year
    svg = chart_svg(trend, "line", lambda n: f"#s{n}")
    points = [tuple(map(float, p)) for p in re.findall(r"cx='([\d.]+)' cy='([\d.]+)'", svg)]
    assert points[0][0] < points[1][0] and points[0][1] < points[1][1]  # 30 drawn above 10
    assert "2023年预算" in svg and "2024年预算" in svg


def test_chart_kind_is_checked_and_empty_rows_draw_nothing() -> None:
    with pytest.raises(ValueError, match="pie"):
        chart_svg(rows(["1"]), "pie", str)
    assert chart_svg(rows([None]), "bar", str) == ""
