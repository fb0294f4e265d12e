"""Read-only views of a cited source: the table around a cited row, or a cited paragraph,
and the file a cited page is printed in (a report may be published as several PDFs).

Everything taken from a report is HTML-escaped before it is put into the markup.
"""

from __future__ import annotations

import json
from html import escape

from indexer.store import Store
from qa.answer import Citation

WINDOW = 12  # rows shown on each side of the cited row


def _bbox(text: str | None) -> tuple[float, float, float, float] | None:
    return tuple(json.loads(text)) if text else None


def _overlap(a, b) -> float:
    if a is None or b is None:
        return 0.0
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    return max(w, 0.0) * max(h, 0.0)


def _iou(a, b) -> float:
    """Overlap over union of two boxes: 1.0 for the same box."""
    inter = _overlap(a, b)
    if inter == 0.0:
        return 0.0
    area = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1])
    return inter / (area - inter)


def cited_file(store: Store, report_id: str, page: int, boxes) -> str | None:
    """The file whose ``page`` a citation of ``report_id`` shows, or None if unknown.

    A report of one file has one answer. For several files, the stored cell, row or
    paragraph on that page whose box matches the cited ``boxes`` best names the file.
    """
    files = store.db.execute(
        "SELECT path FROM report_files WHERE report_id=? ORDER BY seq", (report_id,)
    ).fetchall()
    if len(files) <= 1:
        return files[0][0] if files else None
    located = store.db.execute(
        "SELECT c.bbox, r.source_path FROM cells c JOIN rows r ON r.id=c.row_id"
        " WHERE c.report_id=? AND c.page=?"
        " UNION ALL SELECT bbox, source_path FROM rows WHERE report_id=? AND page=?"
        " UNION ALL SELECT bbox, source_path FROM paragraphs WHERE report_id=? AND page=?",
        (report_id, page) * 3,
    ).fetchall()
    best, best_score = None, 0.0
    for bbox, source in located:
        box = _bbox(bbox)
        score = max((_iou(box, b) for b in boxes), default=0.0) if box else 0.0
        if source and score > best_score:
            best, best_score = source, score
    return best


def find_row(store: Store, c: Citation):
    """The stored table row a cell citation points at (by page and box, else by quote)."""
    if c.report_id is None:
        return None
    if c.page is not None and c.bbox is not None:
        rows = store.db.execute(
            "SELECT * FROM rows WHERE report_id=? AND page=?", (c.report_id, c.page)
        ).fetchall()
        scored = [(_overlap(_bbox(r["bbox"]), c.bbox), r) for r in rows]
        scored = [(s, r) for s, r in scored if s > 0]
        if scored:  # the quote first: two files of a report can print the same page number
            return max(scored, key=lambda sr: (sr[1]["quote"] == c.quote, sr[0]))[1]
    return store.db.execute(
        "SELECT * FROM rows WHERE report_id=? AND quote=? ORDER BY id LIMIT 1",
        (c.report_id, c.quote),
    ).fetchone()


