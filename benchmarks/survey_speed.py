"""How fast `openness survey` gets through a Hub-sized metadata export, against issue 18's targets.

Run from the project root: `python benchmarks/survey_speed.py [--sizes 100000,1000000,3000000]
[--seed 18] [--card-encoding json|struct] [--siblings names|structs] [--keep DIR]
[--limit-mb 6144] [--timeout 1800]`. All three sizes take about five minutes on two cores
(generating the exports about two of them; `--keep` skips that the next time), `--sizes
100000,1000000` under two.

For each size, a synthetic export from benchmarks/survey_export.py (generated in this process
by DuckDB, deterministic from the seed; kept and reused in `--keep DIR`, else in a temporary
folder) is surveyed by the real CLI in a subprocess, `<venv>/bin/openness survey EXPORT
--format json --results OUT.parquet`, with HOME and its caches in a temporary folder and
HF_HUB_OFFLINE=1 (nothing leaves the machine). It prints:

- gen s and MB: the time to generate the export and its size on disk;
- wall s, rows/s and us/row of the survey, and its CPU s (user+sys of the subprocess, from
  wait4): with two cores, CPU above wall means the scan ran in parallel;
- peak MB: the subprocess's peak RSS (ru_maxrss from wait4; /proc is polled every 0.1 s too,
  to stop a run whose RSS passes `--limit-mb`: it could not have met the target);
- results: the rows of the per-model table written (it must equal the export's), the exit code
  and the machine's 1-minute load average when the run started (other work on the machine
  slows a run down; a load above the core count means the figures are pessimistic);
- the survey's own figures for no licence and with base model next to the same shares
  measured on the export by survey_export.describe (a check that every row was read).

Then linearity: us per row at the largest size over the smallest (OK when <= 1.2: fixed costs
such as the start-up make small sizes dearer per row, so below 1 is expected), the marginal us
per row between the two largest sizes, and the targets for 3,000,000 rows: wall <= 10 minutes
and peak RSS <= 4 GiB (OK/OVER). When 3,000,000 rows were not run, the wall time is projected
from the largest size and the marginal cost per row, and marked as a projection.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from hub_speed import isolated_env, openness_command
from rss import rss_mb
from survey_export import describe, generate

TARGET_ROWS = 3_000_000
TARGET_WALL_S = 600.0
TARGET_PEAK_MB = 4096.0
LINEAR_TOLERANCE = 1.2  # us per row at the largest size / at the smallest


@dataclass
class Run:
    rows: int
    gen_s: float
    export_mb: float
    wall: float
    cpu: float
    peak_mb: float
    returncode: int
    killed: bool
    timed_out: bool
    results: int | None
    load: float
    survey_shares: tuple[float | None, float | None]
    export_shares: tuple[float | None, float | None]
    stderr: str


def _watch(
    pid: int, limit_mb: float, deadline: float, done: threading.Event, stop: list[str]
) -> None:
    """Poll the child's RSS until it exits; SIGKILL that pid above `limit_mb` or past `deadline`."""
    while not done.is_set() and (rss := rss_mb(pid)) is not None:
        reason = "rss" if rss > limit_mb else "time" if time.monotonic() > deadline else None
        if reason and not stop and not done.is_set():
            stop.append(reason)
            os.kill(pid, signal.SIGKILL)
        time.sleep(0.1)


def _count(path: Path) -> int | None:
    import duckdb

    try:
        with duckdb.connect() as con:
            row = con.execute("SELECT count(*) FROM read_parquet(?)", [str(path)]).fetchone()
    except (duckdb.Error, OSError):
        return None
    return None if row is None else int(row[0])


def _figure_shares(out: Path) -> tuple[float | None, float | None]:
    """The survey's no_licence and with_base_model shares, from its JSON summary."""
    try:
        figures = json.loads(out.read_text(encoding="utf-8"))["figures"]
        return figures["no_licence"]["share"], figures["with_base_model"]["share"]
    except (OSError, ValueError, KeyError, TypeError):
        return None, None


