"""Lists that go on across paragraphs: ``（二）支出总计 9491.05 万元，包括：`` followed by the
paragraphs ``1. 基本支出…`` and ``2. 项目支出…``, whose figures are parts of 支出总计.

A paragraph ending with an opener (其中： / 包括： / 具体情况如下：) opens a list under its last
level figure, or, when it ends with a run of sibling figures (A 1 万元；B 2 万元), under their
parent. The next paragraphs are its items while their numbering goes on (``1.`` → ``2.``,
``（一）`` → ``（二）``); unnumbered paragraphs right after the opener are items while they
state figures of the first item's unit family. A list ends with its section, at a paragraph
of its numbering that is not the next number, or when the paragraph right after the opener
is not its first item.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from indexer.sentence_grammar import CLOSING_OPENER, W, unit_family
from indexer.sentences import StatedFigure, parse_paragraph

LEVEL_MEASURES = ("amount", "budget", "actual", "executed", "count")
PLAIN = -1  # the numbering style of unnumbered items
ORDINAL_STYLES = [re.compile(p) for p in W["ordinal_styles"]]  # （1） （一） 1. 一、


@dataclass
class _OpenList:
    parent: tuple[str, ...]
    section: tuple[str, ...]
    style: int | None = None  # the items' numbering style, known from the first item
    last: int = 0  # the last item's number
    family: str | None = None  # unnumbered items: the first item's unit family


@dataclass
class ListContext:
    """The lists left open by the paragraphs read so far (innermost last)."""

    lists: list[_OpenList] = field(default_factory=list)

    def parent(self, text: str, section: tuple[str, ...]) -> tuple[tuple[str, ...], bool]:
        """The subject the paragraph ``text`` is an item of, ``()`` when none, and whether it
        is only tentative (an unnumbered paragraph: :meth:`settle` decides)."""
        self.lists = [x for x in self.lists if section[: len(x.section)] == x.section]
        ordinal = paragraph_ordinal(text)
        if ordinal is None:
            top = self.lists[-1] if self.lists else None
            return (top.parent, True) if top and top.style in (None, PLAIN) else ((), False)
        style, number = ordinal
        for i in range(len(self.lists) - 1, -1, -1):
            x = self.lists[i]
            if (x.style is None and number == 1) or (x.style == style and number == x.last + 1):
                x.style, x.last = style, number
                del self.lists[i + 1 :]
                return x.parent, False
            if x.style in (None, PLAIN, style):
                del self.lists[i:]
        return (), False

    def settle(self, figures: list[StatedFigure]) -> bool:
        """Whether an unnumbered paragraph read as an item is one: the first after the opener
        always, later ones when their first level figure is of the first item's unit family."""
        top = self.lists[-1]
        levels = [f for f in figures if f.measure in LEVEL_MEASURES]
        family = unit_family(levels[0].unit) if levels else None
        if top.style is None:
            top.style, top.family = PLAIN, family
            return True
        if not levels or top.family in (None, family):
            return True
        self.lists.pop()
        return False

    def close(self, text: str, section: tuple[str, ...], figures: list[StatedFigure]) -> None:
        """Open a list if the paragraph ends with an opener."""
        levels = [f for f in figures if f.measure in LEVEL_MEASURES]
        if not levels or not CLOSING_OPENER.search("".join(text.split())):
            return
        last = levels[-1]
        siblings = [f for f in levels if f.measure == last.measure and _siblings(f, last)]
        parent = last.subject[:-1] if len({f.subject for f in siblings}) > 1 else last.subject
        if parent:
            self.lists.append(_OpenList(parent, section))


def _siblings(a: StatedFigure, b: StatedFigure) -> bool:
    """Figures of two items of one list: same parent path."""
    return len(a.subject) == len(b.subject) and a.subject[:-1] == b.subject[:-1]


def parse_in_context(
    text: str, report_year: int | None, heading: tuple[str, ...], context: ListContext
) -> list[StatedFigure]:
    """:func:`~indexer.sentences.parse_paragraph` for the next paragraph of a report, with the
    lists the paragraphs before it left open."""
    parent, tentative = context.parent(text, heading)
    figures = parse_paragraph(text, report_year, heading)
    if parent and (not tentative or context.settle(figures)):
        figures = [_under(parent, f) for f in figures]
    context.close(text, heading, figures)
    return figures


def _under(parent: tuple[str, ...], fig: StatedFigure) -> StatedFigure:
    """The figure with its subject put under ``parent`` (unless it names the parent itself)."""
    if fig.subject[: len(parent)] == parent or fig.subject[:1] == parent[-1:]:
        return fig
    return replace(fig, subject=parent + fig.subject)


def parse_paragraphs(
    paragraphs: list[tuple[str, tuple[str, ...]]], report_year: int | None
) -> list[list[StatedFigure]]:
    """The figures of each (text, section) paragraph of one report, read in order."""
    context = ListContext()
    return [parse_in_context(text, report_year, section, context) for text, section in paragraphs]


def paragraph_ordinal(text: str) -> tuple[int, int] | None:
    """The numbering a paragraph starts with, as (style, number): ``（二）`` → (1, 2),
    ``3.`` → (2, 3); None when it starts with none."""
    text = text.lstrip()
    for style, rx in enumerate(ORDINAL_STYLES):
        if m := rx.match(text):
            return style, _number(m.group(1))
    return None


def _number(numeral: str) -> int:
    """``12`` → 12, ``十二`` → 12, ``二十`` → 20."""
    if numeral.isdigit():
        return int(numeral)
    digits, ten = W["chinese_digits"], W["chinese_ten"]
    tens, _, ones = numeral.rpartition(ten)
    if ten not in numeral:
        return digits.index(numeral) + 1 if numeral in digits else 0
    return (digits.index(tens) + 1 if tens else 1) * 10 + (digits.index(ones) + 1 if ones else 0)
