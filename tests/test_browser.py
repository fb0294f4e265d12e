"""The inquiry page in Debian's headless chromium, driven by playwright, against a real server."""

from __future__ import annotations

import io
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image

from app.question_log import QuestionLog
from indexer.store import ReportInfo
from qa.answer import Answer, ReportFigure
from qa.engine import Engine
from tests.test_api import QUESTION, highlight_span, running_server

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]  # fmt: skip
WIDE = {"width": 1400, "height": 1000}
PHONE = {"width": 390, "height": 844}
TREND_QUESTION = "收入总计这两年有什么变化？"
MIN_CONTRAST = 7.0  # WCAG AAA for body text

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="needs Debian's chromium: apt-get install -y chromium"
    ),
]


class TrendEngine(Engine):
    """The real engine, plus one answer over two years with ``table`` and ``chart`` filled.

    No real question yields such an answer yet (the engine does not fill ``Answer.table``),
    so this stands in for it: it asks the real engine for last year's and this year's 收入总计
    and puts both figures, with their real citations, into one line chart answer.
    """

    def ask(self, question: str, report: str | None = None) -> Answer:
        if question != TREND_QUESTION:
            return super().ask(question, report)
        info: ReportInfo = self.reports()[0]
        rows, citations = [], []
        for year, q in ((info.year - 1, "2023年收入总计是多少？"), (info.year, "收入总计是多少？")):
            a = super().ask(q, report)
            rows.append(ReportFigure(info.title, info.department, year, info.kind, "收入总计",
                                     a.value, a.unit, len(citations), info.id))  # fmt: skip
            citations.append(a.citations[0])
        text = "；".join(f"{r.year}年收入总计 {r.value}{r.unit}" for r in rows) + "。"
        return Answer(question, "answered", text, None, "万元", [], citations, "table",
                      info.title, table=rows, chart="line")  # fmt: skip


@pytest.fixture(scope="module")
def base_url(seed_pdf_index: Path) -> Iterator[str]:
    with running_server(seed_pdf_index) as url:
        yield url


@pytest.fixture(scope="module")
def kiosk_index(seed_pdf_index: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the seed index, so that this module's kiosk log starts empty."""
    copy = tmp_path_factory.mktemp("kiosk") / "index"
    shutil.copytree(seed_pdf_index, copy, symlinks=True,
                    ignore=shutil.ignore_patterns("question_log.sqlite*"))  # fmt: skip
    return copy


@pytest.fixture(scope="module")
def kiosk_url(kiosk_index: Path) -> Iterator[str]:
    with running_server(kiosk_index, kiosk=True, open_engine=TrendEngine.open) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def open_page(browser, url: str, viewport: dict = WIDE):
    page = browser.new_page(viewport=viewport)
    page.goto(url)
    page.locator("#rq-question textarea").wait_for(timeout=60_000)
    return page


@pytest.fixture
def page(browser, base_url: str):
    page = open_page(browser, base_url)
    yield page
    page.close()


def ask(page, question: str) -> None:
    """Type a question, press Enter and wait for its answer (the newest turn is first)."""
    box = page.locator("#rq-question textarea")
    box.fill(question)
    box.press("Enter")
    page.locator(".rq-turn").first.locator(".rq-card:not(.rq-pending)").wait_for(timeout=60_000)


def loaded_image(page, selector: str):
    """The first visible image matching ``selector``, once it has loaded."""
    img = page.locator(selector).first
    img.wait_for(timeout=30_000)
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=img.element_handle(), timeout=30_000
    )
    return img


def test_answer_with_figure_and_sources(page) -> None:
    ask(page, QUESTION)
    turn = page.locator(".rq-turn").first
    assert turn.locator(".rq-figure").inner_text() == "80.35"
    assert turn.locator(".rq-unit").inner_text() == "万元"
    what = turn.locator(".rq-what").inner_text()
    assert "2024" in what and "决算" in what and "公开07表" in what and "决算数" in what
    # sources are numbered and short; the first one is shown as a crop of page 29
    links = turn.locator(".rq-sources a")
    assert links.count() == 2
    assert links.nth(0).inner_text().startswith("[1] 第 29 页")
    assert all(len(links.nth(i).inner_text()) < 20 for i in range(2))
    crop = loaded_image(page, ".rq-source:not([hidden]) .rq-crop img")
    assert "/api/crop/" in crop.get_attribute("src")
    assert "公务用车运行维护费 84.64 80.35" in turn.locator(".rq-source:not([hidden])").inner_text()
    # the whole page is one click away
    turn.locator(".rq-source:not([hidden]) .rq-fullpage").click()
    assert "/api/page/" in loaded_image(
        page, ".rq-source:not([hidden]) .rq-crop img"
    ).get_attribute("src")
    # choosing the second source shows the cited paragraph
    links.nth(1).click()
    shown = turn.locator(".rq-source:not([hidden])")
    assert shown.get_attribute("data-n") == "2"
    assert "主要用于公务用车加油及维修" in shown.locator(".rq-quote").inner_text()


