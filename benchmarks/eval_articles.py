"""Extraction quality on articles with gold statements.

    python benchmarks/eval_articles.py [--no-classify] [--details] [FILE.jsonl ...]

Default files: the real articles in ../shared/eval/articles_dev.jsonl (measurement only),
the bundled crisis articles and the test articles. Prints statement recall and precision,
speaker, actor and label accuracy on matched statements.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from common import REAL_ARTICLES, ROOT, read_jsonl

from stance.actors import load_registry
from stance.articles import Article
from stance.evaluation import extraction_metrics, match_statements
from stance.pipeline import article_statements

DEFAULT_FILES = [
    REAL_ARTICLES,
    ROOT / "corpora" / "articles" / "aleppo-2024.jsonl",
    ROOT / "tests" / "data" / "articles.jsonl",
]


def evaluate_file(path: Path, classify: bool, details: bool) -> dict:
    registry = load_registry()
    items = []
    for obj in read_jsonl(path):
        article = Article(id=obj["id"], date=obj["date"], text=obj["text"])
        predicted = article_statements(article, registry=registry, classify=classify)
        if not classify:
            predicted = [p.__class__(**{**p.__dict__, "label": "other"}) for p in predicted]
        items.append((obj["text"], predicted, obj["gold"]))
        if details:
            pairs = match_statements(obj["text"], predicted, obj["gold"])
            used = {id(p) for _, p in pairs if p is not None}
            for g, p in pairs:
                if p is None:
                    print(f"  MISSED  {obj['id']}: [{g['actor']}] {g['speaker']}: {g['cue']}")
                elif p.actor != g.get("actor") or (classify and p.label != g["label"]):
                    print(
                        f"  WRONG   {obj['id']}: gold {g['actor']}/{g['label']} got "
                        f"{p.actor}/{p.label} ({p.speaker}): {g['cue']}"
                    )
            for p in predicted:
                if id(p) not in used:
                    print(f"  EXTRA   {obj['id']}: [{p.actor}] {p.speaker}: {p.text[:90]}")
    return extraction_metrics(items)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--no-classify", action="store_true")
    parser.add_argument("--details", action="store_true")
    args = parser.parse_args()
    for path in args.files or DEFAULT_FILES:
        if not path.is_file():
            print(f"{path}: not found, skipped")
            continue
        m = evaluate_file(path, not args.no_classify, args.details)
        line = (
            f"{path.name}: {m['articles']} articles, {m['gold_statements']} gold, "
            f"{m['predicted_statements']} found; recall {m['recall']:.3f}, precision "
            f"{m['precision']:.3f}, speaker {m['speaker_accuracy']:.3f}, actor "
            f"{m['actor_accuracy']:.3f}"
        )
        if not args.no_classify:
            line += (
                f", label accepted {m['label_accuracy']:.3f}, label macro-F1 "
                f"{m['label_metrics']['macro_f1']:.3f}"
            )
        print(line, flush=True)


if __name__ == "__main__":
    main()
