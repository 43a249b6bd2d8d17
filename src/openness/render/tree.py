"""`openness tree`: each audited model's family tree, the model first and its bases below it,
with each node's licence and the compatibility verdict of the edge to the model derived from it.

The tree is built from the audit's `lineage` entries (the edges are their `compatibility`
elements), so it says nothing an audit does not. A node reached twice (a merge of two fine-tunes
of one base) is shown in full once and marked `(see above)` after that; a cycle is cut.
"""

from __future__ import annotations

from io import StringIO
from typing import Any

from rich.text import Text

from openness.render import RenderOptions
from openness.render.terminal import console_into
from openness.render.untrusted import inert, json_document
from openness.report import Audit, EdgeCompatibility, LineageEntry, Report
from openness.rubrics.registry import registry

_VERDICT_STYLE = {"compatible": "green", "incompatible": "red", "unknown": "yellow"}
_RELATION = {
    "base": "derived from",
    "card": "per its card, from",
    "finetune": "fine-tune of",
    "adapter": "adapter of",
    "quantized": "quantisation of",
    "merge": "merge of",
}
_NOTICE_MARK = {"met": ("✔", "green"), "not_met": ("✘", "red"), "unknown": ("?", "yellow")}


class _Family:
    """The audit's lineage as parents per node (lowered ids)."""

    def __init__(self, audit: Audit) -> None:
        self.audit = audit
        self.entries = {entry.id.lower(): entry for entry in audit.lineage}
        self.parents: dict[str, list[tuple[LineageEntry, EdgeCompatibility]]] = {}
        for entry in audit.lineage:
            for edge in entry.compatibility:
                self.parents.setdefault(edge.child.lower(), []).append((entry, edge))

    def declared(self, key: str) -> list[str]:
        """The bases a node names, reached or not."""
        if key == self.audit.model.id.lower():
            found = [entry.id for entry, _ in self.parents.get(key, [])]
            return list(dict.fromkeys([*self.audit.model.base_models, *found]))
        entry = self.entries.get(key)
        return entry.parents if entry else []

    def node(self, key: str, path: tuple[str, ...], shown: set[str]) -> dict[str, Any]:
        """A node's parents, recursively; `path` cuts cycles, `shown` marks repeats."""
        parents = []
        reached = set()
        for entry, edge in self.parents.get(key, []):
            parent = entry.id.lower()
            reached.add(parent)
            item: dict[str, Any] = {
                "id": entry.id,
                "relation": entry.relation,
                "depth": entry.depth,
                "license": entry.license_conclusion,
                "osi_approved": entry.osi_approved,
                "compatibility": edge.model_dump(mode="json", exclude={"child"}),
            }
            if parent in path:
                item.update(parents=[], not_followed=[], repeated="cycle")
            elif parent in shown:
                item.update(parents=[], not_followed=[], repeated="see above")
            else:
                shown.add(parent)
                item.update(self.node(parent, (*path, parent), shown))
                item["repeated"] = None
            parents.append(item)
        missing = [base for base in self.declared(key) if base.lower() not in reached]
        return {"parents": parents, "not_followed": missing}


def tree_of(audit: Audit) -> dict[str, Any]:
    """The family tree of one audit, as JSON-ready data (the model is the root)."""
    root = audit.model.id.lower()
    verdicts: dict[str, str | None] = {
        rubric_id: rubric.label or rubric.verdict
        for rubric_id, rubric in audit.rubrics.pass_fail().items()
    }
    verdicts["mof"] = audit.rubrics.mof.label
    if audit.g7:
        verdicts["g7"] = audit.g7.label
    return {
        "id": audit.model.id,
        "source": audit.model.source,
        "license": audit.license.conclusion,
        "osi_approved": audit.license.osi_approved,
        "verdicts": verdicts,
        **_Family(audit).node(root, (root,), {root}),
        "notices": [notice.model_dump(mode="json") for notice in audit.notices],
        "warnings": [w for w in audit.warnings if "lineage" in w or "base model" in w],
    }


