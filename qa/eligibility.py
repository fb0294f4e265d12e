"""Which facts may answer a question at all: the coverage rule and the words a figure must
not contradict (another threshold, another batch, a table scope the question does not name,
a name quoted otherwise, an indicator the question does not name). It is the
gate's first filter (:class:`Eligibility`); ranking then only orders what passes it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from indexer.facts import Fact
from qa.features import MONEY_UNITS, Query, named_beyond_uses, run_coverage
from qa.frame import Term
from qa.scorer import Scored
from qa.vocabulary import base_vocabulary, normalize


@dataclass(frozen=True)
class Eligibility:
    """What a question asks of every fact before any figure may answer, worked out once per
    question: ``fits(scored)`` for each ranked fact."""

    query: Query
    thresholds: dict
    strict: tuple[Term, ...]  # whole-region words (全区) a fact must explain in full
    ordinals: frozenset[tuple[str, str]]  # 第一批, 第二季度
    quoted: tuple[Term, ...]  # names the question quotes, in any clause
    amounts: frozenset[tuple[Decimal, str]]  # 单价50万元以上

    @classmethod
    def of(cls, query: Query, thresholds: dict) -> Eligibility:
        frame = query.frame
        strict_words = base_vocabulary().strict_words
        return cls(
            query,
            thresholds,
            tuple(term for term in frame.required if term.text in strict_words),
            frozenset(_ordinals(frame.text)),
            tuple(t for t in frame.terms if t.text in frame.quoted and not t.negated),
            frozenset((v, u) for v, u in frame.numbers if u in MONEY_UNITS),
        )

    def __call__(self, s: Scored) -> bool:
        """The fact explains the asked words (and the asked thing itself), every whole-region
        word, and contradicts none of the question's qualifiers."""
        query, t, head = self.query, self.thresholds, self.query.frame.head
        return (
            s.values["required_coverage"] >= t["min_required_coverage"]
            and (head is None or query.explain(head, s.view)[1] >= t["min_head_coverage"])
            and all(query.explain(term, s.view)[1] >= 1 for term in self.strict)
            and not _other_threshold(self.amounts, s.fact)
            and not _other_ordinal(self.ordinals, s.fact)
            and not _unasked_scope(query, s)
            and named_beyond_uses(query, s.view)
            and _quoted_as_written(self.quoted, s)
            and (not s.fact.indicator or _indicator_named(query, s) >= t["min_indicator_named"])
        )


_ORDINAL = re.compile(r"第([一二三四五六七八九十\d]+)(批|期|阶段|轮)|第?([一二三四1-4])(季度)")


def _ordinals(text: str) -> set[tuple[str, str]]:
    return {(m[0] or m[2], m[1] or m[3]) for m in _ORDINAL.findall(text)}


def _other_ordinal(asked: frozenset[tuple[str, str]], fact: Fact) -> bool:
    """The question names one of a series (第一批, 第二季度) that the fact does not name: its
    figure is another batch's, or the whole series'."""
    return bool(asked) and not asked <= _ordinals("".join((*fact.row, *fact.column, fact.quote)))


_PATH_PARTS = re.compile(r"[—\-–›>/·]+")  # 财政事务—行政运行: a path, each part as written


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


def _quoted_as_written(quoted: tuple[Term, ...], s: Scored) -> bool:
    """A name the question quotes (“其他城乡社区支出”), in any clause, stands in the fact as
    written, not in pieces (其他城乡社区住宅支出)."""
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


def _other_threshold(asked: frozenset[tuple[Decimal, str]], fact: Fact) -> bool:
    """The question names an amount (单价50万元以上) and the fact's labels another one
    (单价100万元以上): a figure of another threshold."""
    if not asked:
        return False
    labelled = {(Decimal(v), u) for label in (*fact.row, *fact.column)
                for v, u in _LABEL_AMOUNT.findall(label)}  # fmt: skip
    return bool(labelled) and not asked & labelled
