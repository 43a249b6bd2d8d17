"""Memory and time of `openness audit` over many models, streamed with `--format jsonl`.

Run from the project root: `python benchmarks/batch_memory.py [--models 100000]
[--sizes 1000,10000] [--jobs 8] [--limit-mb 4000]`. The 100,000-model run takes a quarter of an
hour on two cores at today's ~8 ms per model; keep it out of the test suite.

The loopback replay Hub of tests/hubreplay.py runs in this process at 0 ms latency and makes
its repos on demand (each a LICENSE that is one of two texts, a README with a small card, a
config and a listed weight file), so it holds no list of 100,000 repos; it counts requests
instead of recording them. For each size (`--sizes` plus `--models`), on fresh models with
empty caches, openness runs as the real CLI in a subprocess, `<venv>/bin/openness audit
--from-file LIST --format jsonl -o OUT` (`--format json` when `openness audit --help` does not
list jsonl yet: the output says so), with HOME, its caches and HF_ENDPOINT in a temporary
folder, and it prints:

- wall s and ms per model, CPU s (user+sys of the subprocess) and CPU ms per model;
- peak RSS MB of the subprocess (its ru_maxrss, from wait4) and its RSS at the end of the run
  (polled from /proc every 0.1 s: how much was still held when the last audit finished);
- requests per model, audits and errors (from the jsonl summary line), the exit code, the size
  of the output and the replay Hub's CPU in this process.

Then the linearity, ms per model at the largest size over the smallest (OK when <= 1.2), and
the largest size's peak RSS against the 300 MB target (OK/OVER). A subprocess whose RSS passes
`--limit-mb` is stopped (it could not have met the target) and reported as such.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from hub_speed import (
    CONFIG,
    ROOT,
    isolated_env,
    license_texts,
    openness_command,
    request_kind,
)
from rss import rss_mb

TARGET_PEAK_MB = 300.0
LINEAR_TOLERANCE = 1.2  # ms per model at the largest size / at the smallest
_LAZY_ID = re.compile(r"(?P<org>mem-\d+)/model-(?P<index>\d{7})")


@lru_cache(maxsize=4096)  # a model's few requests come close together
def _lazy_repo(repo_id: str, index: int) -> Any:
    from hubreplay import FakeRepo

    mit = index % 2 == 0
    texts = license_texts()
    licence = "mit" if mit else "apache-2.0"
    readme = (
        f"---\nlicense: {licence}\nlibrary_name: transformers\npipeline_tag: text-generation\n"
        f"---\n# Model {index}\n\nA synthetic model for benchmarks.\n"
    ).encode()
    return FakeRepo(
        repo_id,
        card_data={
            "license": licence,
            "library_name": "transformers",
            "pipeline_tag": "text-generation",
        },
        files={
            "README.md": readme,  # given, so no YAML is dumped per request
            "LICENSE": texts[0] if mit else texts[1],
            "config.json": CONFIG,
        },
        listed={"model.safetensors": 1_000_000_000},
    )


class LazyRepos(dict):  # type: ignore[type-arg]
    """`HubReplay.repos` for `mem-N/model-0000042` with 42 < the count given for `mem-N`:
    made when asked for (list_models sees none of them)."""

    def __init__(self) -> None:
        super().__init__()
        self.counts: dict[str, int] = {}

    def get(self, repo_id: str, default: Any = None) -> Any:
        match = _LAZY_ID.fullmatch(repo_id)
        if match is None or int(match["index"]) >= self.counts.get(match["org"], 0):
            return super().get(repo_id, default)
        return _lazy_repo(repo_id, int(match["index"]))


class CountingLog(list):  # type: ignore[type-arg]
    """`HubReplay.requests` that counts requests by kind instead of keeping them."""

    def __init__(self) -> None:
        super().__init__()
        self.kinds: Counter[str] = Counter()

    def append(self, request: Any) -> None:
        self.kinds[request_kind(request.method, request.path)] += 1

    def clear(self) -> None:
        self.kinds.clear()

    def __len__(self) -> int:
        return sum(self.kinds.values())


@dataclass
class Row:
    size: int
    wall: float
    cpu: float
    peak_mb: float
    end_mb: float
    returncode: int
    killed: bool
    requests: int
    counts: str
    output_mb: float
    hub_cpu: float


def _watch(
    pid: int, limit_mb: float, done: threading.Event, seen: list[float], killed: list[bool]
) -> None:
    """Poll the child's RSS until it exits; stop it (SIGKILL to that pid) above `limit_mb`."""
    while not done.is_set() and (rss := rss_mb(pid)) is not None:
        seen.append(rss)
        if rss > limit_mb and not killed and not done.is_set():
            killed.append(True)
            os.kill(pid, signal.SIGKILL)
        time.sleep(0.1)


def _counts(out: Path, jsonl: bool) -> str:
    """`audits/errors` from the jsonl summary line (the last), or from a small JSON report."""
    try:
        if jsonl:
            with out.open("rb") as handle:
                handle.seek(max(0, out.stat().st_size - 4096))
                last = handle.read().decode("utf-8", "replace").rstrip("\n").rsplit("\n", 1)[-1]
            counts = json.loads(last)["counts"]
            return f"{counts['audits']}/{counts['errors']}"
        if out.stat().st_size > 200_000_000:
            return "?"  # not parsed: a JSON document that large would cost gigabytes here
        report = json.loads(out.read_text(encoding="utf-8"))
        return f"{len(report['audits'])}/{len(report['errors'])}"
    except (OSError, ValueError, KeyError, TypeError):
        return "?"


