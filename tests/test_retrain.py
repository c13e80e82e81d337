"""Retraining from labelled quotes: validation, determinism, review, import, promotion."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from click.testing import CliRunner

from stance.cli import main
from stance.corpus import read_labelled_csv
from stance.errors import CorpusError, ModelError, PromotionError
from stance.persistence import load_model
from stance.retrain import import_labels, promote_model, select_for_review, train_from_sources
from stance.store import Store
from stance.tracker import ingest


def write(tmp_path, name, text, encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("text,label\nThey condemned it.,condem\n", r"in.csv:2: unknown label 'condem'"),
        ("text,label\n  ,condemn\n", r"in.csv:2: empty text"),
        (
            "text,label\nA said no.,deny\na  said no.,other\n",
            r"in.csv:3: label 'other' conflicts with 'deny' given to the same text at line 2",
        ),
        ("body,label\nx,deny\n", r"missing column\(s\) text; columns found: body, label"),
    ],
)
def test_labelled_csv_problems_name_file_and_line(tmp_path, content, message):
    path = write(tmp_path, "in.csv", content)
    with pytest.raises(CorpusError, match=message):
        read_labelled_csv(path)


def test_other_delimiters_encodings_and_label_spellings_are_accepted(tmp_path):
    path = write(
        tmp_path,
        "in.csv",
        "text;label\nL\u2019Iran a condamné.;Condemn\n"
        "Ils appellent au calme.;call for de-escalation\n",
        encoding="cp1252",
    )
    frame = read_labelled_csv(path)
    assert frame["label"].tolist() == ["condemn", "deescalate"]
    assert frame["text"][0] == "L\u2019Iran a condamné."


def test_too_few_examples_says_how_many_are_needed(tmp_path):
    path = write(tmp_path, "in.csv", "text,label\nThey condemned it.,condemn\n")
    with pytest.raises(CorpusError, match="each label needs at least 5"):
        train_from_sources([str(path)], out=str(tmp_path / "m"))
    assert not (tmp_path / "m").exists()


@pytest.mark.slow
def test_same_data_and_seed_give_the_same_model_and_metrics(tmp_path, small_corpus):
    a, _ = train_from_sources([str(small_corpus)], out=str(tmp_path / "a"), seed=3, cv_splits=3)
    b, _ = train_from_sources([str(small_corpus)], out=str(tmp_path / "b"), seed=3, cv_splits=3)
    assert a.manifest["cv_metrics"] == b.manifest["cv_metrics"]
    texts = ["Ankara condemned the raid.", "We deny it.", "Calm must return."]
    assert [p.probabilities for p in a.predict(texts)] == [
        p.probabilities for p in b.predict(texts)
    ]
    manifest = json.loads((tmp_path / "a" / "manifest.json").read_text())
    assert manifest["sources"][0]["sha256"] and manifest["seed"] == 3
    assert manifest["cv_metrics"]["grouped_by"] == "event"


def test_corrupted_or_foreign_model_files_are_refused(tmp_path, trained_dir):
    target = trained_dir / "default" / "model.joblib"
    target.write_bytes(target.read_bytes()[:-10] + b"0123456789")
    with pytest.raises(ModelError, match="sha256 does not match"):
        load_model("default")
    (trained_dir / "default" / "manifest.json").unlink()
    with pytest.raises(ModelError, match="manifest.json is missing"):
        load_model("default")
    with pytest.raises(ModelError, match="no such model directory"):
        load_model(str(tmp_path / "nowhere"))


def test_model_from_another_scikit_learn_is_refused(trained_dir):
    path = trained_dir / "default" / "manifest.json"
    manifest = json.loads(path.read_text())
    manifest["versions"]["scikit-learn"] = "0.0.1"
    path.write_text(json.dumps(manifest))
    with pytest.raises(ModelError, match="trained with scikit-learn 0.0.1"):
        load_model("default")


@pytest.mark.slow
def test_review_import_train_promote_loop(tmp_path, trained_dir, small_corpus, default_model):
    feed = tmp_path / "feed.jsonl"
    feed.write_text(
        json.dumps(
            {
                "id": "x1",
                "date": "2024-12-01",
                "text": "Russia said it was studying the proposal.\n\nIran warned of consequences."
                "\n\nThe U.S. denied the report.",
            }
        )
        + "\n",
        encoding="utf-8",
    )
    db = tmp_path / "s.db"
    with Store(db) as store:
        ingest([str(feed)], store, model=default_model)
        sheet = select_for_review(store, limit=2)
        assert len(sheet) == 2 and (sheet["label"] == "").all()
        sheet.loc[0, "label"] = "Other"
        path = tmp_path / "labels.csv"
        sheet.to_csv(path, index=False)
        assert import_labels(store, str(path))["new"] == 1
        again = import_labels(store, str(path))
        assert again["new"] == 0 and again["unchanged"] == 1
        bad = tmp_path / "bad.csv"
        pd.DataFrame({"statement_id": ["nope"], "label": ["deny"]}).to_csv(bad, index=False)
        with pytest.raises(CorpusError, match="no statement with id 'nope'"):
            import_labels(store, str(bad))
    out = trained_dir / "mine"
    result = CliRunner().invoke(
        main,
        [
            "train",
            "--data",
            str(small_corpus),
            "--from-db",
            "--db",
            str(db),
            "--out",
            str(out),
            "--cv",
            "3",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "grouped cross-validation" in result.output
    # A small model is worse than the shipped one on real-looking data: not promoted.
    holdout = tmp_path / "holdout.csv"
    pd.read_csv(small_corpus).sample(80, random_state=0).to_csv(holdout, index=False)
    before = (trained_dir / "default" / "manifest.json").read_text()
    try:
        promote_model(str(out), [str(holdout)])
        promoted = True
    except PromotionError as exc:
        promoted = False
        assert "nothing changed" in str(exc)
        assert (trained_dir / "default" / "manifest.json").read_text() == before
    if not promoted:
        result = promote_model(str(out), [str(holdout)], force=True)
        assert result["promoted"]
    assert (
        load_model("default").manifest["model_sha256"]
        == load_model(str(out)).manifest["model_sha256"]
    )
    r = CliRunner().invoke(main, ["reclassify", "--db", str(db)])
    assert r.exit_code == 0 and "statements relabelled" in r.output
    with Store(db) as store:
        human = store.conn.execute("SELECT COUNT(*) FROM human_labels").fetchone()[0]
    assert human == 1
