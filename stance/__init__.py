"""stance: who condemned, supported, denied or called for de-escalation, per state and day.

The pipeline, one module per stage::

    articles.py  -> extract.py  -> actors.py  -> model.py  -> store.py  -> report.py
    read            statements     attribute     classify     track         weekly CSV

Library entry points: :func:`classify`, :func:`extract`, :func:`load_model`.
"""

from __future__ import annotations

from collections.abc import Iterable

__version__ = "0.1.0"

_DEFAULT_MODEL = None


def default_model():
    """The shipped model, loaded once per process."""
    global _DEFAULT_MODEL
    if _DEFAULT_MODEL is None:
        from .persistence import load_model

        _DEFAULT_MODEL = load_model()
    return _DEFAULT_MODEL


def classify(texts: str | Iterable[str], model=None):
    """Classify one statement or many; returns :class:`stance.model.Prediction` objects.

    >>> classify("Iran criticized the offensive.")[0].label  # doctest: +SKIP
    'condemn'
    """
    if isinstance(texts, str):
        texts = [texts]
    return (model or default_model()).predict(texts)


def load_model(name_or_path=None):
    """Load a model by name (``default``) or directory path, checking its manifest."""
    from .persistence import load_model as _load

    return _load(name_or_path)


def extract(text: str, date=None, **kwargs):
    """Statements of an article, attributed and classified (see :mod:`stance.pipeline`)."""
    from .pipeline import extract_statements

    return extract_statements(text, date=date, **kwargs)


__all__ = ["classify", "extract", "load_model", "default_model", "__version__"]
