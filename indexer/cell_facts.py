"""Table cells as facts: a row's subject path, a column's measure, period and qualifiers.

A column path such as ``2024年“三公”经费预算数 › 公务用车购置及运行费 › 运行费`` reads as
period 2024, measure budget, qualifiers (“三公”经费, 公务用车购置及运行费, 运行费). A row's path
nests it under its parents: by subject code (208 › 20805 › 2080501), else by enumerators
(一、 › 1. › （1）, and 其中： under the row before it).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from indexer.facts import CURRENT, PREVIOUS, Fact
from indexer.model import PATH_SEP, Report, Row, Table
from indexer.numbers import squash

_WORDS_PATH = Path(__file__).with_name("report_words.json")
_YEAR = re.compile(r"(20\d{2})\s*年度?")
_QUOTES = re.compile(r"[“”\"]")
RECORD_KINDS = ("unit_perf", "project_perf")
_ZERO = Decimal(0)


@dataclass(frozen=True)
class ReportWords:
    """The report-side wording of ``report_words.json``."""

    structure: frozenset[str]
    totals: frozenset[str]
    measure_suffixes: tuple[tuple[str, str], ...]
    budget_groups: tuple[str, ...]
    funding_sources: tuple[str, ...]
    previous: tuple[str, ...]
    title_noise: tuple[str, ...]
    enumerators: tuple[tuple[re.Pattern, int], ...]
    child_marker: re.Pattern
    scope: tuple[str, ...]  # words of a table title that narrow what its figures cover


@lru_cache(maxsize=1)
def report_words() -> ReportWords:
    d = json.loads(_WORDS_PATH.read_text(encoding="utf-8"))
    return ReportWords(
        structure=frozenset(squash(w) for w in d["structure_columns"]),
        totals=frozenset(squash(w) for w in d["total_words"]),
        measure_suffixes=tuple((w, m) for w, m in d["measure_suffixes"]),
        budget_groups=tuple(d["budget_groups"]),
        funding_sources=tuple(d["funding_sources_ending_in_budget"]),
        previous=tuple(d["previous_words"]),
        title_noise=tuple(d["title_noise"]),
        enumerators=tuple((re.compile(p), level) for p, level in d["enumerators"]),
        child_marker=re.compile(d["child_marker"]),
        scope=tuple(d["scope_words"]),
    )


@dataclass(frozen=True)
class ColumnMeaning:
    """What a column path says: measure, period, qualifiers, whether it is a total."""

    measure: str | None
    period: str
    qualifiers: tuple[str, ...]
    total: bool
    structural: bool


def period_of(year: int, report_year: int | None) -> str:
    """current / previous relative to the report's year, else the year itself."""
    if report_year is None or year == report_year:
        return CURRENT
    return PREVIOUS if year == report_year - 1 else str(year)


def read_column(path: tuple[str, ...], report_year: int | None) -> ColumnMeaning:
    """Split a column path into measure, period and qualifier words."""
    w = report_words()
    measure, period, qualifiers, total = None, CURRENT, [], False
    segments = [squash(s) for s in path if s]
    if segments and segments[-1] in w.structure:
        return ColumnMeaning(None, CURRENT, (), False, True)
    for seg in segments:
        if m := _YEAR.search(seg):
            period = period_of(int(m.group(1)), report_year)
            seg = _YEAR.sub("", seg)
        if any(seg.startswith(p) for p in w.previous):
            period = PREVIOUS
            seg = seg[2:].lstrip("度")
        if seg in w.budget_groups:  # 收入预算 › 合计: budget of income
            measure, seg = "budget", seg[:-2]
        elif not any(seg.endswith(f) for f in w.funding_sources):
            for suffix, meaning in w.measure_suffixes:
                if seg.endswith(suffix):
                    measure, seg = meaning, seg[: -len(suffix)]
                    break
        if seg.startswith("本年"):  # 本年收入合计, 本年支出: the current period, said aloud
            seg = seg[2:]
        stem = next((seg[: -len(t)] for t in w.totals if seg.endswith(t)), None)
        if stem is not None:  # 合计, 收入合计: a total column (of income)
            total, seg = True, stem
        if seg in ("金额", "") or seg in w.structure:
            continue
        qualifiers.append(seg)
    return ColumnMeaning(measure, period, tuple(qualifiers), total, False)


def table_topic(title: str) -> str:
    """A table's subject without department, year and 决算表/预算表 words."""
    topic = _YEAR.sub("", squash(title))
    topic = re.sub(r"^.*?(部门|单位)(?=[^部单]{4,})", "", topic) if len(topic) > 14 else topic
    for noise in report_words().title_noise:
        if topic.endswith(noise) and len(topic) > len(noise) + 1:
            topic = topic[: -len(noise)]
    return topic


