"""The inquiry page: a gradio app mounted at ``/`` of the FastAPI app.

The question box, the report picker, the example questions and (outside kiosk mode) the upload
are gradio components. The conversation is a ``gr.HTML`` of answer turns rendered by
``app/answer_card.py``, newest first; its script (``static/conversation.js``) switches
sources, shows the whole page and sends feedback to ``POST /api/feedback``.

Asking runs without gradio's queue and the conversation travels with each request instead of
living in one process's memory, so the page works when ``serve --workers N`` spreads its
requests over several processes. ``--kiosk`` makes the page readable at arm's length (large
type, high contrast) and leaves out the upload.
"""

from __future__ import annotations

import logging
import os
import uuid
from html import escape
from pathlib import Path

from fastapi import FastAPI

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

import gradio as gr

from app import errors
from app.answer_card import Turn, turn_html
from app.service import ReportQA, stage_label
from qa.engine import QuestionError

log = logging.getLogger(__name__)

STATIC = Path(__file__).resolve().parent / "static"
EXAMPLES = [
    "公务用车运行维护费是多少？",
    "车辆运行花了多少钱？",
    "哪个项目自评得分最低？",
    "三公经费一共花了多少？",
]
TURNS_KEPT = 20  # turns the page keeps (each question sends them back with it)
ALL_REPORTS = ""
FONTS = ["Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", "sans-serif"]  # local only
HEADER = (
    "<header class='rq-header'><h1>政府预决算报告问答</h1><p>用中文提问部门决算、部门预算报告中"
    "的数字，回答给出<strong>准确数字</strong>，并注明来源（报告、页码、表格行或原文段落）。</p>"
    "</header>"
)
HINT = "按 Enter 提问，Shift+Enter 换行；按 Tab 可到回答的来源和反馈按钮。"
# the turns are a variable of the template, so their text is never evaluated as a template
CONVERSATION = "<div class='rq-chat' aria-live='polite'>${(value || []).join('')}</div>"


def answer_turn(service: ReportQA, question: str, report: str | None) -> str:
    """The HTML of one turn: the answer card and its sources, or the refusal or failure."""
    turn = Turn(f"t{uuid.uuid4().hex[:10]}", question)
    try:
        asked = service.ask(question, report or None)
        turn.answer, turn.log_id = asked.answer, asked.log_id
    except QuestionError as e:
        turn.error = e.message
    except Exception:
        log.exception("ask failed: %r", question[:200])
        turn.error = errors.INTERNAL
    return turn_html(turn, {r.id: r for r in service.reports()})


def report_choices(service: ReportQA) -> list[tuple[str, str]]:
    return [("全部报告", ALL_REPORTS)] + [(r.title, r.id) for r in service.reports()]


def picker_update(service: ReportQA) -> dict:
    """The report picker as the index now stands (shown when it holds several reports)."""
    choices = report_choices(service)
    return gr.update(choices=choices, visible=len(choices) > 2)


def upload_summary(result) -> str:
    """One escaped line per uploaded file: indexed, already there, or why it failed."""
    lines = []
    for s in result.reports:
        if s.status == "failed":
            lines.append(f"✗ {Path(s.path).name}：{s.error or ''}")
        elif s.status == "unchanged":
            lines.append(f"= {s.title}（已在索引中）")
        else:
            lines.append(f"✓ {s.title}：{s.pages or '-'} 页")
    return "".join(f"<li>{escape(line)}</li>" for line in lines)


def theme(kiosk: bool) -> gr.themes.Base:
    """gradio's default theme with local CJK fonts (a desk may be offline); in kiosk mode
    large type and black text."""
    base = gr.themes.Default(
        primary_hue="blue", font=FONTS, font_mono=["Noto Sans Mono CJK SC", "monospace"],
        text_size=gr.themes.sizes.text_lg,
    ).set(
        button_primary_background_fill="#1d4ed8", button_primary_background_fill_hover="#1e40af",
        button_primary_text_color="#ffffff", body_text_color_subdued="#4b5563",
        block_title_text_color="#374151", link_text_color="#1d4ed8",
    )  # fmt: skip
    if not kiosk:
        return base
    return base.set(
        body_text_color="#000000", body_text_color_subdued="#1f2937",
        block_title_text_color="#000000", block_label_text_color="#000000",
        block_info_text_color="#1f2937",
        link_text_color="#0000cc", border_color_primary="#374151",
        input_border_width="3px", input_border_color="#000000",
    )  # fmt: skip


