"""The survey summary in Markdown, HTML, terminal text and JSON: the source, its date and its
licence in every format; every string from the export (licence names, declared values, model
ids, reasons) escaped so it can neither inject markup nor start a line."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from html_page import parse

from openness.render import RenderOptions
from openness.render.html import text as html_text
from openness.render.html_style import CSP, STYLE
from openness.render.layout import NO_WRAP
from openness.render.markdown import markdown_escape
from openness.render.survey import FIGURES, html, json_text, markdown, table
from openness.render.untrusted import hidden, inert

ATTRIBUTION = (
    "Contains information from hfmlsoc/hub_weekly_snapshots, made available under the "
    "Open Database License (ODbL-1.0)"
)
HUB_SOURCE = {
    "inputs": ["/data/hub_weekly_snapshots/models/2026-11-23/models.parquet"],
    "snapshot_date": "2026-11-23",
    "licence": "ODbL-1.0",
    "attribution": ATTRIBUTION,
    "rows": 1234567,
    "columns_missing": ["gguf", "safetensors"],
}
EVIL = (
    "evil|cell `code` <script>alert(1)</script>\n# heading [link](https://evil.example) "
    "![img](https://evil.example/x.png) @someone ::error::pwned ##[add-mask]x \u202e\x1b[31m"
)


def metric(count: int, of: int, unknown: int, downloads: int | None = None,
           of_downloads: int | None = None) -> dict[str, Any]:  # fmt: skip
    return {
        "count": count,
        "of": of,
        "share": count / of if of else None,
        "downloads": downloads,
        "of_downloads": of_downloads,
        "download_share": downloads / of_downloads if downloads is not None and of_downloads
        else None,
        "unknown": unknown,
    }  # fmt: skip


def summary(source: dict[str, Any], name: str = "apache-2.0", text_pass: bool = True,
            weighted: bool = True) -> dict[str, Any]:  # fmt: skip
    """A summary as `summarise` writes it, with `name` wherever the export's strings go."""
    w = (lambda n: n) if weighted else (lambda n: None)
    figures = {key: metric(7, 10, 2, w(700), w(1000)) for key in FIGURES}
    figures["no_licence"] = metric(644, 1000, 0, w(251), w(1000))
    return {
        "schema_version": "1",
        "kind": "survey",
        "openness_version": "0.1.0",
        "generated_at": "2026-11-30T12:00:00+00:00",
        "source": source,
        "figures": figures,
        "downloads_unknown": 3 if weighted else None,
        "top_licences": [
            {
                "licence": name,
                "state": "known",
                "declared_as": [name, "Apache-2.0"],
                "count": 300,
                "share": 0.3,
                "downloads": w(600),
                "download_share": w(0.6),
            },
            {
                "licence": name,
                "state": "unrecognised",
                "declared_as": [name],
                "count": 5,
                "share": 0.005,
                "downloads": w(1),
                "download_share": w(0.001),
            },
        ],  # fmt: skip
        "incompatible_pairs": [
            {
                "child_licence": name,
                "parent_licence": "llama3",
                "count": 3943,
                "downloads": w(12),
                "reason": f"{name} does not pass on the use policy",
                "example_child": name,
                "example_parent": "meta-llama/Meta-Llama-3-8B",
            },
        ],  # fmt: skip
        "text_pass": {
            "rows_with_files": 10,
            "read": 8,
            "not_read": 2,
            "conflicts": [
                {
                    "declared": name,
                    "file_licence": "mit",
                    "count": 4,
                    "downloads": w(9),
                    "example": name,
                },
            ],  # fmt: skip
        }
        if text_pass
        else None,
    }


RENDERERS = {"markdown": markdown, "html": html, "table": table}


def shown(fmt: str, value: str) -> str:
    """How `fmt` writes one untrusted value."""
    if fmt == "markdown":
        return markdown_escape(value)
    if fmt == "html":
        return html_text(value)
    return inert(value)


@pytest.mark.parametrize("fmt", [*RENDERERS, "json"])
def test_every_format_shows_source_date_and_licence(fmt: str) -> None:
    data = summary(HUB_SOURCE)
    if fmt == "json":
        assert json.loads(json_text(data))["source"] == HUB_SOURCE
        return
    out = RENDERERS[fmt](data, RenderOptions(width=NO_WRAP))
    for value in (HUB_SOURCE["inputs"][0], "2026-11-23", "ODbL-1.0", ATTRIBUTION, "gguf"):
        assert shown(fmt, value) in out, value
    assert "1,234,567" in out
    # The licence and attribution come back at the end too, after the last table.
    tail = out[out.rindex("3,943") :]
    assert shown(fmt, ATTRIBUTION) in tail and "ODbL-1.0" in tail


@pytest.mark.parametrize("fmt", RENDERERS)
def test_unstated_source_says_so(fmt: str) -> None:
    source = {"inputs": ["export.parquet"], "snapshot_date": None, "licence": None,
              "attribution": None, "rows": 3, "columns_missing": []}  # fmt: skip
    out = RENDERERS[fmt](summary(source), RenderOptions(width=NO_WRAP))
    assert out.count("not stated") >= 3 and "export.parquet" in out


