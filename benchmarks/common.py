"""Helpers shared by the benchmark scripts (not part of the package)."""

from __future__ import annotations

import json
import resource
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
REAL_DEV = SHARED / "eval" / "real_dev.csv"
REAL_ARTICLES = SHARED / "eval" / "articles_dev.jsonl"
CORPUS = ROOT / "corpora" / "quotes.csv"

sys.path.insert(0, str(ROOT))


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far, in MB (Linux reports KB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def real_dev_frame():
    """The real dev statements (measurement only: never trained on)."""
    import pandas as pd

    if not REAL_DEV.is_file():
        return None
    return pd.read_csv(REAL_DEV, dtype=str, keep_default_na=False)