def _enumerator_level(label: str) -> int | None:
    for pattern, level in report_words().enumerators:
        if pattern.search(label):
            return level
    return None


def clean_label(label: str) -> str:
    """A row label without its enumerators (其中：（1）公务用车运行维护费 → 公务用车运行维护费)."""
    w = report_words()
    text = squash(label)
    prev = None
    while prev != text:
        prev = text
        text = w.child_marker.sub("", text)
        for pattern, _ in w.enumerators:
            text = pattern.sub("", text)
    return text


def row_paths(table: Table) -> dict[int, tuple[str, ...]]:
    """Each row's subject path: its parents' clean labels, then its own."""
    w = report_words()
    codes = {r.code: r for r in table.rows if r.code}
    out: dict[int, tuple[str, ...]] = {}
    stacks: dict[str | None, list[tuple[int, str]]] = {}  # per side: enumerated rows above
    previous: dict[str | None, Row] = {}
    for row in table.rows:
        stack = stacks.setdefault(row.group, [])
        before = previous.get(row.group)
        label = clean_label(row.label)
        if PATH_SEP.strip() in row.label:  # a hierarchy of label columns: the path itself
            out[row.index] = tuple(clean_label(p) for p in row.label.split(PATH_SEP.strip()))
        elif row.code:
            parents, code = [], row.code
            while parent := _parent(code, codes):
                parents.insert(0, clean_label(parent.label))
                code = parent.code
            out[row.index] = (*parents, label)
        elif w.child_marker.search(squash(row.label)) and before is not None:
            out[row.index] = (*out.get(before.index, ()), label)
        else:
            level = _enumerator_level(squash(row.label))
            if level is None:
                if label in w.totals:
                    stack.clear()
                out[row.index] = (label,) if label else ()
            else:
                stack[:] = [(lv, lb) for lv, lb in stack if lv < level]
                out[row.index] = (*(lb for _, lb in stack), label)
                stack.append((level, label))
        if not w.child_marker.search(squash(row.label)):
            previous[row.group] = row
    return out


def _parent(code: str, codes: dict[str, Row]) -> Row | None:
    """The row of the longest other code of the table that prefixes ``code``."""
    best = None
    for c in codes:
        if c != code and code.startswith(c) and (best is None or len(c) > len(best)):
            best = c
    return codes[best] if best else None


def cell_facts(report: Report, table: Table) -> list[Fact]:
    """Every figure cell of a standard or other table (not the 绩效 record tables)."""
    if table.kind in RECORD_KINDS:
        return []
    w = report_words()
    default_measure = "budget" if report.kind == "预算" else "actual"
    topic = table_topic(table.title) if table.title else ""
    context = tuple(p for p in (table.name, topic, *table.section) if p)
    paths = row_paths(table)
    numeric_columns = {c.column for r in table.rows for c in r.cells if c.value is not None}
    out: list[Fact] = []
    for row in table.rows:
        path = paths.get(row.index, ())
        row_total = bool(path) and path[-1] in w.totals
        if row_total:  # 合计 of the table: its topic's total (财政拨款“三公”经费支出 › 合计)
            path = (topic, *path) if topic else path
        if row.group:
            path = (row.group, *path)
        for cell in row.cells:
            meaning = read_column(cell.column, report.year)
            if meaning.structural or (cell.value is None and cell.text):
                continue
            if cell.value is None and cell.column not in numeric_columns:
                continue
            qualifiers = tuple(q for q in meaning.qualifiers if q != squash(row.group or ""))
            out.append(
                Fact(
                    report_id=report.id,
                    origin="cell",
                    row=path,
                    column=qualifiers,
                    measure=meaning.measure or default_measure,
                    period=meaning.period,
                    value=cell.value if cell.value is not None else _ZERO,
                    text=cell.text,
                    unit=cell.unit or table.unit,
                    page=cell.page or row.page,
                    bbox=cell.bbox,
                    locator=_locator(table, row, cell.column),
                    quote=row.quote(),
                    context=context,
                    table_kind=table.kind,
                    code=row.code,
                    source_path=table.source_path or report.source_path,
                    # a 合计 column is a total only beside the columns it adds up
                    total=row_total or (meaning.total and len(numeric_columns) > 1),
                )
            )
    return out


def _locator(table: Table, row: Row, column: tuple[str, ...]) -> str:
    parts = [table.name]
    if row.group:
        parts.append(row.group)
    parts.append(f"{row.code} {row.label}" if row.code else row.label)
    col = list(column)
    if row.group and col and col[0] == row.group:
        col = col[1:]
    parts.append(PATH_SEP.join(col))
    return PATH_SEP.join(p for p in parts if p)
