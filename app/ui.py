"""The inquiry page: one HTML page, a small script and a style sheet, all served locally.

``GET /`` is the page; ``POST /ui/answer`` returns one rendered turn (question, answer card,
source view) for the page to insert; ``POST /ui/upload`` indexes uploaded PDFs (not in kiosk
mode) and streams its progress as JSON lines. ``--kiosk`` makes the page readable at arm's
length: large type, high contrast, no upload.
"""

from __future__ import annotations

import json
import logging
import queue
import shutil
import tempfile
import threading
import uuid
from collections.abc import Iterator
from html import escape
from pathlib import Path

from fastapi import FastAPI, Request, UploadFile
from fastapi.responses import HTMLResponse, JSONResponse, Response, StreamingResponse
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool

from app import errors
from app.answer_card import Turn, turn_html
from app.errors import error_body
from app.json_io import read_json
from app.service import ReportQA
from qa.engine import QuestionError

log = logging.getLogger(__name__)

STATIC = Path(__file__).resolve().parent / "static"
EXAMPLES = [
    "公务用车运行维护费是多少？",
    "车辆运行花了多少钱？",
    "哪个项目自评得分最低？",
    "三公经费一共花了多少？",
]
PAGE = """<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>政府预决算报告问答</title>
<link rel="stylesheet" href="/static/desk.css">
<script src="/static/desk.js" defer></script>
</head>
<body class="{mode}">
<a class="rq-skip" href="#rq-q">跳到提问框</a>
<header class="rq-header">
<h1>政府预决算报告问答</h1>
<p>用中文提问部门决算、部门预算报告中的数字，回答给出<strong>准确数字</strong>，
并注明来源（报告、页码、表格行或原文段落）。</p>
</header>
<main>
<form id="rq-form" class="rq-form" autocomplete="off">
<div id="rq-question">
<label for="rq-q">您的问题</label>
<textarea id="rq-q" name="question" rows="2" aria-describedby="rq-hint"
 placeholder="例如：公务用车运行维护费是多少？"></textarea>
</div>
{picker}
<button id="rq-ask" type="submit">提问</button>
<p id="rq-hint" class="rq-hint">按 Enter 提问，Shift+Enter 换行；
按 Tab 可到回答的来源和反馈按钮。</p>
</form>
<div id="rq-examples" class="rq-examples"><span>示例问题：</span>{examples}</div>
<div id="rq-chat" class="rq-chat" aria-live="polite"></div>
{upload}
</main>
</body>
</html>
"""
UPLOAD = """<details id="rq-upload" class="rq-upload">
<summary>添加报告（上传 PDF 建立索引）</summary>
<form id="rq-upload-form">
<label for="rq-files">PDF 文件</label>
<input type="file" id="rq-files" name="files" multiple accept=".pdf,application/pdf">
<button type="submit">建立索引</button>
<progress id="rq-progress" hidden></progress>
<div id="rq-upload-status" role="status"></div>
</form>
</details>"""


def page_html(service: ReportQA) -> str:
    """The page, with the report picker when the index holds several reports."""
    reports = service.reports()
    picker = ""
    if len(reports) > 1:
        options = "".join(f"<option value='{escape(r.id)}'>{escape(r.title)}</option>"
                          for r in reports)  # fmt: skip
        picker = (
            "<div class='rq-picker'><label for='rq-report'>报告</label>"
            f"<select id='rq-report'><option value=''>全部报告</option>{options}</select></div>"
        )
    examples = "".join(
        f"<button type='button' data-example='{escape(q)}'>{escape(q)}</button>" for q in EXAMPLES
    )
    return PAGE.format(
        mode="kiosk" if service.kiosk else "desk",
        picker=picker,
        examples=examples,
        upload="" if service.kiosk else UPLOAD,
    )


def answer_turn(service: ReportQA, question: str, report: str | None) -> tuple[int, dict]:
    """(HTTP status, body) for one question: the rendered turn, or an error with its turn."""
    turn = Turn(f"t{uuid.uuid4().hex[:10]}", question)
    status = 200
    try:
        asked = service.ask(question, report)
        turn.answer, turn.log_id = asked.answer, asked.log_id
    except QuestionError as e:
        turn.error, status = e.message, 400
    except Exception:
        log.exception("ask failed: %r", question[:200])
        turn.error, status = errors.INTERNAL, 500
    reports = {r.id: r for r in service.reports()}
    html = turn_html(turn, reports)
    if turn.error:
        return status, {**error_body(turn.error), "html": html}
    return status, {"status": turn.answer.status, "html": html, "log_id": turn.log_id}


def _upload_progress(service: ReportQA, files: list[Path], workdir: Path) -> Iterator[str]:
    """Index ``files`` in a thread; yield its progress, then the result, as JSON lines."""
    events: queue.Queue = queue.Queue()

    def progress(stage: str, done: int, total: int) -> None:
        desc = "计算向量" if stage == "embed" else f"读取 {stage.split(':', 1)[-1]}"
        events.put({"status": "progress", "stage": desc, "done": done, "total": total})

    def run() -> None:
        try:
            result = service.add_reports(files, progress)
            lines = []
            for s in result.reports:
                if s.status == "failed":
                    lines.append(f"✗ {Path(s.path).name}：{s.error or ''}")
                elif s.status == "unchanged":
                    lines.append(f"= {s.title}（已在索引中）")
                else:
                    lines.append(f"✓ {s.title}：{s.pages or '-'} 页")
            reports = [{"id": r.id, "title": r.title} for r in service.reports()]
            events.put({"status": "done", "lines": lines, "reports": reports})
        except Exception:
            log.exception("indexing uploaded files failed")
            events.put(error_body(errors.INTERNAL))
        finally:
            shutil.rmtree(workdir, ignore_errors=True)
            events.put(None)

    threading.Thread(target=run, daemon=True).start()
    while (event := events.get()) is not None:
        yield json.dumps(event, ensure_ascii=False) + "\n"


def add_page_routes(app: FastAPI, service: ReportQA) -> None:
    """The page at ``/``, its script and styles under ``/static``, and the ``/ui`` routes."""
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.get("/", response_class=HTMLResponse)
    def page() -> HTMLResponse:
        return HTMLResponse(page_html(service))

    @app.post("/ui/answer")
    async def answer(request: Request) -> JSONResponse:
        data = await read_json(request)
        if isinstance(data, JSONResponse):
            return data
        if not isinstance(data, dict) or not isinstance(data.get("question"), str):
            return JSONResponse(error_body(errors.NO_QUESTION), status_code=400)
        report = data.get("report") or None
        if report is not None and not isinstance(report, str):
            return JSONResponse(error_body(errors.BAD_REPORT), status_code=400)
        status, body = await run_in_threadpool(answer_turn, service, data["question"], report)
        return JSONResponse(body, status_code=status)

    @app.post("/ui/upload")
    async def upload(files: list[UploadFile]) -> Response:
        if service.kiosk:
            return JSONResponse(error_body(errors.UPLOAD_IN_KIOSK), status_code=403)
        workdir = Path(tempfile.mkdtemp(prefix="reportqa-upload-"))
        saved = []
        for f in files:
            name = Path(f.filename or "").name
            if not name:
                continue
            dest = workdir / name
            with dest.open("wb") as out:
                shutil.copyfileobj(f.file, out)
            saved.append(dest)
        if not saved:
            shutil.rmtree(workdir, ignore_errors=True)
            return JSONResponse(error_body(errors.NO_FILES), status_code=400)
        return StreamingResponse(
            _upload_progress(service, saved, workdir), media_type="application/x-ndjson"
        )
