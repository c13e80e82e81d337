"""The stance classifier: the scikit-learn pipeline, predictions and their explanations.

A :class:`StanceModel` wraps a fitted pipeline (normalizer -> word and character TF-IDF ->
logistic regression). It predicts the primary label, the set of labels that apply, a
probability for each of the five labels, and explains a decision by the words and phrases
that pushed it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion, Pipeline

from .errors import EmptyStatementError, InputError
from .features import StatementNormalizer
from .labels import LABELS

#: A second label is listed in ``labels`` when its probability reaches this share of the
#: primary label's probability (and at least SECONDARY_MIN). These are fallbacks: training
#: chooses both on out-of-fold probabilities and records them in the manifest.
SECONDARY_RATIO = 0.5
SECONDARY_MIN = 0.2
#: Longest statement accepted (characters). A longer "statement" is a whole document
#: pasted by mistake; stance extract splits articles into statements first.
MAX_STATEMENT_CHARS = 20_000
#: A further label applies when its own binary model gives it at least this probability;
#: training chooses the value on out-of-fold predictions and records it in the manifest.
SET_THRESHOLD = 0.5
#: Feature kinds the training command can compare.
FEATURE_SETS = ("word", "char", "word+char", "word+char+minilm")


#: A word put before the statement when the speaker is an analyst, expert or journalist:
#: who speaks tells what the words do (an analyst describing "a pressure tactic" reports,
#: a minister saying it accuses). Learned from the corpus's speaker roles.
ANALYST_MARKER = "ANALYSTSPEAKS"


def model_input(text: str, speaker_kind: str = "") -> str:
    """The text the classifier reads for a statement by a speaker of ``speaker_kind``."""
    return f"{ANALYST_MARKER} {text}" if speaker_kind == "analyst" else text


class Prediction(NamedTuple):
    """One classified statement."""

    text: str
    label: str
    labels: tuple[str, ...]
    confidence: float
    probabilities: dict[str, float]


class Contribution(NamedTuple):
    """A word or phrase and how much it pushed a label (log-odds units)."""

    feature: str
    weight: float


class StanceClassifier(ClassifierMixin, BaseEstimator):
    """Primary label by multinomial logistic regression, plus one binary logistic regression
    per label for the set of labels that apply (a statement can condemn *and* call for
    restraint).

    ``y`` holds label sets as strings, primary first: ``"condemn;deescalate"``.
    """

    def __init__(self, C: float = 4.0, seed: int = 0) -> None:  # noqa: N803
        self.C = C
        self.seed = seed

    def _logistic(self) -> LogisticRegression:
        return LogisticRegression(
            C=self.C, max_iter=3000, class_weight="balanced", random_state=self.seed
        )

    def fit(self, X, y):  # noqa: N803
        sets = [str(v).split(";") for v in y]
        primary = np.array([s[0] for s in sets], dtype=object)
        self.primary_ = self._logistic().fit(X, primary)
        self.classes_ = self.primary_.classes_
        self.n_features_in_ = self.primary_.n_features_in_
        self.sets_ = []
        for label in self.classes_:
            target = np.array([label in s for s in sets], dtype=int)
            # A label that is always or never in a set has nothing to learn.
            fitted = self._logistic().fit(X, target) if 0 < target.sum() < len(target) else None
            self.sets_.append(fitted)
        return self

    @property
    def coef_(self) -> np.ndarray:
        return self.primary_.coef_

    def predict_proba(self, X):  # noqa: N803
        return self.primary_.predict_proba(X)

    def predict(self, X):  # noqa: N803
        return self.classes_[self.predict_proba(X).argmax(axis=1)]

    def set_proba(self, X) -> np.ndarray:  # noqa: N803
        """Probability that each label applies (columns in ``classes_`` order)."""
        columns = []
        for model in self.sets_:
            if model is None:
                columns.append(np.zeros(X.shape[0]))
            else:
                columns.append(model.predict_proba(X)[:, 1])
        return np.column_stack(columns)


def build_pipeline(
    features: str = "word+char",
    C: float = 4.0,  # noqa: N803 - scikit-learn's name
    mask_names: bool = True,
    mark_negation: bool = True,
    seed: int = 0,
    embedding_weight: float = 2.0,
) -> Pipeline:
    """The untrained pipeline. ``features`` is one of :data:`FEATURE_SETS`; ``minilm`` adds
    sentence embeddings (the ``embeddings`` extra) beside the n-grams."""
    if features not in FEATURE_SETS:
        raise InputError(f"unknown feature set {features!r}; use one of {', '.join(FEATURE_SETS)}")
    ngrams = []
    if "word" in features:
        ngrams.append(
            (
                "word",
                TfidfVectorizer(
                    token_pattern=r"\S+",
                    lowercase=False,
                    ngram_range=(1, 3),
                    min_df=2,
                    sublinear_tf=True,
                    max_features=200_000,
                ),
            )
        )
    if "char" in features:
        ngrams.append(
            (
                "char",
                TfidfVectorizer(
                    analyzer="char_wb",
                    ngram_range=(2, 5),
                    min_df=2,
                    sublinear_tf=True,
                    max_features=200_000,
                ),
            )
        )
    parts = [
        (
            "ngrams",
            Pipeline(
                [
                    (
                        "normalize",
                        StatementNormalizer(mark_negation=mark_negation, mask_names=mask_names),
                    ),
                    ("union", FeatureUnion(ngrams)),
                ]
            ),
        )
    ]
    if "minilm" in features:
        from .embeddings import SentenceEmbeddings

        parts.append(("minilm", SentenceEmbeddings(weight=embedding_weight)))
    return Pipeline(
        [
            ("features", FeatureUnion(parts)),
            ("classifier", StanceClassifier(C=C, seed=seed)),
        ]
    )


def requirements(features: str) -> list[str]:
    """Extras a feature set needs at prediction time."""
    return ["embeddings"] if "minilm" in features else []


def check_statement(text: object, where: str = "statement") -> str:
    """Validate one statement; return it stripped."""
    if not isinstance(text, str):
        raise InputError(f"{where}: expected text, got {type(text).__name__}")
    stripped = text.strip()
    if not stripped:
        raise EmptyStatementError(f"{where}: empty statement; give the words to classify")
    if len(stripped) > MAX_STATEMENT_CHARS:
        raise InputError(
            f"{where}: {len(stripped):,} characters is not one statement (limit "
            f"{MAX_STATEMENT_CHARS:,}); run `stance extract` on whole articles"
        )
    return stripped


def labels_from_probabilities(
    probs: Sequence[float], ratio: float = SECONDARY_RATIO, minimum: float = SECONDARY_MIN
) -> tuple[str, tuple[str, ...], float]:
    """Primary label, the labels that apply (primary first), and the confidence. A second
    label applies when its probability is at least ``minimum`` and ``ratio`` x the top one."""
    order = np.argsort(probs)[::-1]
    top = float(probs[order[0]])
    chosen = [LABELS[order[0]]]
    for idx in order[1:]:
        p = float(probs[idx])
        if p >= minimum and p >= ratio * top:
            chosen.append(LABELS[idx])
    return LABELS[order[0]], tuple(chosen), top


def label_set(
    probs: Sequence[float], set_probs: Sequence[float], threshold: float = 0.5
) -> tuple[str, tuple[str, ...], float]:
    """Primary label (highest probability), the labels that apply (primary first, then the
    others whose label-set probability reaches ``threshold``, most likely first), and the
    confidence."""
    top = int(np.argmax(probs))
    others = [i for i in np.argsort(set_probs)[::-1] if i != top and set_probs[i] >= threshold]
    return LABELS[top], (LABELS[top], *(LABELS[i] for i in others)), float(probs[top])


@dataclass
class StanceModel:
    """A fitted pipeline plus what is known about it (its manifest)."""

    pipeline: Pipeline
    manifest: dict = field(default_factory=dict)

    @property
    def version(self) -> str:
        return str(self.manifest.get("model_id", "unsaved"))

    def _probabilities(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray | None]:
        """Primary-label probabilities and label-set probabilities, in LABELS order."""
        features = self.pipeline[:-1].transform(list(texts))
        classifier = self.pipeline[-1]
        classes = list(classifier.classes_)
        # Columns in LABELS order whatever order the classifier learned them in.
        order = [classes.index(label) for label in LABELS]
        proba = classifier.predict_proba(features)[:, order]
        sets = (
            classifier.set_proba(features)[:, order] if hasattr(classifier, "set_proba") else None
        )
        return proba, sets

    def predict(self, texts: Iterable[str]) -> list[Prediction]:
        """Classify statements; raises on an empty or oversized statement."""
        items = [check_statement(t, f"statement {i + 1}") for i, t in enumerate(texts)]
        if not items:
            return []
        secondary = self.manifest.get("secondary_labels", {})
        threshold = secondary.get("set_threshold", SET_THRESHOLD)
        proba, sets = self._probabilities(items)
        adjustment = self.manifest.get("speaker_adjustment", {})
        factors = adjustment.get("analyst")
        if factors:
            # Analysts' statements: the label shift measured at training, and the confidence
            # needed before an analyst is said to take a stance (see training.py).
            weights = np.array([factors[lab] for lab in LABELS])
            threshold = adjustment.get("analyst_stance_threshold", 0.0)
            other = LABELS.index("other")
            for i, text in enumerate(items):
                if text.startswith(ANALYST_MARKER + " "):
                    adjusted = proba[i] * weights
                    adjusted = adjusted / adjusted.sum()
                    stance = np.delete(adjusted, other).max()
                    if threshold and stance < threshold:
                        # Below the threshold the analyst describes: `other` leads.
                        adjusted[other] = max(adjusted[other], stance + 1e-6)
                        adjusted = adjusted / adjusted.sum()
                    proba[i] = adjusted
        return [
            self._prediction(t, p, None if sets is None else sets[i], threshold)
            for i, (t, p) in enumerate(zip(items, proba))
        ]

    def predict_stream(self, texts: Iterable[str], batch_size: int = 4096) -> Iterator[Prediction]:
        """Classify a stream in batches of ``batch_size``: memory stays flat."""
        batch: list[str] = []
        for text in texts:
            batch.append(text)
            if len(batch) >= batch_size:
                yield from self.predict(batch)
                batch = []
        if batch:
            yield from self.predict(batch)

    @staticmethod
    def _prediction(
        text: str, probs: np.ndarray, set_probs: np.ndarray | None, threshold: float
    ) -> Prediction:
        if set_probs is None:
            label, labels, confidence = labels_from_probabilities(probs)
        else:
            label, labels, confidence = label_set(probs, set_probs, threshold)
        return Prediction(
            text=text,
            label=label,
            labels=labels,
            confidence=round(confidence, 4),
            probabilities={lab: round(float(p), 4) for lab, p in zip(LABELS, probs)},
        )

    def explain(self, text: str, top: int = 6) -> dict[str, list[Contribution]]:
        """For each label, the words and phrases of ``text`` that pushed it most.

        Contributions are TF-IDF value x coefficient of the word n-gram features (the
        character n-grams and sentence embeddings also vote but are not readable words, so
        they are left out here).
        """
        text = check_statement(text)
        ngrams: Pipeline = self.pipeline.named_steps["features"].transformer_list[0][1]
        classifier: LogisticRegression = self.pipeline.named_steps["classifier"]
        normalized = ngrams.named_steps["normalize"].transform([text])
        offset = 0
        word_vectorizer = None
        for name, transformer in ngrams.named_steps["union"].transformer_list:
            if name == "word":
                word_vectorizer = transformer
                break
            offset += len(transformer.vocabulary_)
        if word_vectorizer is None:
            return {label: [] for label in LABELS}
        row = word_vectorizer.transform(normalized).tocoo()
        names = word_vectorizer.get_feature_names_out()
        classes = list(classifier.classes_)
        result: dict[str, list[Contribution]] = {}
        for label in LABELS:
            coef = classifier.coef_[classes.index(label)]
            pairs = [
                Contribution(_readable(names[j]), float(v * coef[offset + j]))
                for j, v in zip(row.col, row.data)
            ]
            pairs = [p for p in pairs if p.weight > 0]
            pairs.sort(key=lambda c: -c.weight)
            result[label] = pairs[:top]
        return result


def _readable(feature: str) -> str:
    return feature.replace("_name_", "<name>").replace("_num_", "<number>")
