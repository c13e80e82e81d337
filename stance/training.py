"""Training and grouped cross-validation of the stance classifier.

Cross-validation is grouped by ``event`` (the crisis): no crisis is in both a training and a
test fold, so the figures estimate how the model does on a crisis it has never seen, which
is what users meet. Rows without an event form one group each.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

import numpy as np
import pandas as pd
from sklearn.model_selection import GroupKFold

from .corpus import check_label_counts, file_sha256
from .evaluation import classification_metrics
from .labels import LABELS
from .model import (
    ANALYST_MARKER,
    StanceModel,
    build_pipeline,
    label_set,
    model_input,
    requirements,
)

#: Fewest examples per label that training accepts.
MIN_PER_LABEL = 5
#: The shipped models, each chosen by grouped cross-validation on the corpus
#: (benchmarks/compare_pipelines.py): ``default`` adds sentence embeddings (the
#: ``embeddings`` extra) to the n-grams; ``light`` is n-grams only, for installs without
#: PyTorch and for speed.
PRESETS = {
    "default": {
        "features": "word+char+minilm",
        "C": 4.0,
        "embedding_weight": 1.0,
        "mask_names": True,
        "mark_negation": True,
    },
    "light": {"features": "word+char", "C": 1.0, "mask_names": True, "mark_negation": True},
}
DEFAULT_PARAMS = PRESETS["light"]


def training_inputs(frame: pd.DataFrame) -> list[str]:
    """Texts as the classifier reads them: analysts' statements carry the speaker marker
    (when the data says who spoke: columns actor, speaker, speaker_role)."""
    from .actors import ANALYST_MARKERS

    if "speaker_role" not in frame or "actor" not in frame:
        return frame["text"].tolist()
    inputs = []
    for text, actor, speaker, role in zip(
        frame["text"],
        frame["actor"].fillna(""),
        frame.get("speaker", pd.Series([""] * len(frame))).fillna(""),
        frame["speaker_role"].fillna(""),
    ):
        words = {w.lower().strip(",.") for w in f"{speaker} {role}".split()}
        kind = "analyst" if not str(actor).strip() and words & ANALYST_MARKERS else ""
        inputs.append(model_input(text, kind))
    return inputs


def groups_of(frame: pd.DataFrame) -> np.ndarray:
    events = frame["event"].fillna("").astype(str) if "event" in frame else None
    if events is None:
        return np.arange(len(frame))
    return np.array([e if e.strip() else f"_row{i}" for i, e in enumerate(events)], dtype=object)


def grouped_cross_validation(
    frame: pd.DataFrame, n_splits: int = 5, seed: int = 0, **params
) -> dict:
    """Out-of-fold metrics with folds grouped by event; returns metrics and predictions."""
    params = {**DEFAULT_PARAMS, **params}
    groups = groups_of(frame)
    n_groups = len(set(groups))
    n_splits = max(2, min(n_splits, n_groups))
    texts = training_inputs(frame)
    y = frame["label"].to_numpy()
    predicted = np.empty(len(frame), dtype=object)
    probabilities = np.zeros((len(frame), len(LABELS)))
    set_probabilities = np.zeros((len(frame), len(LABELS)))
    fit_targets = label_set_targets(frame)
    folds = np.empty(len(frame), dtype=int)
    # GroupKFold is deterministic given the group sizes; shuffle groups by seed for variety.
    splitter = GroupKFold(n_splits=n_splits, shuffle=True, random_state=seed)
    for fold, (train_idx, test_idx) in enumerate(splitter.split(texts, y, groups)):
        pipeline = build_pipeline(seed=seed, **params)
        pipeline.fit([texts[i] for i in train_idx], fit_targets[train_idx])
        features = pipeline[:-1].transform([texts[i] for i in test_idx])
        classifier = pipeline[-1]
        order = [list(classifier.classes_).index(label) for label in LABELS]
        probabilities[test_idx] = classifier.predict_proba(features)[:, order]
        set_probabilities[test_idx] = classifier.set_proba(features)[:, order]
        predicted[test_idx] = [LABELS[k] for k in probabilities[test_idx].argmax(axis=1)]
        folds[test_idx] = fold
    metrics = classification_metrics(y.tolist(), predicted.tolist())
    metrics["n_splits"] = n_splits
    metrics["grouped_by"] = "event"
    return {
        "metrics": metrics,
        "predicted": predicted.tolist(),
        "probabilities": probabilities,
        "set_probabilities": set_probabilities,
        "fold": folds.tolist(),
    }


def speaker_adjustment(inputs: list[str], labels, probabilities: np.ndarray) -> dict:
    """Per-label factors that bring the model's out-of-fold probabilities for analysts'
    statements to the label distribution annotated for them (a label-shift correction,
    add-one smoothed): analysts mostly describe, so their words count less as a stance."""
    rows = [i for i, text in enumerate(inputs) if text.startswith(ANALYST_MARKER + " ")]
    if len(rows) < 20:
        return {}
    observed = np.array([sum(labels.iloc[i] == lab for i in rows) + 1 for lab in LABELS], float)
    observed /= observed.sum()
    predicted = probabilities[rows].mean(axis=0) + 1e-6
    predicted /= predicted.sum()
    factors = observed / predicted
    # How sure the model must be before an analyst is said to take a stance rather than
    # describe (`other`): the threshold that labels the analysts' rows best out of fold.
    other = LABELS.index("other")
    adjusted = probabilities[rows] * factors
    adjusted /= adjusted.sum(axis=1, keepdims=True)
    truth = [labels.iloc[i] for i in rows]
    scores = {}
    for threshold in (0.0, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9):
        hits = 0
        for probs, gold in zip(adjusted, truth):
            stance_p, stance_k = max((p, k) for k, p in enumerate(probs) if k != other)
            if threshold == 0.0:
                guess = LABELS[int(np.argmax(probs))]
            else:
                guess = LABELS[stance_k] if stance_p >= threshold else "other"
            hits += guess == gold
        scores[threshold] = hits / len(rows)
    # The guidelines say analysts mostly describe: among thresholds within one point of the
    # best accuracy, take the most demanding one.
    top = max(scores.values())
    chosen = max(t for t, score in scores.items() if score >= top - 0.01)
    best = (round(scores[chosen] * len(rows)), chosen)
    return {
        "analyst": {lab: round(float(f), 4) for lab, f in zip(LABELS, factors)},
        "analyst_stance_threshold": best[1],
        "analyst_accuracy_out_of_fold": round(best[0] / len(rows), 4),
        "n_analyst": len(rows),
    }


def label_set_targets(frame: pd.DataFrame) -> np.ndarray:
    """What the classifier fits: label sets as "primary;other" strings."""
    if "labels" not in frame:
        return frame["label"].to_numpy(dtype=object)
    targets = []
    for label, labels in zip(frame["label"], frame["labels"].fillna("")):
        rest = [x for x in str(labels).strip(";").split(";") if x and x != label]
        targets.append(";".join([label, *rest]))
    return np.array(targets, dtype=object)


def choose_set_threshold(
    probabilities: np.ndarray, set_probabilities: np.ndarray, label_sets: list[set[str]]
) -> dict:
    """The label-set threshold whose predicted sets are closest (mean Jaccard) to the
    annotated ``labels`` on out-of-fold predictions."""
    best = (-1.0, 0.5)
    for threshold in (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9):
        score = 0.0
        for probs, sets, gold in zip(probabilities, set_probabilities, label_sets):
            chosen = set(label_set(probs, sets, threshold)[1])
            score += len(chosen & gold) / len(chosen | gold)
        score /= max(len(label_sets), 1)
        if score > best[0] + 1e-9:
            best = (score, threshold)
    return {"set_threshold": best[1], "mean_jaccard": round(best[0], 4)}


def train_model(
    frame: pd.DataFrame,
    *,
    sources: Sequence[str] = (),
    seed: int = 0,
    cv_splits: int = 5,
    cross_validate: bool = True,
    **params,
) -> StanceModel:
    """Validate, cross-validate (grouped by event) and fit on all rows."""
    check_label_counts(frame, MIN_PER_LABEL, "training data")
    params = {**DEFAULT_PARAMS, **params}
    manifest: dict = {
        "trained_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "requires": requirements(params["features"]),
        "seed": seed,
        "params": params,
        "n_statements": int(len(frame)),
        "label_counts": {lab: int((frame["label"] == lab).sum()) for lab in LABELS},
        "n_events": int(frame["event"].replace("", np.nan).nunique()) if "event" in frame else 0,
        "sources": [{"path": str(s), "sha256": file_sha256(s)} for s in sources],
    }
    if cross_validate:
        cv = grouped_cross_validation(frame, n_splits=cv_splits, seed=seed, **params)
        manifest["cv_metrics"] = cv["metrics"]
        adjustment = speaker_adjustment(training_inputs(frame), frame["label"], cv["probabilities"])
        if adjustment:
            manifest["speaker_adjustment"] = adjustment
        if "labels" in frame:
            sets = [set(str(v).strip(";").split(";")) for v in frame["labels"]]
            manifest["secondary_labels"] = choose_set_threshold(
                cv["probabilities"], cv["set_probabilities"], sets
            )
    pipeline = build_pipeline(seed=seed, **params)
    pipeline.fit(training_inputs(frame), label_set_targets(frame))
    return StanceModel(pipeline=pipeline, manifest=manifest)
