"""How fast `openness audit` gets through many Hub models, against a replay Hub with latency.

Run from the project root: `python benchmarks/hub_speed.py [--latency 0.05] [--jobs 8]
[--sizes 1,10,100,500] [--max N]`.

It starts the loopback replay Hub of tests/hubreplay.py with a fixed delay on every request,
serves synthetic repos (an MIT or Apache-style LICENSE, a card, a config, a listed weight file),
points huggingface_hub and openness at it and at a temporary cache (as tests/conftest.py's
`hf_env` does, before huggingface_hub is imported), and runs the CLI's concurrent audit path
(`openness.batch.audit_batch`) for each size, on models never seen before (cold) and then again on
the same models (warm cache). For each it prints requests per model, wall time, the ideal
`requests x latency / jobs`, the ratio to it (target <= 1.5x at 100 models), the floor set by
each model's requests running in sequence (`chain`: ceil(models / jobs) x requests per model x
latency, what bounds 1 and 10 models) and the peak RSS of the process (replay Hub included);
then an `audit --author` run over 100 models listed by one paginated call.

Licence identification time per file: benchmarks/scancode_side_by_side.py (with ScanCode beside
it when installed) and benchmarks/license_accuracy.py.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus" / "licenses"
TARGET_RATIO = 1.5

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


def _isolate(home: Path) -> None:
    """The environment of tests/conftest.py's hf_env; must run before huggingface_hub loads."""
    if "huggingface_hub" in sys.modules:
        raise RuntimeError("huggingface_hub was imported before the environment was set")
    os.environ.update(
        {
            "HF_HOME": str(home / "hf"),
            "HF_HUB_CACHE": str(home / "hf" / "hub"),
            "OPENNESS_CACHE_DIR": str(home / "openness"),
            "HF_HUB_DISABLE_TELEMETRY": "1",
            "HF_HUB_DISABLE_XET": "1",
            "HF_HUB_DISABLE_PROGRESS_BARS": "1",
        }
    )
    for name in (
        "HF_TOKEN",
        "HUGGING_FACE_HUB_TOKEN",
        "HF_OIDC_RESOURCE",
        "HF_HUB_OFFLINE",
        "TRANSFORMERS_OFFLINE",
        "HUGGINGFACE_HUB_CACHE",
    ):
        os.environ.pop(name, None)


def _license_texts() -> tuple[bytes, bytes]:
    mit = CORPUS / "mit.txt"
    return (mit.read_bytes() if mit.is_file() else MIT_LIKE.encode()), APACHE_LIKE.encode()


def _repo(index: int, texts: tuple[bytes, bytes], org: str = "bench-org") -> Any:
    from hubreplay import FakeRepo

    mit = index % 2 == 0
    return FakeRepo(
        f"{org}/model-{index:04d}",
        card_data={
            "license": "mit" if mit else "apache-2.0",
            "library_name": "transformers",
            "tags": ["text-generation"],
            "pipeline_tag": "text-generation",
        },
        readme_body=f"# Model {index}\n\nA synthetic model for benchmarks.\n",
        files={
            "LICENSE": texts[0] if mit else texts[1],
            "config.json": b'{"architectures": ["LlamaForCausalLM"], "model_type": "llama"}',
        },
        listed={"model.safetensors": 1_000_000_000},
    )


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


def _run(hub: Any, models: list[str], jobs: int, timeout: float) -> tuple[float, int, int]:
    """(wall seconds, requests, failed models) of one `audit_batch` over `models`."""
    from openness.batch import audit_batch

    hub.clear()
    begin = time.perf_counter()
    report, _ = audit_batch(models, None, False, jobs, timeout)
    return time.perf_counter() - begin, len(hub.requests), len(report.errors)


def _request_mix(requests: list[Any]) -> str:
    """Requests per model by kind, e.g. `GET /api/models 1, HEAD README.md 1`."""
    kinds: dict[str, int] = {}
    for request in requests:
        what = "/api/models" if request.path.startswith("/api/") else request.path.split("/")[-1]
        kinds[f"{request.method} {what}"] = kinds.get(f"{request.method} {what}", 0) + 1
    models = max(1, kinds.get("GET /api/models", 1))
    return ", ".join(f"{kind} {count / models:g}" for kind, count in sorted(kinds.items()))


