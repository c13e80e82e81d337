"""The package's exceptions: one per kind of failure a user can fix.

The CLI turns each into a one-line message and a non-zero exit; library users catch
:class:`StanceError` or a subclass. Every message says what is wrong *and* what to do next.
"""

from __future__ import annotations


class StanceError(Exception):
    """Base class of every error stance raises on purpose."""


class InputError(StanceError):
    """A file, column, row or argument given by the user cannot be used."""


class EmptyStatementError(InputError):
    """A statement is empty or only whitespace."""


class CorpusError(InputError):
    """A labelled CSV (the corpus or a user's labels) is invalid."""


class LabelError(CorpusError):
    """A label that is neither one of the five labels nor a documented alias."""


class ModelError(StanceError):
    """A model file is missing, corrupted, foreign or from an incompatible version."""


class RegistryError(InputError):
    """The actor registry (shipped or a user's) is invalid."""


class ArticleError(InputError):
    """An article cannot be read: empty, binary, or without a usable date."""


class StoreError(StanceError):
    """The statement database cannot be opened or written."""


class PromotionError(StanceError):
    """A model cannot become the default (worse than the current one, other labels)."""
