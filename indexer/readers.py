"""Pick the reader for a report file by its content and suffix."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from indexer.errors import UnsupportedFileError
from indexer.model import Document
from indexer.text_reader import read_text


def read_report_file(
    path: str | Path,
    progress: Callable[[int, int], None] | None = None,
    page_workers: int | None = None,
) -> Document:
    """Read a PDF (by suffix or ``%PDF`` signature) or a ``.txt`` extraction.

    ``progress(done_pages, total_pages)`` is reported while a PDF is read; ``page_workers``
    processes read a long PDF's pages (default: the PDF reader's own).
    """
    path = Path(path)
    with path.open("rb") as f:
        head = f.read(5)
    suffix = path.suffix.lower()
    if suffix == ".pdf" or head.startswith(b"%PDF"):
        from indexer.pdf_reader import read_pdf  # heavy import, only when needed

        if page_workers is None:
            return read_pdf(path, progress=progress)
        return read_pdf(path, progress=progress, workers=page_workers)
    if suffix == ".txt":
        return read_text(path)
    raise UnsupportedFileError(
        str(path), f"不支持的文件类型：{path.name}。请提供 PDF 或纯文本（.txt）格式的报告。"
    )
