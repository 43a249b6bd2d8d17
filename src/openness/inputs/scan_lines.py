"""The line-by-line scan: shell scripts, Dockerfiles, INI/env files, notebook magics, Python
that does not parse, and the one-line forms in YAML/JSON/TOML (`--model` flags inside strings,
`KEY=value` items, URLs).

Every pattern is matched within one line, with bounded or linear regexes.
"""

from __future__ import annotations

import re

from openness.inputs.model_ids import Hit, clean_value, modelish_key, url_hits

_VAL = r"""["'`]?(?P<value>[^\s"'`,;}\]\)#]+)"""
_SEP = r"""["']?(?:\s*,\s*|\s+)["']?"""  # shell words or JSON exec-form list items
_CLI_POSITIONAL_RE = re.compile(
    r"(?:\bvllm" + _SEP + r"serve|\b(?:huggingface-cli|hf)" + _SEP + r"download)" + _SEP + _VAL
)
_FLAG_RE = re.compile(
    r"""(?<![\w-])["']?--(?P<flag>[A-Za-z][\w-]*)["']?(?:\s*=\s*|\s*,\s*|\s+)""" + _VAL
)
_HF_FLAG_RE = re.compile(
    r"""(?<![\w-])["']?(?:-hf|-hfr|--hf-repo)["']?(?:\s*=\s*|\s*,\s*|\s+)""" + _VAL
)
_KV_RE = re.compile(
    r"""(?<![\w.$-])["']?(?P<key>[A-Za-z_][\w.-]*)["']?\s*(?:=|:(?!//))\s*""" + _VAL
)
_DOCKER_ENV_RE = re.compile(r"""^\s*(?:ENV|ARG)\s+(?P<key>[A-Za-z_]\w*)\s+""" + _VAL)
_YAML_KEY_ONLY_RE = re.compile(r"""^(?P<indent>\s*)["']?(?P<key>[\w.-]+)["']?\s*:\s*(?:#.*)?$""")
_YAML_ITEM_RE = re.compile(r"""^(?P<indent>\s*)-\s+""" + _VAL + r"""["']?\s*(?:#.*)?$""")
_CALL_RE = re.compile(
    r"""\b(?P<fn>from_pretrained|hf_hub_download|snapshot_download|SentenceTransformer|CrossEncoder)"""
    r"""\(\s*(?:(?:repo_id|pretrained_model_name_or_path|model_name_or_path)\s*=\s*)?"""
    r"""(?P<q>["'])(?P<value>[^"'\s]+)(?P=q)"""
)
_PIPELINE_RE = re.compile(
    r"""\bpipeline\((?:[^()]*?,\s*|\s*)(?:model\s*=\s*)?(?P<q>["'])(?P<value>[^"'\s]+)(?P=q)"""
)
_REVISION_RE = re.compile(r"""(?:--|\b)revision["']?(?:\s*[=:]\s*|\s+)["']?(?P<rev>[\w./-]+)""")

CALL_KINDS = {
    "from_pretrained": "from_pretrained",
    "hf_hub_download": "hf_hub_download",
    "snapshot_download": "snapshot_download",
    "SentenceTransformer": "sentence-transformers",
    "CrossEncoder": "sentence-transformers",
}


def _line_values(line: str, dockerfile: bool) -> list[tuple[str, str]]:
    """(raw value, kind) of every model-ish token on one line."""
    found = [(m.group("value"), CALL_KINDS[m.group("fn")]) for m in _CALL_RE.finditer(line)]
    found.extend((m.group("value"), "pipeline") for m in _PIPELINE_RE.finditer(line))
    found.extend((m.group("value"), "cli") for m in _CLI_POSITIONAL_RE.finditer(line))
    for m in _FLAG_RE.finditer(line):
        flag = m.group("flag")
        if modelish_key(flag) or flag.lower() in {"model-path", "model_path"}:
            found.append((m.group("value"), "cli"))
    found.extend((m.group("value"), "cli-tag") for m in _HF_FLAG_RE.finditer(line))
    found.extend(
        (m.group("value"), "config") for m in _KV_RE.finditer(line) if modelish_key(m.group("key"))
    )
    if dockerfile:
        env = _DOCKER_ENV_RE.match(line)
        if env and modelish_key(env.group("key")):
            found.append((env.group("value"), "config"))
    return found


def scan_lines(lines: list[str], *, dockerfile: bool = False) -> list[Hit]:
    """Every reference the line patterns find; in a Dockerfile each is of kind `dockerfile`."""
    hits: list[Hit] = []
    list_indent: int | None = None  # inside `models:` followed by `- org/name` items
    for idx, line in enumerate(lines, start=1):
        found: list[tuple[str, str]] = []
        stripped = line.strip()
        if list_indent is not None:
            item = _YAML_ITEM_RE.match(line)
            if item and len(item.group("indent")) >= list_indent:
                found.append((item.group("value"), "config"))
            elif stripped and not stripped.startswith("#"):
                list_indent = None
        key_only = _YAML_KEY_ONLY_RE.match(line)
        if key_only and modelish_key(key_only.group("key")):
            list_indent = len(key_only.group("indent"))
        found.extend(_line_values(line, dockerfile))
        rev_m = _REVISION_RE.search(line)
        revision = rev_m.group("rev") if rev_m else None
        for raw, kind in found:
            value = clean_value(raw, strip_tag=kind == "cli-tag")
            if value:
                hits.append(Hit(value, revision, idx, "cli" if kind == "cli-tag" else kind))
        hits.extend(url_hits(line, idx))
    if dockerfile:
        hits = [h._replace(kind="dockerfile") for h in hits]
    return hits
