"""Typed records of the appendix performance self-evaluation tables (绩效自评表).

Unit level (部门（单位）整体绩效自评表): unit code and name, 年初预算收入/支出, 任务 rows,
总评价得分.
Project level (预算项目(政策)绩效自评表): project, 主管部门, 实施单位, 预算金额, 全年执行数,
执行率, indicator rows, 自评总得分. Values are found by their printed labels, so the same code
reads the PDF grid and the plain-text grid (whose columns drift) alike.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from indexer.model import Row, Table
from indexer.numbers import is_amount, parse_amount, squash


@dataclass
class Figure:
    """One printed figure of a performance record with where it stands."""

    text: str
    value: Decimal | None
    unit: str | None
    page: int | None
    bbox: tuple[float, float, float, float] | None = None


@dataclass
class Task:
    """A 年度主要任务 row of a unit table."""

    name: str
    planned: Figure | None
    executed: Figure | None
    rate: Figure | None
    score: Figure | None


@dataclass
class Indicator:
    """A 三级指标 row of a unit or project table: its name, target (年度指标值) and actual
    value (全年完成值) in their printed unit, weight (分值) and score (得分)."""

    name: str
    texts: list[str]
    weight: Figure | None
    score: Figure | None
    target: Figure | None = None
    actual: Figure | None = None


@dataclass
class UnitPerformance:
    table_id: int
    code: str | None
    name: str
    name_line: str
    budget_income: Figure | None
    budget_expenditure: Figure | None
    score: Figure | None
    tasks: list[Task] = field(default_factory=list)
    page: int | None = None
    indicators: list[Indicator] = field(default_factory=list)


@dataclass
class ProjectPerformance:
    table_id: int
    name: str
    department: str | None
    implementer: str | None
    budget: Figure | None
    executed: Figure | None
    rate: Figure | None
    score: Figure | None
    indicator_score: Figure | None
    execution_score: Figure | None
    deduction: Figure | None
    indicators: list[Indicator] = field(default_factory=list)
    page: int | None = None


def _norm(text: str) -> str:
    return squash(text).replace("（", "(").replace("）", ")")


def _find(rows: list[Row], label: str) -> tuple[Row, int] | None:
    """The row and cell position whose text starts with ``label``."""
    key = _norm(label)
    for row in rows:
        if _norm(row.label).startswith(key):
            return row, -1
        for i, c in enumerate(row.cells):
            if _norm(c.text).startswith(key):
                return row, i
    return None


def _value_after(rows: list[Row], label: str, unit: str | None) -> Figure | None:
    """The first non-empty cell after the cell labelled ``label``."""
    hit = _find(rows, label)
    if hit is None:
        return None
    row, pos = hit
    for c in row.cells[pos + 1 :]:
        if c.text:
            fig_unit = "%" if c.text.endswith("%") else unit
            return Figure(c.text, c.value, fig_unit, c.page, c.bbox)
    return None


def _text_after(rows: list[Row], label: str) -> str | None:
    fig = _value_after(rows, label, None)
    return fig.text if fig else None


def _figure(cell_text: str, row: Row, unit: str | None) -> Figure:
    for c in row.cells:
        if c.text == cell_text:
            return Figure(c.text, c.value, "%" if c.text.endswith("%") else unit, c.page, c.bbox)
    return Figure(cell_text, parse_amount(cell_text), unit, row.page, row.bbox)


def unit_record(table: Table) -> UnitPerformance | None:
    """The unit-level record of a 部门（单位）整体绩效自评表, or None if it has no name line."""
    name_line = _text_after(table.rows, "部门(单位)名称")
    if name_line is None:
        return None
    m = re.match(r"^(\d{4,})\s*(.+?)(-\d+)?$", name_line.strip())
    code, name = (m.group(1), m.group(2).strip()) if m else (None, name_line)
    rec = UnitPerformance(
        table_id=table.id,
        code=code,
        name=name.rstrip("-"),
        name_line=name_line,
        budget_income=_value_after(table.rows, "部门年初预算收入金额", table.unit or "万元"),
        budget_expenditure=_value_after(table.rows, "部门年初预算支出金额", table.unit or "万元"),
        score=_value_after(table.rows, "总评价得分", "分"),
        page=table.page_start,
    )
    rec.tasks = _tasks(table.rows)
    rec.indicators = _indicators(table.rows)
    return rec


def _tasks(rows: list[Row]) -> list[Task]:
    tasks: list[Task] = []
    inside = False
    for row in rows:
        texts = [row.label] + [c.text for c in row.cells]
        if any(_norm(t) == "对应项目" for t in texts):
            inside = True
            continue
        if not inside:
            continue
        if _norm(row.label).startswith("年度目标") or _norm(row.label).startswith("绩效指标"):
            break
        names = [t for t in texts if t and not is_amount(t) and _norm(t) != "年度主要任务"]
        nums = [t for t in texts if is_amount(t)]
        if not names or len(nums) < 2:
            continue
        figs = [_figure(t, row, None) for t in nums]
        planned, executed = figs[0], figs[1]
        planned.unit = executed.unit = "万元"
        rate = next((f for f in figs[2:] if f.text.endswith("%")), None)
        score = figs[-1] if len(figs) >= 5 else None
        if score is not None:
            score.unit = "分"
        tasks.append(Task(names[0], planned, executed, rate, score))
    return tasks


def project_record(table: Table) -> ProjectPerformance | None:
    """The record of a 预算项目(政策)绩效自评表, or None if it has no project name."""
    name = _text_after(table.rows, "项目(政策)名称") or _text_after(table.rows, "项目名称")
    if name is None:
        return None
    rec = ProjectPerformance(
        table_id=table.id,
        name=name,
        department=_text_after(table.rows, "主管部门"),
        implementer=_text_after(table.rows, "实施单位"),
        budget=_value_after(table.rows, "项目预算金额", "万元"),
        executed=_value_after(table.rows, "全年执行数", "万元"),
        rate=_value_after(table.rows, "执行率", "%"),
        score=_value_after(table.rows, "绩效自评总得分", "分"),
        indicator_score=_value_after(table.rows, "指标自评得分小计", "分"),
        execution_score=_value_after(table.rows, "预算执行率得分", "分"),
        deduction=_value_after(table.rows, "减分项", "分"),
        page=table.page_start,
    )
    rec.indicators = _indicators(table.rows)
    return rec


_LEVEL_NAMES = {
    "产出指标",
    "效益指标",
    "满意度指标",
    "数量指标",
    "质量指标",
    "时效指标",
    "成本指标",
}


def _indicators(rows: list[Row]) -> list[Indicator]:
    out: list[Indicator] = []
    inside = False
    for row in rows:
        texts = [t for t in [row.label] + [c.text for c in row.cells] if t]
        if any(_norm(t) == "运算符号" for t in texts):
            inside = True
            continue
        if not inside:
            continue
        if _norm(row.label).startswith("指标自评得分小计"):
            break
        words = [
            t
            for t in texts
            if not is_amount(t)
            and _norm(t) not in _LEVEL_NAMES
            and not _norm(t).endswith("效益指标")
            and not _norm(t).endswith("满意度指标")
            and _norm(t) != "绩效指标"
        ]
        nums = [t for t in texts if is_amount(t) and not t.endswith("%")]
        if not words or len(nums) < 2:
            continue
        op = next((i for i, t in enumerate(texts) if _norm(t) in _OPERATORS), None)
        name = texts[op - 1] if op and not is_amount(texts[op - 1]) else words[0]
        target, actual = _target_and_actual(texts[op + 1 :], row) if op else (None, None)
        out.append(
            Indicator(
                name=name,
                texts=texts,
                weight=_figure(nums[-2], row, "分"),
                score=_figure(nums[-1], row, "分"),
                target=target,
                actual=actual,
            )
        )
    return out


_OPERATORS = {"=", "＝", ">=", "<=", "≥", "≤", ">", "<", "＞", "＜"}


def _target_and_actual(after: list[str], row: Row) -> tuple[Figure | None, Figure | None]:
    """(年度指标值, 全年完成值) from the cells after the operator: value, unit, actual,
    完成程度, 分值, 得分 (an actual left blank is None)."""
    if len(after) < 4 or not is_amount(after[0]) or is_amount(after[1]):
        return None, None
    unit = squash(after[1])
    middle = after[2:-2]  # actual and 完成程度, or 完成程度 alone when the actual is blank
    actual = _figure(middle[0], row, unit) if len(middle) == 2 and is_amount(middle[0]) else None
    return _figure(after[0], row, unit), actual
