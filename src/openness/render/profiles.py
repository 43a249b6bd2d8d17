"""Renderers for the licence knowledge base (`openness licenses list|show`).

Profile text goes through the same guards as repo text: `inert` in tables, escaped in JSON.
"""

from __future__ import annotations

from io import StringIO

from rich.table import Table
from rich.text import Text

from openness.license.profiles import LicenseProfile
from openness.render import RenderOptions
from openness.render.layout import grid
from openness.render.terminal import console_into
from openness.render.untrusted import inert, json_document

_OSI = {True: "yes", False: "no", None: "?"}


def render_profiles_json(profiles: list[LicenseProfile], options: RenderOptions) -> str:
    return json_document([profile.model_dump(mode="json") for profile in profiles])


def render_profile_json(profile: LicenseProfile, options: RenderOptions) -> str:
    return json_document(profile.model_dump(mode="json"))


def render_profiles_table(profiles: list[LicenseProfile], options: RenderOptions) -> str:
    """All profiles, one row each; an id is never cut (stacked `field: value` lines when
    narrow)."""
    rows = []
    for profile in profiles:
        kinds = ", ".join(c.kind for c in profile.clauses)
        cells = (
            profile.id,
            profile.name,
            profile.kind,
            profile.spdx_id or "-",
            _OSI[profile.osi_approved],
            kinds if profile.clauses_profiled else "not profiled",
        )
        rows.append([Text(inert(cell)) for cell in cells])
    headers = ["id", "name", "kind", "SPDX", "OSI", "clauses"]
    buffer = StringIO()
    console_into(buffer, options).print(grid(headers, rows, options.width, 1), crop=False)
    return buffer.getvalue()


def render_profile_table(profile: LicenseProfile, options: RenderOptions) -> str:
    """One profile in full."""
    grid = Table.grid(padding=(0, 2))
    rows = [
        ("id", profile.id),
        ("name", profile.name),
        ("kind", profile.kind),
        ("licensor", profile.licensor or "-"),
        ("version", profile.version or "-"),
        ("Hub keywords", ", ".join(profile.hub_keywords) or "-"),
        ("SPDX id", profile.spdx_id or "-"),
        ("LicenseRef", profile.licenseref or "-"),
        ("OSI-approved", _OSI[profile.osi_approved]),
        ("incorporates", ", ".join(profile.incorporates) or "-"),
        ("summary", profile.summary),
    ]
    for label, value in rows:
        grid.add_row(Text(label, style="bold"), Text(inert(value)))
    buffer = StringIO()
    console = console_into(buffer, options)
    console.print(grid)
    if not profile.clauses_profiled:
        console.print(Text("clauses: not profiled (read the licence text)"))
    for clause in profile.clauses:
        console.print(Text.assemble((f"  {clause.kind}: ", "red"), inert(clause.summary)))
    return buffer.getvalue()
