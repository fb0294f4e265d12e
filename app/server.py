"""One process serving the gradio UI at ``/`` and the JSON API at ``/api``.

``POST /api/ask`` answers a question, ``GET /api/reports`` lists the indexed reports,
``GET /api/health`` tells whether the index is loaded, and ``GET /api/page/{id}/{n}.png``
renders a PDF page with the cited boxes highlighted. The engine is opened once at startup.
"""

from __future__ import annotations

import json
import logging
import shutil
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import asdict, replace
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from app.page_render import PageRenderer, PageRenderError, parse_boxes
from app.question_log import QuestionLog
from app.source_view import cited_file
from indexer.store import ReportInfo
from qa.answer import Answer
from qa.engine import Engine, QuestionError

log = logging.getLogger(__name__)

MAX_BODY = 64 * 1024  # bytes of a POST /api/ask body


class ReportQA:
    """The engine with what the API and the UI share: answer cache, page renderer, log."""

    def __init__(self, index_dir: Path, *, kiosk: bool = False, answer_cache: int = 256):
        self.index_dir = Path(index_dir)
        self.kiosk = kiosk
        self.engine = Engine.open(self.index_dir)
        self.renderer = PageRenderer()
        self.qlog = QuestionLog.for_index(self.index_dir) if kiosk else None
        self._cache: OrderedDict[tuple[str, str | None], Answer] = OrderedDict()
        self._cache_size = answer_cache
        self._lock = threading.Lock()  # guards the answer cache and engine swaps

    def reports(self) -> list[ReportInfo]:
        return self.engine.reports()

    def ask(self, question: str, report: str | None = None) -> Answer:
        """Answer or raise QuestionError; cached per question and report, logged in kiosk mode."""
        t0 = time.perf_counter()
        key = (question.strip(), report or None)
        try:
            with self._lock:
                cached = self._cache.get(key)
                if cached is not None:
                    self._cache.move_to_end(key)
                engine = self.engine
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
        except QuestionError:
            self._log(question, "refused", None, t0)
            raise
        except Exception:
            self._log(question, "error", None, t0)
            raise
        self._log(question, answer.status, answer.method, t0)
        return answer

    def _log(self, question: str, status: str, method: str | None, t0: float) -> None:
        if self.qlog is not None:
            self.qlog.add(question, status, method, round((time.perf_counter() - t0) * 1000, 1))

    def source_path(self, report_id: str) -> Path | None:
        for info in self.reports():
            if info.id == report_id:
                return Path(info.source_path)
        return None

    def page_png(self, report_id: str, page: int, boxes) -> bytes:
        """The page of a report as PNG with ``boxes`` highlighted; PageRenderError if impossible."""
        path = self.source_path(report_id)
        if path is None:
            raise PageRenderError(f"索引中没有编号为 {report_id} 的报告。")
        cited = cited_file(self.engine.index.store, report_id, page, boxes)  # its own PDF
        return self.renderer.render(Path(cited) if cited else path, page, boxes)

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
        result = build_index(kept, self.index_dir, self.engine.index.manifest.embedder, progress)
        if result.changed:
            engine = Engine.open(self.index_dir)
            with self._lock:
                self.engine = engine
                self._cache.clear()
        return result


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


def create_app(service: ReportQA, *, with_ui: bool = True) -> FastAPI:
    """The FastAPI app: the JSON API under ``/api`` and, with ``with_ui``, the UI at ``/``."""
    app = FastAPI(title="ReportQA", docs_url=None, redoc_url=None, openapi_url=None)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_request: Request, _exc: RequestValidationError) -> JSONResponse:
        return _error(422, "请求参数不正确，请检查后重试。")

    @app.exception_handler(StarletteHTTPException)
    async def _http(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        message = "找不到该接口。" if exc.status_code == 404 else "请求无法处理。"
        return _error(exc.status_code, message)

    @app.post("/api/ask")
    async def ask(request: Request) -> Response:
        size = request.headers.get("content-length")
        if size and size.isdigit() and int(size) > MAX_BODY:
            return _error(413, "请求内容过大。")
        body = await request.body()
        if len(body) > MAX_BODY:
            return _error(413, "请求内容过大。")
        try:
            data = json.loads(body)
        except (json.JSONDecodeError, UnicodeDecodeError):
            return _error(400, "请求不是有效的 JSON。")
        if not isinstance(data, dict) or not isinstance(data.get("question"), str):
            return _error(400, "缺少问题：请在 JSON 中提供字符串字段 question。")
        report = data.get("report")
        if report is not None and not isinstance(report, str):
            return _error(400, "report 字段应为报告编号（字符串）。")
        try:
            answer = await run_in_threadpool(service.ask, data["question"], report)
        except QuestionError as e:
            return _error(400, e.message)
        except Exception:
            log.exception("ask failed: %r", data["question"][:200])
            return _error(500, "服务器内部错误，请稍后再试。")
        return JSONResponse(answer.to_dict())

    @app.get("/api/reports")
    def reports() -> list[dict]:
        return [asdict(r) for r in service.reports()]

    @app.get("/api/health")
    def health() -> dict:
        index = service.engine.index
        return {
            "ok": True,
            "reports": len(service.reports()),
            "embedder": index.manifest.embedder_model,
            "index": str(service.index_dir),
            "build": str(index.path),
            "kiosk": service.kiosk,
        }

    @app.get("/api/page/{report_id}/{page}.png")
    def page(report_id: str, page: str, boxes: str | None = None) -> Response:
        if not page.isdigit():
            return _error(400, "页码应为正整数。")
        try:
            parsed = parse_boxes(boxes)
        except ValueError:
            return _error(400, "boxes 参数格式应为 x0,top,x1,bottom;…")
        try:
            png = service.page_png(report_id, int(page), parsed)
        except PageRenderError as e:
            return _error(404, e.message)
        return Response(png, media_type="image/png", headers={"Cache-Control": "max-age=3600"})

    @app.api_route("/api/{rest:path}", methods=["GET", "POST"])
    def unknown(rest: str) -> JSONResponse:
        return _error(404, "找不到该接口。")

    if with_ui:
        from app.ui import mount_ui

        app = mount_ui(app, service)
    return app


def serve(
    index_dir: Path,
    host: str = "127.0.0.1",
    port: int = 7860,
    kiosk: bool = False,
    answer_cache: int = 256,
) -> None:
    """Open the index once and serve the UI and the API with uvicorn until interrupted."""
    import uvicorn

    service = ReportQA(index_dir, kiosk=kiosk, answer_cache=answer_cache)
    app = create_app(service)
    print(f"ReportQA 已启动：http://{host}:{port}/  （API：/api/ask，按 Ctrl-C 退出）", flush=True)
    uvicorn.run(app, host=host, port=port, log_level="warning")
