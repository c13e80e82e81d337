"""The labelled corpus stays clean and as broad as the datasheet says."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pandas as pd
import pytest

from stance.corpus import CORPUS_COLUMNS, read_labelled_csv
from stance.labels import LABELS

from .conftest import CORPUS

HARD_KINDS = {
    "negation",
    "zone",
    "rejected_accusation",
    "two_sided",
    "threat",
    "passive",
    "relay",
    "concern",
    "welcome_deal",
    "justify",
    "analyst",
    "long",
    "short",
    "question",
    "no_comment",
}
MAIN_ACTORS = ("russia", "iran", "us", "turkey")


@pytest.fixture(scope="module")
def corpus() -> pd.DataFrame:
    return pd.read_csv(CORPUS, dtype=str, keep_default_na=False)


def test_it_reads_without_problems():
    read_labelled_csv(CORPUS)


def test_columns(corpus):
    assert tuple(corpus.columns) == CORPUS_COLUMNS


def test_ids_are_unique(corpus):
    duplicated = corpus["id"][corpus["id"].duplicated()].tolist()
    assert not duplicated


def test_labels_forms_dates_and_hard_kinds_are_valid(corpus):
    assert set(corpus["label"]) <= set(LABELS)
    for primary, labels in zip(corpus["label"], corpus["labels"]):
        parts = labels.split(";")
        assert parts[0] == primary and set(parts) <= set(LABELS) and len(set(parts)) == len(parts)
    assert set(corpus["form"]) == {"reported", "quote"}
    days = corpus["date"].map(date.fromisoformat)
    assert days.min() >= date(2011, 1, 1) and days.max() <= date(2026, 12, 31)
    assert set(corpus["hard"]) - {""} <= HARD_KINDS
    assert (corpus["event"] != "").all() and (corpus["text"].str.strip() != "").all()


def test_no_exact_or_near_duplicates(corpus):
    from sklearn.feature_extraction.text import TfidfVectorizer

    normalized = corpus["text"].str.lower().str.replace(r"\W+", " ", regex=True).str.strip()
    assert not normalized.duplicated().any(), corpus["text"][normalized.duplicated()].tolist()[:5]
    vectors = TfidfVectorizer(ngram_range=(1, 2)).fit_transform(normalized)
    similarity = (vectors @ vectors.T).tocoo()
    near = [
        (i, j)
        for i, j, v in zip(similarity.row, similarity.col, similarity.data)
        if i < j and v > 0.9
    ]
    assert not near, [(corpus["text"][i], corpus["text"][j]) for i, j in near[:3]]


def test_breadth_required_by_the_datasheet(corpus):
    labels = Counter(corpus["label"])
    assert len(corpus) >= 3000
    assert all(labels[lab] >= 450 for lab in LABELS) and labels["other"] >= 700
    actors = Counter(corpus["actor"])
    assert all(actors[a] >= 450 for a in MAIN_ACTORS), actors
    others = {a for a in actors if a and a not in MAIN_ACTORS}
    assert len(others) >= 20
    assert corpus["event"].nunique() >= 60
    forms = corpus["form"].value_counts(normalize=True)
    assert forms["reported"] >= 0.35 and forms["quote"] >= 0.35
    assert (corpus["hard"] != "").sum() >= 400


def test_datasheet_counts_are_up_to_date():
    import subprocess
    import sys

    from .conftest import ROOT

    result = subprocess.run(
        [sys.executable, str(ROOT / "corpora" / "datasheet_counts.py"), "--check"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout
