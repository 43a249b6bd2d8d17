"""`--format html`: one self-contained page, the openness grid, escaping, and a real browser.

The page is parsed with the standard library's HTML parser (always), then loaded in headless
Chromium when /usr/bin/chromium (or $CHROMIUM) is there: no console message (a blocked
resource, a Content-Security-Policy violation, a script error), the grid in the DOM, and a PNG.
"""

from __future__ import annotations

import base64
import hashlib
import importlib.util
import json
import re
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from html_page import Page, parse

from openness.render.html import text
from openness.render.html_grid import columns
from openness.render.html_style import STYLE

ROOT = Path(__file__).resolve().parents[2]
LLAMA, R1, OLMO, GEMMA, COHERE = (
    "meta-llama/Llama-3.1-8B",
    "deepseek-ai/DeepSeek-R1",
    "allenai/OLMo-2-1124-7B",
    "google/gemma-2-9b",
    "CohereForAI/c4ai-command-r-v01",
)
FIVE = (LLAMA, R1, OLMO, GEMMA, COHERE)
HOSTILE = '</style><script>alert(1)</script><img src="https://evil.example/x" onerror=alert(2)>'


def _script() -> ModuleType:
    """scripts/render_html.py: the fixture models, the grid parser and the Chromium helpers."""
    spec = importlib.util.spec_from_file_location("render_html", ROOT / "scripts/render_html.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("render_html", module)
    spec.loader.exec_module(module)
    return module


render_html = _script()


def assert_self_contained(page: str) -> Page:
    """No script, no external resource, every link an #anchor to an id of the page, and a CSP
    that allows exactly this page's style element."""
    parsed = parse(page)
    names = [tag for tag, _ in parsed.tags]
    assert not {"script", "link", "iframe", "object", "embed", "img", "base", "form"} & set(names)
    ids = {attrs["id"] for _, attrs in parsed.tags if attrs.get("id")}
    for tag, attrs in parsed.tags:
        assert "src" not in attrs and "style" not in attrs, (tag, attrs)
        assert not any(name.startswith("on") for name in attrs), (tag, attrs)
        href = attrs.get("href")
        if href is not None:
            assert href.startswith("#") and href[1:] in ids, href
    metas = [attrs for tag, attrs in parsed.tags if tag == "meta" and "http-equiv" in attrs]
    assert [m["http-equiv"] for m in metas] == ["Content-Security-Policy"]
    csp = metas[0]["content"] or ""
    digest = base64.b64encode(hashlib.sha256(parsed.style.encode()).digest()).decode()
    assert "default-src 'none'" in csp and f"style-src 'sha256-{digest}'" in csp
    assert "img-src data:" in csp and parsed.style == STYLE
    assert not re.search(r"https?://", parsed.style)
    return parsed


@pytest.fixture(scope="module")
def five(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture comparison of five snapshot models, as the script writes it."""
    page = tmp_path_factory.mktemp("html") / "compare.html"
    render_html.write_compare(page, FIVE)
    return page


def test_compare_grid_has_every_cell_coloured_and_linked(five: Path) -> None:
    page = five.read_text(encoding="utf-8")
    assert_self_contained(page)
    grid = render_html.grid_of(page)
    keys = [column.key for column in columns()]
    assert {"licence", "osi", "osd", "osaid", "eu-ai-act-53-2", "mof", "g7"} <= set(keys)
    assert len([k for k in keys if k.startswith("clause-")]) == 14
    assert len(grid.cells) == len(FIVE) * len(keys)
    assert [(row, key) for row, key, _ in grid.cells] == [
        (row, key) for row in range(len(FIVE)) for key in keys
    ]
    state = {(FIVE[row], key): value for row, key, value in grid.cells}
    assert set(state.values()) <= {"met", "not_met", "needs_review", "unknown"}
    assert state[LLAMA, "clause-user-threshold"] == "not_met"
    assert state[LLAMA, "osi"] == "not_met" and state[LLAMA, "osd"] == "not_met"
    assert state[R1, "osi"] == "met" and state[R1, "osd"] == "met"
    assert state[R1, "clause-user-threshold"] == "met"
    assert state[COHERE, "clause-non-commercial"] == "not_met"
    assert state[GEMMA, "eu-ai-act-53-2"] == "needs_review"
    assert state[OLMO, "osaid"] == "unknown"
    for index in range(len(FIVE)):  # each cell links to its evidence section
        for key in keys:
            assert f'href="#m{index}-{key}"' in page and f'id="m{index}-{key}"' in page


def test_compare_evidence_cites_file_line_and_quote(five: Path) -> None:
    page = five.read_text(encoding="utf-8")
    section = page.split('id="m0-clause-user-threshold"')[1].split("</section>")[0]
    assert "profile&#58;llama3.1" not in section  # one colon is not a workflow marker
    assert "profile:llama3.1" in section and "700 million monthly active users" in section
    osd = page.split('id="m0-osd"')[1].split("</section>")[0]
    assert "osd-5" in osd and "not met" in osd
    assert "Every compared fact" in page  # compare adds the full comparison table


def test_single_audit_has_summary_verdicts_and_evidence(cli: Any) -> None:
    result = cli("audit", LLAMA, "--offline", "--format", "html")
    assert result.exit_code == 0, result.stderr
    page = result.stdout
    assert_self_contained(page)
    assert render_html.grid_of(page).cells == []  # one model: no grid
    assert "Summary:" in page and "<h3>Verdicts</h3>" in page and "<h3>Evidence</h3>" in page
    for column in columns():
        assert f'id="m0-{column.key}"' in page


def test_check_shows_the_policy_outcome_first(cli: Any) -> None:
    result = cli("check", LLAMA, R1, "--preset", "osi", "--offline", "--format", "html")
    assert result.exit_code == 1
    page = result.stdout
    assert_self_contained(page)
    assert page.index('id="policy"') < page.index('id="grid"') < page.index('id="m0"')
    assert "clause-user-threshold" in page.split('id="grid"')[0]
    assert len(render_html.grid_of(page).cells) == 2 * len(columns())


def test_check_scan_shows_where_each_model_is_referenced(cli: Any, tmp_path: Path) -> None:
    code = f'from_pretrained("{R1}")\nfrom_pretrained("{LLAMA}")\n'
    (tmp_path / "app.py").write_text(code, encoding="utf-8")
    result = cli("check", "--scan", str(tmp_path), "--preset", "osi", "--offline", "-f", "html")
    page = result.stdout
    assert_self_contained(page)
    grid = page.split('id="grid"')[1].split("</table>")[0]
    assert f"{text(tmp_path / 'app.py')}:1</code>" in grid and "app.py:2</code>" in grid
    assert page.count("referenced at <code>") == 2


def test_only_differences_keeps_the_grid(cli: Any) -> None:
    result = cli("compare", LLAMA, R1, "--offline", "-f", "html", "--only-differences")
    every = cli("compare", LLAMA, R1, "--offline", "-f", "html")
    assert len(render_html.grid_of(result.stdout).cells) == 2 * len(columns())
    assert len(result.stdout) < len(every.stdout)


@pytest.fixture
def hostile(tmp_path: Path) -> Path:
    """A local model whose folder name, card, file name and licence text carry markup."""
    folder = tmp_path / ("evil" + HOSTILE.replace("/", "_") + "\n::error::x")
    folder.mkdir()
    name = json.dumps(HOSTILE + " \u202e::warning::w")
    card = f"---\nlicense: other\nlicense_name: {name}\n"
    (folder / "README.md").write_text(card + "---\n# Model\n", encoding="utf-8")
    licence = f"Acme Licence\n\nFor non-commercial purposes only. {HOSTILE} ##[add-mask]q\n"
    (folder / "LICENSE").write_text(licence, encoding="utf-8")
    (folder / "LICENSE-<b>x<_b>").write_text("MIT License\n", encoding="utf-8")
    return folder


def test_repo_text_is_escaped(cli: Any, hostile: Path, tmp_path: Path) -> None:
    other = tmp_path / "other"
    other.mkdir()
    (other / "README.md").write_text("---\nlicense: mit\n---\n", encoding="utf-8")
    for args in (["audit", str(hostile)], ["compare", str(hostile), str(other)]):
        result = cli(*args, "--format", "html")
        assert result.exit_code == 0, result.stderr
        page = result.stdout
        parsed = assert_self_contained(page)
        assert [tag for tag, _ in parsed.tags].count("style") == 1
        assert "<b>" not in page and "evil.example" in page  # shown as text, never a source
        assert text(HOSTILE) in page and "&lt;/style&gt;&lt;script&gt;" in page
        assert "\\u202e" in page and "\u202e" not in page
        lines = page.splitlines()
        assert not [line for line in lines if line.lstrip().startswith("::") or "##[" in line]
        assert "::" not in page


def test_text_escapes_markup_and_breaks_workflow_markers() -> None:
    assert text('<a href="x">&</a>') == "&lt;a href=&quot;x&quot;&gt;&amp;&lt;/a&gt;"
    assert text("a\n::error::b ##[x]") == "a &#58;:error&#58;:b ##&#91;x]"
    assert text("MIT\u200b\x1b") == "MIT\\u200b\\x1b" and text(None) == ""
    assert text(":a:") + text(":b") == "&#58;a&#58;&#58;b" and text("a:b") == "a:b"


# --- in a real browser ----------------------------------------------------------------------

CHROMIUM = render_html.chromium()
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None, reason="Chromium is not installed (apt-get install chromium, or $CHROMIUM)"
)


@needs_chromium
def test_chromium_loads_the_grid_with_no_console_message(five: Path, tmp_path: Path) -> None:
    dom, console = render_html.load(CHROMIUM, five)
    assert console == []
    cells = render_html.grid_of(dom).cells
    assert len(cells) == len(FIVE) * len(columns())
    assert cells == render_html.grid_of(five.read_text(encoding="utf-8")).cells
    png = tmp_path / "grid.png"
    render_html.screenshot(CHROMIUM, five, png, "1200,700")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@needs_chromium
def test_chromium_runs_nothing_from_a_hostile_repo(cli: Any, hostile: Path, tmp_path: Path) -> None:
    page = tmp_path / "hostile.html"
    page.write_text(cli("audit", str(hostile), "--format", "html").stdout, encoding="utf-8")
    dom, console = render_html.load(CHROMIUM, page)
    assert console == []  # an injected script or image would be blocked, and logged
    assert "<script" not in dom and "&lt;script&gt;" in dom


def test_the_script_reports_a_missing_chromium(
    five: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(render_html, "chromium", lambda: None)
    copy = five.read_text(encoding="utf-8")
    monkeypatch.setattr(render_html, "write_compare", lambda path: path.write_text(copy))
    assert render_html.main(["--out-dir", str(tmp_path)]) == 2


# --- any report at all ----------------------------------------------------------------------


def test_any_hostile_report_renders_inert_html() -> None:
    """Property: whatever the report holds, the page has no tag, attribute, link or character
    that repo text put there (the generated reports of tests/test_fuzz.py)."""
    from hypothesis import given, settings
    from test_fuzz import FUZZ, hostile_report

    from openness.errors import OpennessError
    from openness.render import OutputFormat, RenderOptions, renderer, renderer_for
    from openness.render.untrusted import hidden

    @settings(FUZZ, max_examples=min(FUZZ.max_examples, 40))
    @given(report=hostile_report())
    def check(report: Any) -> None:
        for render in (renderer_for(OutputFormat.html), renderer("compare", OutputFormat.html)):
            try:
                page = render(report, RenderOptions())
            except OpennessError:
                return
            assert_self_contained(page)
            assert "::" not in page and "##[" not in page
            assert not [char for char in page if char != "\n" and hidden(char)]

    check()
