"""Article -> attributed, classified statements: the stages joined.

``extract_spans`` (where and who) -> ``resolve_actor`` (for which state) -> the model (what
stance). Records are immutable; a generator over articles yields statements one by one so
the same code runs on one article or a stream of millions.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from datetime import date as Date

from .actors import Registry, load_registry, resolve_actor
from .articles import Article, parse_date
from .errors import ArticleError
from .extract import extract_spans
from .labels import LABELS
from .model import model_input


@dataclass(frozen=True)
class Statement:
    """One attributed statement of an article (and, once classified, its stance)."""

    id: str
    article_id: str
    date: str
    speaker: str
    speaker_role: str
    actor: str | None
    text: str
    quote: str | None
    cue: str
    start: int
    end: int
    evidence: dict
    label: str | None = None
    labels: tuple[str, ...] = ()
    confidence: float | None = None
    probabilities: dict | None = None

    def as_record(self) -> dict:
        """Flat dict for JSONL/CSV: the contract of ``stance extract``."""
        record = asdict(self)
        probabilities = record.pop("probabilities") or {}
        record["labels"] = list(self.labels)
        for label in LABELS:
            record[f"p_{label}"] = probabilities.get(label)
        return record


def statement_id(article_id: str, start: int, end: int, speaker: str) -> str:
    digest = hashlib.sha1(f"{article_id}|{start}|{end}|{speaker}".encode()).hexdigest()
    return digest[:16]


def attribute(article: Article, registry: Registry) -> Iterator[Statement]:
    """Statements of one article with speaker and actor, not yet classified."""
    if not article.text.strip():
        raise ArticleError(f"article {article.id}: empty text")
    on = Date.fromisoformat(article.date) if article.date else None
    resolved: list[tuple[str | None, dict]] = []
    resolved_spans: list = []
    for span in extract_spans(article.text, registry):
        if span.antecedent is not None and span.antecedent < len(resolved):
            actor, prior = resolved[span.antecedent]
            evidence_actor = {
                "rule": "coreference",
                "entry": prior.get("speaker", ""),
                "via": "analyst"
                if prior.get("speaker_kind") == "analyst"
                else prior.get("actor_rule", ""),
            }
        else:
            resolution = resolve_actor(span.speaker, span.speaker_role, on, registry)
            actor = resolution.actor
            evidence_actor = {"rule": resolution.rule, "entry": resolution.entry}
            if resolution.rule == "unresolved" and _is_institution(span.speaker):
                actor, evidence_actor = _institution_context(
                    article.text, span, resolved_spans, registry
                )
        kind = "analyst" if "analyst" in (evidence_actor["rule"], evidence_actor.get("via")) else ""
        evidence = {
            "speaker_kind": kind,
            "extraction": span.rule,
            "speaker_phrase": span.speaker_phrase,
            "cue": span.cue,
            "actor_rule": evidence_actor["rule"],
            "actor_entry": evidence_actor["entry"],
            "speaker": span.speaker,
        }
        resolved.append((actor, evidence))
        resolved_spans.append((span, actor))
        yield Statement(
            id=statement_id(article.id, span.start, span.end, span.speaker),
            article_id=article.id,
            date=article.date,
            speaker=span.speaker,
            speaker_role=span.speaker_role,
            actor=actor,
            text=span.text,
            quote=span.quote,
            cue=span.cue,
            start=span.start,
            end=span.end,
            evidence=evidence,
        )


#: Heads of speaker phrases that name a government body without saying whose
#: ("the Foreign Ministry", "the army"): their state comes from the context.
_INSTITUTION_HEADS = frozenset(
    """ministry government army military presidency spokesman spokeswoman spokesperson
    embassy office cabinet parliament authorities command forces palace council""".split()
)


def _is_institution(speaker: str) -> bool:
    words = speaker.lower().split()
    return (
        bool(words)
        and words[-1] in _INSTITUTION_HEADS
        and not any(
            w[:1].isupper()
            for w in speaker.split()[1:]
            if w.lower()
            not in {
                "foreign",
                "ministry",
                "defence",
                "defense",
                "army",
                "general",
                "command",
                "presidency",
                "office",
                "government",
                "interior",
            }
        )
    )


def _institution_context(text: str, span, earlier: list, registry: Registry):
    """The state of "the Foreign Ministry": named just before it in the sentence ("In
    Moscow, the Foreign Ministry said"), or the state of the previous statement of the same
    paragraph (a round-up paragraph about one country)."""
    at = text.find(span.speaker_phrase, span.start, span.end) if span.speaker_phrase else -1
    prefix = text[span.start : at] if at > span.start else ""
    if prefix:
        phrases = [p for p in registry.find_phrases(prefix) if registry.kind_of(p[2]) != "nonstate"]
        if phrases:
            return phrases[-1][2], {"rule": "context-place", "entry": phrases[-1][1]}
    paragraph_start = max(text.rfind("\n\n", 0, span.start), 0)
    before = text[paragraph_start : at if at > 0 else span.start]
    mentioned = [p for p in registry.find_phrases(before) if registry.kind_of(p[2]) != "nonstate"]
    if mentioned:
        return mentioned[-1][2], {"rule": "context-paragraph", "entry": mentioned[-1][1]}
    for prior, actor in reversed(earlier):
        if prior.start < paragraph_start:
            break
        if actor:
            return actor, {"rule": "context-paragraph", "entry": prior.speaker}
    return None, {"rule": "unresolved", "entry": ""}


def classify_statements(statements: list[Statement], model) -> list[Statement]:
    """Add the model's stance to statements (one batch call for speed)."""
    if not statements:
        return []
    from dataclasses import replace

    predictions = model.predict([classification_text(s) for s in statements])
    return [
        replace(
            s,
            label=p.label,
            labels=p.labels,
            confidence=p.confidence,
            probabilities=p.probabilities,
        )
        for s, p in zip(statements, predictions)
    ]


def classification_text(statement: Statement) -> str:
    """What the model reads: the statement's passage, capped to a reasonable length, with
    the speaker marker when an analyst speaks."""
    return model_input(statement.text[:4000], statement.evidence.get("speaker_kind", ""))


def article_statements(
    article: Article, *, registry: Registry | None = None, model=None, classify: bool = True
) -> list[Statement]:
    """Every statement of one article, attributed and (by default) classified."""
    registry = registry or load_registry()
    statements = list(attribute(article, registry))
    if classify:
        if model is None:
            from . import default_model

            model = default_model()
        statements = classify_statements(statements, model)
    return statements


def extract_statements(
    text: str,
    date: str | Date | None = None,
    *,
    article_id: str = "article",
    registry: Registry | None = None,
    model=None,
    classify: bool = True,
) -> list[Statement]:
    """Library entry point: statements of one article text."""
    iso = parse_date(date, f"article {article_id}") if date is not None else ""
    article = Article(id=article_id, date=iso, text=text)
    return article_statements(article, registry=registry, model=model, classify=classify)


def stream_statements(
    articles: Iterable[Article], *, registry: Registry | None = None, model=None
) -> Iterator[Statement]:
    """Statements of a stream of articles."""
    registry = registry or load_registry()
    for article in articles:
        yield from article_statements(article, registry=registry, model=model)