def hub_benchmark(args: argparse.Namespace) -> None:
    sys.path.insert(0, str(ROOT / "tests"))
    from hubreplay import HubReplay

    sizes = [size for size in args.sizes if size <= args.max] or [min(args.sizes + [args.max])]
    texts = _license_texts()
    with tempfile.TemporaryDirectory(prefix="openness-bench-") as folder:
        _isolate(Path(folder))
        with HubReplay(latency=args.latency) as hub:
            os.environ["HF_ENDPOINT"] = hub.endpoint
            warmup = hub.add(_repo(9999, texts)).repo_id
            batches: list[list[str]] = []
            start = 0
            for size in sizes:  # fresh models for every size: each cold run is really cold
                batch = [hub.add(_repo(start + i, texts)).repo_id for i in range(size)]
                batches.append(batch)
                start += size
            import huggingface_hub  # noqa: F401 - only now, with the environment in place

            print(
                f"replay Hub at {hub.endpoint}, latency {args.latency * 1000:.0f} ms per "
                f"request, jobs {args.jobs}; LICENSE from "
                f"{'corpus mit.txt' if (CORPUS / 'mit.txt').is_file() else 'built-in text'}"
            )
            wall, requests, _ = _run(hub, [warmup], 1, args.timeout)
            print(
                f"first audit in the process (imports, knowledge base): {wall:.2f} s, "
                f"{requests} requests; not counted below"
            )
            header = (
                f"{'models':>6} {'run':>5} {'req/model':>9} {'wall s':>8} {'ideal s':>8} "
                f"{'ratio':>6} {'chain s':>8} {'failed':>6} {'peak RSS MB':>11}"
            )
            print(header)
            mix: dict[str, str] = {}
            for size, batch in zip(sizes, batches, strict=True):
                for run in ("cold", "warm"):
                    wall, requests, failed = _run(hub, batch, args.jobs, args.timeout)
                    mix[run] = _request_mix(hub.requests)
                    ideal = requests * args.latency / args.jobs
                    # A model's requests run one after another: the floor for few models.
                    chain = -(-size // args.jobs) * requests / size * args.latency
                    ratio = f"{wall / ideal:6.2f}" if ideal else "   n/a"
                    note = ""
                    if run == "cold" and size == 100 and ideal:
                        note = "  ok" if wall / ideal <= TARGET_RATIO else "  OVER 1.5x"
                    if run == "warm" and requests != size:
                        note = "  (warm target: 1 request per model)"
                    print(
                        f"{size:>6} {run:>5} {requests / size:>9.2f} {wall:>8.2f} {ideal:>8.2f} "
                        f"{ratio} {chain:>8.2f} {failed:>6} {_peak_rss_mb():>11.1f}{note}",
                        flush=True,
                    )

            for run, text in mix.items():
                print(f"requests per model, last {run} run: {text}")
            _author_run(hub, args, texts)


def _author_run(hub: Any, args: argparse.Namespace, texts: tuple[bytes, bytes]) -> None:
    """`audit --author ORG`: paginated list calls instead of one metadata call per model."""
    from openness.batch import audit_batch
    from openness.sources.hub import list_author

    size = min(100, args.max)
    for index in range(size):
        hub.add(_repo(index, texts, org="author-org"))
    hub.clear()
    begin = time.perf_counter()
    listed, _ = list_author("author-org", args.timeout)
    report, _ = audit_batch(listed, None, False, args.jobs, args.timeout)
    wall = time.perf_counter() - begin
    requests = len(hub.requests)
    lists = sum(1 for request in hub.requests if request.path.startswith("/api/"))
    ideal = (lists + (requests - lists) / args.jobs) * args.latency  # list pages are sequential
    print(
        f"--author with {len(report.audits)} models: {requests / size:.2f} requests per model "
        f"({lists} list page(s), no per-model metadata call), wall {wall:.2f} s, "
        f"ideal {ideal:.2f} s, ratio {wall / ideal:.2f}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency", type=float, default=0.05, help="seconds per request")
    parser.add_argument("--jobs", type=int, default=8, help="concurrent audits (CLI default 8)")
    parser.add_argument("--timeout", type=float, default=30.0)
    parser.add_argument(
        "--sizes", type=lambda s: [int(x) for x in s.split(",")], default=[1, 10, 100, 500]
    )
    parser.add_argument("--max", type=int, default=500, help="largest size to run")
    args = parser.parse_args()
    hub_benchmark(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
