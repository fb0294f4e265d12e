"""The gradio UI, in Chinese: chat, prominent figures, sources with the cited row or paragraph
and the highlighted PDF page, a report picker, examples, and (outside kiosk mode) upload.

Every piece of user or report text shown in the chat is escaped for both HTML and markdown,
so a question like ``<script>…</script>`` is shown literally and never executed.
"""

from __future__ import annotations

import io
import logging
import os
import re
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING

from fastapi import FastAPI

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

import gradio as gr
from PIL import Image

from app.page_render import PageRenderError
from app.source_view import source_html
from qa.answer import Answer, Citation
from qa.engine import QuestionError

if TYPE_CHECKING:
    from app.server import ReportQA

log = logging.getLogger(__name__)

EXAMPLES = [
    "公务用车运行维护费是多少？",
    "车辆运行花了多少钱？",
    "哪个项目自评得分最低？",
    "三公经费一共花了多少？",
]
STATUS = {
    "answered": "",
    "ambiguous": "⚠️ **有多个匹配**，请看下面列出的全部数字，或把问题问得更具体。",
    "not_found": "🔍 **报告中没有找到答案**",
}
METHOD = {"table": "表格", "text": "正文", "computed": "计算", "retrieval": "检索"}
ALL_REPORTS = "__all__"

CSS = """
.rq-figure { font-size: 2.1em; font-weight: 700; color: #b45309; }
.rq-unit { font-size: 1.2em; font-weight: 600; margin-left: .2em; }
.rq-source-title { font-weight: 600; margin-bottom: .4em; }
.rq-table-wrap { max-height: 420px; overflow: auto; }
.rq-table { border-collapse: collapse; width: 100%; font-size: .95em; }
.rq-table th, .rq-table td { border: 1px solid #d4d4d8; padding: 3px 8px; }
.rq-table th { background: #f4f4f5; position: sticky; top: 0; }
.rq-table td.num { text-align: right; font-variant-numeric: tabular-nums; }
.rq-table tr.cited td { background: #fde68a; font-weight: 700; }
.rq-note { color: #71717a; font-size: .85em; margin-top: .3em; }
.rq-paragraph mark { background: #fde68a; }
"""
KIOSK_CSS = """
.gradio-container { font-size: 20px !important; }
#rq-chat .message, #rq-chat .message * { font-size: 22px !important; line-height: 1.6; }
#rq-question textarea { font-size: 24px !important; }
#rq-ask { font-size: 24px !important; min-height: 64px; }
.rq-figure { font-size: 2.6em; }
"""

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~>$])")


def theme() -> gr.themes.Base:
    """The default theme with local CJK fonts (no web-font download: kiosks may be offline)."""
    return gr.themes.Default(
        font=["Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", "sans-serif"],
        font_mono=["Noto Sans Mono CJK SC", "monospace"],
    )


def md_text(text: str) -> str:
    """Text safe inside the chat's markdown: HTML-escaped, markdown punctuation escaped."""
    return _MD_SPECIAL.sub(r"\\\1", escape(text, quote=False))


def fmt_number(value) -> str:
    """A figure as the report prints it: thousands separators, its own decimals."""
    return f"{value:,}"


def answer_markdown(a: Answer) -> str:
    """The assistant message: status, prominent figure, answer text, numbered sources."""
    parts = []
    if STATUS.get(a.status):
        parts.append(STATUS[a.status])
    if a.status == "answered" and a.value is not None:
        unit = f"<span class='rq-unit'>{escape(a.unit)}</span>" if a.unit else ""
        parts.append(f"<span class='rq-figure'>{fmt_number(a.value)}</span>{unit}")
    parts.append(md_text(a.answer))
    if a.status == "ambiguous" and a.values:
        parts.append(
            "\n".join(
                f"- {md_text(f.label)}：**{fmt_number(f.value)}** {md_text(f.unit or '')}"
                for f in a.values
            )
        )
    if a.citations:
        lines = ["**来源**（点选右侧列表查看原表和原文页面）"]
        for i, c in enumerate(a.citations, 1):
            lines.append(f"{i}\\. {md_text(citation_label(c))}  \n    “{md_text(c.quote)}”")
        parts.append("\n".join(lines))
    if a.method:
        ms = f" · 用时 {a.latency_ms:.0f} 毫秒" if a.latency_ms is not None else ""
        parts.append(f"<span class='rq-note'>依据：{METHOD.get(a.method, a.method)}{ms}</span>")
    return "\n\n".join(parts)


def citation_label(c: Citation) -> str:
    """《报告》第 N 页 · locator."""
    page = f"第 {c.page} 页" if c.page is not None else "无页码"
    return f"《{c.report}》{page} · {c.locator}"


