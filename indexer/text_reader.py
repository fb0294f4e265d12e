"""Read the plain-text extraction of a report into a :class:`Document`.

The format: narrative paragraphs as lines separated by blank lines, tables as
tab-separated rows (empty cells keep their column position). Blank lines inside a
table are page breaks and do not end it; any other non-tab line does. Narrative
paragraphs split by a page break are joined again when the split is unambiguous.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from indexer.errors import CorruptFileError
from indexer.model import Block, Document, RawCell, RawTable

_TAG_RE = re.compile(r"</?[A-Za-z][A-Za-z0-9]*(?:\s[^<>]*)?/?>")
_PAGE_NUMBER_RE = re.compile(r"^[-—–]\s*\d+\s*[-—–]$")

_TERMINAL = "。；：！？;:!?"
_CLOSERS = "”’」』）)》】〕"
_SENTENCE_PUNCT = "，,。；;：:"
_MIN_SENTENCE_LEN = 20  # a broken line with inner punctuation is prose from here on
_MIN_PLAIN_LEN = 30  # a broken line without punctuation must be at least this long

# Lines that are structure (never merged with a neighbour).
_HEADING_RE = re.compile(
    r"""^(?:
        第[一二三四五六七八九十百\d]+\s*[部分章节篇]    # 第一部分
      | 目\s*录$
      | 附\s*件\s*\d*$
      | 公开\s*\d+\s*表                                # 公开 07 表
      | (?:部门|单位|单位名称|编制单位|金额单位)\s*[：:]  # table meta lines
      | \d{4}\s*年+度?$                                # 2024 年度
      | 注\s*[：:]                                     # table notes
    )""",
    re.VERBOSE,
)
# A table title: short, no sentence punctuation, ends with 表 (optionally "(2024 年度)").
_TABLE_TITLE_RE = re.compile(r"^[^，。；]{2,40}表\s*(?:[（(][^（）()]*[）)])?$")
# Enumeration starts: 一、 （一） (1) 1. 1、 ① - •
_ENUM_RE = re.compile(
    r"""^(?:
        [一二三四五六七八九十百]+\s*、
      | [（(]\s*[一二三四五六七八九十百\d]+\s*[）)]
      | \d+\s*(?:[.．](?!\d)|、)
      | [①-⑳]
      | [-•·●▪]\s
    )""",
    re.VERBOSE,
)


def read_text(path: str | Path) -> Document:
    """Read a UTF-8 (or GB18030) text extraction of a report."""
    path = Path(path)
    data = path.read_bytes()
    text = _decode(data, path)
    items = _parse(text)
    if not items:
        raise CorruptFileError(
            str(path),
            f"文件为空：{path.name} 中没有任何文字内容，无法建立索引。"
            "请确认文件完整，或改为提供 PDF 原件。",
        )
    return Document(
        source_path=str(path),
        sha256=hashlib.sha256(data).hexdigest(),
        format="txt",
        page_count=None,
        items=items,
        meta_title=None,
    )


def _decode(data: bytes, path: Path) -> str:
    """Decode as UTF-8 (with or without BOM), falling back to GB18030."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" not in text:
            return text
        break  # NUL characters: a binary file, not text in another encoding
    raise CorruptFileError(
        str(path),
        f"无法读取文本文件 {path.name}：内容不是 UTF-8 或 GB18030 编码的文字，"
        "文件可能已损坏或并非纯文本。请另存为 UTF-8 编码的 .txt 文件后重试。",
    )


def _clean(text: str) -> str:
    """Remove HTML-ish tags and surrounding whitespace."""
    return _TAG_RE.sub("", text).strip()


def _parse(text: str) -> list[Block | RawTable]:
    """Split lines into narrative blocks and tab-separated tables, in reading order."""
    items: list[Block | RawTable] = []
    rows: list[list[RawCell]] | None = None  # the open table, if any
    for line in text.splitlines():
        cleaned = _clean(line)
        if not cleaned or _PAGE_NUMBER_RE.match(cleaned):
            continue  # blank lines and page numbers end neither tables nor paragraphs
        if "\t" in line:
            row = [RawCell(_clean(cell)) for cell in line.split("\t")]
            if rows is None:
                rows = []
                items.append(RawTable(grid=rows))
            rows.append(row)
            continue
        rows = None
        last = items[-1] if items else None
        if isinstance(last, Block) and _continues(last.text, cleaned):
            last.text += cleaned
        else:
            items.append(Block(cleaned))
    for item in items:
        if isinstance(item, RawTable):
            width = max(len(row) for row in item.grid)
            for row in item.grid:
                row.extend(RawCell("") for _ in range(width - len(row)))
    return items


def _continues(prev: str, nxt: str) -> bool:
    """Whether ``nxt`` continues the sentence ``prev`` that a page break cut off."""
    if prev[-1] in _TERMINAL + _CLOSERS:  # a closing bracket or quote: too ambiguous
        return False
    if _is_structure(prev) or _is_structure(nxt) or _ENUM_RE.match(nxt):
        return False
    body = _ENUM_RE.sub("", prev, count=1)
    if len(prev) >= _MIN_SENTENCE_LEN and any(c in body for c in _SENTENCE_PUNCT):
        return True
    return len(prev) >= _MIN_PLAIN_LEN and not _ENUM_RE.match(prev)


def _is_structure(line: str) -> bool:
    """Headings, table titles and table meta lines."""
    return bool(_HEADING_RE.match(line) or _TABLE_TITLE_RE.match(line))
