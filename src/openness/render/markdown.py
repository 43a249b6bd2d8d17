"""The audit as GitHub-flavoured Markdown, for a pull-request comment.

Every piece of text that comes from a repo (model ids, licence names, quotes, summaries,
warnings) goes through `markdown_escape`, so a model card cannot inject links, images, HTML,
table cells, math or @mentions into the comment.
"""

from __future__ import annotations

import re

from openness.render import RenderOptions
from openness.render.access import access_rows, describe_source
from openness.render.untrusted import one_line
from openness.report import Audit, Criterion, PolicyOutcome, Report, Rubric
from openness.rubrics.registry import registry
from openness.rubrics.status import STATUSES, VERDICTS

QUOTE_LIMIT = 160
TEXT_LIMIT = 600

# ASCII punctuation that means something to CommonMark, GFM or GitHub's math (`$`); a backslash
# before any ASCII punctuation is a valid escape, so the rendered text is unchanged.
_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+!|~$&])")
_SPACE = re.compile(r"\s+")
# GFM extended autolinks start at `scheme://` or `www.`: escaping their punctuation breaks them.
_SCHEME = re.compile(r"(?<=[A-Za-z0-9]):(?=//)")
_WWW = re.compile(r"(?i)(?<![A-Za-z0-9])(www)\.")
# GitHub turns `@user`, `@org/team` and `user@host` into mentions or mail links after Markdown is
# rendered, so a backslash does not help: a zero-width space, written as an entity, does.
_MENTION = re.compile(r"@(?=[A-Za-z0-9])")
_ZERO_WIDTH = "&#8203;"
_TONE_MARK = {"good": "✅", "bad": "❌", "review": "🔎", "doubt": "❔"}
_OSI = {True: "yes", False: "no", None: "unknown"}


def truncate(text: str, limit: int) -> str:
    """At most `limit` characters, an ellipsis marking a cut."""
    return text if len(text) <= limit else text[: max(limit - 1, 0)].rstrip() + "…"


def markdown_escape(text: object, limit: int | None = None) -> str:
    """Untrusted text made inert on one Markdown line or inside a table cell.

    The text is put on one line (`one_line`: hidden characters shown as escapes), whitespace is
    collapsed to single spaces, the text is cut to `limit` characters, Markdown and HTML
    punctuation is backslash-escaped, autolinks are broken and @mentions neutralised.
    """
    flat = _SPACE.sub(" ", one_line(text)).strip()
    if limit is not None:
        flat = truncate(flat, limit)
    escaped = _SPECIAL.sub(r"\\\1", flat)
    escaped = _WWW.sub(r"\1\\.", _SCHEME.sub(r"\\:", escaped))
    return _MENTION.sub("@" + _ZERO_WIDTH, escaped)


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines


def _license(audit: Audit) -> list[str]:
    license = audit.license
    rows = [["Declared", markdown_escape(license.declared or "none", TEXT_LIMIT)]]
    if license.declared_name or license.declared_link:
        rows.append(
            [
                "Declared name / link",
                markdown_escape(
                    f"{license.declared_name or '-'} / {license.declared_link or '-'}", TEXT_LIMIT
                ),
            ]
        )
    for file in license.files:
        found = file.identified or "unrecognised"
        extra = f" + {', '.join(file.also)}" if file.also else ""
        rows.append(
            [
                markdown_escape(file.path, TEXT_LIMIT),
                markdown_escape(f"{found}{extra} ({file.match}, {file.confidence:.2f})"),
            ]
        )
    conclusion = license.conclusion or "unknown"
    if license.spdx_id and license.spdx_id != license.conclusion:
        conclusion += f" (SPDX: {license.spdx_id})"
    rows.append(["**Conclusion**", f"**{markdown_escape(conclusion, TEXT_LIMIT)}**"])
    rows.append(["OSI-approved", _OSI[license.osi_approved]])
    rows += [["⚠️ Conflict", markdown_escape(c, TEXT_LIMIT)] for c in license.conflicts]
    return ["#### Licence", "", *_table(["", ""], rows)]


