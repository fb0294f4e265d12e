"""Appendix 绩效 records as facts: a unit's budget, tasks and score; a project's budget,
executed amount, execution rate and score; each record's indicators (target, actual,
score). Subject paths are unit › task and project; the
implementing unit and the table title are context, so 北票分局 › 保工资 finds its own row."""

from __future__ import annotations

from indexer.facts import CURRENT, Fact
from indexer.model import PATH_SEP, Report, Table
from indexer.performance import Figure, Indicator, ProjectPerformance, UnitPerformance

# record field → (column words, measure)
UNIT_FIELDS = {
    "budget_income": (("年初预算收入",), "budget"),
    "budget_expenditure": (("年初预算支出",), "budget"),
    "score": (("总评价得分",), "score"),
}
TASK_FIELDS = {
    "planned": (("项目下达金额",), "budget"),
    "executed": (("项目执行金额",), "executed"),
    "rate": (("项目执行率",), "completion_rate"),
    "score": (("得分",), "score"),
}
MONEY_UNITS = ("万元", "元", "亿元")
NOT_STATED_AS_INDICATOR = ("%",)  # rates: the record's own 执行率 and 完成率 state them


def _indicator_facts(
    report: Report, table: Table, owner: str, indicators: list[Indicator], context: tuple
) -> list[Fact]:
    """Each 三级指标 of a record: its score (得分), and for an amount or a count its target
    (年度指标值) and actual value (实际完成值); row owner › indicator."""
    out = []
    for ind in indicators:
        row = (owner, ind.name)
        quote = " ".join(t for t in ind.texts if t)
        if ind.score is not None and ind.score.value is not None:
            score = ind.score
            out.append(_fact(report, table, row, ("指标得分",), "score", score, quote, context))
        for fig, column, money in (
            (ind.target, ("年度指标值",), "budget"),
            (ind.actual, ("实际完成值",), "actual"),
        ):
            if fig is None or fig.value is None or fig.unit in NOT_STATED_AS_INDICATOR:
                continue
            measure = money if fig.unit in MONEY_UNITS else "count"
            out.append(_fact(report, table, row, column, measure, fig, quote, context))
    return out


PROJECT_FIELDS = {
    "budget": (("项目预算金额",), "budget"),
    "executed": (("全年执行数",), "executed"),
    "rate": (("执行率",), "completion_rate"),
    "score": (("绩效自评总得分",), "score"),
}


def _fact(
    report: Report,
    table: Table,
    row: tuple[str, ...],
    column: tuple[str, ...],
    measure: str,
    fig: Figure,
    quote: str,
    context: tuple[str, ...],
) -> Fact:
    return Fact(
        report_id=report.id,
        origin="record",
        row=row,
        column=column,
        measure=measure,
        period=CURRENT,
        value=fig.value,
        text=fig.text,
        unit=fig.unit,
        page=fig.page,
        bbox=fig.bbox,
        locator=PATH_SEP.join([table.title, *row, *column]),
        quote=quote,
        context=context,
        table_kind=table.kind,
        source_path=table.source_path or report.source_path,
    )


def unit_facts(report: Report, table: Table, unit: UnitPerformance) -> list[Fact]:
    """A unit's budget income/expenditure and score, and each task's figures."""
    context = (table.title, *table.section)
    out = []
    for name, (column, measure) in UNIT_FIELDS.items():
        fig = getattr(unit, name)
        if fig is not None and fig.value is not None:
            quote = f"{unit.name} {column[0]} {fig.text}"
            out.append(_fact(report, table, (unit.name,), column, measure, fig, quote, context))
    for task in unit.tasks:
        figs = [(n, getattr(task, n)) for n in TASK_FIELDS]
        quote = " ".join([task.name, *(f.text for _, f in figs if f is not None)])
        for name, fig in figs:
            if fig is None or fig.value is None:
                continue
            column, measure = TASK_FIELDS[name]
            row = (unit.name, task.name)
            out.append(_fact(report, table, row, column, measure, fig, quote, context))
    return out + _indicator_facts(report, table, unit.name, unit.indicators, context)


def project_facts(report: Report, table: Table, project: ProjectPerformance) -> list[Fact]:
    """A project's budget, executed amount, execution rate and score."""
    context = tuple(
        p for p in (table.title, project.implementer, project.department, *table.section) if p
    )
    figs = [(n, getattr(project, n)) for n in PROJECT_FIELDS]
    quote = " ".join(
        [project.name, *(f"{PROJECT_FIELDS[n][0][0]} {f.text}" for n, f in figs if f is not None)]
    )
    out = []
    for name, fig in figs:
        if fig is None or fig.value is None:
            continue
        column, measure = PROJECT_FIELDS[name]
        out.append(_fact(report, table, (project.name,), column, measure, fig, quote, context))
    return out + _indicator_facts(report, table, project.name, project.indicators, context)
