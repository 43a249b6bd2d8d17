"""How far openness agrees with published openness judgements, on the bundled snapshot's models.

Run from the project root: `PYTHONPATH=src python benchmarks/framework_agreement.py [DIR]`, by
default `../shared/corpus/frameworks`.

Every model of the offline snapshot is audited with `audit_model(model, offline=True)`, against
an empty Hugging Face cache and openness cache, so the figures come from the snapshot alone (no
licence text, only facts and the licence profiles). The audits are then set beside:

* OSI's statements on the Llama licences vs our OSD verdict (like-for-like: the same definition
  applied to the same licence);
* OSI's OSAID validation verdicts vs our OSAID verdict (approximation: OSI judged whole systems
  against a draft of the definition; the repo standing for each system is the dataset's choice);
* the European Open Source AI Index `licenses` grade vs our licence judgement (approximation: the
  index grades a family's newest model and all of its weights, code and data together; ours is
  the OSD verdict on the repo's licence, open meaning pass);
* the Model Openness Tool's class vs our MOF class (same rubric, different evidence: MOT grades
  components its contributors listed, links off the Hub included; we grade the Hub repo).

For each comparison it prints the counts, the agreement rate over the models both sides judged,
and every disagreement and every model we left undecided (unknown), with our reason.
"""

from __future__ import annotations

import csv
import json
import os
import sys
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from openness.report import Audit

DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "frameworks"
OSAID_EXPECTED = {"passed": "pass", "did_not_pass": "fail", "would_pass_if_license_changed": "fail"}
MOF_LABELS = {0: "Unclassified", 1: "Class I", 2: "Class II", 3: "Class III", None: "Unclassified"}


@dataclass
class Pair:
    model: str
    theirs: str
    ours: str
    reason: str
    agree: bool | None  # None: we gave no verdict


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def failing(audit: Audit, rubric: str) -> str:
    """The criteria of a rubric that are not met or unknown, with the first reason."""
    criteria = audit.rubrics.pass_fail()[rubric].criteria
    open_points = [c for c in criteria if c.status != "met"]
    if not open_points:
        return "every criterion met"
    ids = ", ".join(f"{c.id} {c.status}" for c in open_points)
    return f"{ids} ({open_points[0].reason})"


def licence_words(audit: Audit) -> str:
    osi = {True: "OSI-approved", False: "not OSI-approved", None: "OSI approval unknown"}
    return f"{audit.license.conclusion or 'licence unknown'}, {osi[audit.license.osi_approved]}"


def osi_licences(audits: dict[str, Audit], table: list[dict[str, str]]) -> list[Pair]:
    pairs = []
    for row in table:
        audit = audits.get(row["example_hf_repo_id"].lower())
        if row["verdict"] == "license_not_open_source" and audit:
            ours = audit.rubrics.pass_fail()["osd"].verdict
            reason = f"{licence_words(audit)}; {failing(audit, 'osd')}"
            agree = None if ours == "unknown" else ours == "fail"
            pairs.append(Pair(audit.model.id, "not open source", f"OSD {ours}", reason, agree))
    return pairs


def osi_validations(audits: dict[str, Audit], table: list[dict[str, str]]) -> list[Pair]:
    pairs = []
    for row in table:
        audit = audits.get(row["example_hf_repo_id"].lower())
        expected = OSAID_EXPECTED.get(row["verdict"])
        if audit and expected:
            ours = audit.rubrics.pass_fail()["osaid"].verdict
            agree = None if ours == "unknown" else ours == expected
            pairs.append(
                Pair(
                    audit.model.id, row["verdict"], f"OSAID {ours}", failing(audit, "osaid"), agree
                )
            )
    return pairs


def eu_licences(audits: dict[str, Audit], table: list[dict[str, str]]) -> list[Pair]:
    pairs = []
    for row in table:
        end, base = row["hf_repo_id_end"].lower(), row["hf_repo_id_base"].lower()
        same_maker = end.partition("/")[0] == base.partition("/")[0]
        audit = audits.get(end) or (audits.get(base) if same_maker else None)
        if not audit or not row["licenses"]:
            continue
        ours = audit.rubrics.pass_fail()["osd"].verdict
        agree = None if ours == "unknown" else (row["licenses"] == "open") == (ours == "pass")
        model = audit.model.id if audit.model.id.lower() == end else f"{audit.model.id} (base)"
        theirs = f"{row['licenses']} for {row['hf_repo_id_end']}"
        pairs.append(Pair(model, theirs, f"OSD {ours}", licence_words(audit), agree))
    return pairs


