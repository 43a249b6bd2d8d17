"""A hostile Hub: the audited party controls the repo and, through an HF_ENDPOINT mirror, the
server. Its answers must never write outside the caches, leak the token or credentials, hang
the audit past its deadline, or let a licence file go unread without saying so.
"""

from __future__ import annotations

import codecs
import gzip
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import fixtures_hub
import pytest
from fixtures_hub import HfEnv
from hubreplay import (
    FakeRepo,
    HubReplay,
    Reply,
    content,
    delay,
    extra_headers,
    gated,
    json_reply,
    respond,
    trickle,
)

pytestmark = pytest.mark.usefixtures("hf_env", "fake_token")

SECRET = fixtures_hub.FAKE_TOKEN  # set in every test by `fake_token`
REPO = "acme/hostile"
NON_COMMERCIAL = b"Acme Licence\n\nYou may use the model for non-commercial purposes only.\n"
LICENSE_GET = f"GET /{REPO}/resolve/.*/LICENSE$"


@pytest.fixture
def mit() -> bytes:
    return fixtures_hub.license("mit")


@pytest.fixture
def other_hub() -> Iterator[HubReplay]:
    """A second server: another origin (another port)."""
    with HubReplay() as server:
        yield server


def add(hub: HubReplay, files: dict[str, bytes], **extra: Any) -> FakeRepo:
    return hub.add(FakeRepo(REPO, card_data={"license": "mit"}, files=files, extra=extra))


def audit(cli: Any, *args: str, expect: int = 0, timeout: str = "3") -> dict[str, Any]:
    result = cli("audit", *args, "--format", "json", "--timeout", timeout)
    everything = result.stdout + result.stderr
    assert SECRET not in everything and "Traceback" not in everything
    assert result.exit_code == expect, result.stderr
    report: dict[str, Any] = result.json()
    return report


def unread_reason(report: dict[str, Any], path: str = "LICENSE") -> str:
    """The reason `path` was not read: it is in the warnings and leaves the licence unknown."""
    [found] = report["audits"]
    reasons = {entry["path"]: entry["reason"] for entry in found["license"]["unread"]}
    assert path in reasons, found["license"]
    assert f"{path} listed but not read: {reasons[path]}" in found["warnings"]
    assert found["license"]["conclusion"] is None
    return reasons[path]


def files_under(root: Path) -> dict[Path, int]:
    return {path: path.stat().st_size for path in root.rglob("*") if path.is_file()}


# ---------------------------------------------------------------------------------------------
# Server answers used as paths
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("sha", ["/abs/path", "../x", "../../../../canary", "A" * 40])
def test_hostile_commit_id_never_names_a_path(
    hub: HubReplay, cli: Any, hf_env: HfEnv, tmp_path: Path, mit: bytes, sha: str
) -> None:
    canary = tmp_path / "canary"
    canary.write_text("untouched")
    sha = str(tmp_path / "abs") if sha == "/abs/path" else sha
    add(hub, {"LICENSE": mit}, sha=sha)
    hub.inject(extra_headers(f"/{REPO}/resolve/", {"X-Repo-Commit": "../../../canary"}))
    before = files_under(tmp_path)
    result = cli("audit", REPO, "--format", "json", "--timeout", "3")
    assert result.exit_code == 3 and "malformed metadata" in result.stderr
    assert canary.read_text() == "untouched" and not (tmp_path / "abs").exists()
    written = set(files_under(tmp_path)) - set(before)
    assert all(path.is_relative_to(hf_env.openness_cache) for path in written), written
    assert hub.calls(None, "/resolve/") == []


def test_hostile_download_headers_are_harmless(
    hub: HubReplay, cli: Any, hf_env: HfEnv, tmp_path: Path, mit: bytes
) -> None:
    add(hub, {"LICENSE": mit})
    hostile = {"ETag": '"../../x"', "X-Linked-Etag": '"/tmp/x"', "X-Repo-Commit": "../../x",
               "Content-Disposition": 'attachment; filename="../../x"'}  # fmt: skip
    hub.inject(extra_headers(f"/{REPO}/resolve/", hostile))
    report = audit(cli, REPO)
    assert report["audits"][0]["license"]["conclusion"] == "mit"
    assert not any(path.name == "x" for path in tmp_path.parent.rglob("x"))
    assert all(path.is_relative_to(hf_env.openness_cache) for path in files_under(tmp_path)), (
        "only openness's records are written"
    )


