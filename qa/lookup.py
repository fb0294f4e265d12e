"""Deterministic lookups: table rows × columns, performance records, and aggregates."""

from __future__ import annotations

import re
from decimal import Decimal
from functools import lru_cache

from qa.answer import Citation, Figure
from qa.candidates import Candidate, fmt_value, plain
from qa.knowledge import CellRec, FigureRec, ProjectRec, ReportKnowledge, RowRec
from qa.matching import contained, coverage, key_match, longest_common, loose
from qa.understand import Intent, normalize

TOTAL_KEYS = {"合计", "总计", "小计"}
# a figure of the same row that is also worth stating, by column word
_TABLE_PRIORITY = {
    "sangong": 6,
    "basic_expenditure": 5,
    "general_budget_expenditure": 4,
    "expenditure": 3,
    "income": 2,
    "income_expenditure_summary": 2,
    "fiscal_summary": 1,
}


def _citation(report_title: str, report_id: str, locator: str, quote: str, page, bbox, kind):
    return Citation(report_title, page, locator, quote, report_id, bbox, kind)


# ---------------------------------------------------------------- table rows


_BUDGET_COLUMN = re.compile(r"预算数|年初预算|预算金额|全年预算|^预算$|预算安排")


def is_budget_column(leaf: str) -> bool:
    """预算数 / 年初预算 columns, not funding sources such as 一般公共预算财政拨款."""
    return bool(_BUDGET_COLUMN.search(leaf)) and "决算" not in leaf


def _cell_score(cell: CellRec, intent: Intent, report_kind: str, first: bool) -> float:
    leaf = normalize(cell.leaf)
    path = normalize(cell.column_path)
    if leaf in ("行次", "栏次"):
        return -99
    s = 0.0
    if is_budget_column(leaf):
        s += 3 if intent.wants("budget") else (-2 if intent.wants("actual") else -1)
        if report_kind == "预算" and not intent.wants("actual"):
            s += 2
    if "决算" in leaf:
        s += 2 if not intent.wants("budget") else -2
    if any(w in leaf for w in ("合计", "小计", "总计", "金额")):
        s += 1
    elif first and "决算" not in leaf and not is_budget_column(leaf):
        s += 1  # the table's first figure column when none is named
    if len(leaf) >= 2 and contained(leaf, intent) and leaf not in TOTAL_KEYS:
        s += 1 + len(leaf)
    elif len(path) >= 2 and any(seg and contained(seg, intent) for seg in path.split("›")):
        s += 0.5
    if not cell.text:
        s -= 0.5
    return s


def choose_cell(row: RowRec, intent: Intent, report_kind: str) -> tuple[CellRec | None, float]:
    """The column of ``row`` the question asks for, with its score."""
    best, best_s = None, -99.0
    for i, c in enumerate(row.cells):
        s = _cell_score(c, intent, report_kind, i == 0)
        if s > best_s:
            best, best_s = c, s
    return best, best_s


def row_locator(row: RowRec, cell: CellRec) -> str:
    parts = [row.table.name]
    if row.group:
        parts.append(row.group)
    parts.append(f"{row.code} {row.label}" if row.code else row.label)
    column = cell.column_path
    if row.group and column.startswith(row.group + " › "):
        column = column[len(row.group) + 3 :]
    parts.append(column)
    return " › ".join(parts)


