"""Property-based fuzzing of every parser and renderer that sees text from a model repo.

The property everywhere: hostile input (YAML syntax, control characters, ANSI/OSC escapes, rich
markup, HTML, huge lines) never raises anything but the project's documented errors
(`OpennessError` subclasses), quotes stay within 200 characters, and table, Markdown and SARIF
output carry no control or escape characters; JSON formats parse.

The number of examples comes from a Hypothesis settings profile chosen by the environment
variable OPENNESS_FUZZ_PROFILE: "unit" (default, 50 examples per target, derandomised so the
suite is reproducible) or "bench" (OPENNESS_FUZZ_EXAMPLES examples, default 2000, random; used by
benchmarks/fuzz.py, which imports this module and calls the test functions directly).
"""

from __future__ import annotations

import functools
import json
import os
import tempfile
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from openness.errors import OpennessError, UsageError

_QUIET = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much]
settings.register_profile(
    "unit",
    max_examples=50,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=_QUIET,
)
settings.register_profile(
    "bench",
    max_examples=int(os.environ.get("OPENNESS_FUZZ_EXAMPLES", "2000")),
    deadline=None,
    database=None,
    suppress_health_check=_QUIET,
)
PROFILE = os.environ.get("OPENNESS_FUZZ_PROFILE", "unit")
# A settings object, not `settings.load_profile`: other test modules keep their own settings.
FUZZ = settings.get_profile(PROFILE)

# --- strategies ------------------------------------------------------------------------------

FRAGMENTS = [
    # YAML syntax, tags and values PyYAML handles badly
    "---\n", "---", "...\n", ": ", "- ", "? ", "&a ", "*a", "!!python/object:os.system ", "!!int x",
    "!!float x", "!!timestamp x", "!!binary ===", "!!set {a: 1}", "2020-13-45", "{", "}", "[", "]",
    "'", '"', "|\n  ", ">-\n  ", "#", "%YAML 1.1\n", "license: ", "license: mit\n",
    "license_name: ", "base_model: ", "tags: [a, b]\n", "\ufeff", "\t", "\r\n", "\r", "\n",
    # terminal escapes and control characters
    "\x1b[31m", "\x1b[0m", "\x1b]8;;https://evil.example\x07", "\x1b]0;title\x1b\\", "\x1bP",
    "\x1b", "\x07", "\x00", "\x08", "\x7f", "\x85", "\x9b31m", "\u202e", "\u2066", "\u200b",
    "\u2028", "\u2029", "\u061c", "\u00ad", "\ufff9", "\U000e0041",
    # rich markup, Markdown, HTML
    "[bold red]", "[/]", "[link=https://evil.example]x[/link]", "\\[", "**", "`", "|", "@org/team",
    "[x](javascript:alert(1))", "![i](https://evil.example/p.png)", "# ", "> ", "<script>",
    "</script>", "<!--", "-->", "&lt;", "&#0;", "&amp;", "https://evil.example", "$\\pi$",
    # licence wording, so the clause and licence code paths run
    "MIT License", "Apache License 2.0", "Permission is hereby granted, free of charge",
    "You may not use the Model for commercial purposes.",
    "monthly active users greater than 700 million",
    "You agree not to use the Model or Derivatives of the Model for military use",
    "non-\ncommercial", "Licensor may terminate or restrict your use remotely",
    "MIT OR Apache-2.0", "GPL-3.0-only WITH Classpath-exception-2.0", "llama3.1", "(", ")",
    "AND", "OR", "WITH", " ", "é", "İ", "ﬁ", "ß", "𝐀", "\u0301",
]  # fmt: skip

fragment = st.sampled_from(FRAGMENTS)
huge_line = st.builds(
    lambda piece, n: piece * n, fragment | st.text(max_size=5), st.integers(0, 3000)
)
hostile_text = st.one_of(
    st.text(max_size=200),
    st.lists(fragment | st.text(max_size=20), max_size=40).map("".join),
    st.lists(fragment | huge_line, max_size=6).map("".join),
    st.text(st.characters(max_codepoint=0x9F), max_size=200),
)
hostile_line = st.one_of(
    st.text(max_size=60),
    st.lists(fragment | st.text(max_size=10), max_size=12).map("".join),
    st.builds(lambda piece, n: (piece * n)[:300], fragment, st.integers(1, 300)),
)
# What a Hub repo id can be (target.py validates them); anything else only comes from a folder.
repo_id = st.from_regex(r"\A[A-Za-z0-9][A-Za-z0-9._-]{0,20}/[A-Za-z0-9][A-Za-z0-9._-]{0,20}\Z")


