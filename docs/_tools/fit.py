"""Whether every page of the built manual fits a window of a given width.

    python docs/_tools/fit.py [--width 1280] [--shots FOLDER]

Opens each page of docs/_build/html in headless Chromium (Playwright, with
the machine's /usr/bin/chromium or $CHROMIUM), and lists every table, code
block and figure wider than the space it is given: a table that scrolls, a
diagram cut off on the right. With --shots it saves a full-page screenshot of
each page to look at. Exit status 1 when a table or a figure does not fit; a
code block that scrolls (a long command line, kept whole for copying) is
listed, not counted.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

HTML = Path(__file__).resolve().parents[1] / "_build" / "html"

# Elements that scroll sideways, or stick out of the article, at this width.
FIND_OVERFLOW = """
() => {
  const article = document.querySelector('article') || document.body;
  // furo's table wrapper reaches a few pixels past the text for its shadow.
  const right = article.getBoundingClientRect().right + 8;
  const found = [];
  for (const element of article.querySelectorAll('table, pre, img, svg, .table-wrapper')) {
    const box = element.getBoundingClientRect();
    const scrolls = element.scrollWidth > element.clientWidth + 1;
    if (box.width === 0 || !(scrolls || box.right > right)) continue;
    const text = (element.innerText || element.getAttribute('alt') || '').trim();
    found.push({
      code: element.tagName === 'PRE',
      what: `${element.tagName.toLowerCase()} (${Math.round(element.scrollWidth)} px in `
        + `${Math.round(element.clientWidth)}): ${text.slice(0, 60).replace(/\\s+/g, ' ')}`,
    });
  }
  return found;
}
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--width", type=int, default=1280)
    parser.add_argument("--shots", type=Path)
    options = parser.parse_args()
    pages = sorted(
        path for path in HTML.glob("*.html") if path.name not in ("genindex.html", "search.html")
    )
    if not pages:
        print(f"no pages in {HTML}: run `make docs` first", file=sys.stderr)
        return 2
    if options.shots:
        options.shots.mkdir(parents=True, exist_ok=True)
    failures = 0
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=os.environ.get("CHROMIUM", "/usr/bin/chromium"),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        page = browser.new_page(viewport={"width": options.width, "height": 900})
        for path in pages:
            page.goto(path.as_uri())
            found = page.evaluate(FIND_OVERFLOW)
            cut = [item["what"] for item in found if not item["code"]]
            scrolling = [item["what"] for item in found if item["code"]]
            print(f"{path.name}: {'DOES NOT FIT' if cut else 'fits'}")
            for what in cut:
                print(f"    cut off: {what}")
            for what in scrolling:
                print(f"    code that scrolls: {what}")
            failures += bool(cut)
            if options.shots:
                page.screenshot(path=str(options.shots / f"{path.stem}.png"), full_page=True)
        browser.close()
    print(f"{len(pages) - failures} of {len(pages)} pages fit {options.width} px")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