def build_ui(service: ReportQA) -> gr.Blocks:
    """The Blocks app for ``service``; upload is left out in kiosk mode."""

    def report_choices() -> list[tuple[str, str]]:
        return [("全部报告", ALL_REPORTS)] + [(r.title, r.id) for r in service.reports()]

    def show_source(citation: dict | None):
        if not citation:
            return "", None
        c = Citation(**citation)
        html = source_html(service.engine.index.store, c)
        image = None
        if c.report_id and c.page is not None:
            try:
                boxes = [c.bbox] if c.bbox else []
                image = Image.open(io.BytesIO(service.page_png(c.report_id, c.page, boxes)))
            except PageRenderError as e:
                html += f"<p class='rq-note'>{escape(e.message)}</p>"
        return html, image

    def source_picker(cites: list[dict], selected: int = 0):
        choices = [(f"[{i}] {citation_label(Citation(**c))}", i - 1) for i, c in
                   enumerate(cites, 1)]  # fmt: skip
        value = selected if cites else None
        return gr.update(choices=choices, value=value, visible=bool(cites))

    def add_question(question: str, history: list):
        question = question or ""
        if not question.strip():
            return gr.update(), history, ""
        shown = question if len(question) <= 500 else question[:500] + "…"
        return "", [*history, {"role": "user", "content": md_text(shown)}], question

    def answer(pending: str, history: list, report: str, cites: dict):
        if not pending.strip():
            return history, cites, [], gr.update(), "", None
        try:
            a = service.ask(pending, None if report in (None, ALL_REPORTS) else report)
            text = answer_markdown(a)
            found = [c.__dict__.copy() for c in a.citations]
        except QuestionError as e:
            text, found = f"⚠️ {md_text(e.message)}", []
        except Exception:
            log.exception("ask failed")
            text, found = "⚠️ 抱歉，回答时出现内部错误，请稍后再试。", []
        history = [*history, {"role": "assistant", "content": text}]
        cites = {**cites, len(history) - 1: found}
        html, image = show_source(found[0] if found else None)
        return history, cites, found, source_picker(found), html, image

    def pick(index: int | None, current: list[dict]):
        if index is None or not 0 <= index < len(current):
            return "", None
        return show_source(current[index])

    def select_message(cites: dict, evt: gr.SelectData):
        found = cites.get(evt.index if isinstance(evt.index, int) else evt.index[0], [])
        html, image = show_source(found[0] if found else None)
        return found, source_picker(found), html, image

    with gr.Blocks(title="预决算报告问答", analytics_enabled=False) as blocks:
        gr.Markdown(
            "# 政府预决算报告问答\n"
            "用中文提问部门决算、部门预算报告中的数字，回答给出**准确数字**，并注明来源"
            "（报告、页码、表格行或原文段落）。"
        )
        pending = gr.State("")
        cites = gr.State({})
        current = gr.State([])
        with gr.Row():
            with gr.Column(scale=3):
                reports = report_choices()
                picker = gr.Dropdown(
                    reports, value=ALL_REPORTS, label="选择报告", visible=len(reports) > 2,
                    interactive=True,
                )  # fmt: skip
                chat = gr.Chatbot(
                    elem_id="rq-chat", label="问答", height=560, sanitize_html=True,
                    allow_tags=False, latex_delimiters=[], feedback_options=None,
                    buttons=["copy_all"],
                    placeholder="请在下方输入问题，或点选示例问题。",
                )  # fmt: skip
                with gr.Row():
                    question = gr.Textbox(
                        elem_id="rq-question", show_label=False, scale=5, lines=1, max_lines=4,
                        placeholder="请输入问题，例如：公务用车运行维护费是多少？",
                    )  # fmt: skip
                    ask_btn = gr.Button("提问", variant="primary", elem_id="rq-ask", scale=1)
                gr.Examples(EXAMPLES, inputs=[question], label="示例问题")
                clear = gr.Button("清空对话", size="sm")
            with gr.Column(scale=2):
                gr.Markdown("### 来源")
                sources = gr.Radio(
                    [], label="选择来源", type="value", visible=False, elem_id="rq-sources"
                )
                source = gr.HTML(elem_id="rq-source")
                page = gr.Image(
                    label="原文页面（黄色框为引用位置）", type="pil", interactive=False,
                    elem_id="rq-page", height=640,
                )  # fmt: skip
        if not service.kiosk:
            with gr.Accordion("添加报告（上传 PDF 建立索引）", open=False):
                upload = gr.File(label="PDF 文件", file_types=[".pdf"], file_count="multiple")
                index_btn = gr.Button("建立索引")
                index_status = gr.Markdown()

            def index_files(files, progress=gr.Progress()):  # noqa: B008
                if not files:
                    return "请先选择 PDF 文件。", gr.update()

                def update(stage: str, done: int, total: int) -> None:
                    desc = "计算向量" if stage == "embed" else f"读取 {stage.split(':', 1)[-1]}"
                    progress((done, total), desc=desc)

                result = service.add_reports([Path(f) for f in files], update)
                lines = []
                for s in result.reports:
                    if s.status == "failed":
                        lines.append(f"- ✗ {md_text(Path(s.path).name)}：{md_text(s.error or '')}")
                    elif s.status == "unchanged":
                        lines.append(f"- = {md_text(s.title)}（已在索引中）")
                    else:
                        lines.append(f"- ✓ {md_text(s.title)}：{s.pages or '-'} 页")
                choices = report_choices()
                return "\n".join(lines), gr.update(choices=choices, visible=len(choices) > 2)

            index_btn.click(index_files, [upload], [index_status, picker])

        outputs = [chat, cites, current, sources, source, page]
        for trigger in (question.submit, ask_btn.click):
            trigger(add_question, [question, chat], [question, chat, pending]).then(
                answer, [pending, chat, picker, cites], outputs
            )
        sources.input(pick, [sources, current], [source, page])
        chat.select(select_message, [cites], [current, sources, source, page])
        clear.click(
            lambda: ([], {}, [], gr.update(choices=[], visible=False), "", None),
            None,
            outputs,
        )
    return blocks


def mount_ui(app: FastAPI, service: ReportQA) -> FastAPI:
    """Mount the UI at ``/`` of ``app`` (large type in kiosk mode)."""
    css = CSS + (KIOSK_CSS if service.kiosk else "")
    return gr.mount_gradio_app(
        app, build_ui(service), path="/", css=css, theme=theme(), ssr_mode=False, footer_links=[]
    )