@pytest.mark.parametrize("fmt", RENDERERS)
def test_figures_show_both_weights_and_unknown(fmt: str) -> None:
    out = RENDERERS[fmt](summary(HUB_SOURCE), RenderOptions(width=NO_WRAP))
    assert "644 / 1,000" in out and "64.4%" in out and "25.1%" in out  # models, downloads
    for title, _ in FIGURES.values():
        assert shown(fmt, title) in out
    unweighted = RENDERERS[fmt](summary(HUB_SOURCE, weighted=False), RenderOptions(width=NO_WRAP))
    assert "25.1%" not in unweighted and "n/a" in unweighted
    assert "no download counts" in unweighted


@pytest.mark.parametrize("fmt", RENDERERS)
def test_text_pass_section_only_when_it_ran(fmt: str) -> None:
    with_pass = RENDERERS[fmt](summary(HUB_SOURCE), RenderOptions(width=NO_WRAP))
    without = RENDERERS[fmt](summary(HUB_SOURCE, text_pass=False), RenderOptions(width=NO_WRAP))
    assert "text pass" in with_pass and "text pass" not in without


# --- hostile strings ------------------------------------------------------------------------

_UNESCAPED_PIPE = re.compile(r"(?<!\\)\|")


def test_markdown_escapes_hostile_names() -> None:
    hostile = summary(dict(HUB_SOURCE, inputs=[EVIL], attribution=EVIL), EVIL)
    out = markdown(hostile)
    benign = markdown(summary(HUB_SOURCE, "apache-2.0"))
    assert len(out.splitlines()) == len(benign.splitlines())  # no value starts a line
    for line, clean in zip(out.splitlines(), benign.splitlines(), strict=True):
        # a value adds no table cell, heading, list item or quote
        assert len(_UNESCAPED_PIPE.findall(line)) == len(_UNESCAPED_PIPE.findall(clean)), line
        assert line[:2] == clean[:2], line
    assert not re.search(r"(?<!\\)[<>]", out) and "\\<script\\>" in out
    assert "](" not in out and "\\]\\(" in out  # no link or image
    assert "`" not in out.replace("\\`", "")  # no code span
    assert "https://evil" not in out  # no autolink
    assert "@someone" not in out  # no mention
    assert "\u202e" not in out and "\x1b" not in out and "\\u202e" in out


def test_html_escapes_hostile_names() -> None:
    hostile = summary(dict(HUB_SOURCE, inputs=[EVIL], attribution=EVIL), EVIL)
    page = html(hostile)
    parsed = parse(page)
    names = [tag for tag, _ in parsed.tags]
    assert not {"script", "img", "a", "link", "iframe", "object", "embed", "base", "form"} & set(
        names
    )
    assert all("style" not in attrs and "src" not in attrs and "href" not in attrs
               for _, attrs in parsed.tags)  # fmt: skip
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert html_text(EVIL) in page
    assert "::" not in page and "##[" not in page
    assert not [char for char in page if char != "\n" and hidden(char)]


def test_html_page_is_self_contained_under_the_report_csp() -> None:
    page = html(summary(HUB_SOURCE))
    parsed = parse(page)
    metas = [attrs for tag, attrs in parsed.tags if tag == "meta" and "http-equiv" in attrs]
    assert [m["content"] for m in metas] == [CSP] and "default-src 'none'" in CSP
    assert parsed.style == STYLE and [tag for tag, _ in parsed.tags].count("style") == 1
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    meters = [attrs for tag, attrs in parsed.tags if tag == "meter"]
    assert {m["value"] for m in meters} >= {"0.6440", "0.2510"}


def test_terminal_text_is_inert() -> None:
    hostile = summary(dict(HUB_SOURCE, inputs=[EVIL], attribution=EVIL), EVIL)
    for width in (NO_WRAP, 100, 60):
        out = table(hostile, RenderOptions(width=width))
        assert "\x1b" not in out and "\u202e" not in out
        assert not [line for line in out.splitlines() if line.lstrip().startswith("::")]
        assert "::error" not in out and "##[" not in out
    out = table(hostile, RenderOptions(width=NO_WRAP))
    assert inert(EVIL) in out  # whole, on one line


def test_terminal_keeps_ids_whole_when_narrow() -> None:
    name = "meta-llama/Meta-Llama-3-8B"
    out = table(summary(HUB_SOURCE, "apache-2.0"), RenderOptions(width=60))
    assert name in out
    assert all(len(line) <= 60 or len(line.split()) == 1 for line in out.splitlines())


def test_json_keeps_hostile_values_as_escapes() -> None:
    hostile = summary(dict(HUB_SOURCE, inputs=[EVIL]), EVIL)
    out = json_text(hostile)
    assert json.loads(out) == hostile
    assert "\u202e" not in out and "\x1b" not in out and "##[" not in out


def test_summarised_hostile_rows_render_escaped() -> None:
    """From the tables through `summarise` to each format: a licence and model id written
    by the export's author arrive escaped."""
    pytest.importorskip("duckdb")
    from test_figures import NOTHING, SOURCE, row, tables

    from openness.survey.figures import summarise

    rows = [row(EVIL, 5, "unrecognised", EVIL, NOTHING, [], [])]
    edges = [(EVIL, EVIL, EVIL, EVIL, "incompatible", EVIL, 5)]
    data = summarise(tables(rows, edges), dict(SOURCE))
    assert data["top_licences"][0]["licence"] == EVIL
    assert markdown_escape(EVIL) in markdown(data)
    assert not re.search(r"(?<!\\)[<>]", markdown(data))
    assert html_text(EVIL) in html(data) and "<script" not in html(data)
    assert inert(EVIL) in table(data, RenderOptions(width=NO_WRAP))
