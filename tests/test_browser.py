"""The gradio inquiry page in Debian's headless chromium, driven by playwright, against a real
server."""

from __future__ import annotations

import io
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image

from app.question_log import QuestionLog
from tests.test_api import QUESTION, highlight_span, is_chinese_error, running_server

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]  # fmt: skip
WIDE = {"width": 1400, "height": 1000}
PHONE = {"width": 390, "height": 844}
TREND_QUESTION = "万里街道三公经费这几年怎么变的？"
BOX = "#rq-question textarea"  # gradio's textbox inside the block with that id
SHOWN = ".rq-source:not([hidden])"
MIN_CONTRAST = 7.0  # WCAG AAA for body text

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="needs Debian's chromium: apt-get install -y chromium"
    ),
]


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
    with running_server(kiosk_index, kiosk=True) as url:
        yield url


@pytest.fixture(scope="module")
def shipped_url(shipped_index: Path) -> Iterator[str]:
    """The page over every shipped report (several departments and years)."""
    with running_server(shipped_index) as url:
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
    page.locator(BOX).wait_for(timeout=60_000)
    return page


@pytest.fixture
def page(browser, base_url: str):
    page = open_page(browser, base_url)
    yield page
    page.close()


def ask(page, question: str) -> None:
    """Type a question, press Enter and wait for its turn (the newest turn is first)."""
    turns = page.locator(".rq-turn").count()
    box = page.locator(BOX)
    box.fill(question)
    box.press("Enter")
    page.wait_for_function(
        f"document.querySelectorAll('.rq-turn').length > {turns}", timeout=60_000
    )


def cited_cell(turn):
    """The source link of the cited cell of 公开07表 on page 29 (sources come in any order)."""
    return turn.locator(".rq-sources a", has_text="第 29 页 · 公开07表")


def loaded_image(page, selector: str):
    """The first image matching ``selector``, once it has loaded."""
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
    assert "2024" in what and "决算" in what
    # sources are numbered and short; the first is shown at once as a crop of its page
    links = turn.locator(".rq-sources a")
    assert links.count() >= 2
    texts = [links.nth(i).inner_text() for i in range(links.count())]
    assert all(t.startswith(f"[{n}] 第 ") and len(t) < 20 for n, t in enumerate(texts, 1)), texts
    assert "/api/crop/" in loaded_image(page, f"{SHOWN} .rq-crop img").get_attribute("src")
    # choosing the cited cell shows its row, the whole page one click away
    cited_cell(turn).click()
    shown = turn.locator(SHOWN)
    assert "公务用车运行维护费 84.64 80.35" in shown.inner_text()
    assert "公开07表" in shown.locator(".rq-locator").inner_text()
    shown.locator(".rq-fullpage").click()
    assert "/api/page/" in loaded_image(page, f"{SHOWN} .rq-crop img").get_attribute("src")
    # the paragraph that states the figure is a source as well
    quotes = turn.locator(".rq-quote").all_inner_texts()
    assert any("80.35 万元，主要用于公务用车加油及维修" in q for q in quotes), quotes


def test_examples_and_the_button_ask_too(page) -> None:
    page.get_by_role("button", name="三公经费一共花了多少？").click()
    page.locator(".rq-turn").first.wait_for(timeout=60_000)
    assert "三公经费一共花了多少？" in page.locator(".rq-question").first.inner_text()
    assert "100.44" in page.locator(".rq-turn").first.inner_text()
    page.locator(BOX).fill("公务接待费是多少？")
    page.get_by_role("button", name="提问", exact=True).click()
    page.wait_for_function("document.querySelectorAll('.rq-turn').length == 2", timeout=60_000)
    assert page.locator(".rq-turn .rq-figure").first.inner_text() == "2.10"
    assert page.locator(BOX).input_value() == ""  # the box is ready for the next question


def test_crop_shows_the_cited_cell_at_readable_size(page) -> None:
    """On a 1400 px screen the highlighted cell is at least 200 px wide as displayed."""
    ask(page, QUESTION)
    cited_cell(page.locator(".rq-turn").first).click()
    img = loaded_image(page, f"{SHOWN} .rq-crop img")
    assert "/api/crop/" in img.get_attribute("src")
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
    question = "<script>alert(1)</script><img src=x onerror=alert(2)>${alert(3)}公务接待费是多少？"
    ask(page, question)
    chat = page.locator("#rq-conversation")
    shown = chat.locator(".rq-question").first.inner_text()
    assert "<script>alert(1)</script><img src=x onerror=alert(2)>${alert(3)}" in shown
    assert chat.locator(".rq-card .rq-text").count() == 1  # answered (or not) like any question
    page.wait_for_timeout(500)
    assert dialogs == []
    assert chat.locator("script").count() == 0 and chat.locator("img[src=x]").count() == 0


def test_huge_question_is_refused_politely(page) -> None:
    ask(page, "公" * 10_000)
    alert = page.locator(".rq-turn").first.get_by_role("alert")
    assert "500 个字符以内" in alert.inner_text()


