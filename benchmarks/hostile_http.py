"""Randomised hostile HTTP shapes against `openness check`, for `benchmarks/fuzz.py --http`.

Every case serves one repo whose card says `apache-2.0` and whose LICENSE forbids commercial
use, from a loopback replay Hub, and breaks one or two of its answers at random: the LICENSE
download (status, redirects to odd schemes or other origins, Content-Length lies, encodings,
gzip bombs, NUL bytes, byte-order marks, hostile ETag / X-Repo-Commit headers, trickling or
stalled bodies, cut connections) and the model_info metadata (commit ids and file names that
are paths, wrong types, deep nesting). The invariants, checked on every case:

- the gate never passes (exit 1 when the text is read or unread, 3 when the metadata is
  unusable): never 0, never 4 (a crash), never a usage error;
- one `openness:` line per diagnostic, no traceback, the token in no output;
- nothing is written outside the case's own folders, and no stored file exceeds the 1 MiB cap;
- every case ends within its timeout plus a margin (the worst time is printed).
"""

from __future__ import annotations

import gzip
import json
import os
import random
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = "acme/hostile"
SECRET = "hf_FUZZ_SECRET_42"
NON_COMMERCIAL = b"Acme Licence\n\nYou may use the model for non-commercial purposes only.\n"
TIMEOUT = 3
MARGIN = 10.0
LICENSE_GET = f"GET /{REPO}/resolve/.*/LICENSE$"
INFO = f"/api/models/{REPO}$"


def _bodies(rng: random.Random) -> bytes:
    choices: list[Callable[[], bytes]] = [
        lambda: NON_COMMERCIAL,
        lambda: b"\x00" + NON_COMMERCIAL,
        lambda: b"\xff\xfe" + NON_COMMERCIAL.decode().encode("utf-16-le"),
        lambda: b"\xfe\xff" + rng.randbytes(33),
        lambda: rng.randbytes(rng.randrange(1, 4096)),
        lambda: b"x" * ((1 << 20) + rng.randrange(1, 4096)),
        lambda: b"",
        lambda: gzip.compress(NON_COMMERCIAL),
        lambda: gzip.compress(bytes(8 << 20)),
    ]
    return rng.choice(choices)()


def _license_fault(rng: random.Random, other_origin: str, canary: str) -> Any:
    from hubreplay import Reply, delay, reset, respond, trickle, truncate

    body = _bodies(rng)
    headers: dict[str, str] = {}
    if rng.random() < 0.4:
        headers["Content-Encoding"] = rng.choice(["gzip", "deflate", "br", "gzip, gzip", "x"])
    if rng.random() < 0.4:
        headers["ETag"] = rng.choice(['"../../x"', canary, '"' + "a" * 5000 + '"', "W/x"])
    if rng.random() < 0.4:
        headers["X-Repo-Commit"] = rng.choice([canary, "../x", "0" * 40, "\x7f"])
    location = rng.choice(
        ["file:///etc/passwd", "ftp://example/x", f"{other_origin}/leak", "//other/x",
         "../../../../x", "javascript:alert(1)", "http://127.0.0.1:1/x"]
    )  # fmt: skip
    status = rng.choice([200, 200, 200, 206, 301, 302, 307, 401, 403, 404, 429, 500, 503])
    if status in (301, 302, 307):
        headers["Location"] = location
    length = rng.choice([None, None, -1, len(body) + rng.randrange(1, 5000)])
    kinds: list[Callable[[], Any]] = [
        lambda: respond(LICENSE_GET, Reply(status, headers, body, length=length, close=True)),
        lambda: trickle(LICENSE_GET, 0.3, rng.choice([1, 16])),
        lambda: delay(LICENSE_GET, 30),
        lambda: reset(LICENSE_GET, keep=rng.randrange(0, 64)),
        lambda: truncate(LICENSE_GET, keep=rng.randrange(0, 64)),
    ]
    return rng.choice(kinds)()


