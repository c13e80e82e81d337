"""The five stance labels, their order and their accepted spellings. One place."""

from __future__ import annotations

import re

from .errors import LabelError

#: The labels in the order used everywhere (probability columns, reports, matrices).
LABELS: tuple[str, ...] = ("condemn", "support", "deny", "deescalate", "other")

#: Spellings users write in spreadsheets, mapped to the label. Compared after lowercasing
#: and collapsing spaces, hyphens and underscores. Anything else is rejected.
ALIASES: dict[str, str] = {
    "condemn": "condemn",
    "condemnation": "condemn",
    "condemns": "condemn",
    "condemned": "condemn",
    "criticism": "condemn",
    "criticise": "condemn",
    "criticize": "condemn",
    "support": "support",
    "supports": "support",
    "supportive": "support",
    "endorse": "support",
    "welcome": "support",
    "deny": "deny",
    "denial": "deny",
    "denies": "deny",
    "denied": "deny",
    "reject": "deny",
    "deescalate": "deescalate",
    "deescalation": "deescalate",
    "de escalate": "deescalate",
    "de escalation": "deescalate",
    "call for deescalation": "deescalate",
    "call for de escalation": "deescalate",
    "calls for deescalation": "deescalate",
    "calls for de escalation": "deescalate",
    "restraint": "deescalate",
    "other": "other",
    "none": "other",
    "neutral": "other",
}

_SPACES = re.compile(r"[\s_\-]+")


def normalize_label(value: str) -> str:
    """Return the canonical label for ``value`` or raise :class:`LabelError`.

    >>> normalize_label("De-escalate")
    'deescalate'
    """
    key = _SPACES.sub(" ", str(value).strip().lower()).strip()
    if key in ALIASES:
        return ALIASES[key]
    squashed = key.replace(" ", "")
    if squashed in ALIASES:
        return ALIASES[squashed]
    raise LabelError(
        f"unknown label {value!r}: use one of {', '.join(LABELS)} "
        "(aliases are listed in corpora/GUIDELINES.md)"
    )


def parse_labels(value: str, primary: str | None = None) -> tuple[str, ...]:
    """Parse a ``;``-separated label set; the primary label comes first, no repeats."""
    found: list[str] = []
    if primary:
        found.append(normalize_label(primary))
    for part in re.split(r"[;,|]", value or ""):
        if part.strip():
            label = normalize_label(part)
            if label not in found:
                found.append(label)
    return tuple(found)
