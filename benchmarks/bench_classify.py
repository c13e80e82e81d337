"""Classification speed and memory.

    python benchmarks/bench_classify.py [N] [MODEL]     # MODEL: light (default) or default

- batch throughput of `stance classify --file` over N statements (default 200,000) on one
  core, and peak memory, which must not grow with N (compare N and 4N);
- cold start of `stance classify "…"` as a fresh process;
- size of the shipped model file.
"""

from __future__ import annotations

import csv
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import CORPUS, ROOT

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")


def write_statements(path: Path, n: int) -> None:
    with CORPUS.open(encoding="utf-8") as handle:
        texts = [row["text"] for row in csv.DictReader(handle)]
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["id", "text"])
        for i in range(n):
            writer.writerow([i, texts[i % len(texts)]])


def run_batch(n: int, model: str) -> tuple[float, float]:
    with tempfile.TemporaryDirectory() as tmp:
        source, target = Path(tmp) / "in.csv", Path(tmp) / "out.csv"
        write_statements(source, n)
        code = (
            "import resource, time, sys\n"
            "from stance.batch import classify_file\nfrom stance.persistence import load_model\n"
            f"m = load_model({model!r}); m.predict(['warm up: load any encoder'])\n"
            "t = time.perf_counter()\n"
            f"classify_file(m, {str(source)!r}, out={str(target)!r})\n"
            "print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"
        )
        out = subprocess.run(
            ["taskset", "-c", "0", sys.executable, "-c", code],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()
        return float(out[0]), float(out[1]) / 1024


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 200_000
    model = sys.argv[2] if len(sys.argv) > 2 else "light"
    for size in (n // 4, n):
        seconds, peak = run_batch(size, model)
        print(
            f"batch classify ({model}): {size:>9,} statements in {seconds:6.1f}s = "
            f"{size / seconds:>8,.0f} statements/s on one core; peak memory {peak:,.0f} MB"
        )
    starts = []
    for _ in range(3):
        started = time.perf_counter()
        subprocess.run(
            [
                sys.executable,
                "-m",
                "stance",
                "classify",
                "--model",
                model,
                "Moscow condemned the strike.",
            ],
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
        starts.append(time.perf_counter() - started)
    print(f"cold start of `stance classify --model {model} ...`: {min(starts):.2f}s (best of 3)")
    size = (ROOT / "trained" / model / "model.joblib").stat().st_size
    print(f"model file: {size / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