def _metadata_extra(rng: random.Random, canary: str) -> dict[str, Any]:
    nested: Any = "x"
    for _ in range(300):
        nested = [nested]
    choices: list[dict[str, Any]] = [
        {},
        {"sha": rng.choice([canary, "../x", 123, None, "A" * 40])},
        {"id": rng.choice(["other/model", "../..", None, 7])},
        {"siblings": rng.choice([{"rfilename": "x"}, [{"rfilename": "../../etc/LICENSE"}],
                                 [{"rfilename": "/abs/LICENSE"}], [{"rfilename": 5}]])},
        {"cardData": rng.choice([nested, "license: mit", [1, 2], {"base_model": "/etc"}])},
        {"gated": rng.choice(["yes", 3, None])},
        {"tags": rng.choice(["a", [None], ["base_model:/home/ci/secrets"]])},
    ]  # fmt: skip
    return rng.choice(choices)


def _metadata_fault(rng: random.Random) -> Any | None:
    from hubreplay import Reply, delay, respond, trickle

    kinds: list[Callable[[], Any]] = [
        lambda: trickle(INFO, 0.5, 1),
        lambda: delay(INFO, 30),
        lambda: respond(INFO, Reply(200, {"Content-Type": "application/json"}, b"[" * 100_000)),
    ]
    return rng.choice(kinds)() if rng.random() < 0.1 else None


def _cli() -> Callable[..., Any]:
    from typer.testing import CliRunner

    from openness.cli import app

    return lambda *args: CliRunner().invoke(app, list(args))


def _check_case(result: Any, seconds: float, scratch: Path, canary: Path) -> list[str]:
    problems = []
    everything = result.stdout + result.stderr
    if result.exit_code not in (1, 3):
        problems.append(f"exit {result.exit_code}")
    if "Traceback" in everything or SECRET in everything:
        problems.append("traceback or token in the output")
    if any(not line.startswith("openness: ") for line in result.stderr.splitlines()):
        problems.append("a diagnostic that is not one openness: line")
    if seconds > TIMEOUT + MARGIN:
        problems.append(f"took {seconds:.1f} s")
    if canary.read_bytes() != b"canary":
        problems.append("the canary file was overwritten")
    sizes = [path.stat().st_size for path in scratch.rglob("*") if path.is_file()]
    if sizes and max(sizes) > (1 << 20) + 65536:
        problems.append(f"a stored file of {max(sizes)} bytes")
    return problems


def run(cases: int, seed: int) -> int:
    """Run `cases` random hostile cases; print a summary; 1 when an invariant broke."""
    from hubreplay import FakeRepo, HubReplay

    rng = random.Random(seed)
    cli = _cli()
    worst, failures, codes = 0.0, 0, {}
    with tempfile.TemporaryDirectory() as root, HubReplay() as hub, HubReplay() as other:
        canary = Path(root) / "canary"
        canary.write_bytes(b"canary")
        for case in range(cases):
            scratch = Path(root) / f"case-{case}"
            os.environ.update(
                HF_ENDPOINT=hub.endpoint, HF_TOKEN=SECRET, HF_HOME=str(scratch / "hf"),
                HF_HUB_CACHE=str(scratch / "hf" / "hub"), OPENNESS_CACHE_DIR=str(scratch / "o"),
            )  # fmt: skip
            hub.clear()
            hub.repos.clear()
            extra = _metadata_extra(rng, str(canary))
            card = {"license": "apache-2.0"}
            hub.add(FakeRepo(REPO, card_data=card, files={"LICENSE": NON_COMMERCIAL}, extra=extra))
            faults = [_license_fault(rng, other.endpoint, str(canary)), _metadata_fault(rng)]
            hub.inject(*(fault for fault in faults if fault is not None))
            start = time.monotonic()
            result = cli("check", REPO, "--preset", "osi", "--format", "json",
                         "--timeout", str(TIMEOUT))  # fmt: skip
            seconds = time.monotonic() - start
            worst = max(worst, seconds)
            codes[result.exit_code] = codes.get(result.exit_code, 0) + 1
            problems = _check_case(result, seconds, scratch, canary)
            if other.requests and any(r.token == SECRET for r in other.requests):
                problems.append("the token reached another origin")
            if problems:
                failures += 1
                shape = json.dumps([repr(extra)[:200], *(repr(f)[:200] for f in faults)])
                print(f"case {case}: {'; '.join(problems)}\n  faults: {shape}")
    print(f"hostile HTTP: {cases} cases (seed {seed}), exit codes {dict(sorted(codes.items()))}, "
          f"{failures} broke an invariant, worst {worst:.2f} s (timeout {TIMEOUT} s)")  # fmt: skip
    return 1 if failures else 0
