"""Run the property-based fuzz targets of tests/test_fuzz.py with thousands of examples each.

Run from the project root: `python benchmarks/fuzz.py [--examples N] [--only SUBSTRING]`, or
`python benchmarks/fuzz.py --linear [--size BYTES] [--only SUBSTRING]` for the worst-case times.

It selects the Hypothesis profile "bench" (OPENNESS_FUZZ_PROFILE=bench, random seeds) before
importing the test module, then calls every target. Each example's failure is recorded rather
than raised, so a target runs all its examples instead of stopping (and shrinking) at the first
one: the report gives, per target, the examples run, the failing ones, and each distinct failure
(exception type and first message line) with its shortest input seen. Exit status 1 when any
example failed. `--shrink` instead lets Hypothesis stop and shrink as in pytest.

`--http N [--seed S]` instead runs N random hostile HTTP cases (benchmarks/hostile_http.py)
against a loopback replay Hub and checks the gate's invariants on each.

`--linear` instead times every target of tests/test_linear_time.py (each parser that reads text
from a model repo) on each pathological input of that module (1 MiB of `[`, `<!--` never closed,
...) and prints, per target, its worst input and time, then the overall worst. A call still
running after `--guard` seconds is stopped and reported as such; exit status 1 then.
"""

from __future__ import annotations

import argparse
import functools
import os
import sys
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

TESTS = Path(__file__).resolve().parents[1] / "tests"
SHOWN = 4  # distinct failures printed per target, the most frequent first


class Tally:
    """Examples run and failures seen by one target."""

    def __init__(self) -> None:
        self.examples = 0
        self.failing = 0
        self.kinds: dict[str, str] = {}  # failure signature -> shortest input repr
        self.counts: dict[str, int] = {}  # failure signature -> failing examples

    def record(self, error: BaseException, inputs: dict[str, Any]) -> None:
        self.failing += 1
        first = (str(error).strip().splitlines() or [""])[0][:120]
        signature = f"{type(error).__name__}: {first}"
        shown = repr(inputs)
        self.counts[signature] = self.counts.get(signature, 0) + 1
        if signature not in self.kinds or len(shown) < len(self.kinds[signature]):
            self.kinds[signature] = shown


def _instrument(target: Callable[..., None], tally: Tally, shrink: bool) -> None:
    """Wrap the Hypothesis inner test: count examples, and record failures unless shrinking."""
    inner = target.hypothesis.inner_test  # type: ignore[attr-defined]

    @functools.wraps(inner)
    def counted(*args: Any, **kwargs: Any) -> None:
        tally.examples += 1
        if shrink:
            return inner(*args, **kwargs)
        try:
            inner(*args, **kwargs)
        except Exception as error:
            tally.record(error, kwargs)

    target.hypothesis.inner_test = counted  # type: ignore[attr-defined]


def linear(size: int, only: str, guard: float, verbose: bool) -> int:
    """Worst time per target over the pathological inputs of tests/test_linear_time.py."""
    import test_linear_time as cases

    texts = {name: build(size) for name, build in cases.INPUTS.items()}
    targets = {name: fn for name, fn in cases._targets().items() if only in name}
    print(f"{len(targets)} targets x {len(texts)} inputs of about {size} characters")
    print(f"{'target':20} {'worst input':14} {'seconds':>8}")
    worst: tuple[float, str, str] = (0.0, "", "")
    stopped = 0
    for target, call in targets.items():
        slowest = (0.0, "")
        for name, text in texts.items():
            try:
                seconds = cases.timed(call, text, guard)
            except TimeoutError:
                seconds, stopped = float("inf"), stopped + 1
            slowest = max(slowest, (seconds, name))
            if verbose:
                print(f"    {target:20} {name!r:14} {seconds:>8.3f}", flush=True)
        print(f"{target:20} {slowest[1]!r:14} {slowest[0]:>8.3f}", flush=True)
        worst = max(worst, (slowest[0], target, slowest[1]))
    print(f"worst case: {worst[1]} on {worst[2]!r}, {worst[0]:.3f} s")
    return 1 if stopped else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=2000, help="examples per target")
    parser.add_argument("--only", default="", help="run targets whose name contains this")
    parser.add_argument("--shrink", action="store_true", help="stop and shrink at a failure")
    parser.add_argument("--linear", action="store_true", help="time the pathological inputs")
    parser.add_argument("--size", type=int, default=1024 * 1024, help="--linear input size")
    parser.add_argument("--guard", type=float, default=60.0, help="--linear seconds per call")
    parser.add_argument("--verbose", action="store_true", help="--linear: every input's time")
    parser.add_argument("--http", type=int, default=0, help="hostile HTTP cases to run")
    parser.add_argument("--seed", type=int, default=0, help="--http: the random seed")
    args = parser.parse_args()
    if args.http:
        sys.path.insert(0, str(TESTS))
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        for name in (
            "HF_HUB_DISABLE_TELEMETRY",
            "HF_HUB_DISABLE_XET",
            "HF_HUB_DISABLE_PROGRESS_BARS",
        ):
            os.environ[name] = "1"
        import hostile_http

        return hostile_http.run(args.http, args.seed)
    if args.linear:
        sys.path.insert(0, str(TESTS))
        os.environ["HF_HUB_OFFLINE"] = "1"
        return linear(args.size, args.only, args.guard, args.verbose)

    os.environ["OPENNESS_FUZZ_PROFILE"] = "bench"
    os.environ["OPENNESS_FUZZ_EXAMPLES"] = str(args.examples)
    os.environ["HF_HUB_OFFLINE"] = "1"  # the renderer targets audit from the bundled snapshot
    sys.path.insert(0, str(TESTS))
    import test_fuzz

    targets = {name: fn for name, fn in test_fuzz.TARGETS.items() if args.only in name}
    print(f"profile bench: up to {args.examples} examples per target, {len(targets)} targets")
    print(f"{'target':28} {'examples':>8} {'failing':>8} {'seconds':>8}  distinct failures")
    tallies: dict[str, Tally] = {}
    started = time.perf_counter()
    for name, target in targets.items():
        tally = tallies[name] = Tally()
        _instrument(target, tally, args.shrink)
        begin = time.perf_counter()
        try:
            target()
        except Exception as error:  # only with --shrink, or an error outside the examples
            tally.record(error, {"shrunk": "".join(traceback.format_exception_only(error))})
        seconds = time.perf_counter() - begin
        print(
            f"{name:28} {tally.examples:>8} {tally.failing:>8} {seconds:>8.1f}  {len(tally.kinds)}",
            flush=True,
        )
    total = sum(tally.examples for tally in tallies.values())
    failing = sum(tally.failing for tally in tallies.values())
    print(f"total: {total} examples, {failing} failing, {time.perf_counter() - started:.1f} s")
    for name, tally in tallies.items():
        ranked = sorted(tally.counts, key=lambda signature: -tally.counts[signature])
        for signature in ranked[:SHOWN]:
            print(f"\n{name}: {tally.counts[signature]} x {signature}")
            print(f"    shortest input: {tally.kinds[signature][:400]}")
        if len(ranked) > SHOWN:
            print(f"\n{name}: {len(ranked) - SHOWN} more distinct failures")
    return 1 if failing else 0


if __name__ == "__main__":
    sys.exit(main())
