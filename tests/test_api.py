"""The JSON API against a real index of the seed PDF and a real uvicorn server on loopback."""

from __future__ import annotations

import contextlib
import io
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import uvicorn
from PIL import Image

from app.question_log import QuestionLog
from app.server import create_app
from app.service import ReportQA

pytestmark = pytest.mark.slow

QUESTION = "公务用车运行维护费是多少？"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def is_chinese_error(body: dict) -> bool:
    """The JSON error shape: status "error" and a message in Chinese."""
    return body.get("status") == "error" and any("\u4e00" <= ch <= "\u9fff" for ch in body["error"])


@contextlib.contextmanager
def running_server(index_dir: Path, *, kiosk: bool = False, **service_options) -> Iterator[str]:
    """Serve the page and the API on a free loopback port in a thread; yield the base URL."""
    port = free_port()
    app = create_app(ReportQA(index_dir, kiosk=kiosk, **service_options))
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline, "server did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture(scope="module")
def index_dir(seed_pdf_index: Path) -> Path:
    return seed_pdf_index


@pytest.fixture(scope="module")
def client(index_dir: Path) -> Iterator[httpx.Client]:
    with running_server(index_dir, kiosk=True) as url, httpx.Client(base_url=url, timeout=60) as c:
        yield c


def test_ask_vehicle_costs(client: httpx.Client) -> None:
    r = client.post("/api/ask", json={"question": QUESTION})
    assert r.status_code == 200
    a = r.json()
    assert a["status"] == "answered"
    assert a["value"] == pytest.approx(80.35)
    cited = [
        c for c in a["citations"]
        if "公务用车运行维护费" in c["locator"] + c["quote"] and c["page"] is not None
    ]  # fmt: skip
    assert cited, a["citations"]


def test_ask_restricted_to_a_report(client: httpx.Client) -> None:
    report_id = client.get("/api/reports").json()[0]["id"]
    r = client.post("/api/ask", json={"question": QUESTION, "report": report_id})
    assert r.json()["value"] == pytest.approx(80.35)


def test_health_and_reports(client: httpx.Client, index_dir: Path) -> None:
    health = client.get("/api/health").json()
    assert health["ok"] is True
    assert health["reports"] == 1
    assert health["embedder"]
    assert health["index"] == str(index_dir)
    reports = client.get("/api/reports").json()
    assert len(reports) == 1
    assert "朝阳市生态环境局" in reports[0]["title"]
    assert reports[0]["pages"] == 154


@pytest.mark.parametrize(
    "body",
    [b"{not json", b'{"q": "x"}', b'{"question": 5}', b"[1, 2]", b'{"question": "x", "report": 3}'],
)
def test_bad_requests_get_a_chinese_message(client: httpx.Client, body: bytes) -> None:
    r = client.post("/api/ask", content=body, headers={"content-type": "application/json"})
    assert 400 <= r.status_code < 500
    assert is_chinese_error(r.json()), r.json()


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("POST", "/api/feedback", {"reason": "bad"}),  # FastAPI's validation error
        ("POST", "/api/feedback", {"log_id": "x", "reason": "wrong"}),
        ("POST", "/api/feedback", {"log_id": 10**9, "reason": "wrong"}),  # no such question
        ("GET", "/api/nowhere", None),
        ("DELETE", "/api/ask", None),
        ("GET", "/api/page/nope/1.png", None),
        ("GET", "/api/crop/nope/1.png?boxes=1,2,3,4", None),
        ("GET", "/api/crop/x/0.png", None),
    ],
)
def test_every_json_error_has_status_and_chinese_message(
    client: httpx.Client, method: str, path: str, body: dict | None
) -> None:
    r = client.request(method, path, json=body)
    assert 400 <= r.status_code < 500, (r.status_code, r.text)
    assert r.headers["content-type"].startswith("application/json")
    assert is_chinese_error(r.json()), r.json()


def test_empty_and_huge_questions_are_refused(client: httpx.Client) -> None:
    t0 = time.monotonic()
    r = client.post("/api/ask", json={"question": "公" * 10_000})
    assert r.status_code == 400
    assert "500" in r.json()["error"]
    assert time.monotonic() - t0 < 5
    assert client.post("/api/ask", json={"question": "   "}).status_code == 400


