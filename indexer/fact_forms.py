"""What a fact is compared on: its subject, leaf label, context and table scope in compared
form (:func:`indexer.compared_text.normalize`), and its labels.

Computed once per fact when the index is written (:mod:`indexer.fact_table` stores them with
the facts), so the QA engine reads a report's facts without normalising any text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from indexer.cell_facts import report_words
from indexer.compared_text import normalize
from indexer.facts import Fact

TOTAL_WORDS = ("合计", "总计", "小计")
_FIGURE = re.compile(r"\d[\d,]*(?:\.\d+)?\s*(?:%|万元|元|亿元|辆|台|个|人|分|次|批次|项|家|套)")


@dataclass(frozen=True)
class FactForms:
    """A fact's compared forms."""

    subject: str  # row path and column qualifiers
    leaf: str  # the most specific part of the subject that is not a total word
    context: str  # table name / section / sentence (and what a change compares with)
    scope: tuple[str, ...]  # narrowing words of the table title or parent rows not in the label


def fact_forms(fact: Fact) -> FactForms:
    """The compared forms of one fact."""
    parts = [p for p in (*fact.row, *fact.column) if p]
    subject = normalize("›".join(parts))
    named = [normalize(p) for p in fact.row if p and normalize(p) not in TOTAL_WORDS]
    # a total row's figure is named by its column (合计 › 人员经费)
    if (fact.row and normalize(fact.row[-1]) in TOTAL_WORDS) or not named:
        named = [normalize(p) for p in fact.column if normalize(p) not in TOTAL_WORDS] or named
    leaf = named[-1] if named else ""
    context = normalize("›".join(fact.context))
    title = normalize(fact.context[0]) if fact.context and fact.origin == "cell" else ""
    # a narrowing word of the table title or of a parent row (财政拨款支出 › 支出总计) that the
    # fact's own label and columns do not repeat
    parents = fact.row[:-1] if fact.origin == "cell" else ()
    narrowed = title + "›".join(normalize(p) for p in parents)
    own = leaf + "›".join(normalize(p) for p in fact.column)
    scope = tuple(w for w in report_words().scope if w in narrowed and w not in own)
    if fact.base:
        context += "›" + normalize("›".join(fact.base))
    if fact.origin == "sentence" and len(_FIGURE.findall(fact.quote)) == 1:
        # its only figure: the whole sentence is about it, but for a list of uses after it
        stated, uses = _split_uses(fact.quote, fact.text)
        context += "›" + normalize(stated) + (USES_MARK + normalize(uses) if uses else "")
    return FactForms(subject, leaf, context, scope)


_USES = re.compile(r"(主要)?用于")
USES_MARK = "›用于:"  # in a context, what follows lists the uses of the sentence's figure


def _split_uses(quote: str, figure: str) -> tuple[str, str]:
    """The sentence and, apart, a list of uses after its figure (…12,789万元，主要用于人员经费、
    公用经费等基本支出，…等项目支出): the uses explain the figure but are not its subject."""
    at = quote.find(figure)
    uses = _USES.search(quote, at + len(figure)) if at >= 0 else None
    if uses is None:
        return quote, ""
    listed = quote[uses.end() :]
    return (quote[: uses.start()], listed) if "、" in listed or "等" in listed else (quote, "")


def fact_labels(facts: list[Fact]) -> set[str]:
    """Every row/column label and sentence subject of ``facts``, compared form: the
    report's own words."""
    return {normalize(p) for f in facts for p in (*f.row, *f.column) if p}
