"""Lists as counts: "纳入…编制范围的预算单位包括：" followed by "1. …" to "20. …" states that
there are 20 of them — the last ordinal is printed, and the quote shows it; "本部门内设机构包括
秘书处、综合处、…、技术室。" lists the organisations one by one in one sentence."""

from __future__ import annotations

import re
from decimal import Decimal

from indexer.facts import CURRENT, Fact
from indexer.model import PATH_SEP, BBox, Paragraph, Report

_LEAD = re.compile(r"^(?P<subject>.{2,80}?)(包括|如下|有|为)[:：]$")
_ITEM = re.compile(r"^\s*(?P<n>\d{1,3})[.．、]\s*(?P<text>\S.*)$")
_FIGURE = re.compile(r"\d[\d,]*(\.\d+)?\s*(万元|元|%|亿元)")
# an inline list of organisations: "<subject ending in an organisation noun>包括：A、B、C。"
_INLINE = re.compile(
    r"(?P<subject>[^，。；：:]{2,40}?(?:单位|机构|处室|科室|部门))(?:主要)?包括[:：]?"
    r"(?P<items>[^。；：:，,\d]+?)(?<!等)。"
)
_SENTENCE_END = re.compile(r"[。；;]")
_BRACKETED = re.compile(r"[(（][^()（）]*[)）]")  # 行政处（保卫处）: one item
MIN_ITEMS = 2
LIST_UNIT = "个"


def list_facts(report: Report) -> list[Fact]:
    """One count fact per list: a numbered table of names, a lead paragraph followed by
    consecutively numbered, figure-less items, or a sentence listing organisations."""
    out = []
    paragraphs = report.paragraphs
    out += _table_counts(report)
    for i, lead in enumerate(paragraphs):
        out += _inline_counts(report, lead)
        m = _LEAD.match(lead.text.strip())
        if not m:
            continue
        items = _items(paragraphs[i + 1 :])
        if len(items) < MIN_ITEMS:
            continue
        last = items[-1]
        n = len(items)
        quote = f"{lead.text.strip()} 1. {_ITEM.match(items[0].text).group('text')} … {last.text}"
        out.append(_count(report, lead, m.group("subject"), n, quote))
    return out


def _table_counts(report: Report) -> list[Fact]:
    """Counts of numbered tables of names (序号 | 单位名称 | 备注, rows 1 … N) that a lead
    paragraph introduces ("纳入…编制范围的单位包括："): its last 序号 is the count."""
    out = []
    for table in report.tables:
        numbers = [next((c.text for c in r.cells if c.column == ("序号",)), "") for r in table.rows]
        if len(numbers) < MIN_ITEMS or numbers != [str(i) for i in range(1, len(numbers) + 1)]:
            continue
        first = table.rows[0]
        found = _lead_before(report.paragraphs, first.page, first.bbox)
        if found is None:
            continue
        lead, m = found
        quote = (
            f"{lead.text.strip()} 序号 1 {first.label} … 序号 {numbers[-1]} {table.rows[-1].label}"
        )
        out.append(_count(report, lead, m.group("subject"), len(numbers), quote))
    return out


def _lead_before(
    paragraphs: list[Paragraph], page: int | None, top: BBox | None
) -> tuple[Paragraph, re.Match] | None:
    """The lead paragraph (…包括：) right above a table's first row on its page, with its
    match."""
    above = [
        p for p in paragraphs
        if p.page == page and p.bbox and top and p.bbox[3] <= top[1] + 1
    ]  # fmt: skip
    last = max(above, key=lambda p: p.bbox[3], default=None)
    m = _LEAD.match(last.text.strip()) if last is not None else None
    return (last, m) if m else None


def _inline_counts(report: Report, paragraph: Paragraph) -> list[Fact]:
    """Counts of the organisations a sentence lists with 、 after 包括."""
    out = []
    for m in _INLINE.finditer(paragraph.text):
        if items := _inline_items(m):
            out.append(_count(report, paragraph, m.group("subject"), len(items), m.group(0)))
    return out


def listed_items(quote: str) -> list[str]:
    """The organisations a sentence lists with 、 after 包括 (each printed, so their number is
    grounded by the quote); none when it lists fewer than two."""
    return _inline_items(_INLINE.search(quote))


def _inline_items(m: re.Match | None) -> list[str]:
    """The items of an inline list match (no figure among them: the pattern takes no digit)."""
    if m is None:
        return []
    items = [x.strip() for x in _BRACKETED.sub("", m.group("items")).split("、") if x.strip()]
    return items if len(items) >= MIN_ITEMS else []


def listed_count(quote: str) -> int | None:
    """How many organisations the quote lists (see :func:`listed_items`), None if none."""
    return len(listed_items(quote)) or None


def _count(report: Report, lead: Paragraph, subject: str, n: int, quote: str) -> Fact:
    """A count of listed things; its quote holds the list (the count is not printed)."""
    subject = _SENTENCE_END.split(subject)[-1]  # the last sentence of a merged paragraph
    return Fact(
        report_id=report.id,
        origin="sentence",
        row=(subject,),
        column=(),
        measure="count",
        period=CURRENT,
        value=Decimal(n),
        text=str(n),
        unit=LIST_UNIT,
        page=lead.page,
        bbox=lead.bbox,
        locator=f"{PATH_SEP.join(lead.section) or '正文'} › {subject} › 列表",
        quote=quote,
        context=(*lead.section, lead.text),
        source_path=lead.source_path or report.source_path,
    )


def _items(following: list[Paragraph]) -> list[Paragraph]:
    """The numbered paragraphs 1, 2, 3 … right after a lead, none stating an amount."""
    items = []
    for p in following:
        m = _ITEM.match(p.text)
        if not m or int(m.group("n")) != len(items) + 1 or _FIGURE.search(p.text):
            break
        items.append(p)
    return items
