"""Tests for openness.inputs.scan: Hub model references found in a codebase, with file:line."""

from __future__ import annotations

import contextlib
import json
import os
import re
from pathlib import Path

import pytest
import yaml

from openness.inputs.scan import ModelReference, file_mode, is_repo_id, scan_paths

APP_PY = """\
import os
from transformers import AutoModel, AutoTokenizer, pipeline
from huggingface_hub import hf_hub_download, snapshot_download
from sentence_transformers import SentenceTransformer

model = AutoModel.from_pretrained("org-a/model-one")
tok = AutoTokenizer.from_pretrained('org-a/tok-two', revision="v1.0")
path = hf_hub_download(repo_id="org-b/hub-dl", filename="config.json")
path2 = hf_hub_download("org-b/hub-dl-pos", "weights.bin")
snap = snapshot_download("org-c/snap-pos")
snap2 = snapshot_download(
    repo_id="org-c/snap-kw",
    revision="abc123",
)
clf = pipeline("text-classification", model="org-d/pipe-kw")
gen = pipeline(model="org-d/pipe-only")
emb = SentenceTransformer("org-e/st-model")
# decoys below: none of these may be reported
name = "org-x/variable"
other = AutoModel.from_pretrained(name)
local = AutoModel.from_pretrained("./local/model")
absolute = AutoModel.from_pretrained("/abs/model")
parent = AutoModel.from_pretrained("../up/model")
mime = {"Content-Type": "text/plain", "Accept": "application/json"}
when = "2024/01"
module = "openness/inputs/scan.py"
ds = snapshot_download("org-z/a-dataset", repo_type="dataset")
fstr = AutoModel.from_pretrained(f"{os.environ['ORG']}/model")
repo_link = "https://github.com/gh-owner/gh-repo"
MODEL_NAME = "org-f/assigned"
"""

BROKEN_PY = """\
def broken(:
    m = AutoModel.from_pretrained("org-g/broken-file")
"""

CONFIG_YAML = """\
# vLLM / TGI style config
model: org-h/yaml-model
served_model_name: org-x/alias
base_model: org-h/yaml-base
tokenizer: "org-h/yaml-tok"
output_dir: runs/exp1
models:
  - org-h/list-one
  - org-h/list-two
repo: https://github.com/gh-owner/gh-repo
content_type: text/plain
args: ["--model", "org-h/args-model"]
"""

CONFIG_JSON = """\
{
  "model": "org-i/json-model",
  "model_id": "org-i/json-id",
  "mime": "application/json",
  "homepage": "https://github.com/gh-owner/gh-repo",
  "date": "2024/01"
}
"""

CONFIG_TOML = """\
[serve]
model_name = "org-j/toml-model"
version = "1.2/3.4"
"""

SERVE_SH = """\
#!/bin/sh
vllm serve org-k/vllm-served --port 8000
text-generation-launcher --model-id org-k/tgi-model --revision main
python -m sglang.launch_server --model org-k/sglang-model
ollama run hf.co/org-k/gguf-model-GGUF:Q4_K_M
git clone https://github.com/gh-owner/gh-repo
cp ./data/x /abs/y
"""

DOTENV = """\
MODEL_ID=org-l/env-model
DATA_DIR=some/dir
"""

DOCKERFILE = """\
FROM python:3.11
ENV MODEL_ID=org-m/docker-env
ARG BASE_MODEL org-m/docker-arg
RUN huggingface-cli download org-m/docker-run
CMD ["vllm", "serve", "org-m/docker-cmd"]
"""

README_MD = "Use `org-x/markdown` from https://huggingface.co/org-x/markdown-url\n"

NOTES_PY = """\
# See https://huggingface.co/org-n/url-model/tree/dev and hf.co/org-n/short-url
# not models: https://huggingface.co/datasets/org-x/ds https://huggingface.co/docs/hub
"""