def test_page_png_with_highlight(client: httpx.Client) -> None:
    a = client.post("/api/ask", json={"question": QUESTION}).json()
    c = next(c for c in a["citations"] if c["bbox"] and c["page"])
    boxes = ",".join(str(v) for v in c["bbox"])
    r = client.get(f"/api/page/{c['report_id']}/{c['page']}.png", params={"boxes": boxes})
    assert r.status_code == 200
    assert r.headers["content-type"] == "image/png"
    assert r.content.startswith(b"\x89PNG\r\n\x1a\n")
    assert client.get(f"/api/page/{c['report_id']}/999.png").status_code == 404
    assert client.get(f"/api/page/nope/{c['page']}.png").status_code == 404
    bad = client.get(f"/api/page/{c['report_id']}/1.png", params={"boxes": "1,2"})
    assert bad.status_code == 400
    assert client.get("/api/unknown").json()["error"]


def test_crop_around_the_cited_cell(client: httpx.Client) -> None:
    """The crop is rendered larger than the whole page and holds the highlighted cell."""
    a = client.post("/api/ask", json={"question": QUESTION}).json()
    c = next(c for c in a["citations"] if c["kind"] == "cell")
    where = f"{c['report_id']}/{c['page']}.png"
    boxes = {"boxes": ",".join(str(v) for v in c["bbox"])}
    crop = Image.open(io.BytesIO(client.get(f"/api/crop/{where}", params=boxes).content))
    page = Image.open(io.BytesIO(client.get(f"/api/page/{where}", params=boxes).content))
    assert crop.width < page.width and crop.height < page.height / 4
    left, right = highlight_span(crop)
    page_left, page_right = highlight_span(page)
    # the same cell, drawn larger in the crop than on the whole page
    assert right - left > 1.3 * (page_right - page_left)
    assert right - left >= 200


def highlight_span(img: Image.Image) -> tuple[int, int]:
    """Leftmost and rightmost columns holding the orange outline of a highlighted box."""
    rgb = img.convert("RGB")
    xs = [
        x for x in range(rgb.width) for y in range(0, rgb.height, 2)
        if _is_outline(rgb.getpixel((x, y)))
    ]  # fmt: skip
    assert xs, "no highlighted box in the image"
    return min(xs), max(xs)


def _is_outline(pixel: tuple[int, int, int]) -> bool:
    r, g, b = pixel
    return r > 200 and 50 < g < 120 and b < 40


def test_kiosk_logs_questions_without_personal_data(client: httpx.Client, index_dir: Path) -> None:
    client.post("/api/ask", json={"question": QUESTION})
    client.post("/api/ask", json={"question": "x" * 10_000})
    log = QuestionLog.for_index(index_dir)
    entries = log.entries()
    assert any(
        e.question == QUESTION and e.status == "answered" and "80.35" in (e.answer or "")
        for e in entries
    )
    refused = log.entries(failed_only=True)
    assert refused and all(
        e.status in ("not_found", "error", "refused") or e.feedback for e in refused
    )
    assert all(len(e.question) <= 500 for e in entries)
    columns = [r[1] for r in log._db.execute("PRAGMA table_info(questions)")]
    assert columns == [
        "id", "time", "question", "status", "method", "latency_ms", "answer", "feedback",
        "feedback_time",
    ]  # fmt: skip


def test_feedback_flags_the_logged_answer(client: httpx.Client, index_dir: Path) -> None:
    r = client.post("/api/ask", json={"question": "三公经费一共花了多少？"})
    assert r.status_code == 200
    log = QuestionLog.for_index(index_dir)
    log_id = max(e.id for e in log.entries() if e.question == "三公经费一共花了多少？")
    ok = client.post("/api/feedback", json={"log_id": log_id, "reason": "wrong"})
    assert ok.status_code == 200 and ok.json()["status"] == "ok"
    flagged = [e for e in log.entries() if e.id == log_id]
    assert flagged[0].feedback == "wrong" and "100.44" in flagged[0].answer


def test_the_page_is_mounted_beside_the_api(client: httpx.Client) -> None:
    """gradio serves the page at ``/``; the API routes keep their JSON answers."""
    page = client.get("/")
    assert page.status_code == 200 and "gradio" in page.text.lower()
    assert client.get("/api/health").json()["ok"] is True
    assert is_chinese_error(client.get("/api/page.html").json())
