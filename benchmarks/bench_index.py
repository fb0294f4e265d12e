"""Index-build benchmark: the seed PDF through ReportQA vs bare pdfplumber extraction.

    .venv/bin/python benchmarks/bench_index.py [PDF]

Prints: bare pdfplumber text+table time, ReportQA parse time (read + structure + records +
facts) and their ratio, a full first build (embedding with an empty vector cache), a build
into a new index with a warm vector cache, and the re-index of the unchanged report.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import pdfplumber

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from indexer.pipeline import build_index, parse_report  # noqa: E402

SEED = ROOT / "data" / "reports" / "chaoyang-eeb-2024-final-accounts.pdf"


def bare_pdfplumber(path: Path) -> float:
    t0 = time.perf_counter()
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            page.extract_text()
            for table in page.find_tables():
                table.extract()
    return time.perf_counter() - t0


def timed(fn):
    t0 = time.perf_counter()
    out = fn()
    return time.perf_counter() - t0, out


def main() -> None:
    pdf = Path(sys.argv[1]) if len(sys.argv) > 1 else SEED
    bare = bare_pdfplumber(pdf)
    parse, parsed = timed(lambda: parse_report(pdf))
    print(f"report: {parsed.report.title}, {parsed.report.page_count} pages, "
          f"{len(parsed.report.tables)} tables, {len(parsed.facts)} facts, "
          f"{len({f.phrase for f in parsed.facts})} phrases")  # fmt: skip
    print(f"bare pdfplumber text+tables : {bare:6.1f} s")
    print(f"ReportQA parse              : {parse:6.1f} s  (ratio {parse / bare:.2f}x)")
    with tempfile.TemporaryDirectory() as tmp:
        cache = Path(tmp) / "cache"
        first, _ = timed(lambda: build_index([pdf], Path(tmp) / "a", cache_dir=cache))
        print(f"first build (cold vectors)  : {first:6.1f} s")
        warm, _ = timed(lambda: build_index([pdf], Path(tmp) / "b", cache_dir=cache))
        print(f"new index, warm vectors     : {warm:6.1f} s")
        again, res = timed(lambda: build_index([pdf], Path(tmp) / "b", cache_dir=cache))
        status = res.reports[0].status
        print(f"re-index unchanged report   : {again:6.2f} s  ({status})")


if __name__ == "__main__":
    main()
