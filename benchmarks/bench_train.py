"""Training speed: fit on 10,000 statements on one core, without and with grouped CV.

    python benchmarks/bench_train.py [N] [MODEL]      # MODEL: light (default) or default

The corpus is cycled to N rows (each copy a distinct text by a numbered prefix, so nothing
is deduplicated away); this measures time, not accuracy.
"""

from __future__ import annotations

import os
import sys
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from common import CORPUS, peak_rss_mb  # noqa: E402

from stance.corpus import read_labelled_csv  # noqa: E402
from stance.training import PRESETS, train_model  # noqa: E402


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    name = sys.argv[2] if len(sys.argv) > 2 else "light"
    os.sched_setaffinity(0, {0})  # one core
    frame = read_labelled_csv(CORPUS)
    copies = [frame.assign(text=f"({k}) " + frame["text"]) for k in range(n // len(frame) + 1)]
    import pandas as pd

    data = pd.concat(copies, ignore_index=True).head(n)
    started = time.perf_counter()
    train_model(data, seed=0, cross_validate=False, **PRESETS[name])
    fit = time.perf_counter() - started
    print(
        f"{name}: fit on {n:,} statements in {fit:.1f}s on one core "
        f"(peak memory {peak_rss_mb():,.0f} MB)"
    )
    started = time.perf_counter()
    train_model(data, seed=0, cv_splits=5, **PRESETS[name])
    print(f"{name}: with 5-fold grouped cross-validation: {time.perf_counter() - started:.1f}s")


if __name__ == "__main__":
    main()