def _run(hub: Any, size: int, number: int, base: Path, fmt: str, args: argparse.Namespace) -> Row:
    org = f"mem-{number}"
    hub.repos.counts[org] = size
    home = base / org
    home.mkdir()
    listing = home / "models.txt"
    with listing.open("w", encoding="utf-8") as handle:
        handle.writelines(f"{org}/model-{index:07d}\n" for index in range(size))
    out = home / f"report.{fmt}"
    argv = [*openness_command(), "audit", "--from-file", str(listing), "--jobs", str(args.jobs)]
    argv += ["--timeout", str(args.timeout), "--format", fmt, "-o", str(out)]
    hub.clear()
    seen: list[float] = []
    killed: list[bool] = []
    hub_before = time.process_time()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    begin = time.perf_counter()
    child = subprocess.Popen(
        argv,
        env=isolated_env(home, hub.endpoint),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    done = threading.Event()
    watcher = threading.Thread(target=_watch, args=(child.pid, args.limit_mb, done, seen, killed))
    watcher.start()
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - begin
    done.set()
    child.returncode = os.waitstatus_to_exitcode(status)
    watcher.join()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    hub_cpu = time.process_time() - hub_before
    row = Row(
        size=size,
        wall=wall,
        cpu=(after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime),
        peak_mb=usage.ru_maxrss / 1024,
        end_mb=seen[-1] if seen else 0.0,
        returncode=child.returncode,
        killed=bool(killed),
        requests=len(hub.requests),
        counts=_counts(out, fmt == "jsonl"),
        output_mb=out.stat().st_size / 1e6 if out.exists() else 0.0,
        hub_cpu=hub_cpu,
    )
    # The report and caches of 100,000 models take gigabytes and a million files.
    shutil.rmtree(home, ignore_errors=True)
    return row


def _print(row: Row, limit_mb: float) -> None:
    note = f"  stopped: RSS above --limit-mb {limit_mb:g}" if row.killed else ""
    print(
        f"{row.size:>7} {row.wall:>8.1f} {row.wall / row.size * 1000:>8.2f} {row.cpu:>8.1f} "
        f"{row.cpu / row.size * 1000:>8.2f} {row.peak_mb:>8.1f} {row.end_mb:>7.1f} "
        f"{row.requests / row.size:>7.2f} {row.counts:>13} {row.returncode:>4} "
        f"{row.output_mb:>8.1f} {row.hub_cpu:>7.1f}{note}",
        flush=True,
    )


def _jsonl_listed() -> bool:
    done = subprocess.run(
        [*openness_command(), "audit", "--help"], capture_output=True, text=True, check=False
    )
    return "jsonl" in done.stdout


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", type=int, default=100_000, help="the largest size")
    parser.add_argument(
        "--sizes",
        type=lambda s: [int(x) for x in s.split(",") if x],
        default=[1000, 10_000],
        help="smaller sizes run first, comma-separated",
    )
    parser.add_argument("--jobs", type=int, default=8, help="openness --jobs (CLI default 8)")
    parser.add_argument("--timeout", type=float, default=30.0, help="openness --timeout")
    parser.add_argument(
        "--limit-mb", type=float, default=4000.0, help="stop a subprocess whose RSS passes this"
    )
    args = parser.parse_args()
    sizes = sorted({*[size for size in args.sizes if size < args.models], args.models})

    sys.path.insert(0, str(ROOT / "tests"))
    from hubreplay import HubReplay

    fmt = "jsonl" if _jsonl_listed() else "json"
    with tempfile.TemporaryDirectory(prefix="openness-memory-") as folder, HubReplay() as hub:
        hub.repos = LazyRepos()
        hub.requests = CountingLog()
        print(
            f"replay Hub at {hub.endpoint} (in this process, 0 ms, repos made on demand); "
            f"`{' '.join(openness_command())} audit --from-file LIST --format {fmt} -o OUT "
            f"--jobs {args.jobs}` in a subprocess, fresh models and empty caches per size"
        )
        if fmt == "json":
            print(
                "`openness audit --help` lists no jsonl format yet: measuring --format json "
                "(the whole report is built in memory before it is written)"
            )
        print(
            f"{'models':>7} {'wall s':>8} {'ms/model':>8} {'CPU s':>8} {'CPU ms/m':>8} "
            f"{'peak MB':>8} {'end MB':>7} {'req/m':>7} {'audits/errors':>13} {'exit':>4} "
            f"{'out MB':>8} {'hub CPU':>7}"
        )
        rows = []
        for number, size in enumerate(sizes):
            row = _run(hub, size, number, Path(folder), fmt, args)
            _print(row, args.limit_mb)
            rows.append(row)
            if row.killed:
                break
        kinds = ", ".join(f"{kind} {n / rows[-1].size:g}" for kind, n in hub.requests.kinds.items())
        print(f"requests per model, last run: {kinds}")
    first, last = rows[0], rows[-1]
    if len(rows) > 1 and not last.killed:
        linear = (last.wall / last.size) / (first.wall / first.size)
        verdict = "OK" if linear <= LINEAR_TOLERANCE else "OVER"
        print(
            f"linearity: {last.wall / last.size * 1000:.2f} ms per model at {last.size} models / "
            f"{first.wall / first.size * 1000:.2f} at {first.size} = {linear:.2f}  "
            f"{verdict} (<= {LINEAR_TOLERANCE})"
        )
    fits = last.peak_mb <= TARGET_PEAK_MB and not last.killed
    print(
        f"peak RSS at {last.size} models ({fmt}): {last.peak_mb:.1f} MB"
        + (" when stopped, unfinished" if last.killed else "")
        + f"  {'OK' if fits else 'OVER'} (<= {TARGET_PEAK_MB:.0f} MB)"
        + (" [not the 100,000 models of the target]" if last.size != 100_000 else "")
    )
    return 0 if fits else 1


if __name__ == "__main__":
    sys.exit(main())
