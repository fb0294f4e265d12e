"""Take the README screenshots of the gradio page with Debian's headless chromium.

    reportqa index data/reports/chaoyang-eeb-2024-final-accounts.pdf --index /tmp/seed-index
    reportqa index --index /tmp/all-index          # every shipped PDF (data/reports/)
    .venv/bin/python -m benchmarks.screenshots --index /tmp/seed-index --all /tmp/all-index

Serves the indexes in this process (the page, then the kiosk page) and writes to ``docs/``:
``ui-answer.png`` (an answer with the crop of its cited cell, 1440 px wide),
``ui-page-highlight.png`` (the whole cited page), ``ui-phone.png`` (390 px wide),
``ui-kiosk.png`` (kiosk mode) and ``ui-chart.png`` (a department's trend over three years with
its table and line chart, over the index of every shipped report).
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

from tests.test_api import running_server
from tests.test_browser import CHROMIUM, CHROMIUM_ARGS, TREND_QUESTION

QUESTION = "公务用车运行维护费是多少？"
COMPUTED = "2023年收入总计是多少？"
CELL_SOURCE = "第 29 页 · 公开07表"  # the screenshots show the cited cell of QUESTION
DOCS = Path(__file__).resolve().parent.parent / "docs"


def ask(page: Page, question: str, source: str | None = None) -> None:
    """Type a question, press Enter, wait for its turn, choose the source whose link holds
    ``source`` (if given) and wait for the source's image."""
    box = page.locator("#rq-question textarea")
    box.wait_for(timeout=60_000)
    turns = page.locator(".rq-turn").count()
    box.fill(question)
    box.press("Enter")
    page.wait_for_function(
        f"document.querySelectorAll('.rq-turn').length > {turns}", timeout=60_000
    )
    turn = page.locator(".rq-turn").first
    if source:
        turn.locator(".rq-sources a", has_text=source).first.click()
    img = turn.locator(".rq-source:not([hidden]) img")
    if img.count():
        page.wait_for_function("i => i.complete && i.naturalWidth > 0", arg=img.element_handle())
    page.mouse.move(0, 0)
    page.wait_for_timeout(300)


def shoot(browser, url: str, out: Path, width: int, questions: list[str], full: bool) -> None:
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.goto(url)
    for q in questions:
        ask(page, q, CELL_SOURCE if q == QUESTION else None)
    page.screenshot(path=str(out), full_page=full)
    page.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, required=True, help="an index of the seed report")
    parser.add_argument("--all", type=Path, required=True, help="an index of every shipped PDF")
    parser.add_argument("--out", type=Path, default=DOCS)
    args = parser.parse_args()
    out = args.out
    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        with running_server(args.all) as url:
            shoot(browser, url, out / "ui-chart.png", 1440, [TREND_QUESTION], full=False)
        with running_server(args.index) as url:
            shoot(browser, url, out / "ui-answer.png", 1440, [QUESTION], full=False)
            shoot(browser, url, out / "ui-phone.png", 390, [COMPUTED], full=True)
            page = browser.new_page()
            answer = page.request.post(f"{url}/api/ask", data={"question": QUESTION}).json()
            cell = next(c for c in answer["citations"] if c["kind"] == "cell")
            boxes = ",".join(f"{v:.2f}" for v in cell["bbox"])
            png = page.request.get(f"{url}/api/page/{cell['report_id']}/{cell['page']}.png",
                                   params={"boxes": boxes})  # fmt: skip
            (out / "ui-page-highlight.png").write_bytes(png.body())
        with tempfile.TemporaryDirectory() as tmp:  # the kiosk logs into its index folder
            kiosk_index = Path(tmp) / "index"
            shutil.copytree(args.index, kiosk_index, symlinks=True)
            with running_server(kiosk_index, kiosk=True) as url:
                shoot(browser, url, out / "ui-kiosk.png", 1280, [QUESTION], full=False)
        browser.close()
    print(f"wrote the screenshots to {out}")


if __name__ == "__main__":
    main()
