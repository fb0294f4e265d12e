"""An answer as the page shows it: one turn of the conversation, rendered to HTML.

The card puts the figure and its unit first, then one sentence saying what the figure is
(report, year, kind, table › row › column), a formula line for computed figures, a compact
table and a chart for answers over several reports, short numbered sources, and the feedback
buttons. Beside it, the source view shows a readable crop of the page around the cited box,
with the whole page one click away. Everything taken from a question, an answer or a report
is HTML-escaped here, so ``<script>`` in a question is shown, never run.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import escape
from pathlib import Path
from urllib.parse import quote

from app.chart import CHART_KINDS, chart_svg
from indexer.store import ReportInfo
from qa.answer import Answer, Citation, ReportFigure

STATUS_NOTE = {
    "ambiguous": "有多个匹配：下面列出全部数字，也可以把问题问得更具体。",
    "not_found": "报告中没有找到答案",
}
METHOD = {"table": "表格", "text": "正文", "computed": "计算", "retrieval": "检索"}
SOURCE_KIND = {"cell": "表格", "paragraph": "正文", "record": "绩效表"}
FEEDBACK = (("wrong", "答案有误"), ("unanswered", "没有回答我的问题"))
SHORT_NAME = 10  # characters of a table's name kept in a short source label
# an arithmetic step between figures: "9491.05万元 − 比上年增加的 1237.83万元 = …", "25.5 + 5"
_OPERATOR = re.compile(r"\s[+＋−×÷=＝]\s")
_CLAUSE_END = "：（）。；\n"


@dataclass
class Turn:
    """One question and what the page shows for it."""

    turn_id: str  # unique in the page, used for element ids
    question: str
    answer: Answer | None = None
    error: str | None = None  # a refusal or failure, in Chinese
    log_id: int | None = None  # the kiosk log's row, for the feedback buttons


def fmt_number(value) -> str:
    """A figure as the report prints it: thousands separators, its own decimals."""
    return f"{value:,}"


def figure_text(value, unit: str | None) -> str:
    return f"{fmt_number(value)} {unit}".rstrip() if value is not None else "未列出"


def formula_of(answer: Answer) -> str | None:
    """The arithmetic of a computed answer, taken from its text; None when it states none.

    The engine writes the calculation into the answer, e.g. ``本年 9491.05万元 − 比上年增加的
    1237.83万元 = 8253.22万元`` or ``（25.5 + 32 + …）``; a formula without a result gets
    ``= value unit`` appended.
    """
    if answer.method != "computed":
        return None
    clauses = re.split(f"[{_CLAUSE_END}]", answer.answer)
    steps = [c.strip() for c in clauses if _OPERATOR.search(f" {c.strip()} ")]
    if not steps:
        return None
    step = steps[0]
    if "=" not in step and "＝" not in step and answer.value is not None:
        step += f" = {figure_text(answer.value, answer.unit)}"
    return step


def _report_phrase(c: Citation, info: ReportInfo | None) -> str:
    """``辽宁省朝阳市生态环境局 2024年度决算`` (or the citation's report title)."""
    if info is None:
        return c.report
    year = f" {info.year}年度" if info.year else ""
    return f"{info.department}{year}{info.kind}"


def one_figure(answer: Answer) -> bool:
    """Whether the answer is one figure of one report (not a list over several reports)."""
    return not answer.table and len({c.report_id for c in answer.citations}) <= 1


def what_it_is(answer: Answer, reports: dict[str, ReportInfo]) -> str | None:
    """One sentence saying what the answered figure is, from its first citation."""
    if answer.status != "answered" or not answer.citations or not one_figure(answer):
        return None
    c = answer.citations[0]
    where = _report_phrase(c, reports.get(c.report_id or ""))
    if answer.method == "computed":
        return f"由{where}中的 {len(answer.citations)} 处数字计算得出。"
    source = SOURCE_KIND.get(c.kind, "")
    return f"出自{where}，{source}：{c.locator}。"


def short_source(c: Citation) -> str:
    """``第 29 页 · 公开07表``: the page and the first word of the table or section."""
    segments = [part.split() for part in c.locator.split("›") if part.strip()]
    head = segments[0][0] if segments else ""
    if c.kind == "paragraph" or not head:
        head = "正文"
    elif len(head) > SHORT_NAME:
        head = head[:SHORT_NAME] + "…"
    page = f"第 {c.page} 页" if c.page is not None else "无页码"
    return f"{page} · {head}"


def _source_link(turn: Turn, n: int, text: str, title: str = "") -> str:
    title_attr = f" title='{escape(title)}'" if title else ""
    return (
        f"<a class='rq-srclink' href='#{turn.turn_id}-s{n}' data-source='{n}'{title_attr}>"
        f"{escape(text)}</a>"
    )


def figures_table(turn: Turn, rows: list[ReportFigure]) -> str:
    """The compact table of an answer over several reports: one line per report."""
    body = []
    for r in rows:
        n = r.citation + 1 if r.citation is not None else None
        src = _source_link(turn, n, f"[{n}]", r.report) if n else ""
        body.append(
            f"<tr><td>{escape(r.department)}</td><td>{escape(str(r.year or ''))}</td>"
            f"<td>{escape(r.kind)}</td><td class='num'>{escape(figure_text(r.value, r.unit))}</td>"
            f"<td>{src}</td></tr>"
        )
    return (
        "<div class='rq-table-wrap'><table class='rq-table'><thead><tr><th>部门</th><th>年度</th>"
        "<th>类型</th><th>数字</th><th>来源</th></tr></thead>"
        f"<tbody>{''.join(body)}</tbody></table></div>"
    )


def _headline(a: Answer) -> str:
    if a.status != "answered" or a.value is None or not one_figure(a):
        return ""
    unit = f"<span class='rq-unit'>{escape(a.unit)}</span>" if a.unit else ""
    return f"<p class='rq-headline'><span class='rq-figure'>{fmt_number(a.value)}</span>{unit}</p>"


def _values_list(a: Answer) -> str:
    if a.status != "ambiguous" or not a.values:
        return ""
    items = "".join(
        f"<li>{escape(f.label)}：<b>{escape(figure_text(f.value, f.unit))}</b></li>"
        for f in a.values
    )
    return f"<ul class='rq-values'>{items}</ul>"


def _sources_nav(turn: Turn, citations: list[Citation]) -> str:
    if not citations:
        return ""
    links = "".join(
        "<li>"
        + _source_link(turn, n, f"[{n}] {short_source(c)}", f"《{c.report}》{c.locator}")
        + "</li>"
        for n, c in enumerate(citations, 1)
    )
    return (
        f"<nav class='rq-sources' aria-label='来源'><span class='rq-sources-title'>来源</span>"
        f"<ol>{links}</ol></nav>"
    )


def _feedback(turn: Turn) -> str:
    log_attr = f" data-log='{turn.log_id}'" if turn.log_id is not None else ""
    buttons = "".join(
        f"<button type='button' class='rq-flag' data-feedback='{reason}'>{label}</button>"
        for reason, label in FEEDBACK
    )
    return (
        f"<div class='rq-feedback'{log_attr}>{buttons}"
        "<span class='rq-feedback-note' role='status'></span></div>"
    )


def _boxes_param(c: Citation) -> str:
    return quote(",".join(f"{v:.2f}" for v in c.bbox)) if c.bbox else ""


def source_panel(turn: Turn, n: int, c: Citation, reports: dict[str, ReportInfo]) -> str:
    """The view of source ``n``: its place, a crop of the page around the cited box with the
    whole page one click away (PDF reports), and the quoted text."""
    info = reports.get(c.report_id or "")
    page = f"第 {c.page} 页" if c.page is not None else "无页码"
    parts = [
        f"<h3 class='rq-source-title' tabindex='-1'>[{n}] 《{escape(c.report)}》{page}</h3>",
        f"<p class='rq-locator'>{escape(c.locator)}</p>",
    ]
    if c.report_id and c.page is not None and info is not None and info.format == "pdf":
        base = f"/api/{{}}/{quote(c.report_id)}/{c.page}.png?boxes={_boxes_param(c)}"
        if c.file:  # a report of several files: the page of the cited file
            base += f"&file={quote(Path(c.file).name)}"
        crop, full = base.format("crop"), base.format("page")
        if not c.bbox:  # no box to crop around: the page itself
            crop = full
        alt = f"原文第 {c.page} 页{'局部' if c.bbox else ''}，黄色框为引用位置"
        parts.append(
            f"<figure class='rq-crop'><img src='{crop}' data-crop='{crop}' data-full='{full}'"
            f" alt='{escape(alt)}' loading='lazy'></figure>"
            "<button type='button' class='rq-fullpage' aria-pressed='false'>查看整页</button>"
        )
    parts.append(f"<blockquote class='rq-quote'>“{escape(c.quote)}”</blockquote>")
    hidden = "" if n == 1 else " hidden"
    return (
        f"<div class='rq-source' id='{turn.turn_id}-s{n}' data-n='{n}'{hidden}>"
        f"{''.join(parts)}</div>"
    )


def turn_html(turn: Turn, reports: dict[str, ReportInfo]) -> str:
    """The HTML of one turn: the question, the answer card and the source view."""
    q = escape(turn.question if len(turn.question) <= 500 else turn.question[:500] + "…")
    head = f"<p class='rq-question'><span class='rq-q-label'>问：</span>{q}</p>"
    if turn.answer is None:
        body = f"<div class='rq-card rq-error' role='alert'>⚠️ {escape(turn.error or '')}</div>"
        return f"<article class='rq-turn' id='{turn.turn_id}'>{head}{body}</article>"
    a = turn.answer
    parts = []
    if a.status in STATUS_NOTE:
        parts.append(f"<p class='rq-status rq-{a.status}'>{STATUS_NOTE[a.status]}</p>")
    parts.append(_headline(a))
    what = what_it_is(a, reports)
    if what:
        parts.append(f"<p class='rq-what'>{escape(what)}</p>")
    formula = formula_of(a)
    if formula:
        parts.append(f"<p class='rq-formula'>计算：{escape(formula)}</p>")
    if a.table:
        if a.chart in CHART_KINDS:
            parts.append(chart_svg(a.table, a.chart, lambda n: f"#{turn.turn_id}-s{n}"))
        parts.append(figures_table(turn, a.table))
    parts.append(f"<p class='rq-text'>{escape(a.answer)}</p>")
    parts.append(_values_list(a))
    parts.append(_sources_nav(turn, a.citations))
    parts.append(_feedback(turn))
    if a.method:
        ms = f" · 用时 {a.latency_ms:.0f} 毫秒" if a.latency_ms is not None else ""
        parts.append(f"<p class='rq-note'>依据：{METHOD.get(a.method, a.method)}{ms}</p>")
    card = f"<section class='rq-card' aria-label='回答'>{''.join(parts)}</section>"
    view = ""
    if a.citations:
        panels = "".join(source_panel(turn, n, c, reports) for n, c in enumerate(a.citations, 1))
        view = f"<section class='rq-source-view' aria-label='来源原文'>{panels}</section>"
    return (
        f"<article class='rq-turn' id='{turn.turn_id}'>{head}"
        f"<div class='rq-answer'>{card}{view}</div></article>"
    )
