"""What may stand before an intact licence text without changing it: a title, a line saying which
licence follows ("This model is released under the MIT License:"), a copyright line, a short
blank-line-separated note on where the files come from. Such a header grants, forbids and
conditions nothing; words that do (may, must, not, only, unless, ...) make it an added term.
"""

from __future__ import annotations

MAX_HEADER_WORDS = 60
# Words that give, withhold or condition a right: a header holding one adds terms.
OPERATIVE = frozenset(
    {
        *("may", "must", "shall", "should", "cannot", "not", "no", "nor", "never", "only"),
        *("solely", "except", "unless", "provided", "however", "additional", "additionally"),
        *("prohibited", "prohibit", "prohibits", "forbidden", "forbid", "restrict"),
        *("restricted", "restricts", "restriction", "restrictions", "limit", "limited"),
        *("limits", "noncommercial", "commercial", "research", "agree", "agrees", "accept"),
        *("accepts", "require", "requires", "required", "condition", "conditions"),
        *("revoke", "revoked", "terminate", "terminated"),
    }
)


def is_header(words: list[str]) -> bool:
    """Whether the words before a licence text (lower-case, as `identification_words` gives
    them) are only a header: short, and with no word that gives, withholds or conditions."""
    return len(words) <= MAX_HEADER_WORDS and OPERATIVE.isdisjoint(words)
