"""Batch classification of CSV or JSONL files, streamed in bounded memory.

Every input column is kept and the prediction columns are added (a contract scripts rely
on): ``label, labels, confidence, p_condemn, p_support, p_deny, p_deescalate, p_other``, and
``error``, empty on good rows, saying what is wrong with a bad row (which is kept, unlabelled).
Output goes to a temporary file beside the target and is renamed at the end, so a failure
never leaves a half-written file.
"""

from __future__ import annotations

import csv
import io
import json
import os
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from .errors import InputError
from .labels import LABELS
from .model import Prediction, StanceModel, check_statement

PREDICTION_COLUMNS = ("label", "labels", "confidence", *(f"p_{lab}" for lab in LABELS))
ERROR_COLUMN = "error"
FORMATS = ("csv", "jsonl")


def prediction_fields(prediction: Prediction) -> dict[str, object]:
    """The contract's prediction columns for one prediction."""
    fields: dict[str, object] = {
        "label": prediction.label,
        "labels": ";".join(prediction.labels),
        "confidence": prediction.confidence,
    }
    fields.update({f"p_{lab}": prediction.probabilities[lab] for lab in LABELS})
    return fields


def guess_format(path: str) -> str:
    return "jsonl" if str(path).lower().endswith((".jsonl", ".ndjson", ".json")) else "csv"


@contextmanager
def open_input(path: str) -> Iterator[IO[str]]:
    """Open ``path`` (or ``-`` for standard input) as UTF-8 text, failing clearly."""
    if path == "-":
        yield io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8-sig", errors="strict")
        return
    p = Path(path)
    if not p.exists():
        raise InputError(f"{path}: no such file; check the path")
    if p.is_dir():
        raise InputError(f"{path}: is a directory, expected a CSV or JSONL file")
    with open(p, encoding="utf-8-sig", errors="strict", newline="") as handle:
        yield handle


@contextmanager
def atomic_output(path: str | None) -> Iterator[IO[str]]:
    """Write to a temporary file beside ``path`` and rename it on success; stdout for None."""
    if path is None or path == "-":
        yield sys.stdout
        sys.stdout.flush()
        return
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def _read_rows(handle: IO[str], fmt: str, column: str, name: str) -> tuple[list[str], Iterator]:
    """Return the input's field names and an iterator of (line, row dict, problem or None)."""
    if fmt == "csv":
        try:
            reader = csv.DictReader(handle)
            fields = reader.fieldnames
        except UnicodeDecodeError as exc:
            raise InputError(f"{name}: not UTF-8 text ({exc.reason}); save it as UTF-8") from None
        if not fields:
            raise InputError(f"{name}: empty file; expected a CSV header with a {column!r} column")
        if column not in fields:
            raise InputError(
                f"{name}: no column {column!r}; columns found: {', '.join(fields)} "
                "(choose one with --column)"
            )

        def rows() -> Iterator:
            while True:
                try:
                    row = next(reader)
                except StopIteration:
                    return
                except UnicodeDecodeError as exc:
                    raise InputError(
                        f"{name}:{reader.line_num + 1}: not UTF-8 text ({exc.reason}); "
                        "save the file as UTF-8"
                    ) from None
                except csv.Error as exc:
                    raise InputError(f"{name}:{reader.line_num}: malformed CSV ({exc})") from None
                problem = "more fields than the header" if None in row else None
                row.pop(None, None)
                yield reader.line_num, {k: (v or "") for k, v in row.items()}, problem

        return list(fields), rows()

    def json_rows() -> Iterator:
        try:
            for number, line in enumerate(handle, 1):
                if not line.strip():
                    continue
                try:
                    obj = json.loads(line)
                except ValueError as exc:
                    yield number, {}, f"not valid JSON ({exc.msg})"
                    continue
                if not isinstance(obj, dict):
                    yield number, {}, "not a JSON object"
                    continue
                yield number, obj, None
        except UnicodeDecodeError as exc:
            raise InputError(f"{name}: not UTF-8 text ({exc.reason}); save it as UTF-8") from None

    return [], json_rows()


def classify_file(
    model: StanceModel,
    path: str,
    *,
    column: str = "text",
    fmt: str | None = None,
    out: str | None = None,
    batch_size: int = 2048,
    progress: Callable[[int], None] | None = None,
) -> dict[str, int]:
    """Classify every row of a CSV or JSONL file; returns counts of rows and errors."""
    in_fmt = fmt or guess_format(path)
    if in_fmt not in FORMATS:
        raise InputError(f"unknown format {in_fmt!r}; use csv or jsonl")
    counts = {"rows": 0, "errors": 0}
    with open_input(path) as handle:
        fields, rows = _read_rows(handle, in_fmt, column, path)
        with atomic_output(out) as sink:
            writer = None
            if in_fmt == "csv":
                extra = [c for c in (*PREDICTION_COLUMNS, ERROR_COLUMN) if c not in fields]
                writer = csv.DictWriter(sink, fieldnames=fields + extra, lineterminator="\n")
                writer.writeheader()

            def emit(row: dict) -> None:
                if writer is not None:
                    writer.writerow(row)
                else:
                    sink.write(json.dumps(row, ensure_ascii=False) + "\n")

            batch: list[tuple[dict, str]] = []

            def flush() -> None:
                if not batch:
                    return
                predictions = model.predict([text for _, text in batch])
                for (row, _), prediction in zip(batch, predictions):
                    row.update(prediction_fields(prediction))
                    row[ERROR_COLUMN] = ""
                    emit(row)
                counts["rows"] += len(batch)
                if progress:
                    progress(len(batch))
                batch.clear()

            for line, row, problem in rows:
                text = row.get(column)
                if problem is None:
                    if text is None:
                        problem = f"no field {column!r}"
                    else:
                        try:
                            text = check_statement(text, f"line {line}")
                        except InputError as exc:
                            problem = str(exc).split(": ", 1)[-1]
                if problem is not None:
                    flush()
                    row.update({c: "" for c in PREDICTION_COLUMNS})
                    row[ERROR_COLUMN] = f"line {line}: {problem}"
                    emit(row)
                    counts["rows"] += 1
                    counts["errors"] += 1
                    continue
                batch.append((row, text))
                if len(batch) >= batch_size:
                    flush()
            flush()
    return counts
