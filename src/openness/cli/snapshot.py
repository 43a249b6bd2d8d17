"""`openness snapshot info`: what the bundled snapshot covers and where its facts come from."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from openness.cli.application import app
from openness.cli.common import deliver, format_option, report_renderer
from openness.render import OutputFormat

snapshot_app = typer.Typer(
    help="The bundled snapshot used for offline audits.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(snapshot_app, name="snapshot")


def snapshot_info() -> dict[str, Any]:
    """`{as_of, description, models: [{id, license, as_of, files_complete, inferred,
    sources}]}`; a model's `as_of` is the snapshot's (the date its facts were read from is not
    recorded, so they may be older)."""
    import json

    from openness.data import packaged
    from openness.sources.snapshot import as_of

    with packaged("snapshot.json").open(encoding="utf-8") as handle:
        data: dict[str, Any] = json.load(handle)
    models = [
        {
            "id": repo_id,
            "license": model.get("license_name") or model.get("license"),
            "as_of": as_of(),
            "files_complete": bool(model.get("files_complete", False)),
            "inferred": list(model.get("inferred") or []),
            "sources": [url for url in model.get("sources", []) if isinstance(url, str)],
        }
        for repo_id, model in sorted(data["models"].items(), key=lambda item: item[0].lower())
    ]
    return {"as_of": as_of(), "description": data.get("description", ""), "models": models}


@snapshot_app.command("info")
def snapshot_info_command(
    output_format: Annotated[OutputFormat, format_option("snapshot info")] = OutputFormat.table,
) -> None:
    """What the bundled snapshot covers: its date, each model's licence, sources and gaps."""
    render = report_renderer("snapshot info", output_format)
    deliver(render, snapshot_info(), None, 0)