@st.composite
def readme(draw: st.DrawFn) -> str:
    """A README that mostly does have front matter, of hostile content."""
    opening = draw(st.sampled_from(["---\n", "\ufeff---\n", "---  \r\n", "---", ""]))
    body = draw(hostile_text)
    closing = draw(st.sampled_from(["\n---\n", "---\n", "\r\n---", "\n--- \n", ""]))
    return opening + body + closing + draw(hostile_text)


json_leaf = st.none() | st.booleans() | st.integers() | st.floats() | hostile_line
json_value = st.recursive(
    json_leaf,
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(hostile_line | st.sampled_from(["name", "license"]), children, max_size=4)
    ),
    max_leaves=20,
)


def _controls(text: str) -> list[str]:
    """Control, format (bidi, zero-width), line/paragraph separator characters; \\n, \\t aside."""
    return [
        char
        for char in text
        if char not in "\n\t" and unicodedata.category(char) in {"Cc", "Cf", "Zl", "Zp"}
    ]


# --- front matter ----------------------------------------------------------------------------


@FUZZ
@given(text=readme())
@example(text="---\na: 1\n---\n")
@example(text="---\n" + "[" * 3000 + "\n---\n")
@example(text="---\n&a [*a, *a]\n---\n")
def test_parse_front_matter(text: str) -> None:
    from openness.sources.card import parse_front_matter

    data, warnings = parse_front_matter(text)
    assert isinstance(data, dict) and all(isinstance(key, str) for key in data)
    assert isinstance(warnings, list) and all(isinstance(w, str) for w in warnings)
    assert all("\n" not in warning for warning in warnings)


@FUZZ
@given(
    text=readme(), key=st.sampled_from(["license", "base_model", "a", "-", "[", ""]) | hostile_line
)
def test_key_line(text: str, key: str) -> None:
    from openness.sources.card import key_line

    line = key_line(text, key)
    if line is not None:
        assert line >= 2
        assert line <= text.count("\n") + 1
        if "\n" not in key and "\r" not in key:
            assert text.split("\n")[line - 1].startswith(key)


# --- text normalisation and declared licences -----------------------------------------------

_STRIPPED = set("\x1b\x00\x07\x7f\x85\r\u200b\u202e\u2066\ufeff")


@FUZZ
@given(text=hostile_text)
@example(text="\x1b[31mred\x1b[0m \x1b]8;;https://x\x07l\x1b]8;;\x07 \x1b\x00[31m")
def test_strip_control(text: str) -> None:
    from openness.license.text import strip_control

    cleaned = strip_control(text)
    assert not set(cleaned) & _STRIPPED
    assert not [c for c in cleaned if unicodedata.category(c) == "Cc" and c not in "\n\t"]
    assert strip_control(cleaned) == cleaned
    assert cleaned.count("\n") == text.replace("\r\n", "\n").count("\n")


@FUZZ
@given(text=hostile_text)
def test_normalise(text: str) -> None:
    from openness.license.identify import identification_words
    from openness.license.text import normalise_lines

    flat, starts = normalise_lines(text)
    assert flat == flat.strip() and "  " not in flat and "\n" not in flat
    assert not [c for c in flat if unicodedata.category(c) == "Cc"]
    assert len(starts) == text.replace("\r\n", "\n").count("\n") + 1
    assert starts == sorted(starts) and all(0 <= s <= len(flat) for s in starts)
    assert all(word.isalnum() for word in identification_words(text))


@FUZZ
@given(term=hostile_line | st.lists(fragment, max_size=6).map(" ".join))
@example(term="MIT AND (")
@example(term="MIT OR Apache-2.0 WITH")
@example(term="https://evil.example/" + "a/" * 100)
def test_declared_resolve(term: str) -> None:
    from openness.license.names import Resolved, resolve

    found = resolve(term)
    assert found is None or isinstance(found, Resolved)
    if found is not None:
        assert found.id and found.osi_approved in (True, False, None)


# --- clauses and identification -------------------------------------------------------------


def _corpus_texts() -> list[str]:
    from fixtures_hub import SHARED_DIR

    folder = SHARED_DIR / "corpus" / "licenses"
    if not folder.is_dir():
        return []
    return [path.read_text("utf-8", "replace") for path in sorted(folder.glob("*.txt"))[:40]]


