"""The JSON error shape shared by the CLI (``--json``, ``--jsonl``) and the HTTP API, and the
Chinese messages the app itself gives.

Every error is ``{"status": "error", "error": "<中文说明>"}``; the CLI adds the question it
could not answer. See the errors section of ``tests/eval/README.md``.
"""

from __future__ import annotations

INTERNAL = "服务器内部错误，请稍后再试。"
ANSWER_FAILED = "回答时出现内部错误，请稍后再试。"  # the CLI's INTERNAL
INVALID_REQUEST = "请求参数不正确，请检查后重试。"
NOT_JSON = "请求不是有效的 JSON。"
NO_QUESTION = "缺少问题：请在 JSON 中提供字符串字段 question。"
BAD_REPORT = "report 字段应为报告编号（字符串）。"
TOO_LARGE = "请求内容过大。"
NO_ENDPOINT = "找不到该接口。"
BAD_METHOD = "该接口不支持此请求方法。"
UNPROCESSABLE = "请求无法处理。"
BAD_PAGE = "页码应为正整数。"
BAD_BOXES = "boxes 参数格式应为 x0,top,x1,bottom;…"
UNKNOWN_REPORT = "索引中没有编号为 {report_id} 的报告。"
BAD_FEEDBACK = "反馈内容不正确：reason 应为 wrong（答案有误）或 unanswered（没有回答我的问题）。"
UNKNOWN_ENTRY = "提问记录中没有编号为 {entry_id} 的提问。"
NO_FILES = "请先选择 PDF 文件。"

HTTP_MESSAGES = {404: NO_ENDPOINT, 405: BAD_METHOD, 413: TOO_LARGE}


def error_body(message: str, **context: object) -> dict:
    """The error object: status, the Chinese message, and any context (e.g. the question)."""
    return {**context, "status": "error", "error": message}
