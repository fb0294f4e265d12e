"""Zero stated in words: ``本部门 2024 年度无政府性基金预算财政拨款支出`` says that spending is 0
without printing a figure. The word (无 / 没有 / 未安排) is the figure's text.

Only a clause where nothing but who and when stands before the word states an absence
(``中共…社会工作部 2024 年度无…``, ``说明：…本年度没有…``); never a definition (``…：指``), a
reason (``主要原因是无公务用车``), a condition (``如本表为空，则…无此类资金``, ``无…的，仍保留``)
or a vague phrase (此项, 相关).
"""

from __future__ import annotations

import re
from dataclasses import replace

from indexer.sentence_grammar import (
    LIMITS,
    REASON,
    ZERO,
    Lead,
    W,
    alt,
    chars,
    clean_label,
    read_lead,
    squash_span,
)

ABSENCE = re.compile(alt(W["absence_words"]))
DEFINITION = re.compile(alt(W["definition_marks"]))
_VAGUE = re.compile(alt(W["absence_vague"]))
_HEAD = re.compile(rf"(?:{alt(W['absence_heads'])})$")
_JOINER = re.compile(f"[{chars(W['absence_joiners'])}]")
_COUNTED = re.compile(rf"(?:{alt(W['counted_heads'])})$")


def find_absence(
    text: str, depth: list[int], cs: int, ce: int, level: int, sentence_start: int
) -> tuple[re.Match, list[Lead]] | None:
    """The absence word of the clause ``text[cs:ce]`` (at bracket ``level``) and what it says
    is absent, or None when the clause states no absence."""
    if DEFINITION.search(text):
        return None
    for m in ABSENCE.finditer(text, cs, ce):
        if depth[m.start()] != level or ZERO.match(text, m.start()):
            continue  # 无变化 is a 持平 word
        before, before_masked = squash_span(text, depth, cs, m.start(), level)
        if clean_label(before, before_masked) or REASON.search(text, sentence_start, m.start()):
            return None
        items = absent_items(*squash_span(text, depth, m.end(), ce, level))
        return (m, items) if items else None
    return None


def absent_items(text: str, masked: str) -> list[Lead]:
    """What follows the word (whitespace removed), item by item: ``政府性基金预算财政拨款收入和
    支出`` → …收入 and …支出 (a bare head word takes the first item's stem); a measure word at
    the end is every item's (``无“三公”经费和机关运行经费预算``)."""
    n = len(masked.rstrip(W["sentence_ends"]))
    text, masked = text[:n], masked[:n]
    if not masked or len(masked) > LIMITS["max_absent_chars"]:
        return []
    if masked.endswith(W["of_word"]) or _VAGUE.match(masked):
        return []
    cuts = [m.start() for m in _JOINER.finditer(masked) if _HEAD.search(masked[: m.start()])]
    bounds = list(zip([0, *(c + 1 for c in cuts)], [*cuts, len(masked)], strict=True))
    first = _HEAD.search(masked[: bounds[0][1]])
    out = []
    for a, b in bounds:
        part, part_masked = text[a:b], masked[a:b]
        if first and a and part_masked in W["absence_heads"]:
            part, part_masked = text[: first.start()] + part, masked[: first.start()] + part_masked
        lead = read_lead(part, part_masked, None)
        if lead.label and lead.label not in W["generic_labels"]:
            measure = "count" if _COUNTED.search(lead.label) else lead.measure
            out.append(Lead(lead.label, measure, measure_word=lead.measure_word))
    if out and (last := out[-1]).measure_word:
        out = [replace(x, measure=last.measure, measure_word=last.measure_word)
               if x.measure == "amount" else x for x in out]  # fmt: skip
    return out
