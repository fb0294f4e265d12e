"""The HTTP server: the JSON API under ``/api`` and the inquiry page at ``/``.

``POST /api/ask`` answers a question, ``GET /api/reports`` lists the indexed reports,
``GET /api/health`` tells whether the index is loaded (and which worker answered),
``GET /api/page/{id}/{n}.png`` renders a PDF page with the cited boxes highlighted,
``GET /api/crop/{id}/{n}.png`` a readable crop around them, and ``POST /api/feedback`` flags
an answer. Every error is JSON ``{"status": "error", "error": "<中文>"}`` (see
``app/errors.py``).

``serve(workers=N)`` runs N uvicorn worker processes on one port; each opens the index once
and caps its native thread pools at its share of the cores.
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
from dataclasses import asdict
from pathlib import Path
from typing import Literal

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from app import errors
from app.json_io import error_response, read_json
from app.page_render import PageRenderError, parse_boxes
from app.service import DEFAULT_ANSWER_CACHE, ReportQA
from app.threads import cap_threads, native_threads, set_thread_environment, threads_per_worker
from qa.engine import QuestionError

log = logging.getLogger(__name__)

PAGE_CACHE_HEADERS = {"Cache-Control": "max-age=3600"}
HTTP_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
# how a worker process learns its settings from ``serve``
ENV_INDEX, ENV_KIOSK, ENV_CACHE, ENV_THREADS, ENV_WORKERS = (
    "REPORTQA_INDEX", "REPORTQA_KIOSK", "REPORTQA_ANSWER_CACHE", "REPORTQA_THREADS",
    "REPORTQA_WORKERS",
)  # fmt: skip


class Feedback(BaseModel):
    """A citizen flags an answer: 答案有误 (wrong) or 没有回答我的问题 (unanswered)."""

    reason: Literal["wrong", "unanswered"]
    log_id: int | None = None  # the kiosk log's row of the answer
    question: str = Field(default="", max_length=2000)


def create_app(service: ReportQA, *, with_ui: bool = True, workers: int = 1) -> FastAPI:
    """The FastAPI app: the JSON API under ``/api`` and, with ``with_ui``, the page at ``/``
    (served by ``workers`` processes)."""
    app = FastAPI(title="ReportQA", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.service = service

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        if request.url.path == "/api/feedback":
            return error_response(422, errors.BAD_FEEDBACK)
        return error_response(422, errors.INVALID_REQUEST)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        return error_response(
            exc.status_code, errors.HTTP_MESSAGES.get(exc.status_code, errors.UNPROCESSABLE)
        )

    @app.exception_handler(Exception)
    async def _internal(_request: Request, _exc: Exception) -> JSONResponse:
        return error_response(500, errors.INTERNAL)  # uvicorn logs the traceback

    @app.post("/api/ask")
    async def ask(request: Request) -> Response:
        data = await read_json(request)
        if isinstance(data, JSONResponse):
            return data
        if not isinstance(data, dict) or not isinstance(data.get("question"), str):
            return error_response(400, errors.NO_QUESTION)
        report = data.get("report")
        if report is not None and not isinstance(report, str):
            return error_response(400, errors.BAD_REPORT)
        try:
            asked = await run_in_threadpool(service.ask, data["question"], report)
        except QuestionError as e:
            return error_response(400, e.message)
        return JSONResponse(asked.answer.to_dict())

    @app.post("/api/feedback")
    def feedback(body: Feedback) -> JSONResponse:
        if service.kiosk and body.log_id is None:
            return error_response(400, errors.BAD_FEEDBACK)
        if not service.feedback(body.log_id, body.reason, body.question):
            return error_response(404, errors.UNKNOWN_ENTRY.format(entry_id=body.log_id))
        return JSONResponse({"status": "ok", "message": "已记录，谢谢您的反馈。"})

    @app.get("/api/reports")
    def reports() -> list[dict]:
        return [asdict(r) for r in service.reports()]

    @app.get("/api/health")
    def health() -> dict:
        manifest = service.manifest()
        return {
            "ok": True,
            "reports": len(service.reports()),
            "embedder": manifest.embedder_model if manifest else None,
            "index": str(service.index_dir),
            "kiosk": service.kiosk,
            "worker": os.getpid(),
            "threads": native_threads(),
        }

    def png_route(render) -> object:
        def route(
            report_id: str, page: str, boxes: str | None = None, file: str | None = None
        ) -> Response:
            if not page.isdigit() or int(page) < 1:
                return error_response(400, errors.BAD_PAGE)
            try:
                parsed = parse_boxes(boxes)
            except ValueError:
                return error_response(400, errors.BAD_BOXES)
            try:
                png = render(report_id, int(page), parsed, file)
            except PageRenderError as e:
                return error_response(404, e.message)
            return Response(png, media_type="image/png", headers=PAGE_CACHE_HEADERS)

        return route

    app.get("/api/page/{report_id}/{page}.png")(png_route(service.page_png))
    app.get("/api/crop/{report_id}/{page}.png")(png_route(service.crop_png))

    api_routes = list(app.routes)

    # every other request under /api, whatever its method, is answered here: the page's mount
    # at / would take it otherwise
    @app.api_route("/api/{rest:path}", methods=HTTP_METHODS)
    def unknown(request: Request, rest: str) -> JSONResponse:
        if any(r.matches(request.scope)[0] is Match.PARTIAL for r in api_routes):
            return error_response(405, errors.BAD_METHOD)  # a route of the API, another method
        return error_response(404, errors.NO_ENDPOINT)

    if with_ui:
        from app.ui import mount_page

        mount_page(app, service, workers)
    return app


def worker_app() -> FastAPI:
    """The app of one worker process, configured by ``serve`` through the environment."""
    threads = int(os.environ.get(ENV_THREADS) or 0)
    if threads:
        cap_threads(threads)
    service = ReportQA(
        Path(os.environ[ENV_INDEX]),
        kiosk=os.environ.get(ENV_KIOSK) == "1",
        answer_cache=int(os.environ.get(ENV_CACHE) or DEFAULT_ANSWER_CACHE),
    )
    return create_app(service, workers=int(os.environ.get(ENV_WORKERS) or 1))


def serve(
    index_dir: Path,
    host: str = "127.0.0.1",
    port: int = 7860,
    kiosk: bool = False,
    answer_cache: int = DEFAULT_ANSWER_CACHE,
    workers: int = 1,
    threads: int | None = None,
) -> None:
    """Serve the page and the API with uvicorn until interrupted.

    One worker serves from this process. With ``workers`` > 1, uvicorn starts that many
    processes on the same port; each loads the index once, with ``threads`` native threads
    (default: an even share of the cores).
    """
    import uvicorn

    threads = threads or threads_per_worker(workers)
    os.environ.update({
        ENV_INDEX: str(Path(index_dir).resolve()), ENV_KIOSK: "1" if kiosk else "0",
        ENV_CACHE: str(answer_cache), ENV_THREADS: str(threads), ENV_WORKERS: str(workers),
    })  # fmt: skip
    set_thread_environment(threads)  # for the worker processes
    print(f"ReportQA 已启动：http://{host}:{port}/  （API：/api/ask；{workers} 个工作进程，"
          f"每个 {threads} 个线程；按 Ctrl-C 退出）", flush=True)  # fmt: skip
    if workers == 1:
        uvicorn.run(worker_app(), host=host, port=port, log_level="warning")
        return
    from uvicorn.supervisors import Multiprocess

    config = uvicorn.Config("app.server:worker_app", factory=True, host=host, port=port,
                            workers=workers, log_level="warning")  # fmt: skip
    bound = config.bind_socket()
    # uvicorn binds with proto 0, so asyncio never sets TCP_NODELAY on the connections and each
    # keep-alive response waits ~40 ms for a delayed ACK (Kludex/uvicorn#3149): label it TCP
    sock = socket.socket(bound.family, bound.type, socket.IPPROTO_TCP, fileno=bound.detach())
    with contextlib.suppress(KeyboardInterrupt):
        Multiprocess(config, sockets=[sock]).run()
