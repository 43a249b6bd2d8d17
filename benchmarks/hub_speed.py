"""How fast `openness audit` gets through many Hub models, against a replay Hub with latency.

Run from the project root: `python benchmarks/hub_speed.py [--latency 0.05] [--jobs 32]
[--sizes 1,100,1000] [--distinct 1000] [--author 100]`. The defaults are issue 14's setting
(50 ms per request, 32 jobs); the whole run takes a minute or two.

The loopback replay Hub of tests/hubreplay.py runs in this process with a fixed delay on every
request and serves synthetic repos (a LICENSE, a card, a config, a listed weight file). openness
runs as the real CLI in a subprocess, `<venv>/bin/openness audit --from-file LIST --jobs J
--timeout T --format json -o OUT`, with its own temporary HF_HOME, HF_HUB_CACHE and
OPENNESS_CACHE_DIR and HF_ENDPOINT at the replay Hub (no proxy, no token: nothing leaves the
machine), and its bytecode cached as an installed package has it (PYTHONPYCACHEPREFIX in a
temporary folder, even where PYTHONDONTWRITEBYTECODE is set; see `isolated_env`). The Hub's CPU
therefore does not compete with the audits for one GIL.

For each size, on models never seen before with empty caches (cold) and then on the same
models again (warm), with each model's LICENSE one of two texts (`repeat`), and once more cold
on as many models whose LICENSE texts all differ (`distinct`: the same two texts, each under a
copyright line of the model's own, so the two cold runs differ only in the texts to analyse),
it prints:

- req/model: requests per model, from the replay Hub's request log;
- wall s, ideal s (requests x latency / jobs) and their ratio; target <= 1.5x for 1,000
  models at 50 ms with --jobs 32 (OK/OVER on those rows);
- chain s: the floor set by each model's requests running in sequence, ceil(models / jobs) x
  requests per model x latency (what bounds small sizes, where the ideal means little);
- CPU s: user+sys of the subprocess (the RUSAGE_CHILDREN delta), and CPU ms/model: that
  minus the CPU of an `openness --version` run measured here (the process start-up), per model;
- peak RSS MB of the subprocess (its own ru_maxrss, from wait4), and the Hub's CPU in this
  process.

Then a summary against the CPU targets (<= 5 ms per model when texts repeat, <= 5 ms per
distinct text: the distinct run's CPU minus the repeat run's, per model), with the marginal
CPU per model between the two largest sizes (start-up and all other fixed costs cancel out),
and an `audit --author` run listed by paginated calls.

Last, the supply chain (issue 16, `--derivatives 100`): that many fine-tunes of 5 base models,
each card naming its base and the training datasets of its family (3 per family and one all
share: 16 datasets), audited cold in one batch. Each unique model, base and dataset should be
fetched once per run: it prints the calls per model, the dataset and base-model calls against
the unique ones, the requests repeated (the same method and path asked twice: the ideal is
none), and wall against the ideal (requests x latency / jobs).

Licence identification time per file: benchmarks/scancode_side_by_side.py and
benchmarks/license_accuracy.py; start-up and one warm audit: benchmarks/startup.py; memory
over 100,000 models: benchmarks/batch_memory.py.
"""

from __future__ import annotations

import argparse
import atexit
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus" / "licenses"
TARGET_RATIO = 1.5
TARGET_CPU_MS = 5.0
ISSUE_SETTING = (0.05, 32, 1000)  # latency, jobs, models of issue 14's ratio target

# Our own few lines: the audit only needs *a* licence-like file.
MIT_LIKE = """MIT License

Copyright (c) 2025 Benchmark Models

Permission is hereby granted, free of charge, to any person obtaining a copy of this model and
associated files, to deal in them without restriction, including the rights to use, copy,
modify, merge, publish, distribute, sublicense and sell copies, subject to keeping this notice.

THE MODEL IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND.
"""
APACHE_LIKE = """Apache License, Version 2.0

Licensed under the Apache License, Version 2.0 (the "License"); you may not use these files
except in compliance with the License. Unless required by applicable law or agreed to in writing,
software distributed under the License is distributed on an "AS IS" BASIS, WITHOUT WARRANTIES OR
CONDITIONS OF ANY KIND, either express or implied.
"""
CONFIG = b'{"architectures": ["LlamaForCausalLM"], "model_type": "llama"}'
# Variables that could send a request elsewhere or change who the client claims to be, and the
# ones that would keep Python from caching bytecode (see `isolated_env`).
DROPPED = ("HF_TOKEN", "HUGGING_FACE_HUB_TOKEN", "HUGGINGFACEHUB_API_TOKEN", "HF_TOKEN_PATH",
           "HF_OIDC_RESOURCE", "HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HUGGINGFACE_HUB_CACHE",
           "OPENNESS_DEBUG", "PYTHONDONTWRITEBYTECODE", "PYTHONPYCACHEPREFIX")  # fmt: skip