@st.composite
def license_like(draw: st.DrawFn) -> str:
    """Hostile text, often spliced into a real licence of the corpus (when present)."""
    texts = _corpus_texts()
    noise = draw(hostile_text)
    if not texts or draw(st.booleans()):
        return noise
    text = draw(st.sampled_from(texts))
    cut = draw(st.integers(0, len(text)))
    return text[:cut] + noise + text[cut:]


@FUZZ
@given(text=license_like(), source=hostile_line)
@example(text="You may not use the Model for commercial purposes. " * 200, source="LICENSE")
@example(text=("x" * 500 + " commercial purposes prohibited ") * 3, source="LICENSE")
def test_detect_clauses(text: str, source: str) -> None:
    from openness.license.clauses import QUOTE_LIMIT, clause_kinds, detect_clauses

    hits = detect_clauses(text, source)
    kinds = [hit.kind for hit in hits]
    assert len(kinds) == len(set(kinds)) and set(kinds) <= set(clause_kinds())
    lines = text.replace("\r\n", "\n").split("\n")
    for hit in hits:
        assert len(hit.quote) <= QUOTE_LIMIT <= 200
        assert hit.source == source
        assert hit.line is not None and 1 <= hit.line <= len(lines)
        assert not [c for c in hit.quote if unicodedata.category(c) == "Cc"]


@FUZZ
@given(text=license_like())
def test_identify_text(text: str) -> None:
    from openness.license.identify import identify_text
    from openness.license.profiles import knowledge_base

    found = identify_text(text)
    assert 0.0 <= found.confidence <= 1.0
    assert found.match in ("exact", "modified", "concatenated", "unknown")
    known = set(knowledge_base().profiles)
    assert found.profile_id is None or found.profile_id in known
    assert set(found.also) <= known and found.profile_id not in found.also


# --- policy ----------------------------------------------------------------------------------

POLICY_KEYS = ["licenses", "clauses", "rubrics", "gated", "unknown_license", "conflicts",
               "inherited_clauses", "waivers", "allow", "deny", "fail", "warn", "ignore", "osd",
               "osaid", "mof_min_class", "model", "revision", "license_sha256", "reason",
               "expires", "commercial-restriction", "pass", "not-fail", "any"]  # fmt: skip
policy_value = st.recursive(
    json_leaf | st.sampled_from(POLICY_KEYS) | st.dates(),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.sampled_from(POLICY_KEYS) | hostile_line, children, max_size=4)
    ),
    max_leaves=15,
)


def _dump(value: Any) -> str:
    return yaml.safe_dump(value, allow_unicode=True, sort_keys=False)


@FUZZ
@given(
    text=hostile_text
    | st.dictionaries(st.sampled_from(POLICY_KEYS), policy_value, max_size=5).map(_dump),
    name=hostile_line,
)
@example(text="licenses: {allow: [mit]}\nclauses: {fail: [nonsense]}\n", name=".openness.yml")
@example(text="? [a]\n: 1\n", name="p")
@example(text="waivers:\n- {model: a/b, reason: r, expires: 2020-13-45}\n", name="p")
def test_parse_policy(text: str, name: str) -> None:
    from openness.policy import Policy, parse_policy

    try:
        policy = parse_policy(text, name)
    except UsageError as error:
        assert str(error).startswith(name)
        return
    assert isinstance(policy, Policy)


# --- MOF -------------------------------------------------------------------------------------


@functools.cache
def _mof_names() -> tuple[list[str], list[str]]:
    from openness.rubrics.mof_spec import mof_spec

    spec = mof_spec()
    return [rule.name for rule in spec.components], sorted({rule.type for rule in spec.components})


@st.composite
def mof_release(draw: st.DrawFn) -> dict[str, Any]:
    names, types = _mof_names()
    license = st.sampled_from(["MIT", "Apache-2.0", "Apache 2.0", "unlicensed", "", "llama3.1",
                               "CC-BY-4.0", "apache license 2.0"]) | json_value  # fmt: skip
    component = st.fixed_dictionaries(
        {"name": st.sampled_from(names) | json_value},
        optional={"license": license, "description": json_value, "location": json_value},
    )
    licenses = st.dictionaries(
        st.sampled_from([*types, "distribution"]) | hostile_line,
        st.fixed_dictionaries({"name": license}) | json_value,
        max_size=5,
    )
    release = draw(
        st.fixed_dictionaries(
            {},
            optional={
                "name": json_value,
                "components": st.lists(component | json_value, max_size=20) | json_value,
                "license": licenses | json_value,
            },
        )
    )
    return {"release": release} if draw(st.booleans()) else release


