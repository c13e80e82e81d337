"""Train the shipped model (trained/default) from corpora/quotes.csv and measure it.

    python benchmarks/train_default.py

Prints grouped cross-validation on the corpus (no crisis in both train and test folds) and,
when ../shared/eval/real_dev.csv is present, the metrics on those real statements, which
the model never trains on.
"""

from __future__ import annotations

import time

from common import CORPUS, real_dev_frame

from stance.corpus import read_labelled_csv
from stance.evaluation import classification_metrics, format_metrics
from stance.persistence import save_model, trained_dir
from stance.training import DEFAULT_PARAMS, train_model


def main() -> None:
    frame = read_labelled_csv(CORPUS)
    started = time.perf_counter()
    model = train_model(frame, sources=[str(CORPUS)], seed=0, **DEFAULT_PARAMS)
    # The manifest records the corpus by its path in the project, not this machine's.
    model.manifest["sources"][0]["path"] = "corpora/quotes.csv"
    elapsed = time.perf_counter() - started
    print(format_metrics(model.manifest["cv_metrics"], "grouped CV on the corpus"))
    dev = real_dev_frame()
    if dev is not None:
        predicted = [p.label for p in model.predict(dev["text"].tolist())]
        metrics = classification_metrics(dev["label"].tolist(), predicted)
        print()
        print(format_metrics(metrics, "real dev statements (../shared/eval, never trained on)"))
    directory = save_model(model, trained_dir() / "default")
    print(f"\ntrained in {elapsed:.1f}s (including cross-validation); saved to {directory}")


if __name__ == "__main__":
    main()
