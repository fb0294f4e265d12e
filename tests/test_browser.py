"""The UI in Debian's headless chromium, driven by playwright, against a real server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.test_api import QUESTION, running_server

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]  # fmt: skip

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


@pytest.fixture
def page(base_url: str):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(base_url)
        page.locator("#rq-question textarea").wait_for(timeout=60_000)
        yield page
        browser.close()


def ask(page, question: str) -> None:
    box = page.locator("#rq-question textarea")
    box.fill(question)
    box.press("Enter")


def test_answer_with_figure_and_sources(page) -> None:
    ask(page, QUESTION)
    chat = page.locator("#rq-chat")
    chat.locator(".rq-figure", has_text="80.35").wait_for(timeout=60_000)
    assert chat.get_by_text("来源", exact=False).first.is_visible()
    assert chat.get_by_text("公务用车运行维护费 80.35", exact=False).first.is_visible()
    # the first source is shown: its table row highlighted and the page image
    page.locator("#rq-source tr.cited", has_text="80.35").wait_for(timeout=30_000)
    page.locator("#rq-page img").wait_for(timeout=30_000)
    # choosing the second source shows the cited paragraph
    page.locator("#rq-sources label").nth(1).click()
    page.locator("#rq-source mark").wait_for(timeout=30_000)


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
