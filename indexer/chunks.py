"""Retrieval units: narrative chunks inside one section, and one self-contained chunk per
table row or performance record that repeats the table title and column names."""

from __future__ import annotations

import re
from dataclasses import dataclass

from indexer.model import PATH_SEP, BBox, Report, Row, Table
from indexer.performance import Figure, ProjectPerformance, UnitPerformance

MAX_CHARS = 260
_SENTENCE_END = re.compile(r"(?<=[。；！？])")
_STATES_FIGURE = re.compile(r"\d\s*(万元|亿元|元|%|辆|批次|人|台|个|分|家|次|项)")


@dataclass
class Chunk:
    """A piece of text to embed and search, with what it cites."""

    kind: str  # text | row | unit_perf | project_perf
    text: str
    section: tuple[str, ...] = ()
    page: int | None = None
    bbox: BBox | None = None
    table_id: int | None = None
    row_index: int | None = None
    embed_text: str | None = None  # the compact text to embed; "" = not embedded

    def __post_init__(self) -> None:
        if self.embed_text is None:
            self.embed_text = self.text


def narrative_chunks(report: Report) -> list[Chunk]:
    """Paragraphs packed into chunks of at most ~MAX_CHARS; no chunk crosses a section or
    a file."""
    chunks: list[Chunk] = []
    buf: list[str] = []
    section: tuple[str, ...] | None = None
    page = None
    bbox = None

    def flush() -> None:
        if buf:
            text = "\n".join(buf)
            # only passages that state a figure are embedded: answers are figures
            embed = text if _STATES_FIGURE.search(text) else ""
            chunks.append(Chunk("text", text, section or (), page, bbox, embed_text=embed))
            buf.clear()

    source = None
    for p in report.paragraphs:
        if p.section != section or p.source_path != source:  # a chunk stays in one file
            flush()
            section, page, bbox, source = p.section, p.page, p.bbox, p.source_path
        for piece in _split_long(p.text):
            if buf and sum(map(len, buf)) + len(piece) > MAX_CHARS:
                flush()
            if not buf:
                page, bbox = p.page, p.bbox
            buf.append(piece)
    flush()
    return chunks


def _split_long(text: str) -> list[str]:
    """Split a long paragraph at sentence ends into pieces of at most ~MAX_CHARS."""
    if len(text) <= MAX_CHARS:
        return [text]
    pieces: list[str] = []
    cur = ""
    for sent in filter(None, _SENTENCE_END.split(text)):
        if cur and len(cur) + len(sent) > MAX_CHARS:
            pieces.append(cur)
            cur = ""
        cur += sent
    if cur:
        pieces.append(cur)
    return pieces


def _fig(label: str, fig: Figure | None) -> str | None:
    if fig is None or not fig.text:
        return None
    unit = "" if fig.text.endswith("%") or not fig.unit else f" {fig.unit}"
    return f"{label} {fig.text}{unit}"


def row_text(table: Table, row: Row) -> str:
    """A row as one self-contained line that repeats the table title and column names.

    ``财政拨款“三公”经费支出决算表 › 公务用车运行维护费 › 预算数 84.64 万元，决算数 80.35 万元``
    """
    head = [table.title or table.name]
    if row.group:
        head.append(row.group)
    head.append(f"{row.code} {row.label}" if row.code else row.label)
    parts = []
    for c in row.cells:
        if not c.text:
            continue
        col = PATH_SEP.join(s for s in c.column if s != row.group) or "值"
        unit = f" {c.unit}" if c.unit and c.unit != "%" else ""
        parts.append(f"{col} {c.text}{unit}")
    return PATH_SEP.join(head) + (PATH_SEP + "，".join(parts) if parts else "")


def table_chunks(report: Report) -> list[Chunk]:
    """One chunk per row of every standard (non-performance) table."""
    out = []
    for t in report.tables:
        if t.kind in ("unit_perf", "project_perf"):
            continue
        for row in t.rows:
            values = [f"{c.column[-1] if c.column else ''}{c.text}" for c in row.cells if c.text]
            # rows that state no figure are kept for display and BM25 but not embedded
            compact = " ".join([row.label, *values]) if values else ""
            out.append(
                Chunk("row", row_text(t, row), t.section, row.page, row.bbox, t.id, row.index,
                      compact)
            )  # fmt: skip
    return out


def unit_text(rec: UnitPerformance) -> str:
    """A unit performance record as one line."""
    figs = [
        _fig("年初预算收入", rec.budget_income),
        _fig("年初预算支出", rec.budget_expenditure),
        _fig("总评价得分", rec.score),
    ]
    return f"部门（单位）整体绩效自评表{PATH_SEP}{rec.name}{PATH_SEP}" + "，".join(
        f for f in figs if f
    )


def project_text(rec: ProjectPerformance) -> str:
    """A project performance record as one line."""
    figs = [
        _fig("预算金额", rec.budget),
        _fig("全年执行数", rec.executed),
        _fig("执行率", rec.rate),
        _fig("自评总得分", rec.score),
    ]
    who = f"（实施单位：{rec.implementer}）" if rec.implementer else ""
    return f"预算项目(政策)绩效自评表{PATH_SEP}{rec.name}{who}{PATH_SEP}" + "，".join(
        f for f in figs if f
    )


def performance_chunks(
    report: Report, units: list[UnitPerformance], projects: list[ProjectPerformance]
) -> list[Chunk]:
    """One compact chunk per performance record."""
    tables = {t.id: t for t in report.tables}
    out = [
        Chunk("unit_perf", unit_text(u), tables[u.table_id].section, u.page, None, u.table_id)
        for u in units
    ]
    out += [
        Chunk("project_perf", project_text(p), tables[p.table_id].section, p.page, None, p.table_id)
        for p in projects
    ]
    return out
