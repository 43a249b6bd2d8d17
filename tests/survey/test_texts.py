"""The survey's text pass against the loopback replay Hub, through the real download stack:
licence texts read and identified like audit identifies them, the Hub's 429s honoured (the
waits read from a fake clock), a rerun asking only for what changed or failed transiently,
hostile names and huge files kept out, and a failed download never taken for "no licence"."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

duckdb = pytest.importorskip("duckdb")

import fixtures_hub  # noqa: E402
from fixtures_hub import HfEnv  # noqa: E402
from hubreplay import (  # noqa: E402
    FakeRepo,
    HubReplay,
    binary,
    delay,
    http_error,
    oversized,
    rate_limited,
)

from openness.survey import texts  # noqa: E402
from openness.survey.texts import TextOptions, fill  # noqa: E402

COLUMNS = (
    "id VARCHAR, downloads BIGINT, last_modified VARCHAR, declared VARCHAR, "
    "declared_from VARCHAR, declared_state VARCHAR, licence VARCHAR, spdx_id VARCHAR, "
    "osi_approved BOOLEAN, permissive BOOLEAN, clause_kinds VARCHAR[], use_restricting BOOLEAN, "
    "licence_file BOOLEAN, licence_files VARCHAR[], base_models VARCHAR[], parents VARCHAR, "
    "g7_label VARCHAR, file_licence VARCHAR, file_clause_kinds VARCHAR[], text_status VARCHAR"
)
MONDAY, TUESDAY = "2025-01-20T14:49:22.000Z", "2025-01-21T08:00:00.000Z"
OWN_TEXT = (  # own words: an unknown licence text whose clauses are still detected
    b"Example Model Licence\n\nYou may use the model for research purposes only; commercial "
    b"use is not permitted.\nYou may not use outputs of the model to train other models.\n"
)
Row = tuple[str, int | None, str | None, list[str] | None]


class FakeClock:
    """monotonic() and sleep() for the pass: sleeping only moves the clock."""

    def __init__(self) -> None:
        self.now = 0.0
        self.slept: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def results(rows: list[Row]) -> Any:
    """An in-memory `results` table as the metadata pass leaves it (only what we need set)."""
    con = duckdb.connect()
    con.execute(f"CREATE TABLE results ({COLUMNS})")
    con.executemany(
        "INSERT INTO results (id, downloads, last_modified, licence_files, licence_file) "
        "VALUES (?, ?, ?, ?, ?)",
        [(*row, None if row[3] is None else bool(row[3])) for row in rows],
    )
    return con


def table(con: Any) -> dict[str, tuple[Any, ...]]:
    found = con.execute(
        "SELECT id, text_status, file_licence, file_clause_kinds FROM results ORDER BY id"
    ).fetchall()
    return {row[0]: tuple(row[1:]) for row in found}


@pytest.fixture
def run(hf_env: HfEnv, tmp_path: Path) -> Callable[..., tuple[dict[str, int], FakeClock]]:
    """fill() against the replay Hub with a fake clock; the state file lives in tmp_path."""

    def go(con: Any, **options: Any) -> tuple[dict[str, int], FakeClock]:
        clock = FakeClock()
        settings = {"state": tmp_path / "state" / "texts.jsonl", "endpoint": hf_env.endpoint,
                    "token": None, "jobs": 4, "timeout": 10.0, **options}  # fmt: skip
        counts = fill(con, TextOptions(**settings), clock=clock.clock, sleep=clock.sleep)
        return counts, clock

    return go


def gets(hub: HubReplay, repo_id: str = "") -> list[str]:
    return [call.path for call in hub.calls("GET", f"^/{repo_id}.*/resolve/")]


def test_texts_are_read_and_identified_as_audit_does(
    hub: HubReplay, run: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    mit, apache = fixtures_hub.license("mit"), fixtures_hub.license("apache-2.0")
    llama, aup = fixtures_hub.license("llama-3.1-community"), fixtures_hub.license("llama-3.1-aup")
    hub.add(FakeRepo("acme/mit", files={"LICENSE": mit}))
    hub.add(FakeRepo("acme/mit-copy", files={"LICENSE.md": mit}))
    hub.add(FakeRepo("acme/apache", files={"LICENSE.txt": apache}))
    hub.add(FakeRepo("meta/llama", files={"LICENSE": llama, "USE_POLICY.md": aup}))
    hub.add(FakeRepo("acme/own", files={"LICENSE": OWN_TEXT}))
    con = results([
        ("acme/mit", 10, MONDAY, ["LICENSE"]),
        ("acme/mit-copy", 5, MONDAY, ["LICENSE.md"]),
        ("acme/apache", 7, MONDAY, ["LICENSE.txt"]),
        ("meta/llama", 100, MONDAY, ["USE_POLICY.md", "LICENSE"]),
        ("acme/own", 1, MONDAY, ["LICENSE"]),
        ("acme/none", 3, MONDAY, []),
        ("acme/unknown-files", 3, MONDAY, None),
    ])  # fmt: skip
    analysed: list[str] = []
    real = texts.analyse

    def counting(evidence: Any) -> Any:
        analysed.append(evidence.repo_id)
        return real(evidence)

    monkeypatch.setattr(texts, "analyse", counting)
    counts, clock = run(con)

    llama_kinds = ["acceptable-use-policy", "attribution-requirement", "commercial-restriction",
                   "gated-acceptance", "user-threshold"]  # fmt: skip
    assert table(con) == {
        "acme/apache": ("read", "apache-2.0", []),
        "acme/mit": ("read", "mit", []),
        "acme/mit-copy": ("read", "mit", []),
        "acme/none": ("no-licence-file", None, None),
        "acme/own": ("read", None, ["non-commercial", "output-use-restriction", "research-only"]),
        "acme/unknown-files": (None, None, None),  # unknown file list: unknown, not "none"
        "meta/llama": ("read", "llama3.1", llama_kinds),
    }
    assert counts == {"read": 5, "no-licence-file": 1, "fetched": 5, "reused": 0, "requests": 5}
    assert "/meta/llama/resolve/main/LICENSE" in gets(hub)  # the licence, not the use policy
    assert len(analysed) == 4  # the MIT text twice, analysed once
    assert clock.slept == []


def test_a_429_pauses_for_retry_after_and_the_row_is_read(
    hub: HubReplay, run: Callable[..., Any]
) -> None:
    hub.add(FakeRepo("acme/mit", files={"LICENSE": fixtures_hub.license("mit")}))
    hub.inject(rate_limited("GET /acme/mit/resolve/", retry_after=7, times=2))
    con = results([("acme/mit", 1, MONDAY, ["LICENSE"])])
    counts, clock = run(con, jobs=1)
    assert table(con)["acme/mit"] == ("read", "mit", [])
    assert len(gets(hub)) == 3  # two refusals, then the file
    assert clock.slept == [8.0, 8.0]  # Retry-After + 1 s, each time
    assert counts["requests"] == 3


def test_a_429_with_only_the_hubs_ratelimit_header_waits_for_its_reset(
    hub: HubReplay, run: Callable[..., Any]
) -> None:
    hub.add(FakeRepo("acme/mit", files={"LICENSE": fixtures_hub.license("mit")}))
    headers = {"RateLimit": '"resolvers";r=0;t=55',
               "RateLimit-Policy": '"fixed window";"resolvers";q=3000;w=300'}  # fmt: skip
    hub.inject(http_error("GET /acme/mit/resolve/", 429, headers=headers, times=1))
    con = results([("acme/mit", 1, MONDAY, ["LICENSE"])])
    _, clock = run(con, jobs=1)
    assert table(con)["acme/mit"] == ("read", "mit", [])
    assert clock.slept == [56.0]  # the window's reset + 1 s, not a blind doubling pause


def test_a_429_without_retry_after_backs_off_and_a_persistent_one_is_transient(
    hub: HubReplay, run: Callable[..., Any]
) -> None:
    hub.add(FakeRepo("acme/mit", files={"LICENSE": fixtures_hub.license("mit")}))
    limit = hub.inject(rate_limited("GET /acme/mit/resolve/", retry_after=None))
    con = results([("acme/mit", 1, MONDAY, ["LICENSE"])])
    counts, clock = run(con, jobs=1)
    assert table(con)["acme/mit"] == ("rate-limited", None, None)  # unknown, never "no licence"
    assert limit.hits == texts.LIMITED_TRIES
    assert clock.slept == [2.0, 4.0, 8.0, 16.0, 32.0]  # doubling; the last 429 is not waited on
    assert counts["rate-limited"] == 1

    hub.clear()  # the limit is over: a rerun asks again (a transient failure)
    counts, _ = run(results([("acme/mit", 1, MONDAY, ["LICENSE"])]), jobs=1)
    assert counts["read"] == 1 and counts["fetched"] == 1 and len(gets(hub)) == 1


def test_a_hostile_retry_after_is_capped() -> None:
    clock = FakeClock()
    throttle = texts.Throttle(clock.clock, clock.sleep)
    throttle.limited(10**9)
    throttle.limited(5)  # answered while paused: the pause in force covers it
    throttle.ready()
    throttle.limited(float("nan"))
    throttle.ready()
    assert throttle.pauses == [texts.MAX_PAUSE, 4.0]  # nan is no Retry-After: second strike
    assert clock.slept == throttle.pauses


def test_a_rerun_asks_only_for_changed_new_and_failed_rows(
    hub: HubReplay, run: Callable[..., Any], tmp_path: Path
) -> None:
    mit = fixtures_hub.license("mit")
    for name in ("big", "mid", "small", "flaky"):
        hub.add(FakeRepo(f"acme/{name}", files={"LICENSE": mit}))
    hub.inject(http_error("GET /acme/flaky/resolve/", 503))
    rows: list[Row] = [
        ("acme/big", 1000, MONDAY, ["LICENSE"]),
        ("acme/mid", 100, MONDAY, ["LICENSE"]),
        ("acme/flaky", 50, MONDAY, ["LICENSE"]),
        ("acme/small", 1, MONDAY, ["LICENSE"]),
    ]
    first = results(rows)
    counts, clock = run(first, max_rows=3)  # the most downloaded three
    assert counts["fetched"] == 3 and counts["not-fetched"] == 1
    assert table(first)["acme/small"] == (None, None, None)
    assert table(first)["acme/flaky"][0] == "error: HTTP 503"
    assert clock.slept == [1.0, 2.0]  # backed off between the three tries of the 503
    state = tmp_path / "state" / "texts.jsonl"
    with state.open("ab") as handle:  # a run killed in the middle of a line
        handle.write(b'{"id": "acme/small", "status": "re')

    hub.clear()
    counts, _ = run(results(rows))
    assert sorted(gets(hub)) == ["/acme/flaky/resolve/main/LICENSE",
                                 "/acme/small/resolve/main/LICENSE"]  # fmt: skip
    assert counts == {"read": 4, "fetched": 2, "reused": 2, "requests": 2}

    hub.clear()
    changed = [
        (row[0], row[1], TUESDAY if row[0] == "acme/mid" else row[2], row[3]) for row in rows
    ]
    again = results(changed)
    counts, _ = run(again)
    assert gets(hub) == ["/acme/mid/resolve/main/LICENSE"]
    assert {value[:2] for value in table(again).values()} == {("read", "mit")}
    lines = state.read_text().splitlines()
    assert sorted(json.loads(line)["id"] for line in lines) == sorted(row[0] for row in rows)


def test_missing_files_gone_repos_and_refusals_are_statuses(
    hub: HubReplay, run: Callable[..., Any], fake_token: str, tmp_path: Path
) -> None:
    hub.add(FakeRepo("acme/listed-only", files={"README.md": b"# hi\n"}))
    hub.add(FakeRepo("acme/gated", files={"LICENSE": fixtures_hub.license("mit")},
                     refuse_files=frozenset({"LICENSE"}),
                     approved_tokens=frozenset({fake_token})))  # fmt: skip
    hub.inject(http_error("GET /acme/gated/resolve/", 403, "GatedRepo", times=1))
    rows: list[Row] = [
        ("acme/listed-only", 1, MONDAY, ["LICENSE"]),
        ("acme/deleted", 1, MONDAY, ["LICENSE"]),
        ("acme/gated", 1, MONDAY, ["LICENSE"]),
    ]
    con = results(rows)
    counts, _ = run(con, token=fake_token)
    assert table(con) == {
        "acme/deleted": ("not-found", None, None),
        "acme/gated": ("error: refused (HTTP 403, gated?)", None, None),
        "acme/listed-only": ("not-found", None, None),
    }
    assert counts["not-found"] == 2 and counts["error"] == 1
    assert all(call.token == fake_token for call in hub.calls("GET"))  # to the endpoint only
    assert fake_token not in (tmp_path / "state" / "texts.jsonl").read_text()

    hub.clear()  # refused with a token: a rerun without a change asks nothing
    run(results(rows), token=fake_token)
    assert gets(hub) == []


def test_a_refusal_without_a_token_is_asked_again_with_one(
    hub: HubReplay, run: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    hub.add(FakeRepo("acme/gated", files={"LICENSE": fixtures_hub.license("mit")},
                     refuse_files=frozenset({"LICENSE"}),
                     approved_tokens=frozenset({fixtures_hub.FAKE_TOKEN})))  # fmt: skip
    rows: list[Row] = [("acme/gated", 1, MONDAY, ["LICENSE"])]
    con = results(rows)
    run(con)
    assert table(con)["acme/gated"][0] == "error: refused (HTTP 401, gated?)"
    monkeypatch.setenv("HF_TOKEN", fixtures_hub.FAKE_TOKEN)
    con = results(rows)
    run(con, token=fixtures_hub.FAKE_TOKEN)
    assert table(con)["acme/gated"] == ("read", "mit", [])


def test_hostile_names_huge_and_binary_files(
    hub: HubReplay, run: Callable[..., Any], tmp_path: Path
) -> None:
    mit = fixtures_hub.license("mit")
    hub.add(FakeRepo("acme/odd", files={"LICENSE #1?.md": mit}))
    hub.add(FakeRepo("acme/huge", files={"LICENSE": b"x"}))
    hub.add(FakeRepo("acme/png", files={"LICENSE": b"x"}))
    hub.inject(oversized("GET /acme/huge/resolve/", 3 * 1024 * 1024),
               binary("GET /acme/png/resolve/"))  # fmt: skip
    con = results([
        ("acme/odd", 1, MONDAY, ["../../../etc/passwd", "LICENSE\n", "LICENSE #1?.md"]),
        ("acme/traversal", 1, MONDAY, ["../LICENSE", "/LICENSE", "a//LICENSE", "LICENSE\\x"]),
        ("../acme", 1, MONDAY, ["LICENSE"]),
        ("acme/huge", 1, MONDAY, ["LICENSE"]),
        ("acme/png", 1, MONDAY, ["LICENSE"]),
        ("acme/long", 1, MONDAY, ["LICENSE" + "x" * 10_000]),
    ])  # fmt: skip
    counts, _ = run(con)
    found = table(con)
    assert found["acme/odd"] == ("read", "mit", [])  # quoted in the URL, read as named
    assert (
        found["acme/traversal"][0]
        == found["acme/long"][0]
        == ("error: no licence file name that can be asked for safely")
    )
    assert found["../acme"][0] == "error: not a Hub repo id"
    assert found["acme/huge"][0] == "too-large"
    assert found["acme/png"][0] == "error: a binary file (NUL bytes)"
    assert sorted(gets(hub)) == ["/acme/huge/resolve/main/LICENSE",
                                 "/acme/odd/resolve/main/LICENSE #1?.md",
                                 "/acme/png/resolve/main/LICENSE"]  # fmt: skip
    written = [path.name for path in tmp_path.rglob("*")]
    assert not any("acme" in name or "passwd" in name for name in written)


def test_a_slow_answer_is_a_transient_error(hub: HubReplay, run: Callable[..., Any]) -> None:
    hub.add(FakeRepo("acme/slow", files={"LICENSE": fixtures_hub.license("mit")}))
    hub.inject(delay("GET /acme/slow/resolve/", 2.0))
    con = results([("acme/slow", 1, MONDAY, ["LICENSE"])])
    counts, clock = run(con, timeout=0.3, jobs=1)
    assert table(con)["acme/slow"][0] == "error: no answer within 0.3 s"
    assert counts["requests"] == texts.FAILED_TRIES and clock.slept == [1.0, 2.0]


def test_an_unreachable_hub_stops_the_pass(
    run: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    with socket.socket() as spare:  # a port nobody listens on
        spare.bind(("127.0.0.1", 0))
        port = spare.getsockname()[1]
    endpoint = f"http://127.0.0.1:{port}"
    monkeypatch.setenv("HF_ENDPOINT", endpoint)
    con = results([(f"acme/m{n}", n, MONDAY, ["LICENSE"]) for n in range(200)])
    counts, _ = run(con, endpoint=endpoint, jobs=2)
    assert counts["error"] >= texts.MAX_UNREACHABLE
    assert counts["not-fetched"] > 100  # not asked once the Hub was found unreachable
    statuses = {row[0] for row in table(con).values()}
    assert statuses == {None, "error: the Hub could not be reached (ConnectError)"}


KILLED_RUN = """
import json, sys
from pathlib import Path
import duckdb
from openness.survey.texts import TextOptions, fill
endpoint, state, rows = json.loads(sys.argv[1])
con = duckdb.connect()
con.execute("CREATE TABLE results (id VARCHAR, downloads BIGINT, last_modified VARCHAR, "
            "licence_files VARCHAR[])")