def _notebook() -> str:
    cells = [
        {"cell_type": "markdown", "metadata": {}, "source": ["# from_pretrained('org-x/md')\n"]},
        {
            "cell_type": "code",
            "metadata": {},
            "execution_count": None,
            "outputs": [],
            "source": ["!pip install transformers\n", "import transformers\n"],
        },
        {
            "cell_type": "code",
            "metadata": {},
            "execution_count": None,
            "outputs": [],
            "source": [
                "from transformers import AutoModel\n",
                "\n",
                "m = AutoModel.from_pretrained('org-o/nb-model')\n",
                "!huggingface-cli download org-o/nb-shell\n",
            ],
        },
    ]
    return json.dumps(
        {"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}, indent=1
    )


@pytest.fixture()
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "proj"
    files = {
        "app.py": APP_PY,
        "broken.py": BROKEN_PY,
        "notes.py": NOTES_PY,
        "conf/config.yaml": CONFIG_YAML,
        "conf/config.json": CONFIG_JSON,
        "conf/pyproject-like.toml": CONFIG_TOML,
        "scripts/serve.sh": SERVE_SH,
        ".env": DOTENV,
        "Dockerfile": DOCKERFILE,
        "README.md": README_MD,
        "nb/demo.ipynb": _notebook(),
        "models.txt": "org-p/listed@v2\n",
        "other.txt": "org-x/plain-text\n",
        # skipped locations
        "node_modules/pkg/config.json": '{"model": "org-x/node-modules"}',
        ".venv/lib/x.py": 'AutoModel.from_pretrained("org-x/venv")\n',
        ".hidden/x.py": 'AutoModel.from_pretrained("org-x/hidden")\n',
        "__pycache__/x.py": 'AutoModel.from_pretrained("org-x/pycache")\n',
    }
    for rel, content in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(content, encoding="utf-8")
    (root / "binary.py").write_bytes(b'\0\0from_pretrained("org-x/binary")')
    (root / "big.json").write_text('{"model": "org-x/big"}' + " " * (2 * 1024 * 1024 + 10))
    (root / "local" / "model").mkdir(parents=True)
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "x.py").write_text('AutoModel.from_pretrained("org-x/symlinked")\n')
    with contextlib.suppress(OSError):
        os.symlink(outside, root / "linked")
    monkeypatch.chdir(tmp_path)
    return root


def _index(refs: list[ModelReference]) -> dict[tuple[str, str], ModelReference]:
    return {(r.repo_id, r.path): r for r in refs}


EXPECTED = [
    # repo, path, line, kind, revision
    ("org-a/model-one", "proj/app.py", 6, "from_pretrained", None),
    ("org-a/tok-two", "proj/app.py", 7, "from_pretrained", "v1.0"),
    ("org-b/hub-dl", "proj/app.py", 8, "hf_hub_download", None),
    ("org-b/hub-dl-pos", "proj/app.py", 9, "hf_hub_download", None),
    ("org-c/snap-pos", "proj/app.py", 10, "snapshot_download", None),
    ("org-c/snap-kw", "proj/app.py", 12, "snapshot_download", "abc123"),
    ("org-d/pipe-kw", "proj/app.py", 15, "pipeline", None),
    ("org-d/pipe-only", "proj/app.py", 16, "pipeline", None),
    ("org-e/st-model", "proj/app.py", 17, "sentence-transformers", None),
    ("org-f/assigned", "proj/app.py", 30, "config", None),
    ("org-g/broken-file", "proj/broken.py", 2, "from_pretrained", None),
    ("org-n/url-model", "proj/notes.py", 1, "url", "dev"),
    ("org-n/short-url", "proj/notes.py", 1, "url", None),
    ("org-h/yaml-model", "proj/conf/config.yaml", 2, "config", None),
    ("org-h/yaml-base", "proj/conf/config.yaml", 4, "config", None),
    ("org-h/yaml-tok", "proj/conf/config.yaml", 5, "config", None),
    ("org-h/list-one", "proj/conf/config.yaml", 8, "config", None),
    ("org-h/list-two", "proj/conf/config.yaml", 9, "config", None),
    ("org-h/args-model", "proj/conf/config.yaml", 12, "cli", None),
    ("org-i/json-model", "proj/conf/config.json", 2, "config", None),
    ("org-i/json-id", "proj/conf/config.json", 3, "config", None),
    ("org-j/toml-model", "proj/conf/pyproject-like.toml", 2, "config", None),
    ("org-k/vllm-served", "proj/scripts/serve.sh", 2, "cli", None),
    ("org-k/tgi-model", "proj/scripts/serve.sh", 3, "cli", "main"),
    ("org-k/sglang-model", "proj/scripts/serve.sh", 4, "cli", None),
    ("org-k/gguf-model-GGUF", "proj/scripts/serve.sh", 5, "url", None),
    ("org-l/env-model", "proj/.env", 1, "config", None),
    ("org-m/docker-env", "proj/Dockerfile", 2, "dockerfile", None),
    ("org-m/docker-arg", "proj/Dockerfile", 3, "dockerfile", None),
    ("org-m/docker-run", "proj/Dockerfile", 4, "dockerfile", None),
    ("org-m/docker-cmd", "proj/Dockerfile", 5, "dockerfile", None),
    ("org-o/nb-model", "proj/nb/demo.ipynb", 3, "notebook", None),
    ("org-o/nb-shell", "proj/nb/demo.ipynb", 4, "notebook", None),
    ("org-p/listed", "proj/models.txt", 1, "models-list", "v2"),
]


