"""MODEL arguments: repo ids, Hub URLs, folders, and one-line errors for the rest."""

from pathlib import Path

import pytest

from openness.errors import UsageError
from openness.inputs.target import parse_hub_model, parse_target


@pytest.mark.parametrize(
    ("spec", "repo", "revision"),
    [
        ("deepseek-ai/DeepSeek-R1", "deepseek-ai/DeepSeek-R1", None),
        ("gpt2", "gpt2", None),
        ("https://huggingface.co/meta-llama/Llama-3.1-8B", "meta-llama/Llama-3.1-8B", None),
        ("https://huggingface.co/org/name/tree/v2.0", "org/name", "v2.0"),
        ("https://hf.co/org/name/blob/abc123/LICENSE", "org/name", "abc123"),
    ],
)
def test_hub_references(spec: str, repo: str, revision: str | None) -> None:
    target = parse_target(spec)
    assert (target.repo_id, target.revision, target.is_local) == (repo, revision, False)


def test_revision_option_applies_and_must_agree_with_url() -> None:
    assert parse_target("org/name", "dev").revision == "dev"
    with pytest.raises(UsageError, match="contradicts"):
        parse_target("https://huggingface.co/org/name/tree/v1", "v2")


@pytest.mark.parametrize(
    "spec",
    ["", "a/b/c", "org/-bad", "org/na me", "org--x/y", "https://example.com/org/name",
     "https://huggingface.co/datasets/org/name", "https://huggingface.co/org", "./missing-dir"],
)  # fmt: skip
def test_bad_references_are_usage_errors(spec: str) -> None:
    with pytest.raises(UsageError) as caught:
        parse_target(spec)
    assert "\n" not in str(caught.value)


def test_existing_folder_is_local(tmp_path: Path) -> None:
    target = parse_target(str(tmp_path))
    assert target.is_local and target.path == tmp_path.resolve()


@pytest.mark.parametrize(
    ("spec", "repo", "revision"),
    [
        ("org/name", "org/name", None),
        ("gpt2@main", "gpt2", "main"),
        ("org/name@refs/pr/1", "org/name", "refs/pr/1"),
        ("https://hf.co/org/name/tree/v2", "org/name", "v2"),
    ],
)
def test_hub_models_without_folders(spec: str, repo: str, revision: str | None) -> None:
    target = parse_hub_model(spec)
    assert (target.repo_id, target.revision, target.is_local) == (repo, revision, False)


@pytest.mark.parametrize(
    "spec", [".", "./x", "org/name@", "org/name@a b", "org/name@../x", "org/name@v1#x", "a/b/c"]
)
def test_hub_models_refuse_folders_and_bad_revisions(spec: str) -> None:
    with pytest.raises(UsageError):
        parse_hub_model(spec)