# -- shared with benchmarks/startup.py and benchmarks/batch_memory.py ------------------------


def openness_command() -> list[str]:
    """The installed `openness` script next to this interpreter, else `python -m openness`."""
    script = Path(sys.executable).with_name("openness")
    return [str(script)] if script.exists() else [sys.executable, "-m", "openness"]


@cache
def bytecode_dir() -> Path:
    """A folder of this benchmark run where every child caches the bytecode of what it imports
    (removed at exit)."""
    folder = Path(tempfile.mkdtemp(prefix="openness-bytecode-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return folder


def isolated_env(home: Path, endpoint: str | None, bytecode: bool = True) -> dict[str, str]:
    """This environment with tests/conftest.py's hf_env settings: caches and HOME under
    `home`, HF_ENDPOINT at the replay Hub, telemetry off, no token, no proxy.

    Bytecode is cached (in `bytecode_dir`, for openness, hf-preflight and the standard library
    alike), as an installed package has it, even where PYTHONDONTWRITEBYTECODE is set: without
    it each run compiles openness's modules again. `bytecode=False` sets that variable."""
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in DROPPED and not name.lower().endswith("_proxy")
    }
    env.update(
        {
            "HOME": str(home),  # no ~/.cache/huggingface/token either
            "HF_HOME": str(home / "hf"),
            "HF_HUB_CACHE": str(home / "hf" / "hub"),
            "OPENNESS_CACHE_DIR": str(home / "openness"),
            "HF_HUB_DISABLE_TELEMETRY": "1",
            "HF_HUB_DISABLE_XET": "1",
            "HF_HUB_DISABLE_PROGRESS_BARS": "1",
            "NO_PROXY": "127.0.0.1,localhost",
            "no_proxy": "127.0.0.1,localhost",
        }
    )
    if endpoint is not None:
        env["HF_ENDPOINT"] = endpoint
    if bytecode:
        env["PYTHONPYCACHEPREFIX"] = str(bytecode_dir())
    else:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


@dataclass
class Child:
    """One finished subprocess: wall and CPU seconds, peak RSS, exit code, stdout and stderr."""

    wall: float
    cpu: float
    peak_mb: float
    returncode: int
    stdout: bytes
    stderr: bytes


def run_child(argv: list[str], env: dict[str, str] | None = None) -> Child:
    """Run `argv` and measure it: CPU as the delta of RUSAGE_CHILDREN (user+sys) around it,
    peak RSS from wait4 (RUSAGE_CHILDREN's maxrss is the largest of all children so far)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        begin = time.perf_counter()
        child = subprocess.Popen(argv, env=env, stdin=subprocess.DEVNULL, stdout=out, stderr=err)
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - begin
        child.returncode = os.waitstatus_to_exitcode(status)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
        out.seek(0)
        err.seek(0)
        return Child(wall, cpu, usage.ru_maxrss / 1024, child.returncode, out.read(), err.read())


@cache
def license_texts() -> tuple[bytes, bytes]:
    """The two texts models share: the corpus's MIT text (else our own lines), Apache-like."""
    mit = CORPUS / "mit.txt"
    return (mit.read_bytes() if mit.is_file() else MIT_LIKE.encode()), APACHE_LIKE.encode()


def distinct_text(index: int) -> bytes:
    """Model `index`'s shared text (MIT for even indexes, Apache-like for odd ones) under a
    copyright line of its own: a text no other model has, of the same kind as when they repeat."""
    line = f"Copyright (c) {2000 + index % 25} Benchmark Models Group {index}\n\n"
    return line.encode() + license_texts()[index % 2]


def make_repo(index: int, org: str, distinct: bool = False, repo_id: str | None = None) -> Any:
    """A synthetic model, `org/model-000042` unless `repo_id` names it: MIT (even indexes) or
    Apache-like (odd); with `distinct`, its LICENSE has a copyright line of its own."""
    from hubreplay import FakeRepo

    mit = index % 2 == 0
    return FakeRepo(
        repo_id or f"{org}/model-{index:06d}",
        card_data={
            "license": "mit" if mit else "apache-2.0",
            "library_name": "transformers",
            "tags": ["text-generation"],
            "pipeline_tag": "text-generation",
        },
        readme_body=f"# Model {index}\n\nA synthetic model for benchmarks.\n",
        files={
            "LICENSE": distinct_text(index) if distinct else license_texts()[index % 2],
            "config.json": CONFIG,
        },
        listed={"model.safetensors": 1_000_000_000},
    )


def request_kind(method: str, path: str) -> str:
    """`GET /api/models`, `HEAD LICENSE`, ... : what a request asked for, without the repo."""
    if path.startswith("/api/"):
        return f"{method} {'/api/datasets' if path.startswith('/api/datasets') else '/api/models'}"
    return f"{method} {path.split('/')[-1]}"


def report_failures(path: Path) -> int | None:
    """Failed models in a JSON (or JSON Lines) report, None when unreadable."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return None
    try:
        return len(json.loads(text).get("errors", []))
    except ValueError:
        lines = [json.loads(line) for line in text.splitlines() if line.strip()]
        return sum(1 for line in lines if "exit_code" in line or "error" in line)


# -- this benchmark ---------------------------------------------------------------------------


@dataclass
class Case:
    size: int
    texts: str  # "repeat" or "distinct"
    run: str  # "cold" or "warm"
    child: Child
    requests: int
    mix: str
    hub_cpu: float
    failed: int | None


def _audit(hub: Any, models: list[str], home: Path, args: argparse.Namespace) -> Case:
    listing = home / "models.txt"
    listing.write_text("".join(f"{model}\n" for model in models), encoding="utf-8")
    out = home / "report.json"
    out.unlink(missing_ok=True)
    argv = [*openness_command(), "audit", "--from-file", str(listing), "--jobs", str(args.jobs)]
    argv += ["--timeout", str(args.timeout), "--format", "json", "-o", str(out)]
    hub.clear()
    self_before = time.process_time()
    child = run_child(argv, isolated_env(home, hub.endpoint))
    hub_cpu = time.process_time() - self_before
    if child.returncode not in (0, 3):
        raise SystemExit(f"openness exited {child.returncode}: {child.stderr[-800:]!r}")
    kinds = Counter(request_kind(r.method, r.path) for r in hub.requests)
    mix = ", ".join(f"{kind} {count / len(models):g}" for kind, count in sorted(kinds.items()))
    return Case(len(models), "", "", child, len(hub.requests), mix, hub_cpu, report_failures(out))


def _print_case(case: Case, args: argparse.Namespace, startup_cpu: float) -> None:
    size, requests = case.size, case.requests
    ideal = requests * args.latency / args.jobs
    chain = -(-size // args.jobs) * requests / size * args.latency
    ratio = case.child.wall / ideal if ideal else None
    cpu_ms = max(0.0, case.child.cpu - startup_cpu) / size * 1000
    note = ""
    if size == ISSUE_SETTING[2] and case.texts == "repeat" and ratio is not None:
        note = f"  {'OK' if ratio <= TARGET_RATIO else 'OVER'} (<= {TARGET_RATIO}x)"
        if (args.latency, args.jobs) != ISSUE_SETTING[:2]:
            note += " [not issue 14's 50 ms / 32 jobs]"
    if case.run == "warm" and requests > size:
        note += "  (warm: more than 1 request per model)"
    print(
        f"{size:>6} {case.texts:>8} {case.run:>4} {requests / size:>9.2f} {case.child.wall:>7.2f} "
        f"{ideal:>7.2f} {f'{ratio:.2f}' if ratio is not None else 'n/a':>6} {chain:>7.2f} "
        f"{case.child.cpu:>6.2f} {cpu_ms:>11.2f} {case.child.peak_mb:>8.1f} {case.hub_cpu:>7.2f} "
        f"{'?' if case.failed is None else case.failed:>6}{note}",
        flush=True,
    )


def hub_benchmark(args: argparse.Namespace) -> list[Case]:
    sys.path.insert(0, str(ROOT / "tests"))
    from hubreplay import HubReplay

    sizes = args.sizes
    cases: list[Case] = []
    with (
        tempfile.TemporaryDirectory(prefix="openness-bench-") as folder,
        HubReplay(latency=args.latency) as hub,
    ):
        base = Path(folder)
        version_env = isolated_env(base, None)
        versions = [run_child([*openness_command(), "--version"], version_env) for _ in range(3)]
        version = versions[-1]
        startup_cpu = version.cpu
        print(
            f"replay Hub at {hub.endpoint} (in this process), latency {args.latency * 1000:.0f} "
            f"ms per request, jobs {args.jobs}, timeout {args.timeout:g} s; openness as "
            f"`{' '.join(openness_command())} audit --from-file ... --format json` in a subprocess"
        )
        mit = "corpus mit.txt" if (CORPUS / "mit.txt").is_file() else "our MIT-like"
        print(
            f"LICENSE texts: {mit}"
            f" and an Apache-like text (repeat), or those under a copyright line of each model's "
            f"own (distinct); bytecode cached in {bytecode_dir()}"
            f"\nstart-up: `openness --version` {version.wall:.3f} s wall, "
            f"{version.cpu:.3f} s CPU, {version.peak_mb:.1f} MB; that CPU is subtracted below"
        )
        # One audit in a throw-away home first: the file cache holds the modules afterwards.
        (base / "warmup").mkdir()
        _audit(hub, [hub.add(make_repo(0, "warmup-org")).repo_id], base / "warmup", args)

        print(
            f"{'models':>6} {'texts':>8} {'run':>4} {'req/model':>9} {'wall s':>7} "
            f"{'ideal s':>7} {'ratio':>6} {'chain s':>7} {'CPU s':>6} {'CPU ms/model':>11} "
            f"{'peak MB':>8} {'hub CPU':>7} {'failed':>6}"
        )
        plan: list[tuple[int, str]] = [(size, "repeat") for size in sizes]
        if args.distinct:
            plan.append((args.distinct, "distinct"))
        for number, (size, texts) in enumerate(plan):
            home = base / f"case-{number}"
            home.mkdir()
            org = f"bench-{number}"  # fresh models for every case: each cold run is cold
            if texts == "repeat":
                models = [hub.add(make_repo(i, org)).repo_id for i in range(size)]
            else:
                models = [hub.add(make_repo(i, org, distinct=True)).repo_id for i in range(size)]
            for run in ("cold", "warm") if texts == "repeat" else ("cold",):
                case = _audit(hub, models, home, args)
                case.texts, case.run = texts, run
                _print_case(case, args, startup_cpu)
                cases.append(case)
        for case in cases:
            if case.size == max(sizes) and case.texts == "repeat":
                print(f"requests per model, {case.run}: {case.mix}")
        _summary(cases, startup_cpu)
        if args.author:
            _author_run(hub, base, args)
        if args.derivatives:
            _derivatives_run(hub, base, args)
    return cases


def _summary(cases: list[Case], startup_cpu: float) -> None:
    def find(size: int, texts: str, run: str) -> Case | None:
        return next((c for c in cases if (c.size, c.texts, c.run) == (size, texts, run)), None)

    def verdict(ms: float) -> str:
        return f"{'OK' if ms <= TARGET_CPU_MS else 'OVER'} (<= {TARGET_CPU_MS:g} ms)"

    repeat_sizes = sorted({c.size for c in cases if c.texts == "repeat"})
    largest = repeat_sizes[-1]
    cold = find(largest, "repeat", "cold")
    if cold is None:
        return
    per_model = (cold.child.cpu - startup_cpu) / largest * 1000
    print(
        f"CPU per model when texts repeat ({largest} models cold, start-up subtracted): "
        f"{per_model:.2f} ms  {verdict(per_model)}"
    )
    if len(repeat_sizes) > 1:
        smaller = find(repeat_sizes[-2], "repeat", "cold")
        if smaller is not None and largest > smaller.size:
            marginal = (cold.child.cpu - smaller.child.cpu) / (largest - smaller.size) * 1000
            print(
                f"  marginal CPU per model, {smaller.size} -> {largest} models cold: "
                f"{marginal:.2f} ms  {verdict(marginal)}"
            )
    for run in ("warm",):
        if (warm := find(largest, "repeat", run)) is not None:
            ms = (warm.child.cpu - startup_cpu) / largest * 1000
            print(f"  CPU per model, {largest} models {run}: {ms:.2f} ms")
    distinct = next((c for c in cases if c.texts == "distinct"), None)
    if distinct is not None:
        base = find(distinct.size, "repeat", "cold")
        raw = (distinct.child.cpu - startup_cpu) / distinct.size * 1000
        print(f"CPU per model when every text differs ({distinct.size} models cold): {raw:.2f} ms")
        if base is not None:
            extra = (distinct.child.cpu - base.child.cpu) / distinct.size * 1000
            print(
                f"  CPU per distinct text (that minus the repeat case of the same size): "
                f"{extra:.2f} ms  {verdict(extra)}"
            )


def _author_run(hub: Any, base: Path, args: argparse.Namespace) -> None:
    """`audit --author ORG`: paginated list calls instead of one metadata call per model."""
    home = base / "author"
    home.mkdir()
    size = args.author
    for index in range(size):
        hub.add(make_repo(index, "author-org"))
    out = home / "report.json"
    argv = [*openness_command(), "audit", "--author", "author-org", "--jobs", str(args.jobs)]
    argv += ["--timeout", str(args.timeout), "--format", "json", "-o", str(out)]
    hub.clear()
    child = run_child(argv, isolated_env(home, hub.endpoint))
    requests = len(hub.requests)
    lists = sum(1 for request in hub.requests if request.path == "/api/models")
    ideal = (lists + (requests - lists) / args.jobs) * args.latency  # list pages are sequential
    audits = len(json.loads(out.read_text(encoding="utf-8")).get("audits", []))
    print(
        f"--author with {audits} models: {requests / size:.2f} requests per model "
        f"({lists} list page(s), no per-model metadata call), wall {child.wall:.2f} s, "
        f"ideal {ideal:.2f} s, ratio {child.wall / ideal:.2f}, exit {child.returncode}"
    )


BASES = 5
FAMILY_DATASETS = 3


def _derivatives_run(hub: Any, base: Path, args: argparse.Namespace) -> None:
    """A batch of derivatives of BASES bases, each naming its family's datasets and a common
    one: every base and dataset should be fetched once for the whole batch."""
    from hubreplay import FakeDataset

    home = base / "derivatives"
    home.mkdir()
    datasets = ["bench-data/common"]
    for family in range(BASES):
        hub.add(make_repo(family, "bench-bases", repo_id=f"bench-bases/base-{family}"))
        datasets += [f"bench-data/family-{family}-{n}" for n in range(FAMILY_DATASETS)]
    for index, name in enumerate(datasets):
        hub.add_dataset(
            FakeDataset(name, license="cc-by-nc-4.0" if index % 4 == 3 else "cc-by-4.0")
        )
    models = []
    for index in range(args.derivatives):
        family = index % BASES
        repo = make_repo(index, "bench-derived")
        repo.card_data |= {
            "base_model": f"bench-bases/base-{family}",
            "datasets": ["bench-data/common"]
            + [f"bench-data/family-{family}-{n}" for n in range(FAMILY_DATASETS)],
        }
        models.append(hub.add(repo).repo_id)
    case = _audit(hub, models, home, args)
    size, requests = case.size, case.requests
    seen = Counter((r.method, r.path) for r in hub.requests)
    repeated = sum(count - 1 for count in seen.values())
    dataset_calls = sum(n for (_, path), n in seen.items() if path.startswith("/api/datasets/"))
    base_calls = sum(n for (_, path), n in seen.items() if path.startswith("/api/models/bench-b"))
    ideal = requests * args.latency / args.jobs
    ideal_requests = len(seen)
    print(
        f"derivatives: {size} models of {BASES} bases naming {len(datasets)} datasets, cold: "
        f"{requests / size:.2f} calls per model ({requests} requests; ideal {ideal_requests}, "
        f"each unique model, base and dataset once: {ideal_requests / size:.2f} per model); "
        f"dataset calls {dataset_calls} for {len(datasets)} unique, base metadata calls "
        f"{base_calls} for {BASES}, {repeated} repeated; wall {case.child.wall:.2f} s, ideal "
        f"{ideal:.2f} s, ratio {case.child.wall / ideal:.2f}; CPU {case.child.cpu:.2f} s; failed "
        f"{'?' if case.failed is None else case.failed}"
    )
    print(f"  requests per model: {case.mix}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency", type=float, default=0.05, help="seconds per request")
    parser.add_argument("--jobs", type=int, default=32, help="concurrent audits (--jobs)")
    parser.add_argument("--timeout", type=float, default=30.0, help="openness --timeout")
    parser.add_argument(
        "--sizes",
        type=lambda s: [int(x) for x in s.split(",")],
        default=[1, 100, 1000],
        help="model counts, comma-separated",
    )
    parser.add_argument(
        "--distinct", type=int, default=1000, help="models of the distinct-texts case (0: none)"
    )
    parser.add_argument(
        "--author", type=int, default=100, help="models of the --author run (0: none)"
    )
    parser.add_argument(
        "--derivatives",
        type=int,
        default=100,
        help=f"derivatives of {BASES} bases audited as one batch (0: none)",
    )
    args = parser.parse_args()
    hub_benchmark(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
