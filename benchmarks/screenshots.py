"""Take the README screenshots from a running server with Debian's headless chromium.

    reportqa serve --port 7860 &
    .venv/bin/python benchmarks/screenshots.py --url http://127.0.0.1:7860

Writes ``docs/ui-answer.png`` (the UI answering the vehicle question, with sources) and
``docs/ui-page-highlight.png`` (the cited PDF page with the cell highlighted).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]  # fmt: skip
QUESTION = "公务用车运行维护费是多少？"
DOCS = Path(__file__).resolve().parent.parent / "docs"


def ask(page: Page, question: str) -> None:
    """Type a question into the UI, submit it and wait for the answer's sources."""
    box = page.locator("#rq-question textarea")
    box.fill(question)
    box.press("Enter")
    page.locator("#rq-chat").get_by_text("来源", exact=False).first.wait_for(timeout=60_000)
    page.locator("#rq-page img").first.wait_for(timeout=60_000)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:7860")
    parser.add_argument("--out", default=str(DOCS))
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1440, "height": 1000})
        page.goto(args.url)
        page.locator("#rq-question textarea").wait_for(timeout=60_000)
        ask(page, QUESTION)
        page.wait_for_timeout(800)
        page.screenshot(path=str(out / "ui-answer.png"), full_page=True)
        answer = page.request.post(f"{args.url}/api/ask", data={"question": QUESTION}).json()
        cell = next(c for c in answer["citations"] if c["kind"] == "cell")
        boxes = ",".join(f"{v:.2f}" for v in cell["bbox"])
        png = page.request.get(
            f"{args.url}/api/page/{cell['report_id']}/{cell['page']}.png?boxes={boxes}"
        )
        (out / "ui-page-highlight.png").write_bytes(png.body())
        browser.close()
    print(f"wrote {out / 'ui-answer.png'} and {out / 'ui-page-highlight.png'}")


if __name__ == "__main__":
    main()