def render_tree_json(report: Report, options: RenderOptions) -> str:
    return json_document(
        {
            "schema_version": report.schema_version,
            "tool": report.tool.model_dump(mode="json"),
            "trees": [tree_of(audit) for audit in report.audits],
            "errors": [failure.model_dump(mode="json") for failure in report.errors],
        }
    )


def _licence(node: dict[str, Any]) -> str:
    osi = {True: "OSI-approved", False: "not OSI-approved", None: "OSI status unknown"}
    licence = node["license"] or "licence unknown"
    return f"{licence} ({osi[node['osi_approved']]})" if node["license"] else licence


def _lines(node: dict[str, Any], indent: str) -> list[Text]:
    lines: list[Text] = []
    items = [*node["parents"], *({"missing": base} for base in node["not_followed"])]
    for index, item in enumerate(items):
        last = index == len(items) - 1
        branch, below = ("└── ", "    ") if last else ("├── ", "│   ")
        line = Text(indent + branch)
        if "missing" in item:
            line.append(inert(item["missing"]), style="bold")
            line.append("  not followed (depth limit, or beyond the ancestors' cap)", "yellow")
            lines.append(line)
            continue
        edge = item["compatibility"]
        relation = item["relation"]
        line.append(f"{inert(_RELATION.get(relation, relation + ' of'))} ")
        line.append(inert(item["id"]), style="bold")
        line.append(f"  {inert(_licence(item))}  ")
        line.append(edge["verdict"], style=_VERDICT_STYLE[edge["verdict"]])
        if item["repeated"]:
            line.append(f"  ({item['repeated']})", style="dim")
        lines.append(line)
        where = ", ".join(inert(c["source"]) for c in edge["evidence"][:2])
        detail = Text(indent + below + "  ", style="dim")
        detail.append(inert(edge["reason"]) + (f" [{where}]" if where else ""))
        lines.append(detail)
        if not item["repeated"]:
            lines += _lines(item, indent + below)
    return lines


def _tree_view(audit: Audit) -> list[Text]:
    tree = tree_of(audit)
    head = Text.assemble(("● ", "bold"), (inert(tree["id"]), "bold"))
    head.append(f"  {inert(_licence(tree))}  ")
    shown = [
        f"{registry().short(key)} {value}"
        for key, value in tree["verdicts"].items()
        if key not in ("mof", "g7")
    ]
    shown += [f"MOF {tree['verdicts']['mof']}"]
    if "g7" in tree["verdicts"]:
        shown.append(f"G7 {tree['verdicts']['g7']}")
    head.append(inert(" · ".join(shown)), style="dim")
    lines = [head, *_lines(tree, "")]
    if not tree["parents"] and not tree["not_followed"]:
        lines.append(Text("    no base model declared", style="dim"))
    if audit.notices:
        lines.append(Text("Notices", style="bold underline"))
    for notice in audit.notices:
        mark, style = _NOTICE_MARK[notice.status]
        where = ", ".join(c.where() for c in notice.evidence[:2])
        line = Text(f" {mark} ", style=style)
        line.append(inert(f"{notice.id}: {notice.demand} (by {notice.required_by}): "))
        line.append(inert(notice.reason + (f" [{where}]" if where else "")), style="dim")
        lines.append(line)
    lines += [Text.assemble(("warning: ", "yellow"), inert(w)) for w in tree["warnings"]]
    return [*lines, Text("")]


def render_tree_table(report: Report, options: RenderOptions) -> str:
    buffer = StringIO()
    console = console_into(buffer, options)
    for audit in report.audits:
        for line in _tree_view(audit):
            console.print(line, soft_wrap=True)
    for failure in report.errors:
        console.print(
            Text.assemble(
                ("✘ ", "red"), (inert(failure.model), "bold"), " ", inert(failure.message)
            )
        )
    return buffer.getvalue()