def _clauses(audit: Audit) -> list[str]:
    if not audit.clauses:
        return ["#### Restrictive clauses", "", "None found."]
    rows = []
    for clause in audit.clauses:
        kind = markdown_escape(clause.kind)
        if clause.inherited_from:
            kind += f" (from {markdown_escape(clause.inherited_from)})"
        rows.append(
            [
                kind,
                markdown_escape(clause.evidence.where(), TEXT_LIMIT),
                markdown_escape(clause.evidence.quote, QUOTE_LIMIT),
            ]
        )
    return ["#### Restrictive clauses", "", *_table(["Kind", "Evidence", "Quote"], rows)]


def _notes(audit: Audit) -> list[str]:
    """Conditional clauses (with their quoted condition), the access gate, the sources."""
    lines = []
    for clause in audit.conditional_clauses:
        condition = markdown_escape(clause.condition or "a condition is met", QUOTE_LIMIT)
        lines.append(
            f"- Note: {markdown_escape(clause.kind)} applies only if {condition} "
            f"({markdown_escape(clause.evidence.where(), TEXT_LIMIT)})"
        )
    if audit.access is not None:
        rows = [
            [markdown_escape(k), markdown_escape(v, TEXT_LIMIT)]
            for k, v in access_rows(audit.access)
        ]
        lines += ["", "#### Access", "", *_table(["", ""], rows)]
    if audit.model.sources:
        lines += ["", "#### Sources", ""]
        lines += [
            f"- {markdown_escape(describe_source(s), TEXT_LIMIT)}" for s in audit.model.sources
        ]
    return lines


def _criterion(criterion: Criterion) -> str:
    cites = f" ({markdown_escape(criterion.cites)})" if criterion.cites else ""
    return (
        f"{markdown_escape(criterion.id)} {markdown_escape(criterion.title)}{cites}: "
        f"{markdown_escape(criterion.reason, TEXT_LIMIT)}"
    )


def _rubric(name: str, rubric: Rubric) -> list[str]:
    mark = _TONE_MARK[VERDICTS[rubric.verdict].tone]
    verdict = markdown_escape(rubric.label or rubric.verdict)
    lines = [f"- **{markdown_escape(name)}**: {mark} {verdict}"]
    for status, meaning in STATUSES.items():
        if meaning.tone != "good":
            lines += [
                f"  - {meaning.label}: {_criterion(c)}"
                for c in rubric.criteria
                if c.status == status
            ]
    lines += [f"  - Note: {markdown_escape(note, TEXT_LIMIT)}" for note in rubric.notes]
    return lines


def _g7(audit: Audit) -> list[str]:
    """The G7 openness label and the conditions that decided it, with their evidence."""
    if audit.g7 is None:
        return []
    g7 = audit.g7
    perhaps = f" (perhaps {markdown_escape(g7.could_be[-1])})" if g7.could_be else ""
    lines = [f"- **G7 label**: {markdown_escape(g7.label)}{perhaps}"]
    for condition in g7.conditions:
        where = ", ".join(markdown_escape(c.where()) for c in condition.evidence[:2])
        lines.append(
            f"  - {markdown_escape(condition.title)}: {_OSI[condition.value]}, "
            f"{markdown_escape(condition.reason, TEXT_LIMIT)}" + (f" ({where})" if where else "")
        )
    return lines


def _rubrics(audit: Audit) -> list[str]:
    lines = ["#### Openness", ""]
    for rubric_id, rubric in audit.rubrics.pass_fail().items():
        lines += _rubric(registry().short(rubric_id), rubric)
    mof = audit.rubrics.mof
    grade = f"Class {mof.class_}" if mof.class_ is not None else "no class"
    progress = ", ".join(f"class {k}: {v:.0f}%" for k, v in sorted(mof.progress.items()))
    lines.append(f"- **MOF**: {markdown_escape(mof.label)} ({grade}; progress {progress})")
    return lines + _g7(audit)


