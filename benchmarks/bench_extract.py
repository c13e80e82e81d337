"""Extraction speed: articles per second (extraction + attribution, then with
classification), linearity in article length, memory over a stream.

    python benchmarks/bench_extract.py
"""

from __future__ import annotations

import time

from common import ROOT, peak_rss_mb, read_jsonl

from stance import default_model
from stance.actors import load_registry
from stance.articles import Article
from stance.pipeline import article_statements


def articles_of_size(size: int) -> list[Article]:
    """Real-looking 4 KB articles: the bundled articles' paragraphs, concatenated."""
    paragraphs = []
    for item in read_jsonl(ROOT / "corpora" / "articles" / "aleppo-2024.jsonl"):
        paragraphs.extend(p for p in item["text"].split("\n\n") if p.strip())
    out, i = [], 0
    while len(out) < 400:
        parts, length = [], 0
        while length < size:
            p = paragraphs[i % len(paragraphs)]
            parts.append(p)
            length += len(p) + 2
            i += 1
        out.append(Article(id=f"b{len(out)}", date="2024-12-01", text="\n\n".join(parts)))
    return out


def rate(articles, registry, model, classify) -> float:
    started = time.perf_counter()
    for a in articles:
        article_statements(a, registry=registry, model=model, classify=classify)
    return len(articles) / (time.perf_counter() - started)


def main() -> None:
    registry, model = load_registry(), default_model()
    four_kb = articles_of_size(4000)
    rate(four_kb[:20], registry, model, False)  # warm up
    print(
        f"extraction + attribution, 4 KB articles: {rate(four_kb, registry, model, False):,.0f}"
        " articles/s (one core)"
    )
    print(
        f"extraction + attribution + classification: "
        f"{rate(four_kb, registry, model, True):,.0f} articles/s"
    )
    for size in (2000, 8000, 32000):
        r = rate(articles_of_size(size)[:100], registry, model, False)
        print(f"  {size // 1000:>2} KB articles: {r:,.0f} articles/s = {r * size / 1e6:.2f} MB/s")
    print(f"peak memory: {peak_rss_mb():,.0f} MB")


if __name__ == "__main__":
    main()
