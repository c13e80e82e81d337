"""Honest measurement: per-class metrics, macro-F1 and confusion matrices."""

from __future__ import annotations

from collections.abc import Sequence

from sklearn.metrics import confusion_matrix, precision_recall_fscore_support

from .labels import LABELS


def classification_metrics(y_true: Sequence[str], y_pred: Sequence[str]) -> dict:
    """Per-class precision, recall, F1 and support, macro-F1, accuracy, confusion matrix.

    The confusion matrix has true labels as rows and predictions as columns, in
    :data:`LABELS` order.
    """
    precision, recall, f1, support = precision_recall_fscore_support(
        list(y_true), list(y_pred), labels=list(LABELS), zero_division=0
    )
    per_class = {
        label: {
            "precision": round(float(p), 4),
            "recall": round(float(r), 4),
            "f1": round(float(f), 4),
            "support": int(s),
        }
        for label, p, r, f, s in zip(LABELS, precision, recall, f1, support)
    }
    n = len(y_true)
    accuracy = sum(t == p for t, p in zip(y_true, y_pred)) / n if n else 0.0
    return {
        "n": n,
        "macro_f1": round(float(sum(f1) / len(LABELS)), 4),
        "accuracy": round(accuracy, 4),
        "per_class": per_class,
        "labels": list(LABELS),
        "confusion": confusion_matrix(list(y_true), list(y_pred), labels=list(LABELS)).tolist(),
    }


def format_metrics(metrics: dict, title: str = "") -> str:
    """A readable block: per-class table, macro-F1, confusion matrix."""
    lines = [title] if title else []
    lines.append(f"{'label':<11} {'precision':>9} {'recall':>7} {'f1':>6} {'support':>8}")
    for label in LABELS:
        c = metrics["per_class"][label]
        lines.append(
            f"{label:<11} {c['precision']:>9.3f} {c['recall']:>7.3f} {c['f1']:>6.3f} "
            f"{c['support']:>8d}"
        )
    lines.append(
        f"macro-F1 {metrics['macro_f1']:.3f}   accuracy {metrics['accuracy']:.3f}   "
        f"n {metrics['n']}"
    )
    lines.append("")
    lines.append("confusion (rows: true, columns: predicted)")
    short = [label[:7] for label in LABELS]
    lines.append(" " * 11 + " ".join(f"{s:>7}" for s in short))
    for label, row in zip(LABELS, metrics["confusion"]):
        lines.append(f"{label:<11}" + " ".join(f"{v:>7d}" for v in row))
    return "\n".join(lines)


def _speaker_matches(predicted: str, gold: str) -> bool:
    """Lenient speaker comparison: same words, or the same surname / head word."""
    import re as _re

    def words(s: str) -> list[str]:
        return [w for w in _re.findall(r"[\w\u00c0-\u024f]+", s.lower()) if w not in {"the", "a"}]

    p, g = words(predicted), words(gold)
    if not p or not g:
        return False
    return p == g or p[-1] == g[-1] or set(g) <= set(p) or set(p) <= set(g)


def match_statements(text: str, predicted: list, gold: list[dict]) -> list[tuple[dict, object]]:
    """Pair gold statements (located by their ``cue``) with predicted statements whose span
    holds the cue; each predicted statement serves one gold statement at most, preferring
    the one with the same actor. Returns (gold, predicted or None) pairs."""
    used: set[int] = set()
    pairs = []
    for g in gold:
        at = text.find(g["cue"])
        candidates = [
            i
            for i, s in enumerate(predicted)
            if i not in used and at >= 0 and s.start <= at < s.end
        ]
        candidates.sort(
            key=lambda i: (
                predicted[i].actor != g.get("actor"),
                not _speaker_matches(predicted[i].speaker, g.get("speaker", "")),
            )
        )
        if candidates:
            used.add(candidates[0])
            pairs.append((g, predicted[candidates[0]]))
        else:
            pairs.append((g, None))
    return pairs


def extraction_metrics(articles: list[tuple[str, list, list[dict]]]) -> dict:
    """Statement precision/recall, speaker, actor and label accuracy over articles given as
    (text, predicted statements, gold statements)."""
    n_gold = n_pred = matched = speaker_ok = actor_ok = label_ok = 0
    y_true, y_pred = [], []
    for text, predicted, gold in articles:
        pairs = match_statements(text, predicted, gold)
        n_gold += len(gold)
        n_pred += len(predicted)
        for g, p in pairs:
            if p is None:
                continue
            matched += 1
            speaker_ok += _speaker_matches(p.speaker, g.get("speaker", ""))
            actor_ok += p.actor == g.get("actor")
            accepted = g.get("accept") or [g["label"]]
            label_ok += p.label in accepted
            y_true.append(g["label"])
            y_pred.append(p.label)
    recall = matched / n_gold if n_gold else 0.0
    precision = matched / n_pred if n_pred else 0.0
    return {
        "articles": len(articles),
        "gold_statements": n_gold,
        "predicted_statements": n_pred,
        "matched": matched,
        "recall": round(recall, 4),
        "precision": round(precision, 4),
        "speaker_accuracy": round(speaker_ok / matched, 4) if matched else 0.0,
        "actor_accuracy": round(actor_ok / matched, 4) if matched else 0.0,
        "label_accuracy": round(label_ok / matched, 4) if matched else 0.0,
        "label_metrics": classification_metrics(y_true, y_pred) if y_true else None,
    }