def test_malformed_file_names_are_dropped_and_license_ones_unread(
    hub: HubReplay, cli: Any, mit: bytes
) -> None:
    names = ["../LICENSE", "/etc/LICENSE", "a\\LICENSE", "LICENSE\x00x", "a//LICENSE", "x" * 2000]
    siblings = [{"rfilename": name} for name in names] + [{"rfilename": "LICENSE"}]
    add(hub, {"LICENSE": mit}, siblings=siblings)
    report = audit(cli, REPO)
    [found] = report["audits"]
    assert sum("malformed file name" in warning for warning in found["warnings"]) == len(names)
    assert len(found["license"]["unread"]) == 5  # every one but the long non-licence name
    assert found["license"]["conclusion"] is None
    assert [request.path for request in hub.calls("GET", "/resolve/")] == [
        f"/{REPO}/resolve/{hub.repos[REPO].sha}/LICENSE"
    ]


@pytest.mark.parametrize(
    "extra",
    [{"siblings": "LICENSE"}, {"tags": 5}, {"cardData": ["x"]}, {"id": 7}, {"id": "other/repo"},
     {"siblings": [{"rfilename": 5}]}, {"siblings": ["LICENSE"]}],
    ids=["siblings-str", "tags-int", "card-list", "id-int", "id-other", "name-int",
         "sibling-str"],
)  # fmt: skip
def test_wrong_typed_metadata_is_exit_3(hub: HubReplay, cli: Any, extra: dict[str, Any]) -> None:
    add(hub, {}, **extra)
    result = cli("audit", REPO, "--format", "json", "--timeout", "3")
    assert result.exit_code == 3, result.stderr
    assert "malformed metadata" in result.stderr and "Traceback" not in result.stderr
    assert result.stderr.count("\n") == 1


# ---------------------------------------------------------------------------------------------
# Licence downloads
# ---------------------------------------------------------------------------------------------