def build_page(service: ReportQA, workers: int = 1) -> gr.Blocks:
    """The Blocks of the page, served by ``workers`` processes; the upload only outside kiosk
    mode."""

    def ask(question: str, report: str | None, turns: list[str] | None):
        if not (question or "").strip():
            return gr.skip(), gr.skip()
        earlier = [t for t in turns if isinstance(t, str)] if isinstance(turns, list) else []
        return "", [answer_turn(service, question, report), *earlier][:TURNS_KEPT]

    with gr.Blocks(title="政府预决算报告问答", analytics_enabled=False) as page:
        gr.HTML(HEADER, js_on_load=None)
        with gr.Row(elem_id="rq-form", equal_height=True):
            question = gr.Textbox(
                label="您的问题", info=HINT, elem_id="rq-question", lines=1, max_lines=4,
                placeholder="例如：公务用车运行维护费是多少？", scale=5, min_width=240,
            )  # fmt: skip
            ask_button = gr.Button("提问", variant="primary", elem_id="rq-ask", scale=1,
                                   min_width=100)  # fmt: skip
        # custom values: another worker process may not know a report uploaded since it started
        picker = gr.Dropdown(
            report_choices(service), value=ALL_REPORTS, label="报告", elem_id="rq-report",
            visible=len(service.reports()) > 1, allow_custom_value=True,
        )  # fmt: skip
        examples = gr.Examples(EXAMPLES, inputs=[question], label="示例问题")
        conversation = gr.HTML(
            [], html_template=CONVERSATION, elem_id="rq-conversation",
            js_on_load=(STATIC / "conversation.js").read_text(encoding="utf-8"),
        )  # fmt: skip
        asking = {"fn": ask, "inputs": [question, picker, conversation],
                  "outputs": [question, conversation], "queue": False}  # fmt: skip
        question.submit(**asking, api_name="ask")
        ask_button.click(**asking, api_visibility="private")
        examples.load_input_event.then(**asking, api_visibility="private")
        # the index may have changed since this process built the page
        page.load(lambda: picker_update(service), None, picker, queue=False,
                  api_visibility="private")  # fmt: skip
        if not service.kiosk:
            add_upload(service, picker, workers)
    return page


def add_upload(service: ReportQA, picker: gr.Dropdown, workers: int) -> None:
    """Upload PDFs, index them, and refresh the report picker.

    One process shows the indexing's progress through gradio's queue. With several worker
    processes the queue's two requests (join, then the event stream) may reach different
    processes, so the indexing runs as one plain request with a spinner instead.
    """

    def index_files(paths: list[str] | None, progress: gr.Progress | None = None):
        if not paths:
            return f"<p role='status'>{errors.NO_FILES}</p>", gr.skip()

        def update(stage: str, done: int, total: int) -> None:
            if progress is not None:
                progress((done, total), desc=stage_label(stage)[0])

        try:
            result = service.add_reports([Path(p) for p in paths], update)
        except Exception:
            log.exception("indexing uploaded files failed")
            return f"<p role='alert'>{errors.INTERNAL}</p>", gr.skip()
        summary = f"<ul class='rq-upload-status' role='status'>{upload_summary(result)}</ul>"
        return summary, picker_update(service)

    def index_with_progress(paths: list[str] | None, progress=gr.Progress()):  # noqa: B008
        return index_files(paths, progress)

    with gr.Accordion("添加报告（上传 PDF 建立索引）", open=False, elem_id="rq-upload"):
        files = gr.File(label="PDF 文件", file_types=[".pdf"], file_count="multiple")
        build = gr.Button("建立索引")
        status = gr.HTML(js_on_load=None)
    queued = workers == 1
    build.click(index_with_progress if queued else index_files, [files], [status, picker],
                queue=queued, api_name="upload")  # fmt: skip


def mount_page(app: FastAPI, service: ReportQA, workers: int = 1) -> FastAPI:
    """Mount the page at ``/`` of ``app`` (after the API routes, which keep precedence)."""
    css = [STATIC / "page.css"] + ([STATIC / "kiosk.css"] if service.kiosk else [])
    return gr.mount_gradio_app(
        app, build_page(service, workers), path="/", theme=theme(service.kiosk), css_paths=css,
        ssr_mode=False, footer_links=[],
    )  # fmt: skip