def table_candidates(kb: ReportKnowledge, intent: Intent) -> list[Candidate]:
    """Score every (row × column) of the standard tables against the question."""
    out = []
    title = kb.info.title
    named_tables = {
        t.id for t in {r.table.id: r.table for r in kb.rows}.values()
        if longest_common(_topic(t.title), intent.expanded) >= 4
    }  # fmt: skip
    for row in kb.rows:
        m = key_match(row.key, intent)
        if m == 0 and row.key in TOTAL_KEYS and row.table.id in named_tables:
            m = 1.0  # "三公经费的预算是多少": the total row of the table the question names
        if m == 0:
            continue
        ctx = 1.25 * sum(
            key_match(a, intent) for a in row.ancestors if a not in row.key and row.key not in a
        )  # a parent named in the question (污染防治 › 大气), not the row's own words again
        if row.group and contained(normalize(row.group), intent):
            ctx += len(row.group)
        tlcs = longest_common(_topic(row.table.title), intent.expanded)
        ctx += 0.5 * tlcs if tlcs >= 2 else 0
        if row.key in TOTAL_KEYS and ctx < 2:
            continue
        cell, cs = choose_cell(row, intent, kb.info.kind)
        if cell is None or cs <= -99:
            continue
        if (
            intent.wants("budget")
            and kb.info.kind == "决算"
            and not is_budget_column(normalize(cell.leaf))
        ):
            continue  # a 决算 row without a 预算数 column states no budget figure
        ctx -= _side_penalty(row.table.kind, intent)
        score = 2 * m + ctx + 0.5 * cs + 0.1 * _TABLE_PRIORITY.get(row.table.kind or "", 0)
        subject = row.key if row.key not in TOTAL_KEYS else f"{_topic(row.table.title)}{row.key}"
        year = f"{kb.info.year}年度" if kb.info.year else ""
        col = cell.leaf or cell.column_path
        if cell.text:
            value, unit = cell.value, cell.unit
            answer = f"{year}{_clean_label(row)}{col}为{fmt_value(cell.text, cell.unit)}"
            others = [
                f"{c.leaf}{fmt_value(c.text, c.unit)}"
                for c in row.cells
                if c is not cell and c.text and c.value is not None and c.leaf not in ("行次",)
            ][:2]
            answer += f"（{'，'.join(others)}）。" if others else "。"
            empty = False
        else:
            value, unit = Decimal(0), row.table.unit
            answer = f"{year}{_clean_label(row)}{col}在表中为空，即无此项支出（0{unit or ''}）。"
            empty = True
        if value is None:
            continue
        cit = _citation(title, kb.info.id, row_locator(row, cell), row.quote,
                        cell.page or row.page, cell.bbox, "cell")  # fmt: skip
        named = "".join([*row.ancestors, row.key, normalize(row.group or ""), normalize(col)])
        if row.table.id in named_tables:
            named += _topic(row.table.title)
        out.append(
            Candidate(
                score, "table", value, unit, f"{_clean_label(row)} {col}", answer, [cit],
                [Figure(f"{_clean_label(row)} {col}", value, unit)], subject, empty,
                coverage(named, intent),
            )
        )  # fmt: skip
    out.sort(key=lambda c: -c.score)
    return out


def _side_penalty(kind: str | None, intent: Intent) -> float:
    """An income table answering a 支出 question (or the reverse) is a weaker source."""
    if kind == "income" and "支出" in intent.text and "收入" not in intent.text:
        return 2.0
    if kind == "expenditure" and "收入" in intent.text and "支出" not in intent.text:
        return 2.0
    return 0.0


@lru_cache(maxsize=1024)
def _topic(title: str) -> str:
    """A table title without the words every title shares (财政拨款, 决算表, …)."""
    t = normalize(title)
    for w in ("一般公共预算", "财政拨款", "决算表", "预算表", "决算", "预算", "总表", "收入支出"):
        t = t.replace(w, "")
    return t


def _clean_label(row: RowRec) -> str:
    if row.key in TOTAL_KEYS:
        return f"{row.table.title.replace('决算表', '').replace('预算表', '')}{row.key}"
    return row.key


# ---------------------------------------------------------------- performance records

_PROJECT_FIELDS = [
    ("rate", ("执行率", "完成率")),
    ("score", ("得分", "评分", "分数")),
    ("budget", ("预算",)),
    ("executed", ("执行", "花", "支出", "用了", "实际")),
]
_UNIT_FIELDS = [
    ("budget_income", ("预算收入", "收入")),
    ("budget_expenditure", ("预算支出", "支出")),
    ("score", ("得分", "评分", "分数")),
]
_FIELD_NAMES = {
    "rate": "执行率",
    "score": "自评得分",
    "budget": "预算金额",
    "executed": "全年执行数",
    "budget_income": "年初预算收入",
    "budget_expenditure": "年初预算支出",
}


def _field(intent: Intent, fields) -> str | None:
    for name, words in fields:
        if any(w in intent.text for w in words):
            return name
    return None