TWENTY_MB = b"Licence text. " * (20 * 1024 * 1024 // 14)


@pytest.mark.parametrize("length", [None, -1], ids=["content-length", "no-length"])
def test_twenty_megabyte_license_is_never_stored(
    hub: HubReplay, cli: Any, tmp_path: Path, mit: bytes, length: int | None
) -> None:
    add(hub, {"LICENSE": mit})  # listed with the small size
    hub.inject(respond(LICENSE_GET, Reply(200, {}, TWENTY_MB, length=length)))
    assert "larger than 1024 KiB" in unread_reason(audit(cli, REPO))
    assert max(files_under(tmp_path).values()) < 1024 * 1024


@pytest.mark.parametrize(
    ("fault", "reason"),
    [
        (gated(LICENSE_GET, REPO, 401), "gated"),
        (delay(LICENSE_GET, 30), "3 s timeout"),
        (trickle(LICENSE_GET, 0.2, 50), "3 s timeout"),
        (respond(LICENSE_GET, Reply(200, {}, b"MIT " * 25, length=5000, close=True)), "incomplete"),
        (respond(LICENSE_GET, Reply(302, {"Location": "file:///etc/passwd"})), "non-HTTP"),
        (content(LICENSE_GET, b"x" * ((1 << 20) + 10)), "larger than 1024 KiB"),
        (content(LICENSE_GET, b"\x00MIT License"), "binary"),
        (respond(LICENSE_GET, Reply(200, {"Content-Encoding": "gzip"},
                                    gzip.compress(bytes(30 << 20)))), "larger than 1024 KiB"),
        (respond(LICENSE_GET, Reply(200, {"Content-Encoding": "br"}, b"x")), "Content-Encoding"),
    ],
    ids=["401", "stall", "trickle", "length-lie", "file-redirect", "1MiB+10", "nul", "gzip-bomb",
         "brotli"],
)  # fmt: skip
def test_unreadable_license_is_unread_and_unknown(
    hub: HubReplay, cli: Any, mit: bytes, fault: Any, reason: str
) -> None:
    add(hub, {"LICENSE": mit})
    hub.inject(fault)
    start = time.monotonic()
    assert reason in unread_reason(audit(cli, REPO))
    assert time.monotonic() - start < 15  # a hang guard, generous for a loaded CI box


def test_gzip_encoded_license_is_read(hub: HubReplay, cli: Any, mit: bytes) -> None:
    add(hub, {"LICENSE": mit})
    hub.inject(respond(LICENSE_GET, Reply(200, {"Content-Encoding": "gzip"}, gzip.compress(mit))))
    assert audit(cli, REPO)["audits"][0]["license"]["conclusion"] == "mit"


@pytest.mark.parametrize(
    ("path", "utf16"), [("LICENSE", True), ("a/b/c/LICENSE", False)], ids=["utf-16", "deep"]
)
def test_license_in_utf16_or_deep_is_read(
    hub: HubReplay, cli: Any, mit: bytes, path: str, utf16: bool
) -> None:
    add(hub, {path: codecs.BOM_UTF16_LE + mit.decode().encode("utf-16-le") if utf16 else mit})
    found = audit(cli, REPO)["audits"][0]["license"]
    assert found["conclusion"] == "mit" and found["unread"] == []
    assert [entry["path"] for entry in found["files"]] == [path]


def test_license_files_past_the_cap_are_unread(hub: HubReplay, cli: Any, mit: bytes) -> None:
    add(hub, {"LICENSE": mit, **{f"NOTICE{n:02}": b"Notice." for n in range(30)}})
    report = audit(cli, REPO)
    assert "beyond the 24-file cap" in unread_reason(report, "NOTICE29")


def test_redirect_to_another_origin_drops_the_token(
    hub: HubReplay, other_hub: HubReplay, cli: Any, mit: bytes
) -> None:
    add(hub, {"LICENSE": mit})
    other_hub.add(FakeRepo(REPO, files={"LICENSE": mit}))
    target = f"{other_hub.endpoint}/{REPO}/resolve/main/LICENSE"
    hub.inject(respond(LICENSE_GET, Reply(302, {"Location": target})))
    assert audit(cli, REPO)["audits"][0]["license"]["conclusion"] == "mit"
    assert len(other_hub.calls("GET", "/resolve/")) == 1
    assert all(request.token is None for request in other_hub.requests)
    assert any(request.token == SECRET for request in hub.requests)


def test_transient_failures_are_retried_on_the_next_audit(
    hub: HubReplay, cli: Any, mit: bytes
) -> None:
    add(hub, {"LICENSE": mit})
    hub.inject(respond(LICENSE_GET, Reply(503, {}, b"busy")))
    assert "HTTP 503" in unread_reason(audit(cli, REPO))
    hub.clear()
    assert audit(cli, REPO)["audits"][0]["license"]["conclusion"] == "mit"
    hub.requests.clear()
    audit(cli, REPO)
    assert [request.method for request in hub.requests] == ["GET"]  # model_info only


# ---------------------------------------------------------------------------------------------
# Deadlines
# ---------------------------------------------------------------------------------------------


def test_trickling_metadata_is_cut_by_the_timeout(hub: HubReplay, cli: Any, mit: bytes) -> None:
    add(hub, {"LICENSE": mit})
    hub.inject(trickle(f"/api/models/{REPO}$", 0.5))
    start = time.monotonic()
    result = cli("audit", REPO, "--format", "json", "--timeout", "3")
    assert time.monotonic() - start < 15
    assert result.exit_code == 3 and "no answer within 3 s" in result.stderr


# ---------------------------------------------------------------------------------------------
# --author listings
# ---------------------------------------------------------------------------------------------


def test_listing_never_follows_a_next_page_to_another_origin(
    hub: HubReplay, other_hub: HubReplay, cli: Any, mit: bytes
) -> None:
    from openness.sources import hub as hub_source

    add(hub, {"LICENSE": mit})
    page = [{"id": REPO, "sha": hub.repos[REPO].sha, "siblings": [{"rfilename": "LICENSE"}]}]
    link = f'<{other_hub.endpoint}/api/models?author=acme>; rel="next"'
    hub.inject(respond("GET /api/models$", json_reply(page, headers={"Link": link})))
    found, incomplete = hub_source.list_author("acme", timeout=5)
    assert [evidence.repo_id for evidence in found] == [REPO]
    assert incomplete is not None and "another site" in incomplete
    result = cli("audit", "--author", "acme", "--format", "json", "--timeout", "3")
    assert result.exit_code == 3 and "listing incomplete" in result.stderr
    assert other_hub.requests == []
    assert any(request.token == SECRET for request in hub.requests)


def test_listing_skips_malformed_and_foreign_entries(hub: HubReplay, mit: bytes) -> None:
    from openness.sources import hub as hub_source

    sha = add(hub, {"LICENSE": mit}).sha
    page = [{"id": REPO, "sha": sha}, {"id": "other/model", "sha": sha},
            {"id": "acme/bad", "sha": "../x"}, {"id": "acme/typed", "tags": 3}, "junk"]  # fmt: skip
    hub.inject(respond("GET /api/models$", json_reply(page)))
    found, incomplete = hub_source.list_author("acme", timeout=5)
    assert [evidence.repo_id for evidence in found] == [REPO]
    assert incomplete == "4 malformed or foreign entries skipped"


def test_endless_next_chain_stops(hub: HubReplay) -> None:
    from openness.sources import hub as hub_source

    link = f'<{hub.endpoint}/api/models?author=acme&cursor=0>; rel="next"'
    hub.inject(respond("GET /api/models$", json_reply([], headers={"Link": link})))
    found, incomplete = hub_source.list_author("acme", timeout=20)
    assert found == [] and incomplete is not None and "pages" in incomplete
    assert len(hub.calls("GET", "/api/models$")) == hub_source.MAX_PAGES


# ---------------------------------------------------------------------------------------------
# HF_ENDPOINT
# ---------------------------------------------------------------------------------------------


def test_endpoint_credentials_are_never_stored_or_printed(
    hub: HubReplay, cli: Any, hf_env: HfEnv, monkeypatch: pytest.MonkeyPatch, mit: bytes
) -> None:
    add(hub, {"LICENSE": mit})
    monkeypatch.setenv("HF_ENDPOINT", hub.endpoint.replace("://", "://mirror:pa55word@"))
    for output_format in ("json", "table", "markdown"):
        result = cli("audit", REPO, "--format", output_format)
        assert result.exit_code == 0, result.stderr
        assert "pa55word" not in result.stdout + result.stderr
    stored = "".join(path.read_text() for path in files_under(hf_env.openness_cache))
    assert stored and "pa55word" not in stored and "mirror:" not in stored


@pytest.mark.parametrize(
    "endpoint",
    ["ftp://mirror", "http://", "https://mirror/?x=1", "https://mirror/#x", "https://mi rror",
     "https://mirror\n", "mirror.example", "http://user:secret@mirror:notaport"],
)  # fmt: skip
def test_malformed_endpoint_is_a_one_line_usage_error(
    cli: Any, monkeypatch: pytest.MonkeyPatch, endpoint: str
) -> None:
    monkeypatch.setenv("HF_ENDPOINT", endpoint)
    result = cli("audit", REPO, "other/model", "--format", "json")
    assert result.exit_code == 2, result.stderr
    assert result.stderr.count("\n") == 1 and "HF_ENDPOINT" in result.stderr  # once, not per model
    assert "secret" not in result.stderr


# ---------------------------------------------------------------------------------------------
# A cache shared by concurrent audits
# ---------------------------------------------------------------------------------------------


def test_two_processes_sharing_a_cache_agree(hub: HubReplay, mit: bytes, tmp_path: Path) -> None:
    hub.add(fixtures_hub.deepseek_r1())
    hub.add(fixtures_hub.llama31())
    for n in range(4):
        hub.add(FakeRepo(f"acme/m{n}", card_data={"license": "mit"}, files={"LICENSE": mit}))
    models = [
        "deepseek-ai/DeepSeek-R1",
        "meta-llama/Llama-3.1-8B",
        *(f"acme/m{n}" for n in range(4)),
    ]
    command = [sys.executable, "-m", "openness", "audit", *models, "--format", "json"]
    reports = []
    for _ in range(2):  # twice: cold then warm, both with two processes at once
        running = [subprocess.Popen(command, stdout=subprocess.PIPE, env=os.environ.copy())
                   for _ in range(2)]  # fmt: skip
        outputs = [process.communicate(timeout=120)[0] for process in running]
        assert [process.returncode for process in running] == [0, 0]
        reports += [_without_times(json.loads(output)) for output in outputs]
    assert all(report == reports[0] for report in reports)


def _without_times(value: Any) -> Any:
    if isinstance(value, dict):
        return {
            k: _without_times(v)
            for k, v in value.items()
            if k not in ("retrieved_at", "generated_at", "as_of")
        }
    if isinstance(value, list):
        return [_without_times(item) for item in value]
    return value


@pytest.mark.parametrize(
    "fault",
    [
        gated(LICENSE_GET, REPO, 401),
        content(LICENSE_GET, b"\x00" + NON_COMMERCIAL),
        respond(LICENSE_GET, Reply(200, {}, b"MIT " * 25, length=5000, close=True)),
    ],
    ids=["401", "nul", "length-lie"],
)
def test_the_gate_never_passes_on_the_card_tag_alone(hub: HubReplay, cli: Any, fault: Any) -> None:
    for repo_id in (REPO, "acme/readable"):
        hub.add(FakeRepo(repo_id, card_data={"license": "apache-2.0"},
                         files={"LICENSE": NON_COMMERCIAL}))  # fmt: skip
    hub.inject(fault)
    unread = cli("check", REPO, "--preset", "osi", "--format", "json", "--timeout", "3")
    assert unread.exit_code == 1, unread.stderr  # unread: unknown, never a pass
    [found] = unread.json()["audits"]
    assert found["license"]["unread"] and found["license"]["conclusion"] is None
    readable = cli("check", "acme/readable", "--preset", "osi", "--format", "json")
    assert readable.exit_code == 1, readable.stderr  # read, the restriction fails the gate too
    assert readable.json()["audits"][0]["license"]["unread"] == []


def test_duplicate_keys_in_the_card_leave_its_metadata_unused(hub: HubReplay, cli: Any) -> None:
    card = b"---\nlicense: other\nlicense: mit\n---\n# Model\n"
    hub.add(FakeRepo(REPO, card_data={"license": "mit"}, files={"README.md": card}))
    [found] = audit(cli, REPO)["audits"]
    assert found["license"]["declared"] is None
    assert any("duplicate key 'license'" in warning for warning in found["warnings"])