def test_scan_finds_every_reference_kind(project: Path) -> None:
    refs = scan_paths([Path("proj")])
    index = _index(refs)
    for repo, path, line, kind, revision in EXPECTED:
        ref = index.get((repo, path))
        assert ref is not None, f"missing {repo} in {path}"
        assert (ref.line, ref.kind, ref.revision) == (line, kind, revision), ref
    nb = [r for r in refs if r.path.endswith(".ipynb")]
    assert {r.cell for r in nb} == {2}


def test_scan_reports_no_decoys(project: Path) -> None:
    refs = scan_paths([Path("proj")])
    found = {r.repo_id for r in refs}
    assert found == {e[0] for e in EXPECTED}, found ^ {e[0] for e in EXPECTED}
    for ref in refs:
        assert not ref.repo_id.startswith(("org-x/", "gh-owner/", "org-z/")), ref
        assert ref.repo_id not in {"text/plain", "application/json", "2024/01", "1.2/3.4"}


def test_scan_deduplicates_and_sorts(project: Path) -> None:
    (project / "dup.py").write_text(
        'x = AutoModel.from_pretrained("org-q/dup")  # https://huggingface.co/org-q/dup\n'
    )
    refs = [r for r in scan_paths([Path("proj"), Path("proj/dup.py")]) if r.repo_id == "org-q/dup"]
    assert len(refs) == 1
    assert refs[0].kind == "from_pretrained"
    assert refs[0].line == 1


def test_scan_single_file_and_absolute_path(project: Path) -> None:
    refs = scan_paths([project / "Dockerfile"])
    assert [r.repo_id for r in refs] == [
        "org-m/docker-env",
        "org-m/docker-arg",
        "org-m/docker-run",
        "org-m/docker-cmd",
    ]
    assert refs[0].path == "proj/Dockerfile"  # relative to cwd when under it
    assert scan_paths([project / "does-not-exist"]) == []


def test_scan_reads_a_models_list_with_the_models_list_parser(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("models.txt").write_text(
        "# models we ship\n"
        "\n"
        "org-a/plain\n"
        "org-b/pinned@0123abc  # pinned commit\n"
        "   org-c/indented@v1.2\n"
        "not a model\n"
        "./local/path\n"
        "https://huggingface.co/org-d/from-url\n"
        "#org-x/commented\n"
        "org-x/hash#in-token\n"
    )
    refs = scan_paths([Path(".")])
    assert [(r.repo_id, r.revision, r.line) for r in refs] == [
        ("org-a/plain", None, 3),
        ("org-b/pinned", "0123abc", 4),
        ("org-c/indented", "v1.2", 5),
        ("org-d/from-url", None, 8),
    ]
    assert all(r.kind == "models-list" and r.path == "models.txt" for r in refs)


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("meta-llama/Llama-3.1-8B", True),
        ("org/gpt2.5", True),
        ("./x", False),
        ("/abs/x", False),
        ("text/plain", False),
        ("2024/01", False),
        ("org/name.py", False),
        ("a--b/c", False),
        ("a/b..c", False),
        ("a/b/c", False),
        ("-a/b", False),
    ],
)
def test_is_repo_id(value: str, ok: bool) -> None:
    assert is_repo_id(value) is ok