def _record_candidate(kb, rec, field: str, score: float, who: str) -> Candidate | None:
    fig: FigureRec | None = rec.figures.get(field)
    if fig is None or fig.value is None:
        return None
    label = f"{rec.name} {_FIELD_NAMES[field]}"
    table = rec.table
    loc = f"{table.title} › {rec.name}{who} › {_FIELD_NAMES[field]}"
    cit = _citation(kb.info.title, kb.info.id, loc, f"{rec.name} {_FIELD_NAMES[field]} {fig.text}",
                    fig.page or rec.page, fig.bbox, "record")  # fmt: skip
    answer = f"{rec.name}{who}的{_FIELD_NAMES[field]}为{fmt_value(fig.text, fig.unit)}。"
    cits = [cit]
    stated = _stated_in_narrative(kb, rec, field)
    if stated is not None:
        para = stated[2]
        cits.append(Citation(kb.info.title, para.page, " › ".join(para.section) or rec.name,
                             para.text[:160], kb.info.id, para.bbox, "paragraph"))  # fmt: skip
    figures = [Figure(label + who, fig.value, fig.unit)]
    if stated is not None and stated[1] != fig.value:
        answer += f"注意：报告正文写的是{fmt_value(stated[0], fig.unit)}，与自评表不一致。"
        figures.append(Figure(f"{label}（正文）", stated[1], fig.unit))
    return Candidate(score, "table", fig.value, fig.unit, label, answer, cits, figures, rec.key,
                     coverage=len(rec.key))  # fmt: skip


_NARRATIVE_FIELD = {
    "rate": re.compile(r"完成预算的\s*(-?[\d.]+)\s*%"),
    "score": re.compile(r"自评得\s*分?\s*(-?[\d.]+)\s*分"),
    "budget": re.compile(r"全年预算数为\s*(-?[\d.]+)\s*万?元"),
    "executed": re.compile(r"全年执行数为\s*(-?[\d.]+)\s*万?元"),
}


def _stated_in_narrative(kb: ReportKnowledge, rec, field: str):
    """The project's own summary paragraph ("(23) …项目自评综述：…完成预算的 36.55%") and the
    figure it states for ``field``; None unless exactly one paragraph names the project."""
    pattern = _NARRATIVE_FIELD.get(field)
    if pattern is None or not isinstance(rec, ProjectRec):
        return None
    name = loose(rec.key)
    hits = [
        i for i, p in enumerate(kb.paragraphs) if name and name in loose(normalize(p.text[:80]))
    ]
    if len(hits) != 1:
        return None
    for para in kb.paragraphs[hits[0] : hits[0] + 2]:
        if m := pattern.search(para.text):
            text = m.group(1) + ("%" if field == "rate" else "")
            return text, Decimal(m.group(1)), para
    return None


def _implementer(p: ProjectRec) -> str:
    return f"（{p.implementer.rstrip('-')}）" if p.implementer else ""


def project_candidates(kb: ReportKnowledge, intent: Intent) -> list[Candidate]:
    """Projects the question names (by the longest common part of the name)."""
    field = _field(intent, _PROJECT_FIELDS)
    if field is None:
        return []
    out = []
    question = loose(intent.text)
    for p in kb.projects:
        name = loose(p.key)
        lcs = longest_common(name, question)
        if lcs < 4 or lcs < 0.6 * len(name):
            continue
        score = 2 * lcs + (2 if "项目" in intent.text else 0) + 2
        c = _record_candidate(kb, p, field, score, _implementer(p))
        if c:
            out.append(c)
    out.sort(key=lambda c: -c.score)
    return out


def unit_candidates(kb: ReportKnowledge, intent: Intent) -> list[Candidate]:
    """Units (部门（单位）整体绩效) the question names."""
    field = _field(intent, _UNIT_FIELDS)
    if field is None:
        return []
    out = []
    for u in kb.units:
        lcs = longest_common(u.key, intent.text)
        if lcs < 4:
            continue
        score = 2 * lcs + (3 if u.key in intent.text else 0) + 2
        c = _record_candidate(kb, u, field, score, "")
        if c:
            out.append(c)
    out.sort(key=lambda c: -c.score)
    return out


# ---------------------------------------------------------------- aggregates


def _sum_candidate(kb: ReportKnowledge, records, kind: str, field: str) -> list[Candidate]:
    """所有项目的预算金额加起来: the sum over every record, with the formula's size stated."""
    figs = [(r, r.figures[field]) for r in records if field in r.figures]
    figs = [(r, f) for r, f in figs if f.value is not None and not f.text.endswith("%")]
    if not figs:
        return []
    total = sum((f.value for _, f in figs), Decimal(0))
    unit = figs[0][1].unit
    name = _FIELD_NAMES[field]
    answer = (
        f"{len(figs)} 个{kind}的{name}合计为 {plain(total)}{unit or ''}"
        f"（{' + '.join(f.text for _, f in figs[:6])}{' + …' if len(figs) > 6 else ''}）。"
    )
    cits = [
        _citation(kb.info.title, kb.info.id, f"{r.table.title} › {r.name} › {name}",
                  f"{r.name} {name} {f.text}", f.page or r.page, f.bbox, "record")
        for r, f in figs
    ]  # fmt: skip
    figures = [Figure(f"{kind}{name}合计", total, unit)]
    return [Candidate(14.0, "computed", total, unit, figures[0].label, answer, cits, figures,
                      f"{kind}{name}合计")]  # fmt: skip


