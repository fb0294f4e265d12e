"""Render a PDF page, or a readable crop around a cited box, as PNG with the box highlighted.

Boxes use pdfplumber's convention: ``(x0, top, x1, bottom)`` in PDF points from the page's
top-left corner. Pages are rasterised with pypdfium2 and kept in a small LRU cache, as are
the finished PNGs. A crop is rendered at a higher scale than a whole page, so that the cited
figure reads comfortably (a table cell of 80 points is 240 pixels wide).
"""

from __future__ import annotations

import io
import threading
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import pypdfium2 as pdfium
from PIL import Image, ImageDraw

BBox = tuple[float, float, float, float]

DEFAULT_SCALE = 2.0  # pixels per PDF point (144 dpi)
CROP_SCALE = 3.0  # pixels per PDF point in a crop (216 dpi)
CROP_MIN_WIDTH = 200.0  # points: a crop is at least this wide (context around a small cell)
CROP_MARGIN_X = 12.0  # points of page kept left and right of a wide cited box
CROP_MARGIN_Y = 40.0  # points kept above and below it (about three table rows)
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


def crop_window(box: BBox, page_size: tuple[float, float]) -> BBox:
    """The part of the page a crop shows: ``box`` with margins, at least ``CROP_MIN_WIDTH``
    wide (a small cell keeps its neighbours), centred on the box and kept inside the page."""
    width, height = page_size
    x0, top, x1, bottom = box
    w = min(width, max(CROP_MIN_WIDTH, x1 - x0 + 2 * CROP_MARGIN_X))
    left = min(max(0.0, (x0 + x1 - w) / 2), width - w)
    wtop = max(0.0, top - CROP_MARGIN_Y)
    wbottom = min(height, bottom + CROP_MARGIN_Y)
    return (left, wtop, left + w, max(wbottom, wtop + 1))


def union(boxes: Sequence[BBox]) -> BBox:
    """The smallest box holding every box."""
    return (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )


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
        png = _to_png(_highlight(base, key[2], self.scale))
        with self._lock:
            self._pngs[key] = png
            while len(self._pngs) > self._cache_pngs:
                self._pngs.popitem(last=False)
        return png

    def crop(self, pdf_path: Path, page: int, boxes: Sequence[BBox]) -> bytes:
        """PNG bytes of the part of ``page`` around ``boxes`` (see ``crop_window``), rendered
        at ``CROP_SCALE`` with the boxes highlighted."""
        if not boxes:
            raise PageRenderError("缺少引用位置，无法截取页面局部。")
        key = (f"crop:{pdf_path}", page, tuple(tuple(map(float, b)) for b in boxes))
        with self._lock:
            png = self._pngs.get(key)
            if png is not None:
                self._pngs.move_to_end(key)
                return png
            with _open(Path(pdf_path), page) as pdf_page:
                size = pdf_page.get_size()
                left, top, right, bottom = crop_window(union(key[2]), size)
                cut = (left, size[1] - bottom, size[0] - right, top)  # left, bottom, right, top
                img = pdf_page.render(scale=CROP_SCALE, crop=cut).to_pil().convert("RGB")
        shifted = tuple((b[0] - left, b[1] - top, b[2] - left, b[3] - top) for b in key[2])
        png = _to_png(_highlight(img, shifted, CROP_SCALE))
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
        with _open(pdf_path, page) as pdf_page:
            img = pdf_page.render(scale=self.scale).to_pil().convert("RGB")
        self._pages[key] = img
        while len(self._pages) > self._cache_pages:
            self._pages.popitem(last=False)
        return img


@contextmanager
def _open(pdf_path: Path, page: int) -> Iterator[pdfium.PdfPage]:
    """1-based ``page`` of ``pdf_path``; PageRenderError when the file or page is missing."""
    if pdf_path.suffix.lower() != ".pdf" or not pdf_path.exists():
        raise PageRenderError(f"找不到报告的 PDF 文件：{pdf_path.name}")
    doc = pdfium.PdfDocument(str(pdf_path))
    try:
        if not 1 <= page <= len(doc):
            raise PageRenderError(f"页码超出范围：第 {page} 页（共 {len(doc)} 页）")
        yield doc[page - 1]
    finally:
        doc.close()


def _highlight(base: Image.Image, boxes: tuple[BBox, ...], scale: float) -> Image.Image:
    """``base`` with each box (in points, scaled by ``scale``) filled and outlined."""
    if not boxes:
        return base
    overlay = Image.new("RGBA", base.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(overlay)
    s = scale
    for x0, top, x1, bottom in boxes:
        rect = ((x0 - PAD) * s, (top - PAD) * s, (x1 + PAD) * s, (bottom + PAD) * s)
        draw.rectangle(rect, fill=FILL, outline=OUTLINE, width=max(2, round(1.5 * s)))
    return Image.alpha_composite(base.convert("RGBA"), overlay).convert("RGB")


def _to_png(img: Image.Image) -> bytes:
    buf = io.BytesIO()
    img.save(buf, format="PNG", optimize=False, compress_level=3)
    return buf.getvalue()
