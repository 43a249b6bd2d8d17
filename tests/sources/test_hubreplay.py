"""The replay Hub answers the real huggingface_hub client the way the Hub does."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import fixtures_hub
import httpx2
import hubreplay as faults
import huggingface_hub.constants as constants
import pytest
from fixtures_hub import HfEnv
from hubreplay import FakeRepo, HubReplay, git_blob_sha1
from huggingface_hub import HfApi, ModelCard, get_hf_file_metadata, hf_hub_download, hf_hub_url
from huggingface_hub.errors import (
    EntryNotFoundError,
    GatedRepoError,
    HfHubHTTPError,
    OfflineModeIsEnabled,
    RepositoryNotFoundError,
    RevisionNotFoundError,
)

LICENSE = b"MIT License\n\nCopyright (c) 2025 Acme\n"


CARD = {"license": "mit", "datasets": ["acme/corpus"], "library_name": "transformers"}


def tiny(**overrides: Any) -> FakeRepo:
    fields: dict[str, Any] = {
        "card_data": CARD,
        "readme_body": "# Tiny\n\nA small model.\n",
        "files": {"LICENSE": LICENSE, "config.json": b'{"model_type": "llama"}'},
        "listed": {"model.safetensors": 4_976_698_672, "tokenizer.json": 9_085_657},
    }
    return FakeRepo("acme/tiny", **{**fields, **overrides})


def download(env: HfEnv, path: str, revision: str = "main", token: str | None = None) -> Path:
    local = hf_hub_download(
        "acme/tiny", path, revision=revision, endpoint=env.endpoint, cache_dir=env.hub_cache,
        etag_timeout=2, token=token,
    )  # fmt: skip
    return Path(local)


def api(env: HfEnv) -> HfApi:
    return HfApi(endpoint=env.endpoint)


# -- metadata ------------------------------------------------------------------------------


def test_model_info_lists_sizes_lfs_and_card(hub: HubReplay, hf_env: HfEnv) -> None:
    repo = hub.add(tiny())
    info = api(hf_env).model_info("acme/tiny", files_metadata=True, timeout=2)

    sizes = {s.rfilename: s.size for s in info.siblings or []}
    assert sizes["LICENSE"] == len(LICENSE) and sizes["model.safetensors"] == 4_976_698_672
    lfs = {s.rfilename: s.lfs for s in info.siblings or []}
    assert lfs["model.safetensors"] and lfs["model.safetensors"].size == 4_976_698_672
    assert lfs["LICENSE"] is None and lfs["tokenizer.json"] is None  # < 10 MB, not a weight
    assert "README.md" in sizes
    assert info.sha == repo.sha and info.gated is False
    assert info.card_data is not None and info.card_data["license"] == "mit"
    assert {"license:mit", "dataset:acme/corpus", "transformers"} <= set(info.tags or [])
    assert info.config == {"model_type": "llama"}
    assert hub.calls("GET", "^/api/models/acme/tiny$")[0].query == {"blobs": ["true"]}


def test_revision_and_expand(hub: HubReplay, hf_env: HfEnv) -> None:
    repo = hub.add(tiny())
    assert api(hf_env).model_info("acme/tiny", revision=repo.sha).sha == repo.sha
    with pytest.raises(RevisionNotFoundError):
        api(hf_env).model_info("acme/tiny", revision="v9")

    info = api(hf_env).model_info("acme/tiny", expand=["gated", "cardData"])
    assert info.gated is False and info.card_data is not None
    assert info.sha is None and info.siblings is None
    assert hub.calls()[-1].query == {"expand": ["gated", "cardData"]}


def test_list_models_follows_link_pagination(hub: HubReplay, hf_env: HfEnv) -> None:
    for name in ("a", "b", "c"):
        hub.add(FakeRepo(f"acme/{name}"))
    hub.add(FakeRepo("other/d"))
    hub.page_size = 2

    found = [m.id for m in api(hf_env).list_models(author="acme")]

    assert found == ["acme/a", "acme/b", "acme/c"]
    pages = hub.calls("GET", "^/api/models$")
    assert [p.query for p in pages] == [{"author": ["acme"]}, {"author": ["acme"], "cursor": ["2"]}]


def test_agent_harnesses_is_not_found(hub: HubReplay) -> None:
    assert httpx2.get(f"{hub.endpoint}/api/agent-harnesses").status_code == 404


# -- downloads and the cache ------------------------------------------------------------------


def test_download_by_sha_is_cached_without_requests(hub: HubReplay, hf_env: HfEnv) -> None:
    repo = hub.add(tiny())
    first = download(hf_env, "LICENSE", revision=repo.sha)
    assert first.read_bytes() == LICENSE
    assert first.resolve().name == git_blob_sha1(LICENSE)  # blobs/<etag>
    assert [r.method for r in hub.calls()] == ["HEAD", "GET"]

    hub.requests.clear()
    assert download(hf_env, "LICENSE", revision=repo.sha) == first
    assert hub.requests == []


def test_readme_front_matter_round_trips(hub: HubReplay, hf_env: HfEnv) -> None:
    repo = hub.add(tiny())
    card = ModelCard.load(download(hf_env, "README.md"))
    assert card.data.to_dict() == repo.card_data
    assert card.text == repo.readme_body
    assert (hf_env.hub_cache / "models--acme--tiny" / "refs" / "main").read_text() == repo.sha


def test_weights_are_listed_but_never_served(hub: HubReplay, hf_env: HfEnv) -> None:
    hub.add(tiny())
    url = hf_hub_url("acme/tiny", "model.safetensors", endpoint=hf_env.endpoint)
    assert get_hf_file_metadata(url, timeout=2).size == 4_976_698_672
    with pytest.raises(HfHubHTTPError) as caught:
        download(hf_env, "model.safetensors")
    assert caught.value.response.status_code == 403


# -- errors ------------------------------------------------------------------------------------


def test_missing_repo_is_401_anonymous_and_404_with_token(hub: HubReplay, hf_env: HfEnv) -> None:
    for token, status in ((None, 401), ("hf_someone", 404)):
        with pytest.raises(RepositoryNotFoundError) as caught:
            api(hf_env).model_info("acme/nothing", token=token)
        assert caught.value.response.status_code == status
    with pytest.raises(RepositoryNotFoundError):
        download(hf_env, "LICENSE")


def test_missing_file_and_revision(hub: HubReplay, hf_env: HfEnv) -> None:
    repo = hub.add(tiny())
    with pytest.raises(EntryNotFoundError):
        download(hf_env, "NOTICE")
    assert (hf_env.hub_cache / "models--acme--tiny" / ".no_exist" / repo.sha / "NOTICE").exists()
    with pytest.raises(RevisionNotFoundError):
        download(hf_env, "LICENSE", revision="v9")


def test_gated_file_401_anonymous_403_unapproved_200_approved(
    hub: HubReplay, hf_env: HfEnv
) -> None:
    approved = frozenset({"hf_approved"})
    hub.add(tiny(gated="manual", refuse_files=frozenset({"LICENSE"}), approved_tokens=approved))
    assert api(hf_env).model_info("acme/tiny").gated == "manual"  # metadata stays public
    for token, status in ((None, 401), ("hf_other", 403)):
        with pytest.raises(GatedRepoError) as caught:
            download(hf_env, "LICENSE", token=token)
        assert caught.value.response.status_code == status
    assert download(hf_env, "LICENSE", token="hf_approved").read_bytes() == LICENSE

    tokens = [r.token for r in hub.calls(path="/resolve/")]
    assert tokens == [None, "hf_other", "hf_approved", "hf_approved"]  # HEAD, HEAD, HEAD+GET


def test_private_repo_needs_an_approved_token(hub: HubReplay, hf_env: HfEnv) -> None:
    hub.add(tiny(private=True, approved_tokens=frozenset({"hf_owner"})))
    with pytest.raises(RepositoryNotFoundError):
        api(hf_env).model_info("acme/tiny")
    assert api(hf_env).model_info("acme/tiny", token="hf_owner").private is True


def test_offline_mode_sends_nothing_and_uses_the_cache(
    hub: HubReplay, hf_env: HfEnv, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = hub.add(tiny())
    cached = download(hf_env, "LICENSE")
    hub.requests.clear()
    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", True)

    with pytest.raises(OfflineModeIsEnabled):
        api(hf_env).model_info("acme/tiny")
    assert download(hf_env, "LICENSE") == cached == download(hf_env, "LICENSE", revision=repo.sha)
    assert hub.requests == []


# -- faults ------------------------------------------------------------------------------------


def test_rate_limit_on_model_info_is_not_retried(hub: HubReplay, hf_env: HfEnv) -> None:
    hub.add(tiny())
    hub.inject(faults.rate_limited("GET /api/models/"))
    with pytest.raises(HfHubHTTPError) as caught:
        api(hf_env).model_info("acme/tiny")
    assert caught.value.response.status_code == 429
    assert caught.value.response.headers["Retry-After"] == "0"
    assert len(hub.calls()) == 1


def test_server_error_on_head_is_retried_once(hub: HubReplay, hf_env: HfEnv) -> None:
    hub.add(tiny())
    rule = hub.inject(faults.http_error("HEAD /resolve/", 503, times=1))
    assert download(hf_env, "LICENSE").read_bytes() == LICENSE
    assert rule.hits == 1 and len(hub.calls("HEAD")) == 2


def test_reset_mid_body_is_retried(hub: HubReplay, hf_env: HfEnv) -> None:
    hub.add(tiny())
    hub.inject(faults.reset("GET /resolve/.*/LICENSE$", keep=5, times=1))
    assert download(hf_env, "LICENSE").read_bytes() == LICENSE  # after the client's 1 s pause
    # The client resumes from the last whole 10 MB chunk it wrote: here, from the start.
    assert len(hub.calls("GET", "/resolve/")) == 2


def test_dropped_head_escapes_hf_hub_download(hub: HubReplay, hf_env: HfEnv) -> None:
    """Not a ConnectError, so the client neither retries nor falls back to its cache."""
    hub.add(tiny())
    hub.inject(faults.reset("HEAD /resolve/"))
    with pytest.raises(httpx2.RemoteProtocolError):
        download(hf_env, "LICENSE")
    assert len(hub.calls("HEAD")) == 1


def test_range_requests_get_partial_content(hub: HubReplay) -> None:
    repo = hub.add(tiny())
    url = f"{hub.endpoint}/acme/tiny/resolve/{repo.sha}/LICENSE"
    answer = httpx2.get(url, headers={"Range": "bytes=5-"})
    assert answer.status_code == 206 and answer.content == LICENSE[5:]
    assert answer.headers["Content-Range"] == f"bytes 5-{len(LICENSE) - 1}/{len(LICENSE)}"


def test_slow_answer_trips_the_client_timeout(hub: HubReplay, hf_env: HfEnv) -> None:
    hub.add(tiny())
    hub.inject(faults.delay("/api/models/", seconds=5))
    started = time.monotonic()
    with pytest.raises(httpx2.TimeoutException):
        api(hf_env).model_info("acme/tiny", timeout=0.2)
    assert time.monotonic() - started < 2


@pytest.mark.parametrize(
    ("fault", "error"),
    [
        (faults.truncate("/api/models/", keep=40), ValueError),
        (faults.not_json("/api/models/"), ValueError),
        (faults.redirect_loop("/api/models/"), httpx2.TooManyRedirects),
        (faults.reset("/api/models/", keep=10), httpx2.RemoteProtocolError),
    ],
    ids=["truncated", "not-json", "redirect-loop", "reset"],
)
def test_broken_metadata_answers(
    hub: HubReplay, hf_env: HfEnv, fault: faults.Fault, error: type[Exception]
) -> None:
    hub.add(tiny())
    hub.inject(fault)
    with pytest.raises(error):
        api(hf_env).model_info("acme/tiny", timeout=2)


@pytest.mark.parametrize(
    "fault",
    [
        faults.binary("/LICENSE$"),
        faults.non_utf8("/LICENSE$"),
        faults.oversized("/LICENSE$", 2**21),
    ],
    ids=["binary", "non-utf8", "oversized"],
)
def test_replaced_content_keeps_head_and_get_consistent(
    hub: HubReplay, hf_env: HfEnv, fault: faults.Fault
) -> None:
    hub.add(tiny())
    hub.inject(fault)
    assert fault.reply is not None
    local = download(hf_env, "LICENSE")
    assert local.read_bytes() == fault.reply.body
    assert local.resolve().name == git_blob_sha1(fault.reply.body)


def test_latency_applies_to_every_request(hub: HubReplay, hf_env: HfEnv) -> None:
    hub.add(tiny())
    hub.latency = 0.1
    started = time.monotonic()
    api(hf_env).model_info("acme/tiny")
    assert time.monotonic() - started >= 0.1


# -- the corpus-built fixture repos ------------------------------------------------------------


@pytest.mark.parametrize("build", fixtures_hub.ALL_BUILDERS, ids=lambda b: b.__name__)
def test_fixture_repos_serve_their_license_files(
    hub: HubReplay, hf_env: HfEnv, build: Callable[[], FakeRepo]
) -> None:
    repo = hub.add(build())
    info = HfApi(endpoint=hf_env.endpoint).model_info(repo.repo_id, files_metadata=True)
    assert info.card_data is not None
    assert info.card_data.get("license") == repo.card_data.get("license")
    assert info.gated == repo.gated
    assert {s.rfilename for s in info.siblings or []} == set(repo.served_files()) | set(repo.listed)

    def fetch(name: str, token: str | None = None) -> bytes:
        local = hf_hub_download(
            repo.repo_id, name, revision=repo.sha, endpoint=hf_env.endpoint,
            cache_dir=hf_env.hub_cache, token=token,
        )  # fmt: skip
        return Path(local).read_bytes()

    for name, data in repo.files.items():
        if not name.startswith(("LICENSE", "USE_POLICY")):
            continue
        if name in repo.refuse_files:
            with pytest.raises(GatedRepoError):
                fetch(name)
            assert fetch(name, fixtures_hub.APPROVED_TOKEN) == data
        else:
            assert fetch(name) == data
