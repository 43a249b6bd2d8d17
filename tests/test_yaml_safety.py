"""YAML from an audited party or a user costs no more than its size, and means one thing.

Anchors and aliases ("billion laughs"), duplicate keys, deep nesting and oversize files are
refused: a policy or MOF file with exit 2 and one line naming the file (and line), card front
matter with a warning, the front matter then ignored as a whole.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from openness.readers import MAX_BYTES, MAX_DEPTH, YamlError, load
from openness.sources.card import parse_front_matter

R1 = "deepseek-ai/DeepSeek-R1"
LAUGHS = "".join(
    f"l{level}: &l{level} [{', '.join([f'*l{level - 1}'] * 9)}]\n" for level in range(1, 10)
)
BILLION_LAUGHS = 'l0: &l0 "lol"\n' + LAUGHS  # 9 levels of 9 aliases: 9**9 strings if expanded
DEEP = "".join(f"{'  ' * level}k{level}:\n" for level in range(MAX_DEPTH + 5)) + "  " * 70 + "x\n"


def _one_line_error(result: Any, name: str) -> str:
    assert result.exit_code == 2, result.stdout + result.stderr
    assert result.stderr.count("\n") == 1 and name in result.stderr
    assert "Traceback" not in result.stderr
    return str(result.stderr)


def _check(cli: Any, policy: Path) -> Any:
    return cli("check", R1, "--policy", str(policy), "--offline")


def _refused_quickly(run: Callable[[], Any], path: Path, text: str) -> str:
    """Write `text` to `path`, run, and return the one error line (paths made relative); a
    hang guard of 10 s, since a refused bomb must not be parsed first."""
    path.write_text(text, encoding="utf-8")
    started = time.perf_counter()
    stderr = _one_line_error(run(), path.name)
    assert time.perf_counter() - started < 10
    return stderr.replace(str(path.parent) + os.sep, "")


@pytest.mark.parametrize(
    ("text", "says"),
    [
        (BILLION_LAUGHS, "p.yml:1: YAML anchors and aliases are not accepted"),
        ("gated: warn\nconflicts: warn\ngated: fail\n", "p.yml:3: duplicate key 'gated'"),
        ("licenses:\n  allow: [mit]\n  allow: [apache-2.0]\n", "p.yml:3: duplicate key 'allow'"),
        (DEEP, f"nested deeper than {MAX_DEPTH} levels"),
        ("gated: [" * 5000, "p.yml:1: nested deeper than"),
        ("# pad\n" * (MAX_BYTES // 6 + 1), "p.yml: larger than 1024 KiB"),
    ],
    ids=["billion laughs", "duplicate key", "duplicate nested key", "deep", "deep flow", "size"],
)
def test_policy_is_refused_quickly_in_one_line(
    cli: Any, tmp_path: Path, text: str, says: str
) -> None:
    policy = tmp_path / "p.yml"
    assert says in _refused_quickly(lambda: _check(cli, policy), policy, text)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
def test_a_fifo_policy_is_refused_not_waited_for(cli: Any, tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "p.yml")
    assert "not a regular file" in _one_line_error(_check(cli, tmp_path / "p.yml"), "p.yml")


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("release:\n  name: x\n" + BILLION_LAUGHS.replace("\n", "\n  "), "m.yml:3: YAML anchors"),
        ("release:\n  name: a\n  name: b\n", "m.yml:3: duplicate key 'name'"),
        ("release:\n  " + DEEP.replace("\n", "\n  "), "nested deeper than"),
        ("#" * (MAX_BYTES + 1), "m.yml: larger than 1024 KiB"),
    ],
    ids=["billion laughs", "duplicate key", "deep", "size"],
)
def test_mof_input_is_refused_quickly_in_one_line(
    cli: Any, tmp_path: Path, text: str, says: str
) -> None:
    path = tmp_path / "m.yml"
    assert says in _refused_quickly(lambda: cli("mof", str(path)), path, text)


@pytest.mark.parametrize(
    ("front", "says"),
    [
        ("a: &a [1, 2]\nb: *a\n", "README.md:2: YAML anchors and aliases are not accepted"),
        (BILLION_LAUGHS, "README.md:2: YAML anchors"),
        ("license: mit\ntags: [x]\nlicense: llama3.1\n", "README.md:4: duplicate key 'license'"),
        (DEEP, "nested deeper than"),
        ("x: " + "y" * 256 * 1024 + "\n", "README.md: larger than 256 KiB"),
    ],
    ids=["alias", "billion laughs", "duplicate key", "deep", "size"],
)
def test_refused_front_matter_is_ignored_with_a_warning(front: str, says: str) -> None:
    data, warnings = parse_front_matter(f"---\n{front}---\n# Model\n")
    assert data == {}
    assert len(warnings) == 1 and says in warnings[0] and "front matter ignored" in warnings[0]


@pytest.mark.usefixtures("hf_env")
def test_a_card_with_two_licenses_declares_none(cli: Any, tmp_path: Path) -> None:
    folder = tmp_path / "m"
    folder.mkdir()
    card = "---\nlicense: llama3.1\nlicense: mit\n---\n# M\n"
    (folder / "README.md").write_text(card, encoding="utf-8")
    audit = cli("audit", str(folder), "--format", "json").json()["audits"][0]
    assert audit["license"]["conclusion"] is None
    assert any("duplicate key 'license'" in warning for warning in audit["warnings"])


def test_errors_are_one_yaml_error_with_the_line() -> None:
    for text, line in [("a: 2020-13-45\n", 1), ("a: 1\nb: !!int x\n", 2), ("a: [\n", 2)]:
        with pytest.raises(YamlError) as error:
            load(text, "f.yml")
        assert error.value.line == line and "\n" not in str(error.value)
    assert load("a: &x 1\nb: *x\n", "shipped.yml", aliases=True) == {"a": 1, "b": 1}


def test_a_document_of_too_many_values_is_refused_early() -> None:
    from openness.readers import MAX_NODES, YamlError, load

    with pytest.raises(YamlError, match="more than"):
        load("-\n" * (MAX_NODES + 1), "p.yml")
    assert len(load("-\n" * 1000, "p.yml")) == 1000
