"""Every Chinese sentence a user reads, chosen in one place (logs and code stay English)."""

from __future__ import annotations

import re
from decimal import Decimal

from indexer.facts import Fact
from indexer.sentence_grammar import QUANTITY_UNITS

MEASURE_WORDS = {
    "budget": "预算数",
    "actual": "决算数",
    "executed": "执行数",
    "change": "增减额",
    "change_rate": "增减幅度",
    "share": "占比",
    "completion_rate": "完成率",
    "count": "数量",
    "score": "得分",
    "average": "平均值",
}
TOTAL_WORDS = ("合计", "总计", "小计")
EMPTY_QUESTION = "问题为空，请输入您想了解的内容，例如：公务用车运行维护费是多少？"
NOT_A_FIGURE = "抱歉，报告只公开收支数字及其说明，无法回答这类问题。"


def too_long(length: int, limit: int) -> str:
    return f"问题过长（{length} 个字符），请精简到 {limit} 个字符以内后再提问。"


def plain(value: Decimal) -> str:
    """A Decimal without exponent notation, as many decimals as it has."""
    return format(value, "f")


def amount(text: str, value: Decimal, unit: str | None) -> str:
    """A figure as printed plus its unit: ``80.35万元``, ``52.27%``, ``8辆``."""
    shown = text or plain(value)
    if shown.endswith("%") or not unit:
        return shown
    return f"{shown}{unit}"


def short_label(fact: Fact) -> str:
    """The most specific name of what a figure is (a column item, else the row); a
    sentence's column is only its measure word."""
    columns = [] if fact.origin == "sentence" else [p for p in fact.column if p not in TOTAL_WORDS]
    own = fact.row[-1] if fact.row else ""  # the figure's own row, not its table's topic
    if columns and own and not own.endswith(TOTAL_WORDS) and not _MEASURE_ROW.fullmatch(own):
        return own  # an item row of an amount column: 基本工资, not 一般公共预算基本支出
    named = columns or [p for p in fact.row if p and p not in TOTAL_WORDS]
    return named[-1] if named else fact.label


_MEASURE_ROW = re.compile(r"(\d{4}年度?)?(预算|决算|执行)数?")  # items stand in the columns


def describe(fact: Fact, year: int | None) -> str:
    """'2024年度 公务用车运行维护费 决算数' — what the figure is, in a few words."""
    when = ""
    if fact.period == "current" and year:
        when = f"{year}年度"
    elif fact.period == "previous":
        when = f"{year - 1}年度" if year else "上年"
    elif fact.period.isdigit():
        when = f"{fact.period}年度"
    row = [p for p in fact.row if p]
    subject = "".join(row[-2:]) if row and row[-1] in TOTAL_WORDS else "".join(row[-1:])
    if fact.column:
        subject += "（" + "·".join(fact.column) + "）"
    measured = fact.measure == "count" and fact.unit in QUANTITY_UNITS  # 建筑面积, not 数量
    return f"{when}{subject}{'' if measured else MEASURE_WORDS.get(fact.measure, '')}"


def answered(fact: Fact, year: int | None) -> str:
    if fact.measure in ("change", "change_rate"):
        word = "增加" if fact.value > 0 else "减少" if fact.value < 0 else "持平"
        shown = amount(fact.text.lstrip("-−"), abs(fact.value), fact.unit)
        base = f"（与{'、'.join(fact.base)}相比）" if fact.base else ""
        return f"{describe(fact, year)}{base}：{word}{'' if word == '持平' else shown}。"
    if fact.empty:
        return f"{describe(fact, year)}在表中为空，即无此项（0{fact.unit or ''}）。"
    if not any(ch.isdigit() for ch in fact.text):  # 无, 没有, 未安排: a zero stated in words
        return f"{describe(fact, year)}：报告写明“{fact.text}”，即为 0{fact.unit or ''}。"
    return f"{describe(fact, year)}为{amount(fact.text, fact.value, fact.unit)}。"


def listed(facts: list[Fact], year: int | None) -> str:
    lines = "；".join(
        f"{' › '.join(f.row)}{('（' + f.context[1] + '）') if len(f.context) > 1 else ''}："
        f"{amount(f.text, f.value, f.unit)}"
        for f in facts
    )
    return f"问题可能指以下 {len(facts)} 个数字：{lines}。请说明您指的是哪一个。"


def disagreement(others: list[tuple[str, Fact]]) -> str:
    """The same thing printed with another figure elsewhere in the report."""
    notes = "；".join(f"{where}为{amount(f.text, f.value, f.unit)}" for where, f in others)
    return f"另见：{notes}。"


def parts_of(facts: list[Fact]) -> str:
    """The rows under the answered one, each with its own figure."""
    notes = "；".join(f"{short_label(f)}为{amount(f.text, f.value, f.unit)}" for f in facts)
    return f"其中：{notes}。"


def other_readings(facts: list[Fact]) -> str:
    """Other rows the question may mean, each with its own figure."""
    notes = "；".join(f"“{f.label}”为{amount(f.text, f.value, f.unit)}" for f in facts)
    return f"若问的是其他口径：{notes}。"


def not_found(reason: str, missing: list[str], covered: str) -> str:
    """Why the report cannot answer, and what it does cover."""
    words = "、".join(f"“{m}”" for m in missing[:3])
    if reason == "unknown_department":
        return f"抱歉，已索引的报告中没有{words}的报告，无法回答。{covered}"
    if reason == "unknown_year":
        asked = "、".join(m for m in missing if m.endswith("年"))
        known = "、".join(f"{m}年" for m in missing if not m.endswith("年"))
        return (
            f"抱歉，已索引的报告中没有{asked}的数字（可查询的年度：{known}），无法回答。{covered}"
        )
    if reason == "unknown_report":
        return f"抱歉，索引中没有编号为 {words} 的报告。{covered}"
    why = {
        "low_coverage": f"报告中没有找到{words}对应的数字" if words else "报告中没有找到对应的数字",
        "no_fact": "报告中没有找到与该问题对应的数字或说明",
        "no_subject": "问题中没有说明想了解哪一项收支（例如“公务接待费”“基本支出”）",
        "measure_conflict": "报告中没有该口径的数字（例如预算报告不含决算数）",
        "period_conflict": "报告中没有该年度的这个数字",
        "unit_mismatch": "报告中没有以该单位（百分比或数量）表示的这个数字",
    }.get(reason, "报告中没有找到与该问题对应的数字")
    return f"抱歉，{why}，无法回答。{covered}"


def covered_reports(titles: list[str]) -> str:
    return "目前可查询的报告有：" + "、".join(f"《{t}》" for t in titles) + "。"


def formula(label: str, parts: list[tuple[str, str]], op: str, result: str) -> str:
    """'三公经费预算数 104.77万元 − 决算数 100.44万元 = 4.33万元'."""
    joined = f" {op} ".join(f"{name} {shown}" for name, shown in parts)
    return f"{label}：{joined} = {result}。"
