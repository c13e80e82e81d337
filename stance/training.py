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
from .model import StanceModel, build_pipeline, requirements

#: Fewest examples per label that training accepts.
MIN_PER_LABEL = 5
#: The shipped models, each chosen by grouped cross-validation (benchmarks/
#: compare_pipelines.py): ``default`` adds sentence embeddings (the ``embeddings`` extra) to
#: the n-grams; ``light`` is n-grams only, for installs without PyTorch and for speed.
PRESETS = {
    "default": {
        "features": "word+char+minilm",
        "C": 8.0,
        "embedding_weight": 2.0,
        "mask_names": True,
        "mark_negation": True,
    },
    "light": {"features": "word+char", "C": 1.0, "mask_names": True, "mark_negation": True},
}
DEFAULT_PARAMS = PRESETS["light"]


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
    texts = frame["text"].tolist()
    y = frame["label"].to_numpy()
    predicted = np.empty(len(frame), dtype=object)
    folds = np.empty(len(frame), dtype=int)
    # GroupKFold is deterministic given the group sizes; shuffle groups by seed for variety.
    splitter = GroupKFold(n_splits=n_splits, shuffle=True, random_state=seed)
    for fold, (train_idx, test_idx) in enumerate(splitter.split(texts, y, groups)):
        pipeline = build_pipeline(seed=seed, **params)
        pipeline.fit([texts[i] for i in train_idx], y[train_idx])
        predicted[test_idx] = pipeline.predict([texts[i] for i in test_idx])
        folds[test_idx] = fold
    metrics = classification_metrics(y.tolist(), predicted.tolist())
    metrics["n_splits"] = n_splits
    metrics["grouped_by"] = "event"
    return {"metrics": metrics, "predicted": predicted.tolist(), "fold": folds.tolist()}


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
    pipeline = build_pipeline(seed=seed, **params)
    pipeline.fit(frame["text"].tolist(), frame["label"].to_numpy())
    return StanceModel(pipeline=pipeline, manifest=manifest)
