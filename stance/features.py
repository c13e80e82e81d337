"""Text features that capture how diplomats phrase a stance.

:class:`StatementNormalizer` rewrites a statement before n-gram extraction so that the
linear model sees the distinctions the label guidelines draw: negation scope ("did not
condemn" is not a condemnation), names abstracted away (a model that learns "Iran" means
condemn fails on the next crisis), numbers folded, typographic quotes unified.
"""

from __future__ import annotations

import re

from sklearn.base import BaseEstimator, TransformerMixin

from .extract import SPEECH_VERBS

_QUOTES = str.maketrans(
    {
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u2032": "'",
        "\u2013": "-",
        "\u2014": " - ",
    }
)
#: Names of places and arrangements that contain stance words but make no call ("the Idlib
#: de-escalation zone", "the ceasefire line"): folded into one token the model can weigh.
_ZONES = re.compile(
    r"\b(?:de-?escalation|ceasefire|cease-fire|buffer|demilitari[sz]ed|security|safe|no-fly)"
    r"[ -](?:zones?|lines?|areas?|corridors?)\b|\b(?:line|zone) of (?:contact|separation)\b",
    re.IGNORECASE,
)
_TOKEN = re.compile(r"[A-Za-z\u00c0-\u024f][\w'\-.]*[\w]|[A-Za-z]|\d[\d,.]*|[^\w\s]")
#: Words that open a negation scope over the next few words.
_NEGATORS = frozenset(
    {
        "not",
        "no",
        "never",
        "neither",
        "nor",
        "without",
        "cannot",
        "can't",
        "won't",
        "didn't",
        "don't",
        "doesn't",
        "isn't",
        "wasn't",
        "aren't",
        "weren't",
        "hasn't",
        "haven't",
        "hadn't",
        "wouldn't",
        "shouldn't",
        "nothing",
        "none",
    }
)
#: Verbs after which the following act is withheld ("declined to condemn").
_WITHHOLDERS = frozenset({"declined", "refused", "failed", "stopped", "avoided", "refrained"})
_SCOPE_END = frozenset({".", ",", ";", ":", "!", "?", '"', "but", "and", "while", "which"})
_NEG_WINDOW = 3
_ABBREVIATIONS = frozenset({"u.s.", "u.n.", "u.k.", "e.u.", "us", "uk", "un", "eu", "u.s"})


class StatementNormalizer(BaseEstimator, TransformerMixin):
    """Rewrite statements into token strings for the n-gram vectorizers.

    Parameters
    ----------
    mark_negation : bool
        Prefix words inside a negation scope with ``not_``.
    mask_names : bool
        Replace capitalised words (other than the first of the text) with ``_name_``, so the
        model learns the phrasing rather than who is speaking.
    mark_cue : bool
        Add the lemma of the first reporting verb outside quotation marks as a token.
    """

    def __init__(
        self, mark_negation: bool = True, mask_names: bool = True, mark_cue: bool = True
    ) -> None:
        self.mark_negation = mark_negation
        self.mask_names = mask_names
        self.mark_cue = mark_cue

    def fit(self, X, y=None):  # noqa: N803 - scikit-learn's naming
        self.n_features_in_ = 1
        return self

    def transform(self, X):  # noqa: N803
        return [self.normalize(text) for text in X]

    def normalize(self, text: str) -> str:
        text = _ZONES.sub(" zoneword ", str(text).translate(_QUOTES))
        tokens = _TOKEN.findall(text)
        out: list[str] = []
        scope = 0
        quoted = False
        cue = ""
        for position, token in enumerate(tokens):
            lower = token.lower()
            if token == '"':
                quoted = not quoted
            elif (
                not cue
                and not quoted
                and getattr(self, "mark_cue", False)
                and lower in SPEECH_VERBS
                and not (scope and self.mark_negation)
            ):
                # The reporting verb, as one token per verb whatever its form ("blamed",
                # "blaming" -> cue_blame): in a long reported sentence it is the strongest
                # sign of the act, and a lemma generalises across tenses.
                cue = "cue_" + SPEECH_VERBS[lower]
            if token[0].isdigit():
                out.append("_num_")
                scope = 0
                continue
            if (
                self.mask_names
                and position > 0
                and token[0].isupper()
                and lower not in _ABBREVIATIONS
                and not (position > 0 and tokens[position - 1] in {".", '"', "?", "!", ":"})
                and token not in {"I"}
            ):
                out.append("_name_")
                continue
            if lower in _SCOPE_END:
                scope = 0
                out.append(lower)
                continue
            if scope and self.mark_negation:
                out.append("not_" + lower)
                scope -= 1
            else:
                out.append(lower)
            if lower in _NEGATORS or lower.endswith("n't"):
                scope = _NEG_WINDOW
            elif lower in _WITHHOLDERS:
                # "stopped short of condemning", "declined to condemn": skip the filler word.
                scope = _NEG_WINDOW + 1
        if cue:
            out.append(cue)
        return " ".join(out)
