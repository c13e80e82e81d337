"""The tracker's main job: feed articles in, get statements stored, batch by batch.

``ingest`` reads articles (any format :mod:`stance.articles` reads), extracts, attributes
and classifies their statements, and stores them in batches, each batch one transaction.
Killing it at any moment loses at most the batch in flight; running it again skips what is
already stored and finishes the job.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable

from .actors import Registry, load_registry
from .articles import Article, ArticleProblem, read_articles
from .errors import ArticleError
from .pipeline import article_statements, classify_statements
from .store import IngestSummary, Store

BATCH_ARTICLES = 200


def ingest(
    paths: Iterable[str],
    store: Store,
    *,
    model=None,
    registry: Registry | None = None,
    date: str | None = None,
    batch_size: int = BATCH_ARTICLES,
    progress: Callable[[int], None] | None = None,
) -> IngestSummary:
    """Ingest articles from files or directories into ``store``; returns a summary."""
    if model is None:
        from . import default_model

        model = default_model()
    registry = registry or load_registry()
    summary = IngestSummary()
    batch: list[tuple[Article, list]] = []
    seen_in_batch: set[str] = set()

    def flush() -> None:
        if batch:
            # One model call for the whole batch: per-call overhead (input validation in
            # scikit-learn) would otherwise cost as much as classifying.
            everything = classify_statements([s for _, found in batch for s in found], model)
            classified, at = [], 0
            for article, found in batch:
                classified.append((article, everything[at : at + len(found)]))
                at += len(found)
            store.add_batch(classified, summary, model.version)
            if progress:
                progress(len(batch))
            batch.clear()
            seen_in_batch.clear()

    for path in paths:
        for item in read_articles(path, date=date):
            summary.articles_read += 1
            if isinstance(item, ArticleProblem):
                summary.articles_failed += 1
                summary.failures.append(item.message)
                continue
            sha = hashlib.sha1(item.text.encode("utf-8")).hexdigest()
            if sha in seen_in_batch or store.find_article(item.url, sha):
                summary.articles_duplicate += 1
                continue
            try:
                statements = article_statements(item, registry=registry, classify=False)
            except ArticleError as exc:
                summary.articles_failed += 1
                summary.failures.append(f"{path}: {exc}")
                continue
            seen_in_batch.add(sha)
            batch.append((item, statements))
            if len(batch) >= batch_size:
                flush()
    flush()
    return summary