def test_keyboard_only(page) -> None:
    """Tab reaches the question box; Enter asks; Tab reaches the sources; Enter shows one."""
    for _ in range(5):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.tagName") == "TEXTAREA":
            break
    else:
        pytest.fail("Tab did not reach the question box")
    page.keyboard.type(QUESTION)
    page.keyboard.press("Enter")
    page.locator(".rq-turn .rq-figure").wait_for(timeout=60_000)
    for _ in range(15):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.dataset.source") == "2":
            break
    else:
        pytest.fail("Tab did not reach the second source")
    page.keyboard.press("Enter")
    turn = page.locator(".rq-turn").first
    assert turn.locator(SHOWN).get_attribute("data-n") == "2"
    assert page.evaluate("document.activeElement.className") == "rq-source-title"
    # the next answer re-renders the conversation; this turn still shows the source chosen
    ask(page, "公务接待费是多少？")
    earlier = page.locator(".rq-turn").nth(1)
    assert earlier.locator(SHOWN).get_attribute("data-n") == "2"
    assert earlier.locator(".rq-sources a[aria-current=true]").get_attribute("data-source") == "2"


def test_phone_width_has_no_horizontal_scroll(browser, base_url: str) -> None:
    page = open_page(browser, base_url, PHONE)
    ask(page, QUESTION)
    ask(page, "2023年收入总计是多少？")
    crop = loaded_image(page, f"{SHOWN} .rq-crop img")
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
    # after the next answer the flagged turn still says so and cannot be flagged twice
    ask(page, QUESTION)
    earlier = page.locator(".rq-turn").nth(1)
    assert "已记录" in earlier.locator(".rq-feedback-note").inner_text()
    assert earlier.get_by_role("button", name="答案有误").is_disabled()
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
    for selector in ("body", BOX, ".rq-what", ".rq-srclink"):
        size = page.eval_on_selector(selector, "el => parseFloat(getComputedStyle(el).fontSize)")
        assert size >= 24, (selector, size)
    for selector in (".gradio-container", "#rq-question [data-testid=block-info]",
                     "#rq-question .info-text", ".gallery-item", ".rq-figure", ".rq-what",
                     ".rq-srclink", ".rq-locator", ".rq-flag"):  # fmt: skip
        assert _contrast(page, selector) >= MIN_CONTRAST, selector
    assert page.locator("#rq-upload").count() == 0  # no upload at a kiosk
    page.close()


def test_chart_and_table_for_a_trend_over_the_years(browser, shipped_url) -> None:
    # 万里街道 2023/2024/2025 部门预算: “三公”经费预算数为22.91 / 47.91 / 37.91万元
    page = open_page(browser, shipped_url)
    ask(page, TREND_QUESTION)
    turn = page.locator(".rq-turn").first
    chart = turn.locator(".rq-chart svg")
    chart.wait_for(timeout=30_000)
    assert turn.locator(".rq-chart-line").count() == 1
    rows = turn.locator(".rq-table tbody tr")
    assert rows.count() == 3
    for n, (year, figure) in enumerate((("2023", "22.91"), ("2024", "47.91"), ("2025", "37.91"))):
        assert year in rows.nth(n).inner_text() and figure in rows.nth(n).inner_text()
    # each point links to its source: the second shows the cited figure of 2024
    chart.locator("a[data-source='2']").click()
    shown = turn.locator(SHOWN)
    assert shown.get_attribute("data-n") == "2"
    assert "47.91" in shown.inner_text()
    page.close()


def test_upload_of_a_broken_pdf_reports_it_and_keeps_the_index(
    browser, seed_pdf_index: Path, tmp_path: Path
) -> None:
    index = tmp_path / "index"
    shutil.copytree(seed_pdf_index, index, symlinks=True,
                    ignore=shutil.ignore_patterns("question_log.sqlite*"))  # fmt: skip
    broken = tmp_path / "坏文件.pdf"
    broken.write_bytes(b"%PDF-1.4 not really a pdf")
    with running_server(index) as url:
        page = open_page(browser, url)
        page.get_by_text("添加报告（上传 PDF 建立索引）").click()
        page.locator("#rq-upload input[type=file]").set_input_files(str(broken))
        page.locator("#rq-upload").get_by_label("坏文件.pdf").wait_for(timeout=30_000)
        page.get_by_role("button", name="建立索引", exact=True).click()
        status = page.locator(".rq-upload-status li")
        status.first.wait_for(timeout=60_000)
        assert status.count() == 1
        line = status.inner_text()
        assert line.startswith("✗ 坏文件.pdf：") and is_chinese_error(
            {"status": "error", "error": line.split("：", 1)[1]}
        )
        ask(page, QUESTION)  # the index still answers
        assert page.locator(".rq-turn .rq-figure").first.inner_text() == "80.35"
        page.close()
