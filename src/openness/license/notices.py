"""Notices and permissive-washing: what the declared licence, and the ancestors' licences,
require the repo itself to carry.

- `licence-text`: the licence text accompanies copies (MIT, Apache-2.0, BSD, the AI licences);
- `copyright-notice`: a copyright notice is kept (permissive and copyleft licences);
- `notice-file`: a NOTICE file, when an ancestor's licence asks for one (the Llama, Gemma and
  Qwen notices) or an Apache-2.0 ancestor ships one;
- `licence-copy`: a copy of an ancestor's licence goes with the derivative;
- `credit`: an ancestor's credit line ("Built with Llama") shown in the card;
- `name-prefix`: the model's name begins as an ancestor's licence requires ("Llama").

Each is `met`, `not_met` or `unknown`, with evidence. `not_met` only when the file list is
complete and the file is absent, or the card (or file) was read and lacks the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePosixPath

from openness.license.analysis import LicenseAnalysis
from openness.license.compatibility import derivatives_of
from openness.license.names import Resolved
from openness.report import Citation, NoticeCheck, NoticeStatus
from openness.sources.evidence import Evidence
from openness.sources.files import CARD, is_license_file

_COPYRIGHT = re.compile(
    r"\bcopyright\s*(?:\(c\)|©)|\bcopyright\s+(?:\d{4}|\[yyyy\])|©\s*(?:\d{4}|[A-Z])",
    re.IGNORECASE,
)
_PLACEHOLDER = re.compile(r"\[yyyy\]|\[year\]|<year>|\{yyyy\}|\[name of|<copyright holders?>", re.I)
_NOTICE_FILE = re.compile(r"^notice", re.IGNORECASE)
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Ancestor:
    """An ancestor whose licence may demand something of this model."""

    repo_id: str
    evidence: Evidence | None
    analysis: LicenseAnalysis | None


def check_notices(
    evidence: Evidence, own: LicenseAnalysis, ancestors: list[Ancestor]
) -> list[NoticeCheck]:
    """The checks the model's own licence and its ancestors' licences call for."""
    checks: list[NoticeCheck] = []
    terms = derivatives_of(own.conclusion)
    if own.conclusion and terms:
        by = own.conclusion.id
        if terms.licence_text:
            checks.append(_licence_text(evidence, own, by, own.conclusion, "licence-text"))
        if terms.copyright_notice:
            checks.append(_copyright(evidence, by))
    seen: set[tuple[str, str]] = set()
    org = evidence.repo_id.split("/")[0].lower()
    for ancestor in ancestors:
        licence = ancestor.analysis.conclusion if ancestor.analysis else None
        terms = derivatives_of(licence)
        if licence is None or terms is None or ancestor.repo_id.split("/")[0].lower() == org:
            continue  # a publisher's own licence does not bind its own models
        by = f"{licence.id} ({ancestor.repo_id})"
        found = []
        if terms.licence_copy:
            found.append(_licence_text(evidence, own, by, licence, "licence-copy"))
        if terms.notice_file:
            found += _notice_file(evidence, ancestor, by, terms.notice)
        if terms.credit:
            found.append(_credit(evidence, by, terms.credit))
        if terms.name_prefix:
            found.append(_prefix(evidence, by, terms.name_prefix))
        for check in found:
            key = (check.id, check.demand)
            if key not in seen:
                seen.add(key)
                checks.append(check)
    return checks


def _check(
    id: str, by: str, demand: str, status: NoticeStatus, reason: str, evidence: list[Citation]
) -> NoticeCheck:
    return NoticeCheck(
        id=id,  # type: ignore[arg-type]
        required_by=by,
        demand=demand,
        status=status,
        reason=reason,
        evidence=evidence,
    )


def _complete(evidence: Evidence) -> bool:
    """The file list is the whole repo and every licence-like file in it was read."""
    return evidence.files is not None and evidence.files_complete is True and not evidence.unread


def _card_read(evidence: Evidence) -> bool:
    """The whole card was read (the snapshot holds only quoted lines)."""
    return evidence.source != "snapshot" and (evidence.card_text is not None or _complete(evidence))


def _names(evidence: Evidence, pattern: re.Pattern[str]) -> list[str]:
    listed = [f.path for f in evidence.files or []] + [t.path for t in evidence.texts]
    listed += list(evidence.named_files)
    return list(dict.fromkeys(p for p in listed if pattern.match(PurePosixPath(p).name)))


def _licence_text(
    evidence: Evidence, own: LicenseAnalysis, by: str, licence: Resolved, check_id: str
) -> NoticeCheck:
    """A licence file holding the licence's text (identified, or named by the snapshot)."""
    licence_id, name = licence.id, licence.name
    what = "the licence text" if check_id == "licence-text" else f"a copy of the {name}"
    demand = f"{what} shipped with the model"
    for file in own.report.files:
        if licence_id in (file.identified, *file.also) and file.match != "modified":
            quote = f"{file.path}: {licence_id} ({file.match})"
            return _check(
                check_id,
                by,
                demand,
                "met",
                f"{file.path} holds it",
                [Citation(source=file.path, line=1, quote=quote)],
            )
    own_id = own.conclusion.id if own.conclusion else None
    for path, name in evidence.named_files.items():
        if licence_id == own_id:
            return _check(
                check_id,
                by,
                demand,
                "met",
                f"{path} is named as {name} (inferred)",
                [Citation(source=path, quote=f"{path} named as {name}")],
            )
    if not _complete(evidence):
        return _check(check_id, by, demand, "unknown", _unknown_files(evidence, "licence file"), [])
    read = [file.path for file in own.report.files]
    unseen = [
        f.path for f in evidence.files or [] if is_license_file(f.path) and f.path not in read
    ]
    if unseen:
        return _check(
            check_id, by, demand, "unknown", f"{unseen[0]} is listed but its text was not read", []
        )
    if read:
        reason = (
            f"{', '.join(read[:3])} {'is' if len(read) == 1 else 'are'} not the {licence_id} text"
        )
        return _check(
            check_id,
            by,
            demand,
            "not_met",
            reason,
            [Citation(source=path, line=1) for path in read[:3]],
        )
    return _check(
        check_id,
        by,
        demand,
        "not_met",
        "the repo's complete file list has no licence file",
        [_listing(evidence)],
    )


