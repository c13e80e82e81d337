"""Choose the pipeline by measurement: feature sets x regularisation.

    python benchmarks/compare_pipelines.py

For each candidate: macro-F1 of grouped cross-validation on the corpus (folds by crisis),
macro-F1 on the real dev statements (never trained on), and classification throughput.
"""

from __future__ import annotations

import time

from common import CORPUS, real_dev_frame

from stance.corpus import read_labelled_csv
from stance.evaluation import classification_metrics
from stance.model import StanceModel, build_pipeline
from stance.training import grouped_cross_validation

CANDIDATES = [
    {"features": "word", "C": 4.0, "mask_names": True, "mark_negation": True},
    {"features": "char", "C": 4.0, "mask_names": True, "mark_negation": True},
    {"features": "word+char", "C": 1.0, "mask_names": True, "mark_negation": True},
    {"features": "word+char", "C": 4.0, "mask_names": True, "mark_negation": True},
    {"features": "word+char", "C": 16.0, "mask_names": True, "mark_negation": True},
    {"features": "word+char", "C": 4.0, "mask_names": False, "mark_negation": True},
    {"features": "word+char", "C": 4.0, "mask_names": True, "mark_negation": False},
]
# With the embeddings extra: n-grams + sentence embeddings, C x embedding weight.
EMBEDDING_CANDIDATES = [
    {
        "features": "word+char+minilm",
        "C": c,
        "embedding_weight": w,
        "mask_names": True,
        "mark_negation": True,
    }
    for c in (4.0, 8.0)
    for w in (1.0, 2.0, 3.0)
]


def main() -> None:
    frame = read_labelled_csv(CORPUS)
    dev = real_dev_frame()
    texts = frame["text"].tolist()
    print(f"{'candidate':<80} {'cv F1':>6} {'dev F1':>7} {'stmts/s':>9}")
    from stance.embeddings import available

    for params in CANDIDATES + (EMBEDDING_CANDIDATES if available() else []):
        cv = grouped_cross_validation(frame, n_splits=5, seed=0, **params)
        pipeline = build_pipeline(**params).fit(texts, frame["label"].to_numpy())
        model = StanceModel(pipeline)
        dev_f1 = float("nan")
        if dev is not None:
            predicted = [p.label for p in model.predict(dev["text"].tolist())]
            dev_f1 = classification_metrics(dev["label"].tolist(), predicted)["macro_f1"]
        batch = (texts * (20000 // len(texts) + 1))[:20000]
        started = time.perf_counter()
        model.predict(batch)
        rate = len(batch) / (time.perf_counter() - started)
        name = ", ".join(f"{k}={v}" for k, v in params.items())
        print(
            f"{name:<52} {cv['metrics']['macro_f1']:>6.3f} {dev_f1:>7.3f} {rate:>9,.0f}", flush=True
        )


if __name__ == "__main__":
    main()