def mot_classes(audits: dict[str, Audit], table: list[dict[str, str]]) -> list[Pair]:
    pairs = []
    for row in table:
        audit = audits.get(row["hf_repo_id"].lower())
        if not audit:
            continue
        mof = audit.rubrics.mof
        theirs = MOF_LABELS[int(row["mot_class"])]
        unknown = sum(component.status == "unknown" for component in mof.components)
        reason = f"class III progress {mof.progress[3]:.0f}%, {unknown} components unknown"
        ours = MOF_LABELS[mof.class_]
        pairs.append(
            Pair(f"{audit.model.id} ({row['name']})", theirs, ours, reason, theirs == ours)
        )
    return pairs


def report(title: str, basis: str, pairs: list[Pair], missing: Iterable[str]) -> None:
    agree = sum(pair.agree is True for pair in pairs)
    disagree = sum(pair.agree is False for pair in pairs)
    undecided = sum(pair.agree is None for pair in pairs)
    judged = agree + disagree
    rate = f"{100 * agree / judged:.0f}% ({agree}/{judged})" if judged else "n/a"
    print(f"\n{title}\n  {basis}")
    print(f"  compared {len(pairs)}: agree {agree}, disagree {disagree}, we undecided {undecided}")
    print(f"  agreement where both judged: {rate}")
    if both_unclassified := sum(
        pair.agree is True and pair.ours == "Unclassified" for pair in pairs
    ):
        print(f"  of the agreements, both Unclassified: {both_unclassified}")
    if agree:
        print(f"  agreed: {', '.join(pair.model for pair in pairs if pair.agree is True)}")
    for label, wanted in (("disagreements", False), ("undecided (ours unknown)", None)):
        chosen = [pair for pair in pairs if pair.agree is wanted]
        if chosen:
            print(f"  {label}:")
        for pair in chosen:
            print(f"    {pair.model}: theirs {pair.theirs}; ours {pair.ours}; {pair.reason}")
    absent = sorted(set(missing))
    if absent:
        print(f"  not in the snapshot: {', '.join(absent)}")


def audit_snapshot() -> dict[str, Audit]:
    """Every snapshot model audited offline, keyed by lower-case repo id."""
    from openness.audit import audit_model
    from openness.data import packaged

    models = json.loads(packaged("snapshot.json").read_text(encoding="utf-8"))["models"]
    return {model.lower(): audit_model(model, offline=True) for model in sorted(models)}


def main(argv: list[str]) -> int:
    folder = Path(argv[1]) if len(argv) > 1 else DEFAULT
    if not folder.is_dir():
        print(f"skipped: {folder} not found (the shared frameworks corpus is absent)")
        return 0
    with tempfile.TemporaryDirectory() as empty:  # no cache: the snapshot alone
        os.environ.update(
            HF_HOME=empty, HF_HUB_CACHE=empty, OPENNESS_CACHE_DIR=empty, HF_HUB_OFFLINE="1"
        )
        audits = audit_snapshot()
    print(f"{len(audits)} snapshot models audited offline (no licence text, profiles only)")
    osi = rows(folder / "osi_validated.csv")
    eu = rows(folder / "eu_index_models.csv")
    mot = rows(folder / "mot_models.csv")

    def absent(table: list[dict[str, str]], key: Callable[[dict[str, str]], str]) -> list[str]:
        return [key(row) for row in table if key(row) and key(row).lower() not in audits]

    report(
        "OSI statements on licences vs our OSD verdict",
        "like-for-like: the Open Source Definition applied to the same licence",
        osi_licences(audits, osi),
        absent(
            [r for r in osi if r["verdict"] == "license_not_open_source"],
            lambda r: r["example_hf_repo_id"],
        ),
    )
    report(
        "OSI OSAID validations vs our OSAID verdict",
        "approximation: OSI judged whole systems against draft 0.0.8; a representative repo here;"
        " 'would pass if the licence changed' counts as fail",
        osi_validations(audits, osi),
        absent(
            [r for r in osi if r["verdict"] in OSAID_EXPECTED], lambda r: r["example_hf_repo_id"]
        ),
    )
    report(
        "EU Open Source AI Index licence grade vs our licence judgement",
        "approximation: their grade covers a family's newest model, weights, code and data;"
        " ours is the OSD verdict on the repo's licence (open = pass; partial counts as not open);"
        " the graded model, or its base by the same maker, must be in the snapshot",
        eu_licences(audits, eu),
        [],
    )
    report(
        "Model Openness Tool class vs our MOF class",
        "same rubric, different evidence: MOT grades the components its contributors listed;"
        " we grade what the Hub repo (here the snapshot) shows",
        mot_classes(audits, mot),
        [],
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
