"""Narrowing a list of close figures (``ambiguous``) to the one the question singles out by
words the scorer does not weigh: 本级 (the department's own unit among its units) and an
amount the asker quotes to point at a record (下达了621万多的那项, 预算15万元的项目).
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from indexer.store import ReportInfo
from qa.fact_store import ReportFacts
from qa.frame import Frame
from qa.gate import MONEY_IN_YUAN, Decision, Reason, in_yuan, to_yuan
from qa.scorer import Scored
from qa.vocabulary import base_vocabulary, normalize


def narrowed(decision: Decision, frame: Frame, info: ReportInfo, facts: ReportFacts) -> Decision:
    """``decision`` answered with the one listed figure the question singles out, if any."""
    if decision.status != "ambiguous":
        return decision
    for keep in (_own_unit(frame, info), _pointed_at(frame, facts)):
        if keep is None:
            continue
        kept = [s for s in decision.chosen if keep(s)]
        if len(kept) == 1:
            return replace(decision, status="answered", reason=Reason.OK, chosen=(kept[0],))
    return decision


def _own_unit(frame: Frame, info: ReportInfo):
    """本级 among units listed alike (each unit's 整体绩效 score): the department's own unit,
    the one its report is named after."""
    if not any(w in frame.text for w in base_vocabulary().own_unit_words):
        return None
    name = normalize(info.department)

    def own(s: Scored) -> bool:
        return any(name.endswith(normalize(p)) and len(normalize(p)) >= 4 for p in s.fact.row[:1])

    return own


def _pointed_at(frame: Frame, facts: ReportFacts):
    """An amount the question quotes (621万多, 15万元) picks the record that states it: a unit
    or project whose own figures include it."""
    hints = [to_yuan(v, "万元" if u == "万" else u) for v, u in frame.numbers
             if u in MONEY_IN_YUAN or u == "万"]  # fmt: skip
    if not hints:
        return None

    def states_hint(s: Scored) -> bool:
        owner = (s.fact.context[:1], s.fact.row[:1])
        return any(
            (v.fact.context[:1], v.fact.row[:1]) == owner and _near(in_yuan(v.fact), hints)
            for v in facts.views
            if v.fact.unit in MONEY_IN_YUAN
        )

    return states_hint


def _near(amount: Decimal, hints: list[Decimal]) -> bool:
    """The amount is a quoted one, or begins with it (621万多 for 621.47万元)."""
    return any(h <= amount < h * Decimal("1.01") + 1 for h in hints)