@FUZZ
@given(release=mof_release() | st.dictionaries(hostile_line, json_value), normalise=st.booleans())
def test_evaluate_mof(release: dict[str, Any], normalise: bool) -> None:
    from openness.rubrics.mof import evaluate_mof

    result = evaluate_mof(release, normalise=normalise)
    assert all(0.0 <= value <= 100.0 for value in result.progress.values())
    assert result.class_ is None or result.class_ in result.progress
    json.loads(result.model_dump_json())


@FUZZ
@given(text=hostile_text | mof_release().map(_dump))
@example(text="release: {name: x, date: 2020-13-45}\n")
def test_load_mof_yaml(text: str) -> None:
    from openness.rubrics.mof import evaluate_mof, load_mof_yaml

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "model.yml"
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        try:
            document = load_mof_yaml(path)
        except UsageError:
            return
    evaluate_mof(document)


# --- renderers -------------------------------------------------------------------------------

MODELS = ("deepseek-ai/DeepSeek-R1", "meta-llama/Llama-3.1-8B")


@functools.cache
def _base_audits() -> tuple[Any, ...]:
    from openness.audit import audit_model

    previous = os.environ.get("HF_HUB_OFFLINE")
    os.environ["HF_HUB_OFFLINE"] = "1"
    try:
        return tuple(audit_model(model, offline=True) for model in MODELS)
    finally:
        if previous is None:
            os.environ.pop("HF_HUB_OFFLINE", None)
        else:
            os.environ["HF_HUB_OFFLINE"] = previous


@st.composite
def hostile_report(draw: st.DrawFn) -> Any:
    """A report of real audits with hostile repo text wherever a repo can put text."""
    from openness import __version__
    from openness.report import (
        Citation,
        Clause,
        Failure,
        LicenseFile,
        ModelResult,
        PolicyOutcome,
        Report,
        ToolInfo,
        Violation,
    )

    def quote() -> str:
        return draw(hostile_line)[:200]

    audits = []
    for audit in draw(st.lists(st.sampled_from(_base_audits()), min_size=1, max_size=2)):
        evidence = Citation(source=draw(hostile_line), line=draw(st.none() | st.integers(0, 10**6)),
                            quote=quote())  # fmt: skip
        clauses = [
            Clause(
                kind="commercial-restriction",
                summary=draw(hostile_line),
                evidence=evidence,
                inherited_from=draw(st.none() | hostile_line),
            ),  # fmt: skip
            *(
                clause.model_copy(
                    update={
                        "evidence": Citation(
                            source=clause.evidence.source, line=clause.evidence.line, quote=quote()
                        )
                    }
                )  # fmt: skip
                for clause in audit.clauses
            ),
        ]
        files = [
            LicenseFile(
                path=draw(hostile_line),
                identified=draw(st.none() | hostile_line),
                confidence=0.5,
                also=[draw(hostile_line)],
            )  # fmt: skip
        ]
        license = audit.license.model_copy(
            update={
                "declared": draw(st.none() | hostile_line),
                "declared_name": draw(st.none() | hostile_line),
                "declared_link": draw(st.none() | hostile_line),
                "conclusion": draw(st.none() | hostile_line),
                "spdx_id": draw(st.none() | st.sampled_from(["MIT", "Apache-2.0"]) | hostile_line),
                "files": files,
                "conflicts": draw(st.lists(hostile_line, max_size=2)),
            }
        )
        local = draw(st.booleans())  # a local folder's name is arbitrary; a Hub id is not
        model = audit.model.model_copy(
            update={
                "id": draw(hostile_line if local else repo_id),
                "source": "local" if local else audit.model.source,
                "revision": draw(st.none() | hostile_line),
                "base_models": draw(st.lists(hostile_line, max_size=2)),
            }  # fmt: skip
        )
        audits.append(
            audit.model_copy(
                update={
                    "model": model,
                    "license": license,
                    "clauses": clauses,
                    "summary": draw(hostile_text),
                    "warnings": draw(st.lists(hostile_line, max_size=3)),
                }
            )
        )
    failure = Failure(model=draw(hostile_line), exit_code=3, message=draw(hostile_line))
    rule = st.sampled_from(["license-denied", "rubric-osd", "clause-user-threshold", "gated"])
    violation = Violation(rule=draw(rule), severity=draw(st.sampled_from(["fail", "warn"])),
                          message=draw(hostile_line), evidence=[evidence])  # fmt: skip
    policy = PolicyOutcome(
        source=draw(hostile_line),
        passed=False,
        results=[
            ModelResult(
                model=audits[0].model.id,
                passed=False,
                violations=[violation],
                waived_by=draw(st.none() | hostile_line),
            )
        ],  # fmt: skip
    )
    return Report(
        tool=ToolInfo(version=__version__),
        audits=audits,
        errors=draw(st.lists(st.just(failure), max_size=1)),
        policy=draw(st.none() | st.just(policy)),
    )