con.executemany("INSERT INTO results VALUES (?, ?, ?, ?)", rows)
fill(con, TextOptions(state=Path(state), endpoint=endpoint, token=None, jobs=1))
"""


def test_a_killed_run_keeps_what_it_read(
    hub: HubReplay, hf_env: HfEnv, run: Callable[..., Any], tmp_path: Path
) -> None:
    mit = fixtures_hub.license("mit")
    rows: list[Row] = [(f"acme/m{n}", 10 - n, MONDAY, ["LICENSE"]) for n in range(8)]
    for row in rows:
        hub.add(FakeRepo(row[0], files={"LICENSE": mit}))
    hub.latency = 0.3
    state = tmp_path / "state" / "texts.jsonl"
    argument = json.dumps([hf_env.endpoint, str(state), rows])
    child = subprocess.Popen([sys.executable, "-c", KILLED_RUN, argument])
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and child.poll() is None:
            if state.is_file() and state.read_bytes().count(b"\n") >= 2:
                break
            time.sleep(0.02)
    finally:
        child.kill()  # SIGKILL: no clean-up of any kind
        child.wait()
    kept = [json.loads(line)["id"] for line in state.read_text().splitlines() if line]
    assert 2 <= len(kept) < len(rows)

    hub.clear()
    hub.latency = 0.0
    con = results(rows)
    counts, _ = run(con)
    asked = {path.split("/resolve/")[0].lstrip("/") for path in gets(hub)}
    assert asked == {row[0] for row in rows} - set(kept)
    assert counts == {"read": 8, "fetched": 8 - len(kept), "reused": len(kept),
                      "requests": 8 - len(kept)}  # fmt: skip


def test_texts_read_with_another_knowledge_base_are_read_again(
    hub: HubReplay, run: Callable[..., Any], tmp_path: Path
) -> None:
    mit = fixtures_hub.license("mit")
    hub.add(FakeRepo("acme/read", files={"LICENSE": mit}))
    rows: list[Row] = [("acme/read", 1, MONDAY, ["LICENSE"]), ("acme/gone", 1, MONDAY, ["LICENSE"])]
    run(results(rows))
    state = tmp_path / "state" / "texts.jsonl"
    older = [{**json.loads(line), "knowledge": "an older knowledge base"}
             for line in state.read_text().splitlines()]  # fmt: skip
    state.write_text("".join(json.dumps(line) + "\n" for line in older))

    hub.clear()
    con = results(rows)
    counts, _ = run(con)
    assert gets(hub) == ["/acme/read/resolve/main/LICENSE"]  # a 404 does not depend on it
    assert table(con)["acme/read"] == ("read", "mit", [])
    assert counts["reused"] == 1 and counts["not-found"] == 1
