"""Numbered lists as counts: "纳入…编制范围的预算单位包括：" followed by "1. …" to "20. …"
states that there are 20 of them — the last ordinal is printed, and the quote shows it."""

from __future__ import annotations

import re
from decimal import Decimal

from indexer.facts import CURRENT, Fact
from indexer.model import PATH_SEP, Paragraph, Report

_LEAD = re.compile(r"^(?P<subject>.{2,80}?)(包括|如下|有|为)[:：]$")
_ITEM = re.compile(r"^\s*(?P<n>\d{1,3})[.．、]\s*(?P<text>\S.*)$")
_FIGURE = re.compile(r"\d[\d,]*(\.\d+)?\s*(万元|元|%|亿元)")
MIN_ITEMS = 2
LIST_UNIT = "个"


def list_facts(report: Report) -> list[Fact]:
    """One count fact per lead paragraph followed by consecutively numbered, figure-less items."""
    out = []
    paragraphs = report.paragraphs
    for i, lead in enumerate(paragraphs):
        m = _LEAD.match(lead.text.strip())
        if not m:
            continue
        items = _items(paragraphs[i + 1 :])
        if len(items) < MIN_ITEMS:
            continue
        last = items[-1]
        n = len(items)
        quote = f"{lead.text.strip()} 1. {_ITEM.match(items[0].text).group('text')} … {last.text}"
        out.append(
            Fact(
                report_id=report.id,
                origin="sentence",
                row=(m.group("subject"),),
                column=(),
                measure="count",
                period=CURRENT,
                value=Decimal(n),
                text=str(n),
                unit=LIST_UNIT,
                page=lead.page,
                bbox=lead.bbox,
                locator=f"{PATH_SEP.join(lead.section) or '正文'} › {m.group('subject')} › 列表",
                quote=quote,
                context=(*lead.section, lead.text),
                source_path=lead.source_path or report.source_path,
            )
        )
    return out


def _items(following: list[Paragraph]) -> list[Paragraph]:
    """The numbered paragraphs 1, 2, 3 … right after a lead, none stating an amount."""
    items = []
    for p in following:
        m = _ITEM.match(p.text)
        if not m or int(m.group("n")) != len(items) + 1 or _FIGURE.search(p.text):
            break
        items.append(p)
    return items
