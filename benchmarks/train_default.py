"""Train the shipped models from corpora/quotes.csv and measure them.

    python benchmarks/train_default.py            # both: trained/default and trained/light
    python benchmarks/train_default.py light      # only one

``default`` (n-grams + sentence embeddings, needs the embeddings extra) and ``light``
(n-grams only). Prints grouped cross-validation on the corpus (no crisis in both train and
test folds) and, when ../shared/eval/real_dev.csv is present, the metrics on those real
statements, which the models never train on.
"""

from __future__ import annotations

import sys
import time

from common import CORPUS, real_dev_frame

from stance.corpus import read_labelled_csv
from stance.evaluation import classification_metrics, format_metrics
from stance.persistence import save_model, trained_dir
from stance.training import PRESETS, train_model


def train(name: str) -> None:
    frame = read_labelled_csv(CORPUS)
    started = time.perf_counter()
    model = train_model(frame, sources=[str(CORPUS)], seed=0, **PRESETS[name])
    # The manifest records the corpus by its path in the project, not this machine's.
    model.manifest["sources"][0]["path"] = "corpora/quotes.csv"
    elapsed = time.perf_counter() - started
    print(format_metrics(model.manifest["cv_metrics"], f"{name}: grouped CV on the corpus"))
    dev = real_dev_frame()
    if dev is not None:
        predicted = [p.label for p in model.predict(dev["text"].tolist())]
        metrics = classification_metrics(dev["label"].tolist(), predicted)
        model.manifest["real_dev_metrics"] = metrics
        print()
        print(format_metrics(metrics, f"{name}: real dev statements (never trained on)"))
    directory = save_model(model, trained_dir() / name)
    print(
        f"\n{name}: trained in {elapsed:.1f}s (including cross-validation); saved to {directory}\n"
    )


def main() -> None:
    for name in sys.argv[1:] or ["light", "default"]:
        train(name)


if __name__ == "__main__":
    main()
