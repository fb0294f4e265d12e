"""Which facts may answer a question at all: the coverage rule and the words a figure must
not contradict (another threshold, another batch, a table scope the question does not name,
a name quoted otherwise, an indicator the question does not name). :func:`answers` is the
gate's first filter; ranking then only orders what passes it.
"""

from __future__ import annotations

import re
from decimal import Decimal

from indexer.facts import INDICATOR_COLUMNS, Fact
from qa.features import Query, named_beyond_uses, run_coverage
from qa.scorer import Scored
from qa.vocabulary import base_vocabulary, normalize

MONEY_UNITS = ("元", "千元", "万元", "亿元")


def answers(query: Query, s: Scored, t: dict) -> bool:
    """The fact explains the asked words (and the asked thing itself), every whole-region
    word, and contradicts none of the question's qualifiers."""
    head = query.frame.head
    strict = [term for term in query.frame.required if term.text in base_vocabulary().strict_words]
    return (
        s.values["required_coverage"] >= t["min_required_coverage"]
        and (head is None or query.explain(head, s.view)[1] >= t["min_head_coverage"])
        and all(query.explain(term, s.view)[1] >= 1 for term in strict)
        and not _other_threshold(query, s.fact)
        and not _other_ordinal(query, s.fact)
        and not _unasked_scope(query, s)
        and named_beyond_uses(query, s.view)
        and _quoted_as_written(query, s)
        and (not _indicator(s.fact) or _indicator_named(query, s) >= t["min_indicator_named"])
    )


_ORDINAL = re.compile(r"第([一二三四五六七八九十\d]+)(批|期|阶段|轮)|第?([一二三四1-4])(季度)")


def _ordinals(text: str) -> set[tuple[str, str]]:
    return {(m[0] or m[2], m[1] or m[3]) for m in _ORDINAL.findall(text)}


def _other_ordinal(query: Query, fact: Fact) -> bool:
    """The question names one of a series (第一批, 第二季度) that the fact does not name: its
    figure is another batch's, or the whole series'."""
    asked = _ordinals(query.frame.text)
    return bool(asked) and not asked <= _ordinals("".join((*fact.row, *fact.column, fact.quote)))


_PATH_PARTS = re.compile(r"[—\-–›>/·]+")  # 财政事务—行政运行: a path, each part as written


def _indicator(fact: Fact) -> bool:
    """A 绩效 indicator's own figure (年度指标值, 实际完成值, 指标得分)."""
    return fact.origin == "record" and bool(fact.column) and fact.column[0] in INDICATOR_COLUMNS


def _indicator_named(query: Query, s: Scored) -> float:
    """How much of an indicator's own name the question's words name, beyond the words it
    shares with its project (声环境自动监测设备每套价格 of 功能区声环境自动监测系统建设:
    设备每套价格)."""
    leaf, owner = s.view.leaf, normalize(s.fact.row[0]) if s.fact.row else ""
    own = [False] * len(leaf)
    for i in range(len(leaf) - 1):
        for j in range(len(leaf), i + 1, -1):
            if leaf[i:j] in owner:
                own[i:j] = [True] * (j - i)
                break
    masked = "".join("\x00" if o else c for c, o in zip(leaf, own, strict=True))
    parts = re.findall(r"[^\x00]+", masked)
    if not parts:
        return run_coverage(leaf, query.frame.text)
    total = sum(len(p) for p in parts)
    return sum(len(p) * run_coverage(p, query.frame.text) for p in parts) / total


def _quoted_as_written(query: Query, s: Scored) -> bool:
    """A name the question quotes (“其他城乡社区支出”), in any clause, stands in the fact as
    written, not in pieces (其他城乡社区住宅支出)."""
    quoted = [t for t in query.frame.terms if t.text in query.frame.quoted and not t.negated]
    # a sentence names its figure in its subject; its context is the whole paragraph
    where = s.view.subject
    if s.fact.origin != "sentence":
        where += "｜" + s.view.context
    return all(
        any(all(part in where for part in _PATH_PARTS.split(form) if part) for form in t.forms)
        for t in quoted
    )


def _unasked_scope(query: Query, s: Scored) -> bool:
    """The fact's table is of a scope the question must name and does not (a 政府采购预算表
    row named 公务用车运行维护费 asked as spending)."""
    scopes = base_vocabulary().strict_scopes
    return any(
        w in scope and not any(x in query.named_text for x in said)
        for scope in s.view.scope
        for w, said in scopes.items()
    )


_LABEL_AMOUNT = re.compile(r"(\d+(?:\.\d+)?)\s*(万元|亿元|元)")


def _other_threshold(query: Query, fact: Fact) -> bool:
    """The question names an amount (单价50万元以上) and the fact's labels another one
    (单价100万元以上): a figure of another threshold."""
    asked = {(v, u) for v, u in query.frame.numbers if u in MONEY_UNITS}
    if not asked:
        return False
    labelled = {(Decimal(v), u) for label in (*fact.row, *fact.column)
                for v, u in _LABEL_AMOUNT.findall(label)}  # fmt: skip
    return bool(labelled) and not asked & labelled
