"""The README is a contract too: its command table names real commands and real flags."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

README = Path(__file__).resolve().parents[2] / "README.md"


def command_rows() -> dict[str, set[str]]:
    """`audit` -> {"--author", ...} from the README's command table (first column)."""
    rows: dict[str, set[str]] = {}
    for line in README.read_text(encoding="utf-8").splitlines():
        if not line.startswith("| `openness "):
            continue
        for usage in re.findall(r"`openness ([a-z][^`]*)`", line):
            words = usage.split()
            name = " ".join(w for w in words[:2] if re.fullmatch(r"[a-z]+", w))
            rows.setdefault(name, set()).update(re.findall(r"--[a-z][a-z-]*", usage))
    return rows


def test_every_command_in_the_readme_exists_with_its_flags(cli: Any) -> None:
    rows = command_rows()
    assert {"audit", "compare", "check", "scan", "mof", "licenses list", "licenses show"} <= set(
        rows
    )
    for name, flags in rows.items():
        result = cli(*name.split(), "--help")
        assert result.exit_code == 0, (name, result.stderr)
        for flag in flags:
            assert flag in result.stdout, (name, flag)


def test_every_command_of_the_cli_is_in_the_readme(cli: Any) -> None:
    commands = re.findall(r"^  ([a-z]+)  ", cli("--help").stdout, flags=re.M)
    documented = {name.split()[0] for name in command_rows()}
    assert commands and set(commands) <= documented