def _export(rows: int, folder: Path, args: argparse.Namespace) -> tuple[Path, float]:
    """The export of `rows` rows in `folder`: reused when --keep already holds it."""
    name = f"export-{rows}-seed{args.seed}-{args.card_encoding}-{args.siblings}.parquet"
    path = folder / name
    if args.keep and path.is_file():
        return path, 0.0
    partial = folder / f".{name}.partial"
    seconds = generate(partial, rows, args.seed, args.card_encoding, args.siblings)
    partial.replace(path)
    return path, seconds


def _run(rows: int, folder: Path, args: argparse.Namespace) -> Run:
    export, gen_s = _export(rows, folder, args)
    shares = describe(export)
    home = Path(tempfile.mkdtemp(prefix="survey-home-", dir=folder))
    results = home / "results.parquet"
    out = home / "summary.json"
    argv = [*openness_command(), "survey", str(export), "--format", "json"]
    argv += ["--results", str(results)]
    env = isolated_env(home, None) | {"HF_HUB_OFFLINE": "1"}
    load = os.getloadavg()[0]
    stop: list[str] = []
    with out.open("wb") as stdout, tempfile.TemporaryFile() as stderr:
        begin = time.perf_counter()
        child = subprocess.Popen(
            argv, env=env, stdin=subprocess.DEVNULL, stdout=stdout, stderr=stderr
        )
        done = threading.Event()
        deadline = time.monotonic() + args.timeout
        watcher = threading.Thread(
            target=_watch, args=(child.pid, args.limit_mb, deadline, done, stop)
        )
        watcher.start()
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - begin
        done.set()
        watcher.join()
        stderr.seek(0)
        err = stderr.read().decode("utf-8", "replace")
    run = Run(
        rows=rows,
        gen_s=gen_s,
        export_mb=export.stat().st_size / 1e6,
        wall=wall,
        cpu=usage.ru_utime + usage.ru_stime,
        peak_mb=usage.ru_maxrss / 1024,
        returncode=os.waitstatus_to_exitcode(status),
        killed="rss" in stop,
        timed_out="time" in stop,
        results=_count(results) if results.exists() else None,
        load=load,
        survey_shares=_figure_shares(out),
        export_shares=(shares.get("no_licence"), shares.get("with_base_model")),
        stderr=err,
    )
    shutil.rmtree(home, ignore_errors=True)
    return run


def _pct(value: float | None) -> str:
    return "?" if value is None else f"{100 * value:.2f}%"


def _print(run: Run, args: argparse.Namespace) -> None:
    note = ""
    if run.killed:
        note = f"  stopped: RSS above --limit-mb {args.limit_mb:g}"
    elif run.timed_out:
        note = f"  stopped: past --timeout {args.timeout:g} s"
    elif run.results != run.rows:
        note = f"  results hold {run.results} rows, not {run.rows}"
    gen = "kept" if run.gen_s == 0 else f"{run.gen_s:.1f}"
    print(
        f"{run.rows:>9} {gen:>6} {run.export_mb:>7.1f} {run.wall:>8.1f} "
        f"{run.rows / run.wall:>9,.0f} {run.wall / run.rows * 1e6:>7.1f} {run.cpu:>7.1f} "
        f"{run.peak_mb:>8.1f} {run.results if run.results is not None else '?':>9} "
        f"{run.returncode:>4} {run.load:>5.2f}  "
        f"{_pct(run.survey_shares[0])} / {_pct(run.export_shares[0])}  "
        f"{_pct(run.survey_shares[1])} / {_pct(run.export_shares[1])}{note}",
        flush=True,
    )
    if run.returncode != 0 and not (run.killed or run.timed_out):
        print(f"  stderr: {run.stderr[-1500:]}", flush=True)


def _verdict(ok: bool) -> str:
    return "OK" if ok else "OVER"