def _unknown_files(evidence: Evidence, what: str) -> str:
    if evidence.source == "snapshot":
        return "the snapshot holds no licence text and only quoted lines of the card"
    if evidence.unread:
        return f"{evidence.unread[0].path} was not read ({evidence.unread[0].reason})"
    if evidence.files is None or evidence.files_complete is not True:
        return f"the file list is not complete, so a {what} may exist unseen"
    return f"no {what} identified"


def _copyright(evidence: Evidence, by: str) -> NoticeCheck:
    """A copyright line (not a template's placeholder) in a licence file, NOTICE or the card."""
    demand = "a copyright notice kept with the licence"
    texts = [(t.path, t.text) for t in evidence.texts]
    if evidence.card_text:
        texts.append((CARD, evidence.card_text))
    for path, text in texts:
        for number, line in enumerate(text.splitlines(), start=1):
            if _COPYRIGHT.search(line) and not _PLACEHOLDER.search(line):
                return _check(
                    "copyright-notice",
                    by,
                    demand,
                    "met",
                    f"{path} states one",
                    [Citation(source=path, line=number, quote=line.strip())],
                )
    if _complete(evidence) and _card_read(evidence):
        read = ", ".join(p for p, _ in texts) or "no text file"
        return _check(
            "copyright-notice",
            by,
            demand,
            "not_met",
            f"no copyright line in the licence files or the card ({read})",
            [Citation(source=p, line=1) for p, _ in texts][:3],
        )
    return _check(
        "copyright-notice",
        by,
        demand,
        "unknown",
        _unknown_files(evidence, "file with a copyright notice"),
        [],
    )


