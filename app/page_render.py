"""Render a PDF page as PNG with cited boxes highlighted.

Boxes use pdfplumber's convention: ``(x0, top, x1, bottom)`` in PDF points from the page's
top-left corner. Pages are rasterised with pypdfium2 and kept in a small LRU cache, as are
the finished PNGs.
"""

from __future__ import annotations

import io
import threading
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path

import pypdfium2 as pdfium
from PIL import Image, ImageDraw

BBox = tuple[float, float, float, float]

DEFAULT_SCALE = 2.0  # pixels per PDF point (144 dpi)
FILL = (255, 196, 0, 90)
OUTLINE = (230, 81, 0, 255)
PAD = 2.0  # points around each box


class PageRenderError(Exception):
    """A page cannot be rendered; ``message`` is Chinese for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def parse_boxes(text: str | None) -> list[BBox]:
    """``"x0,top,x1,bottom;..."`` → boxes; raise ValueError on malformed input."""
    boxes: list[BBox] = []
    for part in (text or "").split(";"):
        if not part.strip():
            continue
        nums = [float(v) for v in part.split(",")]
        if len(nums) != 4:
            raise ValueError(f"a box needs 4 numbers: {part!r}")
        boxes.append((nums[0], nums[1], nums[2], nums[3]))
    return boxes


class PageRenderer:
    """Thread-safe page rasteriser with LRU caches of page bitmaps and highlighted PNGs."""

    def __init__(self, scale: float = DEFAULT_SCALE, cache_pages: int = 32, cache_pngs: int = 128):
        self.scale = scale
        self._pages: OrderedDict[tuple[str, int], Image.Image] = OrderedDict()
        self._pngs: OrderedDict[tuple[str, int, tuple[BBox, ...]], bytes] = OrderedDict()
        self._cache_pages = cache_pages
        self._cache_pngs = cache_pngs
        self._lock = threading.Lock()  # pdfium is not thread-safe

    def render(self, pdf_path: Path, page: int, boxes: Sequence[BBox] = ()) -> bytes:
        """PNG bytes of 1-based ``page`` of ``pdf_path`` with ``boxes`` highlighted."""
        key = (str(pdf_path), page, tuple(tuple(map(float, b)) for b in boxes))
        with self._lock:
            png = self._pngs.get(key)
            if png is not None:
                self._pngs.move_to_end(key)
                return png
            base = self._page(Path(pdf_path), page)
        png = _to_png(self._highlight(base, key[2]))
        with self._lock:
            self._pngs[key] = png
            while len(self._pngs) > self._cache_pngs:
                self._pngs.popitem(last=False)
        return png

    def _page(self, pdf_path: Path, page: int) -> Image.Image:
        key = (str(pdf_path), page)
        img = self._pages.get(key)
        if img is not None:
            self._pages.move_to_end(key)
            return img
        if pdf_path.suffix.lower() != ".pdf" or not pdf_path.exists():
            raise PageRenderError(f"找不到报告的 PDF 文件：{pdf_path.name}")
        doc = pdfium.PdfDocument(str(pdf_path))
        try:
            if not 1 <= page <= len(doc):
                raise PageRenderError(f"页码超出范围：第 {page} 页（共 {len(doc)} 页）")
            img = doc[page - 1].render(scale=self.scale).to_pil().convert("RGB")
        finally:
            doc.close()
        self._pages[key] = img
        while len(self._pages) > self._cache_pages:
            self._pages.popitem(last=False)
        return img

    def _highlight(self, base: Image.Image, boxes: tuple[BBox, ...]) -> Image.Image:
        if not boxes:
            return base
        overlay = Image.new("RGBA", base.size, (0, 0, 0, 0))
        draw = ImageDraw.Draw(overlay)
        s = self.scale
        for x0, top, x1, bottom in boxes:
            rect = ((x0 - PAD) * s, (top - PAD) * s, (x1 + PAD) * s, (bottom + PAD) * s)
            draw.rectangle(rect, fill=FILL, outline=OUTLINE, width=max(2, round(1.5 * s)))
        return Image.alpha_composite(base.convert("RGBA"), overlay).convert("RGB")


def _to_png(img: Image.Image) -> bytes:
    buf = io.BytesIO()
    img.save(buf, format="PNG", optimize=False, compress_level=3)
    return buf.getvalue()