_THRESHOLD = re.compile(
    r"(低于|小于|少于|不足|高于|大于|超过|多于)(\d+(?:\.\d+)?)|(\d+(?:\.\d+)?)分?(以下|以上)"
)


def _threshold(text: str):
    """(comparison, limit, words) for 得分低于60分 / 60分以上, else None."""
    m = _THRESHOLD.search(text)
    if not m:
        return None
    word = m.group(1) or m.group(4)
    limit = Decimal(m.group(2) or m.group(3))
    below = word in ("低于", "小于", "少于", "不足", "以下")
    return ((lambda v, x: v < x) if below else (lambda v, x: v > x)), limit, word


def aggregate_candidates(kb: ReportKnowledge, intent: Intent) -> list[Candidate]:
    """max/min/count over project or unit records (哪个项目得分最低, 有几个单位)."""
    if "项目" in intent.text:
        records, kind, fields = kb.projects, "项目", _PROJECT_FIELDS
    elif "单位" in intent.text:
        records, kind, fields = kb.units, "单位", _UNIT_FIELDS
    else:
        return []
    if not records:
        return []
    if intent.wants("max") or intent.wants("min"):
        field = _field(intent, fields) or "score"
        vals = [(r, r.figures[field]) for r in records if field in r.figures]
        vals = [(r, f) for r, f in vals if f.value is not None]
        if not vals:
            return []
        pick = min if intent.wants("min") else max
        target = pick(f.value for _, f in vals)
        hits = [(r, f) for r, f in vals if f.value == target]
        word = "最低" if intent.wants("min") else "最高"
        names = "、".join(
            f"{r.name}{_implementer(r) if isinstance(r, ProjectRec) else ''}" for r, _ in hits
        )
        f0 = hits[0][1]
        answer = (
            f"{_FIELD_NAMES[field]}{word}的{kind}是{names}，"
            f"{_FIELD_NAMES[field]}为{fmt_value(f0.text, f0.unit)}"
            f"（共比较 {len(vals)} 个{kind}）。"
        )
        cits = [
            _citation(kb.info.title, kb.info.id,
                      f"{r.table.title} › {r.name} › {_FIELD_NAMES[field]}",
                      f"{r.name} {_FIELD_NAMES[field]} {f.text}", f.page or r.page, f.bbox,
                      "record")
            for r, f in hits
        ]  # fmt: skip
        figs = [Figure(f"{r.name} {_FIELD_NAMES[field]}", f.value, f.unit) for r, f in hits]
        return [Candidate(30.0, "computed", target, f0.unit, figs[0].label, answer, cits, figs,
                          f"{word}{kind}")]  # fmt: skip
    if intent.wants("sum") and not intent.wants("count") and (field := _field(intent, fields)):
        return _sum_candidate(kb, records, kind, field)
    if intent.wants("count") and intent.count_unit in (None, "个"):
        title = records[0].table.title
        cond = _threshold(intent.text)
        if cond:
            field = _field(intent, fields) or "score"
            op, limit, words = cond
            records = [
                r for r in records
                if field in r.figures and r.figures[field].value is not None
                and op(r.figures[field].value, limit)
            ]  # fmt: skip
            where = f"{_FIELD_NAMES[field]}{words}{plain(limit)}的"
        else:
            where = ""
        n = len(records)
        if not records:
            return [Candidate(12.0, "computed", Decimal(0), "个", f"{kind}个数",
                              f"{where}{kind}共 0 个。", [], [], f"{kind}个数")]  # fmt: skip
        answer = f"{where}{kind}共有 {n} 个（按报告附件《{title}》逐表统计）。"
        cit = _citation(kb.info.title, kb.info.id, f"{title} › 共 {n} 张表",
                        "；".join(r.name for r in records[:5]) + "……", records[0].page, None,
                        "record")  # fmt: skip
        return [Candidate(12.0, "computed", Decimal(n), "个", f"{kind}个数", answer, [cit],
                          [Figure(f"{kind}个数", Decimal(n), "个")], f"{kind}个数")]  # fmt: skip
    return []
