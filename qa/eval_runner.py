"""Run question sets the way the contract prescribes: each report on its own index.

Questions name their report by ``report`` (a key of ``tests/eval/reports.json``, which lists
the report's files) or by ``pdf`` (one file under the reports folder). Each report is indexed
once into ``work_dir/<key>`` (kept between runs, vectors cached in ``work_dir/cache``).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from indexer.pipeline import build_index
from qa.evaluate import EvalResult, evaluate

REPORTS_MANIFEST = Path(__file__).resolve().parent.parent / "tests" / "eval" / "reports.json"


def report_key(question: dict, manifest: Path = REPORTS_MANIFEST) -> str:
    """The report a question is asked of: its ``report`` key, else its ``pdf`` file name,
    else the manifest's ``_default`` report."""
    key = question.get("report") or question.get("pdf")
    if not key and manifest.exists():
        key = json.loads(manifest.read_text(encoding="utf-8")).get("_default")
    if not key:
        raise ValueError(f"question {question.get('id')} names no report (report/pdf)")
    return key


def report_files(key: str, reports_dir: Path, manifest: Path = REPORTS_MANIFEST) -> list[Path]:
    """The files of report ``key``: from the manifest, else the file of that name."""
    known = json.loads(manifest.read_text(encoding="utf-8")) if manifest.exists() else {}
    if key in known and not key.startswith("_"):
        return [reports_dir / f for f in known[key]]
    hits = sorted(reports_dir.rglob(Path(key).name))
    if not hits:
        raise FileNotFoundError(f"no file {key} under {reports_dir}")
    return hits[:1]


def group_by_report(questions: list[dict]) -> dict[str, list[dict]]:
    groups: dict[str, list[dict]] = {}
    for q in questions:
        groups.setdefault(report_key(q), []).append(q)
    return groups


def report_index(key: str, reports_dir: Path, work_dir: Path) -> Path:
    """The index of one report: built on first use, rebuilt when the index format changed
    (an unchanged report of the current format is skipped by its hash)."""
    safe = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in Path(key).stem)
    index_dir = work_dir / safe
    build_index(report_files(key, reports_dir), index_dir, cache_dir=work_dir / "cache")
    return index_dir


def evaluate_per_report(
    questions: list[dict],
    reports_dir: Path,
    work_dir: Path,
    open_engine: Callable[[Path], object],
) -> dict[str, EvalResult]:
    """Each report's questions on that report's own index; results by report key."""
    out: dict[str, EvalResult] = {}
    for key, items in group_by_report(questions).items():
        engine = open_engine(report_index(key, reports_dir, work_dir))
        engine.ask(items[0]["q"])  # warm caches before timing
        out[key] = evaluate(items, lambda q, e=engine: e.ask(q).to_dict())
    return out
