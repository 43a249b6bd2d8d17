"""Plain http to this machine goes through a client without TLS (sources/download.py); every
other URL through huggingface_hub's own. Both send the same requests and give the same audit."""

from __future__ import annotations

import re
import ssl
from pathlib import Path
from typing import Any

import fixtures_hub
import pytest
from hubreplay import HubReplay

from openness.sources import download

pytestmark = pytest.mark.usefixtures("hf_env")


@pytest.mark.parametrize(
    ("url", "local"),
    [
        ("http://127.0.0.1:8080/api/models/a/b", True),
        ("http://127.1.2.3/x", True),
        ("http://localhost:9/x", True),
        ("http://[::1]:9/x", True),
        ("HTTP://127.0.0.1/x", True),
        ("https://127.0.0.1/x", False),
        ("https://localhost/x", False),
        ("http://huggingface.co/x", False),
        ("https://huggingface.co/api/models/a/b", False),
        ("http://10.0.0.1/x", False),
        ("http://127.0.0.1.example.com/x", False),
        ("http://localhost.example.com/x", False),
        ("http://[::ffff:10.0.0.1]/x", False),
        ("http://[not-an-address/x", False),
    ],
)
def test_only_plain_http_to_a_loopback_host_is_local(url: str, local: bool) -> None:
    assert download._loopback_http(url) is local


def test_the_local_client_can_make_no_tls_connection_and_uses_no_proxy() -> None:
    client = download._local_session()
    assert client is download._local_session()  # one client, shared by the threads
    context = client._transport._pool._ssl_context
    assert context.verify_mode == ssl.CERT_REQUIRED and context.check_hostname
    assert context.cert_store_stats()["x509_ca"] == 0  # trusts no certificate authority
    assert client.trust_env is False


def _stable(text: str) -> str:
    return re.sub(r"\d{4}-\d\d-\d\dT[\d:.]+\+00:00", "<time>", text)


def test_huggingface_hub_client_gives_the_same_audit_and_requests(
    hub: HubReplay, cli: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import huggingface_hub

    secret = fixtures_hub.APPROVED_TOKEN
    monkeypatch.setenv("HF_TOKEN", secret)
    hub.add(fixtures_hub.llama31())
    runs: dict[str, tuple[str, list[tuple[str, str, str | None]]]] = {}
    asked: list[str] = []
    real = huggingface_hub.get_session

    def get_session() -> Any:
        asked.append("huggingface_hub")
        return real()

    monkeypatch.setattr(huggingface_hub, "get_session", get_session)
    for client in ("local", "huggingface_hub"):
        if client == "huggingface_hub":
            assert not asked
            monkeypatch.setattr(download, "_loopback_http", lambda url: False)
            huggingface_hub.close_session()  # made anew: its settings are read now
        monkeypatch.setenv("OPENNESS_CACHE_DIR", str(tmp_path / client))  # both cold
        hub.clear()
        result = cli("audit", "meta-llama/Llama-3.1-8B", "--format", "json")
        assert result.exit_code == 0, result.stderr
        sent = [(r.method, r.path, r.token) for r in hub.requests]
        runs[client] = (_stable(result.stdout), sent)
    assert len(asked) == len(runs["huggingface_hub"][1])
    assert runs["local"] == runs["huggingface_hub"]
    assert runs["local"][1] and all(token == secret for _, _, token in runs["local"][1])