def table_html(store: Store, c: Citation) -> str | None:
    """The cited table as HTML, the cited row highlighted, or None when it is not found."""
    row = find_row(store, c)
    if row is None:
        return None
    table = store.db.execute("SELECT * FROM tables WHERE id=?", (row["table_id"],)).fetchone()
    rows = store.db.execute(
        "SELECT * FROM rows WHERE table_id=? AND grp IS ? ORDER BY seq",
        (row["table_id"], row["grp"]),
    ).fetchall()
    rows = _same_half(rows, row)
    cells = store.db.execute(
        "SELECT c.row_id, c.column_path, c.text FROM cells c JOIN rows r ON r.id=c.row_id"
        " WHERE c.table_id=? AND r.grp IS ? ORDER BY c.id",
        (row["table_id"], row["grp"]),
    ).fetchall()
    columns: list[str] = []
    by_row: dict[int, dict[str, str]] = {}
    for cell in cells:
        if cell["column_path"] not in columns:
            columns.append(cell["column_path"])
        by_row.setdefault(cell["row_id"], {})[cell["column_path"]] = cell["text"] or ""
    at = next(i for i, r in enumerate(rows) if r["id"] == row["id"])
    lo, hi = max(0, at - WINDOW), min(len(rows), at + WINDOW + 1)
    head = "".join(f"<th>{escape(col)}</th>" for col in ["项目", *columns])
    body = []
    for r in rows[lo:hi]:
        label = " ".join(p for p in (r["code"], r["label"]) if p)
        values = by_row.get(r["id"], {})
        tds = "".join(f"<td class='num'>{escape(values.get(col, ''))}</td>" for col in columns)
        cls = " class='cited'" if r["id"] == row["id"] else ""
        body.append(f"<tr{cls}><td>{escape(label)}</td>{tds}</tr>")
    title = " ".join(p for p in (table["code"], table["title"]) if p)
    group = f" › {escape(row['grp'])}" if row["grp"] else ""
    unit = f"（单位：{escape(table['unit'])}）" if table["unit"] else ""
    note = f"共 {len(rows)} 行，显示第 {lo + 1}–{hi} 行" if hi - lo < len(rows) else ""
    return (
        f"<div class='rq-source'><div class='rq-source-title'>{escape(title)}{group}{unit}</div>"
        f"<div class='rq-table-wrap'><table class='rq-table'><thead><tr>{head}</tr></thead>"
        f"<tbody>{''.join(body)}</tbody></table></div>"
        f"<div class='rq-note'>{escape(note)}</div></div>"
    )


def _same_half(rows: list, row) -> list:
    """Rows printed in the same column band as ``row`` (side-by-side tables repeat a group)."""
    at = _bbox(row["bbox"])
    if at is None:
        return rows
    return [r for r in rows if (b := _bbox(r["bbox"])) is None or abs(b[0] - at[0]) < 5]


def find_paragraph(store: Store, c: Citation):
    """The stored paragraph a paragraph citation points at (by page and box, else by text)."""
    if c.report_id is None:
        return None
    paras = store.db.execute(
        "SELECT * FROM paragraphs WHERE report_id=? AND page IS ?", (c.report_id, c.page)
    ).fetchall()
    with_quote = [p for p in paras if c.quote and c.quote in p["text"]]
    if with_quote:
        return max(with_quote, key=lambda p: _overlap(_bbox(p["bbox"]), c.bbox))
    scored = [(_overlap(_bbox(p["bbox"]), c.bbox), p) for p in paras]
    scored = [(s, p) for s, p in scored if s > 0]
    return max(scored, key=lambda sp: sp[0])[1] if scored else None


def paragraph_html(store: Store, c: Citation) -> str:
    """The cited paragraph with the quoted sentence marked."""
    para = find_paragraph(store, c)
    text = para["text"] if para is not None else c.quote
    if c.quote and c.quote in text:
        a = text.index(c.quote)
        body = (
            escape(text[:a]) + f"<mark>{escape(c.quote)}</mark>" + escape(text[a + len(c.quote) :])
        )
    else:
        body = escape(text)
    return (
        f"<div class='rq-source'><div class='rq-source-title'>{escape(c.locator)}</div>"
        f"<p class='rq-paragraph'>{body}</p></div>"
    )


def record_html(c: Citation) -> str:
    """A performance-record citation: its locator and quoted figure."""
    return (
        f"<div class='rq-source'><div class='rq-source-title'>{escape(c.locator)}</div>"
        f"<p class='rq-paragraph'><mark>{escape(c.quote)}</mark></p></div>"
    )


def source_html(store: Store, c: Citation) -> str:
    """HTML for any citation: table row, paragraph or record."""
    if c.kind == "cell":
        html = table_html(store, c)
        if html is not None:
            return html
    if c.kind == "record":
        return record_html(c)
    return paragraph_html(store, c)