def _check_rendered(fmt: Any, text: str) -> None:
    from openness.render import OutputFormat

    assert isinstance(text, str)
    if fmt in (OutputFormat.json, OutputFormat.sarif, OutputFormat.cyclonedx):
        json.loads(text)
    if fmt is OutputFormat.mof:
        list(yaml.safe_load_all(text))
    if fmt in (OutputFormat.table, OutputFormat.markdown, OutputFormat.sarif):
        bad = set(_controls(text))
        assert not bad, f"{fmt.value}: control characters {sorted(bad)!r}"


def _render_property(fmt_name: str) -> Callable[..., None]:
    @FUZZ
    @given(report=hostile_report(), width=st.sampled_from([40, 100, 250]))
    def check(report: Any, width: int) -> None:
        from openness.render import OutputFormat, RenderOptions, renderer_for

        fmt = OutputFormat(fmt_name)
        try:
            text = renderer_for(fmt)(report, RenderOptions(width=width))
        except OpennessError:
            return
        _check_rendered(fmt, text)

    check.__name__ = f"test_render_{fmt_name}"
    return check


test_render_table = _render_property("table")
test_render_json = _render_property("json")
test_render_markdown = _render_property("markdown")
test_render_sarif = _render_property("sarif")
test_render_cyclonedx = _render_property("cyclonedx")
test_render_mof = _render_property("mof")

# Every property, by name: benchmarks/fuzz.py runs these.
TARGETS: dict[str, Callable[..., None]] = {
    name: value
    for name, value in dict(globals()).items()
    if name.startswith("test_") and callable(value)
}


# --- regressions for the bugs the fuzzing found ----------------------------------------------

# Fixed in 5a842db: YAML values PyYAML cannot convert are malformed input, not crashes.
YAML_TRAPS = ["a: 2020-13-45", "a: !!int x", "a: !!float x", "a: !!timestamp 2020-13-45"]


@pytest.mark.parametrize(
    "value",
    [*YAML_TRAPS, "a: !!timestamp x"],
)
def test_yaml_conversion_errors_are_malformed_input(value: str, tmp_path: Path) -> None:
    from openness.policy import parse_policy
    from openness.rubrics.mof import load_mof_yaml
    from openness.sources.card import parse_front_matter

    data, warnings = parse_front_matter(f"---\n{value}\n---\nbody\n")
    assert data == {} and warnings
    with pytest.raises(UsageError):
        parse_policy(value, "p.yml")
    (tmp_path / "m.yml").write_text(value, encoding="utf-8")
    with pytest.raises(UsageError):
        load_mof_yaml(tmp_path / "m.yml")


def test_policy_deep_nesting() -> None:
    from openness.policy import parse_policy

    with pytest.raises(UsageError):
        parse_policy("a: " + "[" * 5000, "p.yml")


def _leaks(fmt_name: str, **update: Any) -> list[str]:
    from openness.render import OutputFormat, RenderOptions, renderer_for
    from openness.report import Report, ToolInfo

    audit = _base_audits()[0]
    audit = audit.model_copy(update={"model": audit.model.model_copy(update=update)})
    report = Report(tool=ToolInfo(version="0"), audits=[audit])
    return _controls(renderer_for(OutputFormat(fmt_name))(report, RenderOptions()))


FORMAT_CHARS = "\u00ad\u061c\u2028\u2029\ufff9\U000e0041"


def test_format_chars_are_stripped() -> None:
    from openness.license.text import strip_control

    assert strip_control(f"a{FORMAT_CHARS}b") == "ab"
    for fmt_name in ("table", "markdown", "sarif"):
        assert not _leaks(fmt_name, id=f"org/a{FORMAT_CHARS}b", source="local"), fmt_name


def test_table_revision_is_stripped() -> None:
    assert not _leaks("table", revision="r\x1b]0;title\x07\x1b[31m")