def _notice_file(
    evidence: Evidence, ancestor: Ancestor, by: str, notice: str | None
) -> list[NoticeCheck]:
    """The Notice file an ancestor's licence asks for; for Apache-2.0, only when it ships one."""
    if notice:
        demand = f'a Notice file stating "{notice}"'
    else:
        parent = ancestor.evidence
        shipped = _names(parent, _NOTICE_FILE) if parent else []
        if not shipped:
            if parent is not None and _complete(parent):
                return []  # no NOTICE to pass on
            why = f"whether {ancestor.repo_id} ships a NOTICE file is not known"
            return [_check("notice-file", by, "its NOTICE file passed on", "unknown", why, [])]
        demand = f"its NOTICE file ({shipped[0]}) passed on"
    mine = _names(evidence, _NOTICE_FILE)
    found = _stating(evidence, notice) if notice else None
    if found is None and mine:
        found = f"{mine[0]} is present", Citation(source=mine[0], quote=f"{mine[0]} listed")
    if found is not None:
        return [_check("notice-file", by, demand, "met", found[0], [found[1]])]
    if _complete(evidence):
        return [
            _check(
                "notice-file",
                by,
                demand,
                "not_met",
                "the repo's complete file list has no NOTICE file",
                [_listing(evidence)],
            )
        ]
    return [
        _check("notice-file", by, demand, "unknown", _unknown_files(evidence, "NOTICE file"), [])
    ]


def _listing(evidence: Evidence) -> Citation:
    return Citation(source="hub:siblings", quote=f"{len(evidence.files or [])} files listed")


def _squash(text: str) -> str:
    return _SPACE.sub(" ", text.replace("“", '"').replace("”", '"')).strip().lower()


def _credit(evidence: Evidence, by: str, credits: list[str]) -> NoticeCheck:
    """The ancestor's credit line shown in the card."""
    demand = " or ".join(f'"{credit}"' for credit in credits) + " displayed"
    card = evidence.card_text or ""
    for number, line in enumerate(card.splitlines(), start=1):
        if any(_squash(credit) in _squash(line) for credit in credits):
            return _check(
                "credit",
                by,
                demand,
                "met",
                "the card shows it",
                [Citation(source=CARD, line=number, quote=line.strip())],
            )
    if _card_read(evidence):
        said = "the card does not show it" if evidence.card_text else "the repo has no card"
        return _check(
            "credit",
            by,
            demand,
            "not_met",
            f"{said} (the licence also accepts a related website or documentation)",
            [Citation(source=CARD, quote="(no such line)")],
        )
    return _check("credit", by, demand, "unknown", "the whole card was not read", [])


def _prefix(evidence: Evidence, by: str, prefix: str) -> NoticeCheck:
    """The model's name (the repo name, without the organisation) begins with the prefix."""
    name = evidence.repo_id.rsplit("/", 1)[-1]
    demand = f'the model name begins with "{prefix}"'
    wanted = re.sub(r"[\s_-]+", "", prefix.lower())
    ok = re.sub(r"[\s_-]+", "", name.lower()).startswith(wanted)
    reason = f"{name} {'begins' if ok else 'does not begin'} with {prefix!r}"
    return _check(
        "name-prefix",
        by,
        demand,
        "met" if ok else "not_met",
        reason,
        [Citation(source="hub:id", quote=evidence.repo_id)],
    )


def _stating(evidence: Evidence, notice: str) -> tuple[str, Citation] | None:
    """The first line of a text read from the repo that states `notice`, cited."""
    wanted = _squash(notice)
    for text in evidence.texts:
        for number, line in enumerate(text.text.splitlines(), start=1):
            if wanted in _squash(line):
                return f"{text.path} states it", Citation(
                    source=text.path, line=number, quote=line.strip()
                )
    return None
