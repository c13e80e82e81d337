"""Shared fixtures: paths, a small trained model for fast tests, temporary stores."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
SEED_TEXT = SHARED / "seed" / "north-press-aleppo-offensive.txt"
SEED_GOLD = SHARED / "seed" / "north-press-aleppo-offensive.gold.json"
CORPUS = ROOT / "corpora" / "quotes.csv"
ARTICLES = ROOT / "corpora" / "articles"


@pytest.fixture(scope="session")
def default_model():
    from stance import default_model as load

    return load()


@pytest.fixture(scope="session")
def small_corpus(tmp_path_factory) -> Path:
    """A stratified slice of the corpus (every label, several events) for training tests."""
    import pandas as pd

    frame = pd.read_csv(CORPUS, dtype=str, keep_default_na=False)
    sample = frame.groupby("label").sample(n=60, random_state=1)
    path = tmp_path_factory.mktemp("corpus") / "small.csv"
    sample.to_csv(path, index=False)
    return path


@pytest.fixture()
def trained_dir(tmp_path, monkeypatch) -> Path:
    """A temporary trained/ directory with copies of the shipped models."""
    import shutil

    from stance.persistence import trained_dir as real

    target = tmp_path / "trained"
    target.mkdir()
    for name in ("default", "light"):
        shutil.copytree(real() / name, target / name)
    monkeypatch.setenv("STANCE_TRAINED_DIR", str(target))
    return target


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