def test_crop_shows_the_cited_cell_at_readable_size(page) -> None:
    """On a 1400 px screen the highlighted cell is at least 200 px wide as displayed."""
    ask(page, QUESTION)
    img = loaded_image(page, ".rq-source:not([hidden]) .rq-crop img")
    shot = Image.open(io.BytesIO(img.screenshot()))
    left, right = highlight_span(shot)
    assert right - left >= 200, (left, right)
    assert img.bounding_box()["width"] <= 1400 / 2


def test_computed_answer_shows_its_formula(page) -> None:
    ask(page, "2023年收入总计是多少？")
    turn = page.locator(".rq-turn").first
    assert turn.locator(".rq-figure").inner_text() == "8,253.22"
    formula = turn.locator(".rq-formula").inner_text()
    assert "9491.05" in formula and "1237.83" in formula and "= 8253.22" in formula


def test_script_in_question_is_shown_as_text(page) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    question = "<script>alert(1)</script><img src=x onerror=alert(2)>公务接待费是多少？"
    ask(page, question)
    chat = page.locator("#rq-chat")
    chat.get_by_text("<script>alert(1)</script>", exact=False).first.wait_for(timeout=60_000)
    chat.get_by_text("2.10", exact=False).first.wait_for(timeout=60_000)
    assert chat.get_by_text("onerror=alert(2)", exact=False).first.is_visible()
    page.wait_for_timeout(500)
    assert dialogs == []
    assert chat.locator("script").count() == 0


def test_huge_question_is_refused_politely(page) -> None:
    ask(page, "公" * 10_000)
    page.locator("#rq-chat").get_by_text("500 个字符以内", exact=False).wait_for(timeout=30_000)


def test_keyboard_only(page) -> None:
    """Enter asks; Tab from the question box reaches the sources; Enter on one shows it."""
    page.keyboard.press("Tab")  # the skip link
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "rq-q"
    page.keyboard.type(QUESTION)
    page.keyboard.press("Enter")
    page.locator(".rq-turn .rq-figure").wait_for(timeout=60_000)
    for _ in range(12):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.dataset.source") == "2":
            break
    else:
        pytest.fail("Tab did not reach the second source")
    page.keyboard.press("Enter")
    shown = page.locator(".rq-turn").first.locator(".rq-source:not([hidden])")
    assert shown.get_attribute("data-n") == "2"
    assert page.evaluate("document.activeElement.className") == "rq-source-title"


def test_phone_width_has_no_horizontal_scroll(browser, base_url: str) -> None:
    page = open_page(browser, base_url, PHONE)
    ask(page, QUESTION)
    ask(page, "2023年收入总计是多少？")
    crop = loaded_image(page, ".rq-source:not([hidden]) .rq-crop img")
    widths = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth,"
        " document.body.scrollWidth]"
    )
    assert widths[0] <= widths[1] and widths[2] <= widths[1], widths
    box = crop.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]  # the crop fits
    page.close()


def test_feedback_button_records_a_row_in_the_kiosk_log(browser, kiosk_url, kiosk_index) -> None:
    page = open_page(browser, kiosk_url)
    ask(page, "火星基地的预算是多少？")
    turn = page.locator(".rq-turn").first
    turn.get_by_role("button", name="答案有误").click()
    turn.locator(".rq-feedback-note", has_text="已记录").wait_for(timeout=10_000)
    assert turn.get_by_role("button", name="答案有误").is_disabled()
    rows = [e for e in QuestionLog.for_index(kiosk_index).entries() if e.feedback]
    assert [(e.question, e.feedback) for e in rows] == [("火星基地的预算是多少？", "wrong")]
    assert rows[0].answer  # the answer given is kept with the flag
    page.close()


def _contrast(page, selector: str) -> float:
    """WCAG contrast ratio of an element's text colour on white."""
    rgb = page.eval_on_selector(
        selector, "el => getComputedStyle(el).color.match(/\\d+/g).slice(0, 3).map(Number)"
    )
    channels = [c / 255 for c in rgb]
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    lum = 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]
    return 1.05 / (lum + 0.05)


def test_kiosk_is_readable_at_arms_length(browser, kiosk_url) -> None:
    page = open_page(browser, kiosk_url)
    ask(page, QUESTION)
    size = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    assert size >= 24
    for selector in ("body", ".rq-figure", ".rq-what", ".rq-srclink", ".rq-locator", ".rq-flag"):
        assert _contrast(page, selector) >= MIN_CONTRAST, selector
    page.close()


def test_chart_and_table_for_an_answer_over_two_years(browser, kiosk_url) -> None:
    page = open_page(browser, kiosk_url)
    ask(page, TREND_QUESTION)
    turn = page.locator(".rq-turn").first
    chart = turn.locator(".rq-chart svg")
    chart.wait_for(timeout=10_000)
    assert turn.locator(".rq-chart-line").count() == 1
    rows = turn.locator(".rq-table tbody tr")
    assert rows.count() == 2
    assert "2023" in rows.nth(0).inner_text() and "8,253.22 万元" in rows.nth(0).inner_text()
    assert "2024" in rows.nth(1).inner_text() and "9,491.05 万元" in rows.nth(1).inner_text()
    # each point links to its source: the second shows the cited figure of 2024
    chart.locator("a[data-source='2']").click()
    shown = turn.locator(".rq-source:not([hidden])")
    assert shown.get_attribute("data-n") == "2"
    assert "9491.05" in shown.inner_text()
    page.close()
