"""The document model every reader produces and every later stage consumes.

Readers (PDF, plain text) emit a :class:`Document`: narrative :class:`Block` items and
:class:`RawTable` grids in reading order. :mod:`indexer.structure` turns that into a
:class:`Report` with sections, paragraphs and :class:`Table` objects whose cells carry
column paths, exact decimal values, units, pages and bounding boxes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

BBox = tuple[float, float, float, float]
"""(x0, top, x1, bottom) in PDF points, pdfplumber's convention."""

PATH_SEP = " › "


# ---------------------------------------------------------------- reader output


@dataclass
class Block:
    """One paragraph (or heading line) of narrative text as laid out in the source."""

    text: str
    page: int | None = None
    bbox: BBox | None = None


@dataclass
class RawCell:
    """One grid position of a table as the reader saw it.

    ``text`` is ``None`` where the position is covered by a merged cell that starts
    elsewhere (left or above); ``""`` where the cell exists but is empty.
    """

    text: str | None
    page: int | None = None
    bbox: BBox | None = None


@dataclass
class RawTable:
    """A table grid in reading order; every row has the same number of cells."""

    grid: list[list[RawCell]]
    page: int | None = None
    bbox: BBox | None = None


@dataclass
class Document:
    """What a reader extracted from one file, before any interpretation."""

    source_path: str
    sha256: str
    format: str  # "pdf" | "txt"
    page_count: int | None
    items: list[Block | RawTable]
    meta_title: str | None = None  # e.g. PDF metadata Title, a hint only


# ---------------------------------------------------------------- interpreted report


@dataclass
class Cell:
    """One table cell: where it sits, what it says, and its exact value."""

    column: tuple[str, ...]
    text: str
    value: Decimal | None
    unit: str | None
    page: int | None = None
    bbox: BBox | None = None

    @property
    def column_path(self) -> str:
        return PATH_SEP.join(self.column)


@dataclass
class Row:
    """One logical table row: a label (项目/科目名称), an optional subject code, cells."""

    index: int
    label: str
    cells: list[Cell]
    code: str | None = None
    group: str | None = None  # side of a side-by-side table, e.g. 收入 / 支出
    page: int | None = None
    bbox: BBox | None = None

    def cell(self, column_leaf: str) -> Cell | None:
        """The first cell whose column path ends with ``column_leaf``."""
        for c in self.cells:
            if c.column and c.column[-1] == column_leaf:
                return c
        return None

    def quote(self) -> str:
        """The row as printed, cells joined by spaces (used as a citation quote)."""
        parts = [self.code or "", self.label] + [c.text for c in self.cells if c.text]
        return " ".join(p for p in parts if p)


@dataclass
class Table:
    """A recognised table with title, code (公开07表), unit line and typed rows."""

    id: int
    title: str
    code: str | None
    unit: str | None
    columns: list[tuple[str, ...]]
    rows: list[Row]
    kind: str | None = None  # standard-table key, e.g. "sangong"; "unit_perf"; "project_perf"
    department_line: str | None = None
    page_start: int | None = None
    page_end: int | None = None
    section: tuple[str, ...] = ()
    subject: str | None = None  # performance tables: the unit or project the table is about
    source_path: str | None = None  # the file the table is printed in (a report may have several)

    @property
    def name(self) -> str:
        """'公开07表 财政拨款“三公”经费支出决算表' or just the title."""
        return f"{self.code} {self.title}" if self.code else self.title


@dataclass
class Paragraph:
    text: str
    section: tuple[str, ...]
    page: int | None = None
    bbox: BBox | None = None
    source_path: str | None = None  # the file the paragraph is printed in


@dataclass
class SourceFile:
    """One file a report was read from (a report may be published as several PDFs)."""

    path: str
    sha256: str
    format: str
    page_count: int | None


@dataclass
class Report:
    """One budget report: metadata read from the document, sections, paragraphs, tables.

    ``source_path`` is the report's main file (its narrative); ``files`` lists every file it
    was read from, and each table and paragraph names its own. ``sha256`` is the file's hash,
    or for a report of several files the hash of their sorted hashes.
    """

    department: str
    year: int | None
    kind: str  # 决算 | 预算
    title: str
    source_path: str
    sha256: str
    format: str
    page_count: int | None
    paragraphs: list[Paragraph] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    scope: str = "部门"  # 部门 | 单位: a department's consolidated report or one unit's
    files: list[SourceFile] = field(default_factory=list)

    @property
    def id(self) -> str:
        return self.sha256[:12]
