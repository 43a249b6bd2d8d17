"""How much an unreachable Hub costs: the snapshot's models with no network vs `--offline`.

Run from the project root: `python benchmarks/offline_speed.py [--timeout 5] [--jobs 8]`.

Each case runs the CLI (`python -m openness audit MODEL... --format json -o FILE`) in a fresh
process, with empty temporary caches, over every model of the bundled snapshot:

- `--offline`: the baseline;
- closed port: HF_ENDPOINT points at a local port nothing listens on (connection refused);
- silent Hub: HF_ENDPOINT points at a local socket that accepts connections and never answers.

It prints each wall time and its ratio to `--offline`. Target: a closed port within 2x of
`--offline`; a silent Hub within 2x plus one `--timeout` (the first audits wait for it, then
the run goes offline). No request leaves the machine.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SNAPSHOT = ROOT / "src" / "openness" / "data" / "snapshot.json"
TARGET_RATIO = 2.0


def models() -> list[str]:
    return sorted(json.loads(SNAPSHOT.read_text(encoding="utf-8"))["models"])


def run(args: list[str], endpoint: str | None, jobs: int, timeout: float) -> tuple[float, str]:
    """(seconds, stderr) of one audit of every snapshot model, in a fresh process."""
    with tempfile.TemporaryDirectory() as home:
        env = {
            **os.environ,
            "HF_HOME": f"{home}/hf",
            "HF_HUB_CACHE": f"{home}/hf/hub",
            "OPENNESS_CACHE_DIR": f"{home}/openness",
            "PYTHONPATH": str(ROOT / "src"),
        }
        for name in ("HF_ENDPOINT", "HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_TOKEN"):
            env.pop(name, None)
        if endpoint:
            env["HF_ENDPOINT"] = endpoint
        command = [sys.executable, "-m", "openness", "audit", *models(), *args]
        command += ["--format", "json", "-o", f"{home}/report.json"]
        command += ["--jobs", str(jobs), "--timeout", f"{timeout:g}"]
        start = time.perf_counter()
        done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
        seconds = time.perf_counter() - start
    if done.returncode not in (0, 1):
        raise SystemExit(f"exit {done.returncode}: {done.stderr[-2000:]}")
    return seconds, done.stderr


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--timeout", type=float, default=5.0)
    parser.add_argument("--jobs", type=int, default=8)
    options = parser.parse_args()
    print(f"{len(models())} snapshot models, --jobs {options.jobs}, --timeout {options.timeout:g}")
    offline, _ = run(["--offline"], None, options.jobs, options.timeout)
    print(f"--offline:    {offline:6.2f} s")
    refused, stderr = run([], f"http://127.0.0.1:{closed_port()}", options.jobs, options.timeout)
    ratio = refused / offline
    verdict = "ok" if ratio <= TARGET_RATIO else "SLOW"
    target = f"(target <= {TARGET_RATIO:g}x)"
    print(f"closed port:  {refused:6.2f} s  ratio {ratio:.2f}x {target} {verdict}")
    print(f"  notices: {stderr.count('the rest of this run is audited offline')} run-wide, "
          f"{stderr.count('audited from the bundled snapshot')} per model")  # fmt: skip
    with socket.socket() as silent:  # accepts (backlog), never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(128)
        port = silent.getsockname()[1]
        hung, _ = run([], f"http://127.0.0.1:{port}", options.jobs, options.timeout)
    allowed = TARGET_RATIO * offline + options.timeout
    verdict = "ok" if hung <= allowed else "SLOW"
    print(f"silent Hub:   {hung:6.2f} s  (target <= {allowed:.2f} s = 2x + one timeout) {verdict}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
