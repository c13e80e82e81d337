"""Retraining from labelled quotes: train, compare, review, import labels, promote, reclassify.

The loop an analyst runs: ``review`` picks the statements most worth a human look,
``import_labels`` stores their corrections, ``train_from_sources`` trains a model from CSVs and
those labels, ``evaluate_models`` compares it with the default on the same data, and
``promote_model`` makes it the default only if it is not worse. ``reclassify`` then relabels
stored statements with the new default (human labels stay) and says how the figures moved.
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd

from .corpus import read_labelled_csv, read_labelled_csvs
from .errors import CorpusError, PromotionError
from .evaluation import classification_metrics
from .labels import LABELS, normalize_label, parse_labels
from .model import StanceModel
from .persistence import (
    DEFAULT_NAME,
    copy_model,
    load_model,
    read_manifest,
    resolve_model_dir,
    save_model,
    trained_dir,
)
from .store import Store
from .training import MIN_PER_LABEL, train_model

#: A model may be promoted when its macro-F1 is at most this much below the default's
#: (measurement noise on a few hundred statements), unless --force.
PROMOTION_TOLERANCE = 0.005


def evaluate_models(models: list[str], data: list[str]) -> dict:
    """Metrics of each model on the same labelled data, and where they disagree."""
    frame = read_labelled_csvs(data)
    texts = frame["text"].tolist()
    result: dict = {"data": data, "n": len(frame), "models": {}, "disagreements": []}
    predictions = {}
    for name in models:
        model = load_model(name)
        predicted = [p.label for p in model.predict(texts)]
        predictions[name] = predicted
        result["models"][name] = classification_metrics(frame["label"].tolist(), predicted)
    if len(models) > 1:
        for i, text in enumerate(texts):
            guesses = {name: predictions[name][i] for name in models}
            if len(set(guesses.values())) > 1:
                result["disagreements"].append(
                    {"text": text, "label": frame["label"][i], **guesses}
                )
    return result


def human_label_frame(db: str) -> pd.DataFrame:
    """The human labels of a database as a labelled frame (event = the article)."""
    with Store(db, create=False) as store:
        rows = store.human_labelled()
    if not rows:
        raise CorpusError(f"{db}: no human labels yet; import some with `stance label import`")
    return pd.DataFrame(
        {
            "text": [r["text"] for r in rows],
            "label": [r["label"] for r in rows],
            "labels": [r["labels"] for r in rows],
            # Statements of one article stay in one fold.
            "event": ["db:" + r["article_id"] for r in rows],
            "id": [r["id"] for r in rows],
            "source": db,
            "line": 0,
        }
    )


def train_from_sources(
    data: list[str],
    *,
    out: str,
    db: str | None = None,
    seed: int = 0,
    cv_splits: int = 5,
    **params,
) -> tuple[StanceModel, Path]:
    """Validate every source, train with grouped CV, save the model with its manifest."""
    frames = [read_labelled_csvs(data)] if data else []
    sources = list(data)
    if db:
        frames.append(human_label_frame(db))
    frame = pd.concat(frames, ignore_index=True)
    # Human labels correct the files: the same text keeps its last (database) label.
    frame = frame.drop_duplicates(subset="text", keep="last").reset_index(drop=True)
    counts = frame["label"].value_counts()
    short = [
        f"{lab} has {int(counts.get(lab, 0))}"
        for lab in LABELS
        if counts.get(lab, 0) < MIN_PER_LABEL
    ]
    if short:
        raise CorpusError(
            f"too few examples to train ({', '.join(short)}); each label needs "
            f"at least {MIN_PER_LABEL}: label more statements of those kinds"
        )
    model = train_model(frame, sources=sources, seed=seed, cv_splits=cv_splits, **params)
    if db:
        model.manifest["sources"].append(
            {"path": str(db), "kind": "human_labels", "n": int((frame["source"] == db).sum())}
        )
    directory = save_model(model, out)
    return model, directory


# ---------------------------------------------------------------------------------------
# review and label import
# ---------------------------------------------------------------------------------------
REVIEW_COLUMNS = (
    "statement_id",
    "date",
    "week",
    "actor",
    "speaker",
    "text",
    "model_label",
    "model_confidence",
    "second_label",
    "margin",
    "label",
    "labels",
    "annotator",
)


def select_for_review(
    store: Store, limit: int = 200, model: StanceModel | None = None
) -> pd.DataFrame:
    """The statements most worth a human look.

    Least confident first, and those whose top two labels are close (the model hesitates),
    spread over actors and weeks: candidates are ranked within each (actor, week) cell and
    taken round-robin across cells, so one busy week cannot fill the whole sheet.
    Statements that already have a human label are skipped.
    """
    rows = store.conn.execute(
        "SELECT s.id, s.date, s.week, s.actor, s.speaker, s.text, s.label, s.confidence, "
        "s.p_condemn, s.p_support, s.p_deny, s.p_deescalate, s.p_other "
        "FROM statements s LEFT JOIN human_labels h ON h.statement_id = s.id "
        "WHERE h.statement_id IS NULL AND s.duplicate_of IS NULL"
    ).fetchall()
    if not rows:
        return pd.DataFrame(columns=list(REVIEW_COLUMNS))
    frame = pd.DataFrame([dict(r) for r in rows])
    probs = frame[[f"p_{lab}" for lab in LABELS]].to_numpy(dtype=float)
    if model is not None:
        probs = np.array(
            [
                [p.probabilities[lab] for lab in LABELS]
                for p in model.predict(frame["text"].tolist())
            ]
        )
        frame["label"] = [LABELS[i] for i in probs.argmax(axis=1)]
        frame["confidence"] = probs.max(axis=1)
    order = np.sort(probs, axis=1)
    frame["margin"] = (order[:, -1] - order[:, -2]).round(4)
    frame["second_label"] = [LABELS[i] for i in np.argsort(probs, axis=1)[:, -2]]
    # Uncertainty: low confidence and small margin both count.
    frame["uncertainty"] = (1 - frame["confidence"]) + (1 - frame["margin"])
    frame["actor"] = frame["actor"].fillna("(no state)")
    frame = frame.sort_values(["uncertainty", "id"], ascending=[False, True])
    frame["rank"] = frame.groupby(["actor", "week"]).cumcount()
    chosen = frame.sort_values(["rank", "uncertainty", "id"], ascending=[True, False, True]).head(
        limit
    )
    return pd.DataFrame(
        {
            "statement_id": chosen["id"],
            "date": chosen["date"],
            "week": chosen["week"],
            "actor": chosen["actor"],
            "speaker": chosen["speaker"],
            "text": chosen["text"],
            "model_label": chosen["label"],
            "model_confidence": chosen["confidence"].round(4),
            "second_label": chosen["second_label"],
            "margin": chosen["margin"],
            "label": "",
            "labels": "",
            "annotator": "",
        }
    ).reset_index(drop=True)


def import_labels(store: Store, path: str, annotator: str = "") -> dict[str, int]:
    """Validate a filled review sheet and store its labels (rows with an empty label are
    skipped). Every problem is reported with its line; nothing is stored unless all is valid."""
    from .corpus import read_text_file, sniff_dialect

    content = read_text_file(Path(path), "label file")
    reader = csv.DictReader(
        io.StringIO(content, newline=""), dialect=sniff_dialect(content[:20000], Path(path))
    )
    fields = reader.fieldnames or []
    if "statement_id" not in fields or "label" not in fields:
        raise CorpusError(
            f"{path}: needs columns statement_id and label; columns found: {', '.join(fields)}"
        )
    problems, rows, ids = [], [], []
    skipped = 0
    for row in reader:
        line = reader.line_num
        sid = (row.get("statement_id") or "").strip()
        raw = (row.get("label") or "").strip()
        if not raw:
            skipped += 1
            continue
        try:
            label = normalize_label(raw)
            labels = parse_labels(row.get("labels") or "", primary=label)
        except CorpusError as exc:
            problems.append(f"{path}:{line}: {exc}")
            continue
        if not sid:
            problems.append(f"{path}:{line}: empty statement_id")
            continue
        rows.append(
            (
                sid,
                label,
                ";" + ";".join(labels) + ";",
                (row.get("annotator") or annotator or "").strip(),
                str(path),
            )
        )
        ids.append((sid, line))
    existing = store.existing_ids([sid for sid, _ in ids])
    for sid, line in ids:
        if sid not in existing:
            problems.append(f"{path}:{line}: no statement with id {sid!r} in {store.path}")
    if problems:
        more = f" (and {len(problems) - 3} more)" if len(problems) > 3 else ""
        raise CorpusError("; ".join(problems[:3]) + more)
    counts = store.set_human_labels(rows)
    counts["skipped_empty"] = skipped
    return counts


# ---------------------------------------------------------------------------------------
# models: promote and reclassify
# ---------------------------------------------------------------------------------------
def heldout_frame(manifest: dict) -> pd.DataFrame | None:
    """The held-out statements recorded at training, if the model recorded them."""
    path = manifest.get("heldout_path")
    if path and Path(path).is_file():
        return read_labelled_csv(path)
    return None


def promote_model(candidate: str, data: list[str] | None = None, force: bool = False) -> dict:
    """Make ``candidate`` the default model if it is not worse on held-out data."""
    source = resolve_model_dir(candidate)
    manifest = read_manifest(source)
    if manifest.get("labels") != list(LABELS):
        raise PromotionError(
            f"{source}: trained on labels {manifest.get('labels')}, not "
            f"{list(LABELS)}; it cannot become the default"
        )
    target = trained_dir() / DEFAULT_NAME
    if source.resolve() == target.resolve():
        raise PromotionError(f"{source} is already the default model")
    new_model = load_model(source)
    comparison: dict = {"candidate": str(source), "promoted": False}
    if target.exists():
        if not data:
            raise PromotionError(
                "name held-out data to compare on with --data FILE.csv (statements neither "
                "model trained on), or use --force"
            )
        current = load_model(target)
        frame = read_labelled_csvs(data)
        texts, truth = frame["text"].tolist(), frame["label"].tolist()
        new_metrics = classification_metrics(truth, [p.label for p in new_model.predict(texts)])
        old_metrics = classification_metrics(truth, [p.label for p in current.predict(texts)])
        comparison.update(
            candidate_macro_f1=new_metrics["macro_f1"],
            default_macro_f1=old_metrics["macro_f1"],
            n=len(frame),
        )
        worse = new_metrics["macro_f1"] < old_metrics["macro_f1"] - PROMOTION_TOLERANCE
        if worse and not force:
            raise PromotionError(
                f"{source} is worse than the default on {', '.join(data)} (macro-F1 "
                f"{new_metrics['macro_f1']:.3f} vs {old_metrics['macro_f1']:.3f}); nothing "
                "changed (use --force to promote anyway)"
            )
    copy_model(source, target)
    comparison["promoted"] = True
    comparison["promoted_at"] = datetime.now(UTC).isoformat(timespec="seconds")
    return comparison


def reclassify(
    store: Store, model: StanceModel, batch_size: int = 2000, period: str = "week"
) -> dict:
    """Relabel stored statements with ``model`` (human labels untouched); return how the
    report's dominant stances changed."""
    from .report import stance_report

    before = stance_report(store, period=period)
    ids = [r[0] for r in store.conn.execute("SELECT id FROM statements ORDER BY id")]
    changed = 0
    now = datetime.now(UTC).isoformat(timespec="seconds")
    for i in range(0, len(ids), batch_size):
        chunk = ids[i : i + batch_size]
        marks = ",".join("?" * len(chunk))
        rows = store.conn.execute(
            f"SELECT id, text, label FROM statements WHERE id IN ({marks})", chunk
        ).fetchall()
        predictions = model.predict([r["text"][:4000] for r in rows])
        with store.transaction() as conn:
            for row, p in zip(rows, predictions, strict=False):
                changed += row["label"] != p.label
                conn.execute(
                    "UPDATE statements SET label=?, labels=?, confidence=?, p_condemn=?, "
                    "p_support=?, p_deny=?, p_deescalate=?, p_other=?, model_version=?, "
                    "classified_at=? WHERE id=?",
                    (
                        p.label,
                        ";" + ";".join(p.labels) + ";",
                        p.confidence,
                        *(p.probabilities[lab] for lab in LABELS),
                        model.version,
                        now,
                        row["id"],
                    ),
                )
    after = stance_report(store, period=period)
    key = ["week", "actor"] if period == "week" else ["day", "actor"]
    merged = before.merge(after, on=key, how="outer", suffixes=("_before", "_after"))
    moved = merged[merged["dominant_before"].fillna("") != merged["dominant_after"].fillna("")]
    return {
        "statements": len(ids),
        "labels_changed": int(changed),
        "model": model.version,
        "dominant_changes": moved[[*key, "dominant_before", "dominant_after"]]
        .fillna("")
        .to_dict("records"),
    }


def write_review(frame: pd.DataFrame, out: str) -> None:
    from .batch import atomic_output

    with atomic_output(out) as handle:
        frame.to_csv(handle, index=False, lineterminator="\n")
