"""Read and validate labelled CSVs: the shipped corpus and users' own labels.

Only ``text`` and ``label`` are required; ``labels``, ``event``, ``id``, ``date``, ``actor``
and the rest are kept when present. Every problem is reported with its file and line, and
nothing is returned until the whole file is valid.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import CorpusError, InputError, LabelError
from .labels import LABELS, normalize_label, parse_labels

if TYPE_CHECKING:  # pandas is imported where frames are built: `stance classify` starts faster
    import pandas as pd

REQUIRED_COLUMNS = ("text", "label")
CORPUS_COLUMNS = (
    "id",
    "date",
    "actor",
    "speaker",
    "speaker_role",
    "text",
    "form",
    "label",
    "labels",
    "event",
    "hard",
)
DEFAULT_CORPUS = Path(__file__).resolve().parent.parent / "corpora" / "quotes.csv"
#: Encodings tried in order; latin-1 is last because it never fails to decode.
_ENCODINGS = ("utf-8-sig", "cp1252")
_WS = re.compile(r"\s+")


def read_text_file(path: Path, what: str = "file") -> str:
    """Read a text file as UTF-8 (or Windows-1252 when it is clearly that), or fail clearly."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{path}: no such {what}; check the path") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a directory, expected a {what}") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror})") from None
    if b"\x00" in raw[:8192]:
        raise InputError(f"{path}: looks like a binary file, expected UTF-8 text")
    for encoding in _ENCODINGS:
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError as exc:
            first_error = exc
            continue
    raise InputError(
        f"{path}: not UTF-8 text (byte {first_error.start}); save it as UTF-8 and try again"
    )


def sniff_dialect(sample: str, path: Path) -> type[csv.Dialect]:
    """The delimiter, told by the header line: comma, else semicolon, else tab."""
    header = sample.split("\n", 1)[0]
    counts = {d: header.count(d) for d in (",", ";", "\t")}
    delimiter = max(counts, key=lambda d: (counts[d], d == ","))

    class Dialect(csv.excel):
        pass

    Dialect.delimiter = delimiter if counts[delimiter] else ","
    return Dialect


def normalize_text_key(text: str) -> str:
    """The key under which two texts count as the same statement."""
    return _WS.sub(" ", text.strip().lower())


def read_labelled_csv(path: str | Path, *, min_per_label: int = 0) -> pd.DataFrame:
    """Read one labelled CSV and validate it; return a DataFrame with a ``line`` column.

    Raises :class:`CorpusError` naming the file and lines at fault.
    """
    path = Path(path)
    content = read_text_file(path, "labelled CSV")
    dialect = sniff_dialect(content[:20000], path)
    reader = csv.DictReader(io.StringIO(content, newline=""), dialect=dialect)
    if reader.fieldnames is None:
        raise CorpusError(f"{path}: empty file; expected a header with text,label")
    fields = [f.strip() for f in reader.fieldnames]
    reader.fieldnames = fields
    missing = [c for c in REQUIRED_COLUMNS if c not in fields]
    if missing:
        raise CorpusError(
            f"{path}: missing column(s) {', '.join(missing)}; columns found: {', '.join(fields)}"
        )
    problems: list[str] = []
    rows: list[dict] = []
    seen: dict[str, tuple[int, str]] = {}
    try:
        for row in reader:
            line = reader.line_num
            if None in row:
                problems.append(f"{path}:{line}: more fields than the header has")
                continue
            text = (row.get("text") or "").strip()
            if not text:
                problems.append(f"{path}:{line}: empty text")
                continue
            try:
                label = normalize_label(row.get("label") or "")
                labels = parse_labels(row.get("labels") or "", primary=label)
            except LabelError as exc:
                problems.append(f"{path}:{line}: {exc}")
                continue
            key = normalize_text_key(text)
            if key in seen and seen[key][1] != label:
                first_line, first_label = seen[key]
                problems.append(
                    f"{path}:{line}: label {label!r} conflicts with {first_label!r} given to "
                    f"the same text at line {first_line}"
                )
                continue
            seen.setdefault(key, (line, label))
            record = {k: (v if v is not None else "") for k, v in row.items()}
            record.update(text=text, label=label, labels=";".join(labels), line=line)
            record["source"] = str(path)
            rows.append(record)
    except csv.Error as exc:
        problems.append(f"{path}:{reader.line_num}: malformed CSV ({exc})")
    if problems:
        more = f" (and {len(problems) - 3} more)" if len(problems) > 3 else ""
        raise CorpusError("; ".join(problems[:3]) + more)
    if not rows:
        raise CorpusError(f"{path}: no labelled rows; add rows with text and label")
    import pandas as pd

    frame = pd.DataFrame(rows)
    for column in ("event", "id"):
        if column not in frame:
            frame[column] = ""
    check_label_counts(frame, min_per_label, str(path))
    return frame


def check_label_counts(frame: pd.DataFrame, min_per_label: int, where: str) -> None:
    """Fail when a label has fewer than ``min_per_label`` examples, saying how many are needed."""
    if min_per_label <= 0:
        return
    counts = frame["label"].value_counts()
    short = [(lab, int(counts.get(lab, 0))) for lab in LABELS if counts.get(lab, 0) < min_per_label]
    if short:
        detail = ", ".join(f"{lab} has {n}" for lab, n in short)
        raise CorpusError(
            f"{where}: too few examples to train ({detail}); each label needs at least "
            f"{min_per_label}: label more statements of those kinds"
        )


def read_labelled_csvs(paths: Iterable[str | Path]) -> pd.DataFrame:
    """Read several labelled CSVs into one frame; the same text with two labels is an error."""
    import pandas as pd

    frames = [read_labelled_csv(p) for p in paths]
    if not frames:
        raise CorpusError("no labelled data given; pass --data FILE.csv")
    frame = pd.concat(frames, ignore_index=True)
    keys = frame["text"].map(normalize_text_key)
    first: dict[str, int] = {}
    for idx, key in enumerate(keys):
        if key in first:
            a, b = frame.iloc[first[key]], frame.iloc[idx]
            if a["label"] != b["label"]:
                raise CorpusError(
                    f"{b['source']}:{b['line']}: label {b['label']!r} conflicts with "
                    f"{a['label']!r} for the same text at {a['source']}:{a['line']}"
                )
        else:
            first[key] = idx
    # The same text from two files counts once: keep the first occurrence.
    return frame[~keys.duplicated()].reset_index(drop=True)


def file_sha256(path: str | Path) -> str:
    """sha256 of a file's bytes, streamed."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
