"""Render a fixture comparison of five models as HTML, then load it in headless Chromium.

    python scripts/render_html.py                      # writes build/html/compare.html and .png
    python scripts/render_html.py --png docs/grid.png --window-size 1400,560

The five models come from the bundled snapshot (`--offline`, an empty cache of its own), so the
page is the same on every machine. Chromium (the Debian package, /usr/bin/chromium, or
$CHROMIUM) loads the page twice with no network: once to dump the DOM, with the console logged,
to check that the page raised no console message (a blocked resource, a Content-Security-Policy
violation, a script error) and that the grid has every cell; once to take the screenshot. Exit
0 when all is well, 1 when a check failed, 2 when Chromium is missing.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from html.parser import HTMLParser
from pathlib import Path

MODELS = (
    "meta-llama/Llama-3.1-8B",
    "deepseek-ai/DeepSeek-R1",
    "allenai/OLMo-2-1124-7B",
    "google/gemma-2-9b",
    "CohereForAI/c4ai-command-r-v01",
)
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--hide-scrollbars",
    "--disable-extensions",
    "--no-default-browser-check",
)
_CONSOLE = re.compile(r":CONSOLE[:(]")


def chromium() -> str | None:
    """The Chromium binary: $CHROMIUM, /usr/bin/chromium, or one on PATH; None when absent."""
    for candidate in (os.environ.get("CHROMIUM"), "/usr/bin/chromium"):
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return candidate
    return shutil.which("chromium") or shutil.which("chromium-browser")


def write_compare(path: Path, models: tuple[str, ...] = MODELS) -> None:
    """`openness compare MODELS --offline --format html --output path`, with a cache of its own."""
    with tempfile.TemporaryDirectory() as cache:
        env = {**os.environ, "OPENNESS_CACHE_DIR": cache, "HF_HUB_OFFLINE": "1",
               "HF_HOME": str(Path(cache) / "hf")}  # fmt: skip
        command = [sys.executable, "-m", "openness", "compare", *models, "--offline"]
        subprocess.run(
            [*command, "--format", "html", "--output", str(path)],
            check=True,
            env=env,
            stdout=subprocess.DEVNULL,
        )


def _run(binary: str, page: Path, *extra: str, timeout: float = 120) -> tuple[str, str]:
    with tempfile.TemporaryDirectory() as profile:
        result = subprocess.run(
            [binary, *FLAGS, f"--user-data-dir={profile}", *extra, page.resolve().as_uri()],
            capture_output=True,
            text=True,
            timeout=timeout,
            cwd=profile,
        )
    return result.stdout, result.stderr


def load(binary: str, page: Path) -> tuple[str, list[str]]:
    """The DOM Chromium built from `page`, and every console message it logged."""
    dom, log = _run(binary, page, "--enable-logging=stderr", "--v=0", "--log-level=0", "--dump-dom")
    return dom, [line for line in log.splitlines() if _CONSOLE.search(line)]


def screenshot(binary: str, page: Path, png: Path, size: str) -> None:
    png.parent.mkdir(parents=True, exist_ok=True)
    _run(binary, page, f"--screenshot={png.resolve()}", f"--window-size={size}")
    if not png.is_file() or png.stat().st_size == 0:
        raise RuntimeError(f"Chromium wrote no screenshot to {png}")


class GridCells(HTMLParser):
    """The grid's cells as (row, criterion, state), and every link target of the page."""

    def __init__(self) -> None:
        super().__init__()
        self.cells: list[tuple[int, str, str]] = []
        self.links: list[str] = []
        self.sources: list[str] = []
        self.ids: set[str] = set()
        self._row = -1
        self._in_grid = False
        self._in_body = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if found.get("id"):
            self.ids.add(found["id"] or "")
        if tag == "table":
            self._in_grid = "grid" in (found.get("class") or "").split()
        elif tag == "tbody" and self._in_grid:
            self._in_body = True
        elif tag == "tr" and self._in_body:
            self._row += 1
        elif tag == "td" and self._in_grid and found.get("data-criterion"):
            state = (found.get("class") or "").strip()
            self.cells.append((self._row, found["data-criterion"] or "", state))
        if found.get("href") is not None:
            self.links.append(found["href"] or "")
        if found.get("src") is not None:
            self.sources.append(found["src"] or "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "table":
            self._in_grid = self._in_body = False


def grid_of(page: str) -> GridCells:
    parser = GridCells()
    parser.feed(page)
    parser.close()
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out-dir", type=Path, default=Path("build/html"))
    parser.add_argument("--png", type=Path, help="where the screenshot goes (default: out-dir)")
    parser.add_argument("--window-size", default="1400,900", help="WIDTH,HEIGHT in pixels")
    args = parser.parse_args(argv)
    args.out_dir.mkdir(parents=True, exist_ok=True)
    page = args.out_dir / "compare.html"
    write_compare(page)
    grid = grid_of(page.read_text(encoding="utf-8"))
    print(f"{page}: {len(grid.cells)} grid cells for {len(MODELS)} models")
    binary = chromium()
    if binary is None:
        print("chromium not found (apt-get install chromium, or set CHROMIUM)", file=sys.stderr)
        return 2
    dom, console = load(binary, page)
    problems = [f"console: {line}" for line in console]
    if len(grid_of(dom).cells) != len(grid.cells):
        problems.append(f"the DOM has {len(grid_of(dom).cells)} grid cells, not {len(grid.cells)}")
    png = args.png or args.out_dir / "compare.png"
    screenshot(binary, page, png, args.window_size)
    print(f"{png}: {png.stat().st_size} bytes")
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