def _summary(runs: list[Run]) -> int:
    done = [run for run in runs if run.returncode == 0 and run.results == run.rows]
    if not done:
        print("no run finished: no figures against the targets")
        return 1
    first, last = done[0], done[-1]
    status = 0
    if len(done) > 1:
        ratio = (last.wall / last.rows) / (first.wall / first.rows)
        cpu_ratio = (last.cpu / last.rows) / (first.cpu / first.rows)
        print(
            f"linearity: {last.wall / last.rows * 1e6:.1f} us per row at {last.rows} rows / "
            f"{first.wall / first.rows * 1e6:.1f} at {first.rows} = {ratio:.2f}  "
            f"{_verdict(ratio <= LINEAR_TOLERANCE)} (<= {LINEAR_TOLERANCE}); CPU per row "
            f"{last.cpu / last.rows * 1e6:.1f} / {first.cpu / first.rows * 1e6:.1f} us = "
            f"{cpu_ratio:.2f}"
        )
        previous = done[-2]
        marginal = (last.wall - previous.wall) / (last.rows - previous.rows)
        cpu_marginal = (last.cpu - previous.cpu) / (last.rows - previous.rows)
        print(
            f"  marginal: {marginal * 1e6:.1f} us wall and {cpu_marginal * 1e6:.1f} us CPU per "
            f"row from {previous.rows} to {last.rows} rows ({1 / marginal:,.0f} rows/s once "
            "started; wall depends on the load, CPU much less)"
        )
        status |= 0 if ratio <= LINEAR_TOLERANCE else 1
    else:
        marginal = last.wall / last.rows
    target = next((run for run in done if run.rows == TARGET_ROWS), None)
    if target is not None:
        wall_ok = target.wall <= TARGET_WALL_S
        peak_ok = target.peak_mb <= TARGET_PEAK_MB
        print(
            f"{TARGET_ROWS} rows: wall {target.wall:.1f} s  {_verdict(wall_ok)} "
            f"(<= {TARGET_WALL_S:.0f} s); peak RSS {target.peak_mb:.1f} MB  "
            f"{_verdict(peak_ok)} (<= {TARGET_PEAK_MB:.0f} MB)"
        )
        status |= 0 if wall_ok and peak_ok else 1
    else:
        projected = last.wall + (TARGET_ROWS - last.rows) * marginal
        print(
            f"{TARGET_ROWS} rows not run: wall projected from {last.rows} rows at the marginal "
            f"cost {projected:.0f} s  {_verdict(projected <= TARGET_WALL_S)} (<= "
            f"{TARGET_WALL_S:.0f} s, a projection); peak RSS at {last.rows} rows "
            f"{last.peak_mb:.1f} MB (target {TARGET_PEAK_MB:.0f} MB at {TARGET_ROWS})"
        )
    return status


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes",
        type=lambda s: sorted({int(x) for x in s.split(",") if x}),
        default=[100_000, 1_000_000, TARGET_ROWS],
        help="export rows, comma-separated",
    )
    parser.add_argument("--seed", type=int, default=18)
    parser.add_argument("--card-encoding", choices=("json", "struct"), default="json")
    parser.add_argument("--siblings", choices=("names", "structs"), default="names")
    parser.add_argument(
        "--keep",
        type=Path,
        default=None,
        help="keep the exports in this folder and reuse them next time",
    )
    parser.add_argument(
        "--limit-mb", type=float, default=6144.0, help="stop a survey whose RSS passes this"
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=1800.0,
        help="stop a survey running longer than this (seconds)",
    )
    args = parser.parse_args()
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="openness-survey-bench-") as scratch:
        folder = args.keep or Path(scratch)
        print(
            f"`{' '.join(openness_command())} survey EXPORT --format json --results OUT.parquet` "
            f"on synthetic exports (seed {args.seed}, cardData {args.card_encoding}, siblings "
            f"{args.siblings}); {os.cpu_count()} cores"
        )
        print(
            f"{'rows':>9} {'gen s':>6} {'MB':>7} {'wall s':>8} {'rows/s':>9} {'us/row':>7} "
            f"{'CPU s':>7} {'peak MB':>8} {'results':>9} {'exit':>4} {'load':>5}  "
            f"no licence survey/export  base model survey/export"
        )
        runs = []
        for rows in args.sizes:
            run = _run(rows, folder, args)
            _print(run, args)
            runs.append(run)
            if run.killed or run.timed_out:
                break
    return _summary(runs)


if __name__ == "__main__":
    sys.exit(main())
