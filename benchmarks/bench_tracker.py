"""Tracker speed and scale.

    python benchmarks/bench_tracker.py [N_ARTICLES] [N_STATEMENTS] [MODEL]

MODEL is light by default: the default model's sentence encoder classifies about 70
statements/s on one core, so 100,000 articles would take hours (see the README).

1. Ingest end to end (read JSONL, extract, attribute, classify, store) of N_ARTICLES
   generated articles (default 100,000) on one core: throughput and peak memory at
   checkpoints, which must stay flat as the count grows.
2. A weekly report over N_STATEMENTS stored statements (default 1,000,000).

The generated articles recombine paragraphs of the bundled articles with new dates and a
serial number (so none is a duplicate); they are benchmark input, not training data.
"""

from __future__ import annotations

import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path

from common import ROOT, peak_rss_mb, read_jsonl

from stance.actors import load_registry
from stance.persistence import load_model
from stance.report import stance_report
from stance.store import Store, dedup_key, iso_week
from stance.tracker import ingest


def generate_articles(path: Path, n: int) -> None:
    paragraphs = []
    for item in read_jsonl(ROOT / "corpora" / "articles" / "aleppo-2024.jsonl"):
        paragraphs.extend(p for p in item["text"].split("\n\n") if p.strip())
    rng = random.Random(0)
    with path.open("w", encoding="utf-8") as out:
        for i in range(n):
            body = "\n\n".join(rng.sample(paragraphs, 6))
            day = f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
            out.write(
                json.dumps(
                    {
                        "id": f"g{i}",
                        "date": day,
                        "url": f"https://bench/{i}",
                        "text": f"Dispatch {i}.\n\n{body}",
                    }
                )
                + "\n"
            )


def bench_ingest(n: int, model_name: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        feed = Path(tmp) / "feed.jsonl"
        generate_articles(feed, n)
        size = feed.stat().st_size / n
        model, registry = load_model(model_name), load_registry()
        store = Store(Path(tmp) / "bench.db")
        started = time.perf_counter()
        done = 0
        checkpoints = {n // 10, n // 2, n}

        def progress(k: int) -> None:
            nonlocal done
            previous = done
            done += k
            for c in sorted(checkpoints):
                if previous < c <= done:
                    rate = done / (time.perf_counter() - started)
                    print(
                        f"  {done:>8,} articles: {rate:,.0f} articles/s, peak memory "
                        f"{peak_rss_mb():,.0f} MB",
                        flush=True,
                    )

        print(
            f"ingest of {n:,} generated articles ({size / 1000:.1f} KB each), model {model_name}:"
        )
        summary = ingest([str(feed)], store, model=model, registry=registry, progress=progress)
        elapsed = time.perf_counter() - started
        print(
            f"ingest: {summary.articles_new:,} articles, {summary.statements_new:,} statements "
            f"in {elapsed:.0f}s = {summary.articles_new / elapsed:,.0f} articles/s on one core"
        )
        store.close()


def bench_report(n: int) -> None:
    actors = ["russia", "iran", "us", "turkey", "china", "un", "eu", "uk", "france", "israel"]
    labels = ["condemn", "support", "deny", "deescalate", "other"]
    rng = random.Random(1)
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "report.db")
        with store.transaction() as conn:
            conn.execute(
                "INSERT INTO articles VALUES ('a', '', '', '', '2024-01-01', 'x', 'x', '')"
            )
            rows = []
            for i in range(n):
                day = f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
                week, week_start = iso_week(day)
                label = rng.choice(labels)
                actor = rng.choice(actors)
                speaker = f"speaker {rng.randint(1, 40)}"
                rows.append(
                    (
                        f"s{i}",
                        "a",
                        day,
                        week,
                        week_start,
                        speaker,
                        "",
                        actor,
                        f"text {i}",
                        None,
                        "said",
                        0,
                        1,
                        "{}",
                        label,
                        f";{label};",
                        rng.random(),
                        0.2,
                        0.2,
                        0.2,
                        0.2,
                        0.2,
                        "bench",
                        dedup_key(actor, speaker, f"text {i}", None, day),
                        None,
                        "",
                    )
                )
                if len(rows) == 50_000:
                    conn.executemany(f"INSERT INTO statements VALUES ({','.join('?' * 26)})", rows)
                    rows = []
            if rows:
                conn.executemany(f"INSERT INTO statements VALUES ({','.join('?' * 26)})", rows)
        started = time.perf_counter()
        report = stance_report(store, period="week")
        elapsed = time.perf_counter() - started
        print(f"weekly report over {n:,} statements: {elapsed:.2f}s ({len(report):,} rows)")
        started = time.perf_counter()
        stance_report(store, period="day", count="all")
        print(f"daily report, all labels, same data: {time.perf_counter() - started:.2f}s")
        store.close()


def main() -> None:
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    n_articles = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    n_statements = int(sys.argv[2]) if len(sys.argv) > 2 else 1_000_000
    model_name = sys.argv[3] if len(sys.argv) > 3 else "light"
    bench_report(n_statements)
    bench_ingest(n_articles, model_name)


if __name__ == "__main__":
    main()