def test_scan_extra_python_and_cli_forms(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    Path("serve.py").write_text(
        "import argparse, os\n"
        "from vllm import LLM\n"
        'llm = LLM(model="org-r/vllm-kw")\n'
        "p = argparse.ArgumentParser()\n"
        'p.add_argument("--model-id", default="org-r/argparse")\n'
        'mid = os.getenv("HF_MODEL_ID", "org-r/getenv")\n'
        'cfg = {"base_model": "org-r/dict"}\n'
        'm = AutoModel.from_pretrained("org-r/rev-var", revision=rev)\n'
        'load_dataset("org-x/dataset")\n'
        'requests.get("https://api.example.com/v1/org-x/thing")\n'
    )
    Path("compose.yml").write_text(
        "services:\n"
        "  llm:\n"
        "    environment:\n"
        "      - MODEL_ID=org-s/compose-env\n"
        "    command: llama-server -hf org-s/llama-gguf:Q8_0 --port 8080\n"
        "    url: https://huggingface.co/org-s/pr-link/tree/refs%2Fpr%2F1\n"
    )
    refs = {r.repo_id: r for r in scan_paths([Path(".")])}
    assert set(refs) == {
        "org-r/vllm-kw",
        "org-r/argparse",
        "org-r/getenv",
        "org-r/dict",
        "org-r/rev-var",
        "org-s/compose-env",
        "org-s/llama-gguf",
        "org-s/pr-link",
    }
    assert refs["org-r/argparse"].line == 5
    assert refs["org-r/rev-var"].revision is None
    assert refs["org-s/llama-gguf"].kind == "cli"
    assert refs["org-s/compose-env"].line == 4
    assert refs["org-s/pr-link"].revision is None
    assert all(r.path in {"serve.py", "compose.yml"} for r in refs.values())


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
def test_scan_never_opens_a_fifo(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "config.yaml")  # nobody writes to it: opening it plainly would block
    (tmp_path / "app.yaml").write_text("model: org-a/real\n", encoding="utf-8")
    assert [ref.repo_id for ref in scan_paths([tmp_path])] == ["org-a/real"]


def test_scan_of_a_very_deep_folder_is_bounded(tmp_path: Path) -> None:
    shallow = tmp_path / "a" / "b"
    shallow.mkdir(parents=True)
    (shallow / "app.yaml").write_text("model: org-a/shallow\n", encoding="utf-8")
    deep = tmp_path
    for _ in range(1200):  # one level at a time: os.walk and mkdir(parents=True) recurse
        deep = deep / "d"
        deep.mkdir()
    (deep / "app.yaml").write_text("model: org-a/deep\n", encoding="utf-8")
    try:
        found = [ref.repo_id for ref in scan_paths([tmp_path])]
    finally:  # bottom-up: shutil.rmtree (the tmp_path clean-up) recurses too
        (deep / "app.yaml").unlink()
        while deep != tmp_path:
            deep.rmdir()
            deep = deep.parent
    assert found == ["org-a/shallow"]


NESTED_YAML = """\
training:
  model:
    name: org-t/yaml-nested
    revision: v2
  tokenizer_name: org-t/yaml-tok
stages:
  - base_model: [org-t/flow-one, org-t/flow-two]
  - pretrained: org-t/pretrained
models:
  - name: org-t/listed-map
    path: ./local/dir
ensemble:
  models: [org-t/ens-a,
           org-t/ens-b]
decoys:
  model: {name: gpt-4, path: /abs/model, url: "https://example.com/org-x/url"}
  model_dir: org-x/dir-not-model
  dataset: {name: org-x/dataset}
  served_model_name: org-x/alias
  name: org-x/not-under-a-model
---
kind: Deployment
---
spec:
  llm:
    repo_id: org-t/third-document
"""

NESTED_JSON = """\
{
  "train": {
    "model": {"name": "org-u/json-nested", "revision": "r1"},
    "models": [
      "org-u/json-list-a",
      "org-u/json-list-b"
    ],
    "pretrained_model_name_or_path": "org-u/json-pretrained"
  },
  "homepage": "https://example.com/org-x/page",
  "model": {"path": "/abs/path", "name": "gpt-4", "dataset": "org-x/data"},
  "escaped": {"model_id": "org-u\\/escaped"}
}
"""

NESTED_TOML = """\
[model]
name = "org-v/toml-nested"
revision = "main"

[[stages]]
base_model = ["org-v/toml-a", 'org-v/toml-b']

[stages.tokenizer]
repo = "org-v/toml-tok"

[other]
name = "org-x/not-under-a-model"

[a]
model_id = "org-v/twice"
[b]
model_id = "org-v/twice"
"""

NESTED_EXPECTED = {
    # (repo, file): [(line, revision), ...]
    ("org-t/yaml-nested", "nested.yaml"): [(3, "v2")],
    ("org-t/yaml-tok", "nested.yaml"): [(5, None)],
    ("org-t/flow-one", "nested.yaml"): [(7, None)],
    ("org-t/flow-two", "nested.yaml"): [(7, None)],
    ("org-t/pretrained", "nested.yaml"): [(8, None)],
    ("org-t/listed-map", "nested.yaml"): [(10, None)],
    ("org-t/ens-a", "nested.yaml"): [(13, None)],
    ("org-t/ens-b", "nested.yaml"): [(14, None)],
    ("org-t/third-document", "nested.yaml"): [(26, None)],
    ("org-u/json-nested", "nested.json"): [(3, "r1")],
    ("org-u/json-list-a", "nested.json"): [(5, None)],
    ("org-u/json-list-b", "nested.json"): [(6, None)],
    ("org-u/json-pretrained", "nested.json"): [(8, None)],
    ("org-u/escaped", "nested.json"): [(12, None)],
    ("org-v/toml-nested", "nested.toml"): [(2, "main")],
    ("org-v/toml-a", "nested.toml"): [(6, None)],
    ("org-v/toml-b", "nested.toml"): [(6, None)],
    ("org-v/toml-tok", "nested.toml"): [(9, None)],
    ("org-v/twice", "nested.toml"): [(15, None), (17, None)],
}


def test_scan_reads_model_ids_nested_in_configs_with_their_lines(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("nested.yaml").write_text(NESTED_YAML)
    Path("nested.json").write_text(NESTED_JSON)
    Path("nested.toml").write_text(NESTED_TOML)
    found: dict[tuple[str, str], list[tuple[int, str | None]]] = {}
    for ref in scan_paths([Path(".")]):
        assert ref.kind == "config", ref
        found.setdefault((ref.repo_id, ref.path), []).append((ref.line, ref.revision))
    assert found == NESTED_EXPECTED


def test_a_config_the_reader_refuses_is_still_read_line_by_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("aliases.yaml").write_text(
        "base: &b\n  model:\n    name: org-w/aliased\ncopy: *b\nmodel_id: org-w/flat-one\n"
    )
    Path("duplicates.yml").write_text(
        "model:\n  name: org-w/dup-nested\nmodel:\n  id: org-w/dup-twice\n"
        "base_model: org-w/flat-two\n"
    )
    Path("deep.json").write_text("[" * 100_000 + '"model_id": "org-w/deep"')
    Path("deep.yaml").write_text("a: [" * 1000 + "\nmodel: org-w/flat-three\n")
    Path("broken.toml").write_text('[model\nname = "org-w/broken"\nmodel_id = "org-w/flat-four"\n')
    found = {(r.repo_id, r.path, r.line) for r in scan_paths([Path(".")])}
    assert found == {
        ("org-w/flat-one", "aliases.yaml", 5),
        ("org-w/flat-two", "duplicates.yml", 5),
        ("org-w/deep", "deep.json", 1),
        ("org-w/flat-three", "deep.yaml", 2),
        ("org-w/flat-four", "broken.toml", 3),
    }


@pytest.mark.parametrize(
    "name",
    ["app.py", "src/app.py", "nb/demo.ipynb", "conf/x.yaml", "x.YML", "c.json",
     "package-lock.json", "web/package-lock.json", "pyproject.toml", "setup.cfg", "x.ini",
     ".env", ".env.local", "prod.env", "run.sh", "run.bash", "Dockerfile", "Dockerfile.gpu",
     "docker/Containerfile", "app.dockerfile", "DOCKERFILE", "docker-compose.yml",
     "docker-compose.override.yaml", "models.txt", "Models.txt", "requirements-models.txt",
     "conf/models.txt", "mymodels.txt", "other.txt", "README.md", "requirements.txt",
     "Makefile", "script"],
)  # fmt: skip
def test_the_pre_commit_hook_passes_the_files_a_folder_scan_reads(name: str) -> None:
    hooks = Path(__file__).resolve().parents[2] / ".pre-commit-hooks.yaml"
    (hook,) = yaml.safe_load(hooks.read_text(encoding="utf-8"))
    passed = bool(re.search(hook["files"], name)) and not re.search(hook["exclude"], name)
    assert passed is (file_mode(Path(name)) is not None)
