"""Learning curve: macro-F1 on the real dev statements when training on 25%, 50%, 75% and
100% of the corpus (whole crises at a time), to tell whether more writing or better
features is the way forward.

    python benchmarks/learning_curve.py
"""

from __future__ import annotations

import numpy as np
from common import CORPUS, real_dev_frame

from stance.corpus import read_labelled_csv
from stance.evaluation import classification_metrics
from stance.model import StanceModel, build_pipeline
from stance.training import DEFAULT_PARAMS


def main() -> None:
    frame = read_labelled_csv(CORPUS)
    dev = real_dev_frame()
    if dev is None:
        raise SystemExit("../shared/eval/real_dev.csv not found")
    events = np.array(sorted(frame["event"].unique()))
    print(f"{'share':>6} {'events':>7} {'rows':>6} {'dev macro-F1 (mean of 3 draws)':>32}")
    for share in (0.25, 0.5, 0.75, 1.0):
        scores = []
        for seed in range(3 if share < 1 else 1):
            rng = np.random.default_rng(seed)
            chosen = set(rng.permutation(events)[: max(1, round(share * len(events)))])
            part = frame[frame["event"].isin(chosen)]
            pipeline = build_pipeline(**DEFAULT_PARAMS).fit(
                part["text"].tolist(), part["label"].to_numpy()
            )
            predicted = [p.label for p in StanceModel(pipeline).predict(dev["text"].tolist())]
            scores.append(classification_metrics(dev["label"].tolist(), predicted)["macro_f1"])
        print(f"{share:>6.0%} {len(chosen):>7} {len(part):>6} {np.mean(scores):>32.3f}")


if __name__ == "__main__":
    main()
