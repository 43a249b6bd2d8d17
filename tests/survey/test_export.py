"""Reading exports into DuckDB: missing columns are unknown (never a default), JSON strings and
structs read alike, hostile rows capped and kept as data."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("duckdb")

MIT_CARD = {"license": "mit", "library_name": "transformers"}
FILES = [".gitattributes", "README.md", "LICENSE", "config.json", "model.safetensors"]


def test_a_full_row_is_read(export_file: Callable[..., Path], surveyed: Callable[..., Any]) -> None:
    path = export_file([{
        "id": "acme/full", "lastModified": "2025-03-01T00:00:00.000Z", "cardData": MIT_CARD,
        "tags": ["transformers", "license:mit", "region:us"], "downloads": 1234,
        "siblings": FILES, "baseModels": [], "safetensors": {"total": 10}, "gguf": None,
        "pipeline_tag": "text-generation", "library_name": "transformers",
    }])  # fmt: skip
    done = surveyed(path)
    row = done.results["acme/full"]
    assert (row["downloads"], row["last_modified"]) == (1234, "2025-03-01T00:00:00.000Z")
    declared = (row["declared"], row["declared_from"], row["declared_state"])
    assert declared == ("mit", "card", "known")
    assert (row["licence"], row["spdx_id"], row["osi_approved"]) == ("mit", "MIT", True)
    assert row["permissive"] is True and row["clause_kinds"] == []
    assert row["licence_file"] is True and row["licence_files"] == ["LICENSE"]
    assert row["base_models"] == [] and row["parents"] is None
    assert row["text_status"] is None and row["file_licence"] is None
    assert row["g7_label"] == "Open Weights AI"
    assert done.export.columns_missing == ["createdAt", "downloadsAllTime", "likes", "config"]


def test_missing_columns_make_their_facts_unknown(
    export_file: Callable[..., Path], surveyed: Callable[..., Any]
) -> None:
    bare = surveyed(export_file([{"id": "acme/bare"}], name="bare.parquet"))
    row = bare.results["acme/bare"]
    assert row["declared_state"] == "unknown" and row["declared"] is None
    for name in ("downloads", "last_modified", "licence", "osi_approved", "permissive",
                 "clause_kinds", "use_restricting", "licence_file", "licence_files",
                 "base_models", "parents", "g7_label"):  # fmt: skip
        assert row[name] is None, name
    assert "cardData" in bare.export.columns_missing and "siblings" in bare.export.columns_missing
    # tags alone: the licence comes from the `license:` tag, base models from `base_model:` tags
    tagged = surveyed(export_file([{
        "id": "acme/tagged", "tags": ["license:apache-2.0", "base_model:finetune:meta/base"],
    }], name="tagged.parquet"))  # fmt: skip
    row = tagged.results["acme/tagged"]
    assert (row["declared_from"], row["licence"]) == ("tag", "apache-2.0")
    assert row["base_models"] == ["meta/base"] and row["licence_file"] is None
    # a known empty file list is a fact: no licence file
    listed = surveyed(export_file([{"id": "acme/listed", "tags": [], "siblings": ["README.md"]}],
                                  name="listed.parquet"))  # fmt: skip
    row = listed.results["acme/listed"]
    assert row["declared_state"] == "none" and row["licence_file"] is False
    assert row["licence_files"] == [] and row["base_models"] == []


def test_null_cells_and_unreadable_cards_are_unknown_not_empty(
    export_file: Callable[..., Path], surveyed: Callable[..., Any]
) -> None:
    """A NULL tags cell says nothing (not "no licence tag"); an unreadable card says nothing of
    base models when neither baseModels nor tags can; a card read whole or absent does."""
    tags_only = surveyed(export_file(
        [{"id": "t/null", "tags": None}, {"id": "t/empty", "tags": []}], name="tags.parquet"
    )).results  # fmt: skip
    assert (tags_only["t/null"]["declared_state"], tags_only["t/null"]["base_models"]) == (
        "unknown", None)  # fmt: skip
    assert (tags_only["t/empty"]["declared_state"], tags_only["t/empty"]["base_models"]) == (
        "none", [])  # fmt: skip
    big = '{"license": "mit", "base_model": "a/b"' + " " * (70 * 1024) + "}"
    rows = [{"id": "c/big", "cardData": big}, {"id": "c/bad", "cardData": "nope"},
            {"id": "c/absent", "cardData": None}, {"id": "c/ok", "cardData": {"license": "mit"}},
            {"id": "c/bad-null-tags", "cardData": "nope", "tags": None}]  # fmt: skip
    cards = surveyed(export_file(rows, {"cardData": "VARCHAR"}, name="cards.parquet")).results
    for name in ("c/big", "c/bad", "c/bad-null-tags"):
        assert cards[name]["base_models"] is None, name
        assert cards[name]["declared_state"] == "unknown", name
    assert cards["c/absent"]["base_models"] == [] and cards["c/ok"]["base_models"] == []


def test_json_string_and_struct_card_data_read_alike(
    export_file: Callable[..., Path], surveyed: Callable[..., Any]
) -> None:
    rows = [
        {"id": "a/llama", "siblings": FILES,
         "cardData": {"license": "llama3.1", "base_model": "meta-llama/Llama-3.1-8B"}},
        {"id": "a/other", "cardData": {"license": "other", "license_name": "llama3",
                                       "base_model": None}, "siblings": ["README.md"]},
        {"id": "a/none", "cardData": {"license": None, "base_model": None}, "siblings": []},
    ]  # fmt: skip
    as_json = surveyed(export_file(rows, name="json.parquet")).results
    struct = "STRUCT(license VARCHAR, license_name VARCHAR, base_model VARCHAR)"
    siblings = "VARCHAR[]"  # file names as plain strings
    as_struct = surveyed(
        export_file(rows, {"cardData": struct, "siblings": siblings}, name="struct.parquet")
    ).results
    assert as_json == as_struct
    assert as_json["a/llama"]["licence"] == "llama3.1"
    assert as_json["a/llama"]["base_models"] == ["meta-llama/Llama-3.1-8B"]
    assert as_json["a/other"]["licence"] == "llama3" and as_json["a/other"]["declared"] == "other"
    assert as_json["a/none"]["declared_state"] == "none"


@pytest.mark.parametrize(
    ("kind", "value"),
    [
        ("VARCHAR[]", ["meta/base", "https://huggingface.co/google/gemma-2b", "not a repo id"]),
        ("STRUCT(models STRUCT(id VARCHAR)[], relation VARCHAR)",
         {"models": [{"id": "meta/base"}, {"id": "google/gemma-2b"}], "relation": "finetune"}),
        ("VARCHAR", {"models": [{"id": "meta/base"}, {"id": "google/gemma-2b"}],
                     "relation": "finetune"}),
        ("VARCHAR", ["meta/base", "google/gemma-2b"]),
        ("STRUCT(relation VARCHAR, models STRUCT(id VARCHAR)[])[]",
         [{"relation": "merge", "models": [{"id": "meta/base"}]},
          {"relation": "merge", "models": [{"id": "google/gemma-2b"}]}]),
        ("VARCHAR", [{"relation": "merge", "models": [{"id": "meta/base"}]},
                     {"relation": "merge", "models": [{"id": "google/gemma-2b"}]}]),
        ("STRUCT(id VARCHAR, relation VARCHAR)[]",
         [{"id": "meta/base"}, {"id": "google/gemma-2b"}]),
    ],
)  # fmt: skip
def test_base_models_in_every_shape(
    export_file: Callable[..., Path], surveyed: Callable[..., Any], kind: str, value: Any
) -> None:
    row = {"id": "acme/child", "baseModels": value, "tags": []}
    path = export_file([row], {"baseModels": kind})
    row = surveyed(path).results["acme/child"]
    assert row["base_models"] == ["meta/base", "google/gemma-2b"]


def test_base_models_fall_back_to_the_card_then_the_tags(
    export_file: Callable[..., Path], surveyed: Callable[..., Any]
) -> None:
    rows = [
        {"id": "a/card", "baseModels": None, "cardData": {"base_model": ["x/one", "x/two"]},
         "tags": ["base_model:x/three"]},
        {"id": "a/tags", "baseModels": None, "cardData": {}, "tags": ["base_model:adapter:x/three",
                                                                     "base_model:x/three"]},
        {"id": "a/self", "baseModels": ["a/self", "x/one"], "cardData": {}, "tags": []},
    ]  # fmt: skip
    results = surveyed(export_file(rows)).results
    assert results["a/card"]["base_models"] == ["x/one", "x/two"]
    assert results["a/tags"]["base_models"] == ["x/three"]
    assert results["a/self"]["base_models"] == ["x/one"]  # never its own parent


def test_hostile_rows_are_capped_and_kept_as_data(
    export_file: Callable[..., Path], surveyed: Callable[..., Any]
) -> None:
    html = "<script>alert(1)</script> | **bold** [x](javascript:alert(1))"
    huge = {"license": "mit", "junk": "x" * (70 * 1024)}
    rows = [
        {"id": "h/huge", "cardData": huge, "tags": []},
        {"id": "h/huge-tagged", "cardData": huge, "tags": ["license:apache-2.0"]},
        {"id": "h/html", "cardData": {"license": html}, "tags": [f"license:{html}"]},
        {"id": "h/not-json", "cardData": "{'license': 'mit'", "tags": []},
        {"id": "h/not-object", "cardData": "[\"mit\"]", "tags": []},
        {"id": "h/surrogate", "cardData": '{"license": "\\udc80mit"}', "tags": []},
        {"id": "h/many-tags", "cardData": {"license": "mit"},
         "tags": [f"t{n}" for n in range(5000)] + ["license:gpl-3.0"]},
        {"id": "h/many-files", "cardData": {"license": "mit"}, "tags": [],
         "siblings": [f"f{n}.txt" for n in range(25_000)] + ["model.safetensors"]},
        {"id": "h/many-files-licence-late", "cardData": {"license": "mit"}, "tags": [],
         "siblings": [f"f{n}.txt" for n in range(25_000)] + ["LICENSE"]},
        {"id": "h/many-files-licence-early", "cardData": {"license": "mit"}, "tags": [],
         "siblings": ["LICENSE", *(f"f{n}.txt" for n in range(25_000))]},
        {"id": "h/long-" + "x" * 400, "cardData": {"license": "mit"}},
    ]  # fmt: skip
    types = {"cardData": "VARCHAR"}  # the strings above are written as they are
    done = surveyed(export_file(rows, types))
    results = done.results
    assert results["h/huge"]["declared_state"] == "unknown"  # too large: unknown, not "none"
    assert results["h/huge-tagged"]["declared_from"] == "tag"
    assert results["h/huge-tagged"]["licence"] == "apache-2.0"
    assert results["h/html"]["declared"] == html  # data, escaped by each renderer
    assert results["h/html"]["declared_state"] == "unrecognised"
    assert results["h/not-json"]["declared_state"] == "unknown"
    assert results["h/not-object"]["declared_state"] == "unknown"
    assert results["h/surrogate"]["declared_state"] == "unknown"
    # tags past the cap are not read: the licence tag after 5000 tags is lost, the card stands
    assert results["h/many-tags"]["licence"] == "mit"
    # more files than the audit lists: the list is incomplete, so absent weights are unknown,
    # and so is "no licence file" (one may lie past the cap); one seen within it is a fact
    for name in ("h/many-files", "h/many-files-licence-late"):
        assert (results[name]["licence_file"], results[name]["licence_files"]) == (None, None)
    early = results["h/many-files-licence-early"]
    assert (early["licence_file"], early["licence_files"]) == (True, ["LICENSE"])
    weights = "SELECT weights FROM scanned WHERE id = 'h/many-files'"
    assert done.con.execute(weights).fetchone() == (None,)
    long_id = next(name for name in results if name.startswith("h/long-"))
    assert len(long_id) == 256


def test_non_utf8_card_data_is_unknown(tmp_path: Path, surveyed: Callable[..., Any]) -> None:
    import duckdb

    path = tmp_path / "blob.parquet"
    duckdb.connect().execute(
        "COPY (SELECT * FROM (VALUES ('b/junk', '\\xff\\xfe{'::BLOB, ['license:mit']), "
        "('b/fine', '{\"license\": \"apache-2.0\"}'::BLOB, [])) t(id, cardData, tags)) "
        f"TO '{path}' (FORMAT parquet)"
    )
    results = surveyed(path).results
    assert results["b/junk"]["declared_from"] == "tag" and results["b/junk"]["licence"] == "mit"
    assert results["b/fine"]["licence"] == "apache-2.0"


def test_duplicate_rows_keep_the_last_modified(
    export_file: Callable[..., Path], surveyed: Callable[..., Any]
) -> None:
    rows = [
        {"id": "d/m", "lastModified": "2025-01-01", "cardData": {"license": "mit"}},
        {"id": "d/m", "lastModified": "2025-06-01", "cardData": {"license": "apache-2.0"}},
        {"id": None, "cardData": {"license": "mit"}},
    ]
    done = surveyed(export_file(rows))
    assert list(done.results) == ["d/m"] and done.results["d/m"]["licence"] == "apache-2.0"
    assert done.export.rows == 1
    assert any("duplicate" in note for note in done.export.notes)
    assert any("without an id" in note for note in done.export.notes)


def test_globs_and_files_of_different_columns(
    export_file: Callable[..., Path], surveyed: Callable[..., Any], tmp_path: Path
) -> None:
    export_file([{"id": "g/one", "cardData": {"license": "mit"}, "siblings": ["LICENSE"]}],
                name="parts/a.parquet")  # fmt: skip
    export_file([{"id": "g/two", "cardData": {"license": "mit"}}], name="parts/b.parquet")
    done = surveyed(tmp_path / "parts" / "*.parquet")
    assert done.results["g/one"]["licence_file"] is True
    assert done.results["g/two"]["licence_file"] is None  # its file has no siblings column
    assert "siblings" in done.export.columns_missing


def test_file_names_with_glob_characters_are_read_as_named(
    export_file: Callable[..., Path], surveyed: Callable[..., Any], tmp_path: Path
) -> None:
    """DuckDB globs the paths it is given: a file named `a[1].parquet` must not read as
    `a1.parquet`, nor one a glob found named `b*.parquet` read `bx.parquet` again."""
    export_file([{"id": "x/bracket", "tags": []}], name="one/a[1].parquet")
    export_file([{"id": "x/plain", "tags": []}], name="one/a1.parquet")
    done = surveyed(tmp_path / "one" / "a[1].parquet")
    assert list(done.results) == ["x/bracket"]
    export_file([{"id": "x/star", "tags": []}], name="two/b*.parquet")
    export_file([{"id": "x/other", "tags": []}], name="two/bx.parquet")
    done = surveyed(tmp_path / "two" / "*.parquet")
    assert sorted(done.results) == ["x/other", "x/star"] and done.export.notes == []


PATHS = [
    "model.safetensors", "pytorch_model.bin", "sub/weights.GGUF", ".bin", "x.",
    "ckpt-0/tensor00000_000", "checkpoints/shard_3", "config.json", "train.py",
    "scripts/finetune_lora.sh", "src/model.py",
    "inference.ipynb", "training/notes.md", "LICENSE", "LICENSE.txt", "licence.md", "COPYING",
    "USE_POLICY.md", "use-policy.txt", "NOTICE", "docs/LICENSE", "LICENSES/MIT.txt", "README.md",
]  # fmt: skip


@pytest.mark.parametrize("path", PATHS)
def test_file_facts_in_sql_are_the_audits(
    export_file: Callable[..., Path], surveyed: Callable[..., Any], path: str
) -> None:
    """Weights, code and training code of a file list as the audit's own functions see them."""
    import re

    from openness.rubrics import facts, release
    from openness.sources.evidence import Evidence, RepoFile
    from openness.survey.export import LICENCE_FILE

    done = surveyed(export_file([{"id": "f/m", "siblings": [path]}]))
    row = done.con.execute("SELECT weights, deploy, training FROM scanned").fetchone()
    evidence = Evidence(repo_id="f/m", source="hub", retrieved_at="2025-01-01T00:00:00Z",
                        files=[RepoFile(path=path)], files_complete=True)  # fmt: skip
    weights = facts._weights(evidence).value
    code, training = release.deployment_code(evidence).value, facts.is_training_code(path) or None
    expected = [weights, code, training]
    assert list(row) == expected
    licence_like = re.search(LICENCE_FILE, path, re.IGNORECASE) is not None
    assert done.results["f/m"]["licence_files"] == ([path] if licence_like else [])