def _audit(audit: Audit) -> list[str]:
    model = audit.model
    gated = "unknown" if model.gated is None else (model.gated or "no")
    lines = [
        f"### {markdown_escape(model.id, TEXT_LIMIT)}",
        "",
        f"Source: {markdown_escape(audit.model.provenance())} · revision: "
        f"{markdown_escape(model.revision or 'unknown')} · gated: {markdown_escape(gated)}",
        "",
        f"**Summary:** {markdown_escape(audit.summary, 2 * TEXT_LIMIT)}",
        "",
        *_license(audit),
        "",
        *_clauses(audit),
        *_notes(audit),
        "",
        *_rubrics(audit),
    ]
    if audit.lineage:
        lines += ["", "#### Lineage", ""]
        for entry in audit.lineage:
            osi = _OSI[entry.osi_approved]
            lines.append(
                f"- {markdown_escape(entry.relation)} (depth {entry.depth}): "
                f"{markdown_escape(entry.id, TEXT_LIMIT)}, licence "
                f"{markdown_escape(entry.license_conclusion or 'unknown')}, OSI-approved {osi}"
            )
            for edge in entry.compatibility:
                where = ", ".join(markdown_escape(c.where()) for c in edge.evidence[:2])
                lines.append(
                    f"  - {markdown_escape(edge.child, TEXT_LIMIT)} → this: **{edge.verdict}**: "
                    f"{markdown_escape(edge.reason, TEXT_LIMIT)}" + (f" ({where})" if where else "")
                )
    if audit.notices:
        lines += ["", "#### Notices", ""]
        for notice in audit.notices:
            where = ", ".join(markdown_escape(c.where()) for c in notice.evidence[:2])
            lines.append(
                f"- {markdown_escape(notice.id)}: {markdown_escape(notice.demand, TEXT_LIMIT)} "
                f"(required by {markdown_escape(notice.required_by)}): "
                f"**{notice.status.replace('_', ' ')}**, "
                f"{markdown_escape(notice.reason, TEXT_LIMIT)}" + (f" ({where})" if where else "")
            )
    if audit.warnings:
        lines += ["", "#### Warnings", ""]
        lines += [f"- {markdown_escape(warning, TEXT_LIMIT)}" for warning in audit.warnings]
    return lines


def _policy(outcome: PolicyOutcome) -> list[str]:
    """The gate's verdict first: what failed, by which rule, with which evidence."""
    verdict = {"passed": "passed ✅", "failed": "failed ❌", "incomplete": "incomplete ⚠️"}[
        outcome.status
    ]
    lines = [f"### Policy {markdown_escape(outcome.source)}: {verdict}", ""]
    for result in outcome.results:
        mark = "✅" if result.passed else "❌"
        waived = (
            f" (waived: {markdown_escape(result.waived_by, TEXT_LIMIT)})"
            if result.waived_by
            else ""
        )
        lines.append(f"- {mark} **{markdown_escape(result.model)}**{waived}")
        for violation in result.violations:
            where = ", ".join(
                dict.fromkeys(markdown_escape(c.where()) for c in violation.evidence[:5])
            )
            lines.append(
                f"  - {violation.severity}: `{violation.rule}` "
                f"{markdown_escape(violation.message, TEXT_LIMIT)}"
                + (f" ({where})" if where else "")
            )
    return [*lines, ""]


def render_markdown(report: Report, options: RenderOptions) -> str:
    """The report as Markdown for a PR comment (`options` is unused: Markdown has no width)."""
    lines = [f"## Openness audit ({markdown_escape(report.tool.version)})", ""]
    if report.policy:
        lines += _policy(report.policy)
    if not report.audits:
        lines += ["No model was audited.", ""]
    for audit in report.audits:
        lines += [*_audit(audit), ""]
    if report.errors:
        lines += ["### Not audited", ""]
        lines += [
            f"- {markdown_escape(failure.model, TEXT_LIMIT)} (exit {failure.exit_code}): "
            f"{markdown_escape(failure.message, TEXT_LIMIT)}"
            for failure in report.errors
        ]
        lines.append("")
    return "\n".join(lines)
