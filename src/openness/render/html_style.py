"""The HTML report's one style sheet (narrow-screen and print layouts included) and the
Content-Security-Policy that allows exactly it, by its sha256, and nothing else."""

from __future__ import annotations

import base64
import hashlib

STYLE = """
:root{--met:#1a7f37;--met-bg:#dafbe1;--not:#b42318;--not-bg:#ffe4e1;--rev:#7a4b00;
--rev-bg:#fff1c2;--unk:#57606a;--unk-bg:#eceff2;--line:#d0d7de;--ink:#1f2328}
*{box-sizing:border-box}
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--ink);
margin:0 auto;padding:1rem;max-width:90rem;overflow-wrap:break-word}
h1{font-size:1.4rem;margin:.2rem 0 .6rem}h2{font-size:1.2rem;margin:2rem 0 .4rem;
border-bottom:2px solid var(--line)}h3{font-size:1rem;margin:1.2rem 0 .3rem}
a{color:#0550ae}
.meta,.note{color:#57606a;font-size:.9rem}
table{border-collapse:collapse;margin:.3rem 0}
th,td{border:1px solid var(--line);padding:.25rem .45rem;text-align:left;vertical-align:top}
th{background:#f6f8fa}
.scroll{overflow-x:auto;max-width:100%}
table.grid th.c{vertical-align:bottom;padding:.4rem .15rem;min-width:2rem}
table.grid th.c span{writing-mode:vertical-rl;transform:rotate(180deg);white-space:nowrap;
font-weight:600;font-size:.85rem}
table.grid th.m{position:sticky;left:0;z-index:1;max-width:16rem;background:#f6f8fa;
vertical-align:bottom}
table.grid th.m{overflow-wrap:anywhere;min-width:8rem}
table.grid td{padding:0;text-align:center;min-width:2rem}
table.grid td a{display:block;padding:.3rem .3rem;color:inherit;text-decoration:none;
font-size:.8rem;white-space:nowrap}
table.grid td a:hover,table.grid td a:focus{outline:2px solid #0550ae}
.met{background:var(--met-bg);color:var(--met)}
.not_met{background:var(--not-bg);color:var(--not)}
.needs_review{background:var(--rev-bg);color:var(--rev)}
.unknown{background:var(--unk-bg);color:var(--unk)}
.sym{font-weight:700}
.badge{display:inline-block;padding:0 .4rem;border-radius:.6rem;font-size:.85rem;
white-space:nowrap}
.legend span{margin-right:.8rem}
section.ev{border-left:4px solid var(--line);padding:.1rem .6rem;margin:.6rem 0}
section.ev:target{border-left-color:#0550ae;background:#f6f8fa}
q{quotes:none;font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:.85rem}
code{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:.85rem}
ul{padding-left:1.2rem}
@media (max-width:40rem){
body{padding:.5rem;font-size:14px}
table.ev,table.ev tbody,table.ev tr,table.ev td{display:block;width:100%}
table.ev thead{display:none}
table.ev tr{border:1px solid var(--line);margin:.3rem 0}
table.ev td{border:0}
table.grid th.m{max-width:9rem}
}
@media print{
@page{size:A4 landscape;margin:1cm}
body{max-width:none;padding:0;font-size:10pt}
*{-webkit-print-color-adjust:exact;print-color-adjust:exact}
.scroll{overflow:visible}
a{color:inherit;text-decoration:none}
table.grid th.m{position:static}
section.ev,tr{break-inside:avoid}
h2{break-before:page}h2.first{break-before:auto}
}
"""
_STYLE_HASH = base64.b64encode(hashlib.sha256(STYLE.encode("utf-8")).digest()).decode("ascii")
CSP = (
    f"default-src 'none'; style-src 'sha256-{_STYLE_HASH}'; img-src data:; "
    "base-uri 'none'; form-action 'none'"
)


def page(title: str, body: list[str]) -> str:
    """A whole self-contained page: `title` already escaped, `body` the markup of its parts."""
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n'
        '<meta name="referrer" content="no-referrer">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{title}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n"
        + "\n".join(body)
        + "\n</body></html>\n"
    )