def test_the_connection_installs_and_loads_no_extension_unasked() -> None:
    """A column type or a path never makes DuckDB fetch or load an extension by itself."""
    from openness.survey import export

    con = export.connect()
    names = ("autoinstall_known_extensions", "autoload_known_extensions",
             "allow_community_extensions")  # fmt: skip
    settings = [con.execute(f"SELECT current_setting('{name}')").fetchone() for name in names]
    assert settings == [(False,)] * 3


def test_the_package_docstring_names_every_module() -> None:
    import pkgutil

    import openness.survey as package

    modules = [info.name for info in pkgutil.iter_modules(package.__path__)]
    assert modules and all(f"`{name}`" in (package.__doc__ or "") for name in modules)


def test_unsafe_file_names_are_dropped_without_becoming_sql(
    export_file: Callable[..., Path], tmp_path: Path
) -> None:
    """Licence-like names no audit would ask for are dropped by a join, not spliced into the
    query as a literal list (thousands of distinct hostile names made it quadratic)."""
    from openness.survey import export, judge

    rows = [{"id": f"u/m{n}", "tags": [], "siblings": [f"LICENSE\\\\{n}", "../LICENSE", "LICENSE"]}
            for n in range(3000)]  # fmt: skip
    rows.append({"id": "u/only-unsafe", "tags": [], "siblings": ["../LICENSE"]})
    path = export_file(rows)

    class Recorder:
        def __init__(self, con: Any) -> None:
            self.con, self.longest = con, 0

        def execute(self, sql: str, *args: Any) -> Any:
            self.longest = max(self.longest, len(sql))
            return self.con.execute(sql, *args)

    con = export.connect()
    export.read(con, [str(path)], None, judge.signal_values(), judge.library_names())
    recorder = Recorder(con)
    judge.fill(recorder)  # type: ignore[arg-type]
    assert recorder.longest < 20_000
    got = dict(con.execute("SELECT id, licence_files FROM results").fetchall())
    assert got["u/m7"] == ["LICENSE"] and got["u/only-unsafe"] == []
    assert con.execute(
        "SELECT licence_file FROM results WHERE id = 'u/only-unsafe'"
    ).fetchone() == (False,)
