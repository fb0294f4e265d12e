"""Budget tables recognised by title (or 公开NN表 code).

The nine standard tables of a 决算 or 预算 report, and the further tables some provinces
publish (财政拨款支出, 机关运行经费, 政府采购).
"""

from __future__ import annotations

import re

from indexer.numbers import squash

# The start of a title, before the table's name: an optional year and 部门/单位 ("2019年部门").
_START = r"^(?:20\d{2}年度?)?(?:部门|单位)?"
# key, Chinese name, title patterns (regular expressions searched in the normalised title);
# the first key with a matching pattern wins, so more specific tables come first.
STANDARD_TABLES: list[tuple[str, str, tuple[str, ...]]] = [
    (
        "fiscal_summary",
        "财政拨款收入支出总表",
        ("财政拨款收入支出决算总表", "财政拨款收支预算总表"),
    ),
    (
        "income_expenditure_summary",
        "收入支出总表",
        ("收入支出决算总表", "财务收支预算总表", "收支预算总表"),
    ),
    ("income", "收入表", ("收入决算表", "收入预算总表")),
    ("fiscal_basic_expenditure", "财政拨款基本支出表", (_START + "财政拨款基本支出",)),
    (
        "basic_expenditure",
        "一般公共预算基本支出表",
        ("基本支出决算表", "基本支出部门预算经济分类预算表", "基本支出预算表"),
    ),
    (
        "general_budget_expenditure",
        "一般公共预算支出表",
        (
            "一般公共预算财政拨款支出决算表",
            "一般公共预算支出功能分类预算表",
            "一般公共预算支出预算表",
            "一般公共预算财政拨款支出预算表",
        ),
    ),
    ("fiscal_expenditure", "财政拨款支出表", (_START + "财政拨款支出",)),
    ("gov_fund", "政府性基金预算表", ("政府性基金预算", "政府性基金支出")),
    ("state_capital", "国有资本经营预算表", ("国有资本经营预算",)),
    ("sangong", "“三公”经费表", ("三公",)),
    ("office_running", "机关运行经费表", ("机关运行经费",)),
    ("procurement", "政府采购预算表", ("政府采购",)),
    ("expenditure", "支出表", ("支出决算表", "支出预算总表")),
]
# The nine tables every 决算/预算 report publishes (the others are published in some places).
STANDARD_KEYS = [
    "fiscal_summary",
    "income_expenditure_summary",
    "income",
    "basic_expenditure",
    "general_budget_expenditure",
    "gov_fund",
    "state_capital",
    "sangong",
    "expenditure",
]
PERFORMANCE_TABLES: list[tuple[str, tuple[str, ...]]] = [
    ("unit_perf", ("整体绩效自评表", "整体支出绩效自评表")),
    ("project_perf", ("项目(政策)绩效自评表", "项目（政策）绩效自评表", "项目支出绩效自评表")),
]
# 公开NN表 codes of a 决算 report, in the order the national template prints them
_CODE_ORDER = [
    "income_expenditure_summary",
    "income",
    "expenditure",
    "fiscal_summary",
    "general_budget_expenditure",
    "basic_expenditure",
    "sangong",
    "gov_fund",
    "state_capital",
]


def classify_table(title: str, code: str | None = None) -> str | None:
    """The table's key (e.g. ``"sangong"``), ``"unit_perf"``/``"project_perf"``, or None.

    Titles are compared squashed, without quotes, with half-width brackets.
    """
    s = squash(title).replace("（", "(").replace("）", ")")
    s = re.sub(r'[“”"]', "", s)
    for key, patterns in PERFORMANCE_TABLES:
        if any(p.replace("（", "(").replace("）", ")") in s for p in patterns):
            return key
    if "绩效" in s:
        return None
    for key, _, patterns in STANDARD_TABLES:
        if any(re.search(p, s) for p in patterns):
            return key
    if code and (m := re.search(r"(\d+)", code)):
        n = int(m.group(1))
        if 1 <= n <= len(_CODE_ORDER):
            return _CODE_ORDER[n - 1]
    return None
