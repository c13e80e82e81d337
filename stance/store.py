"""The statement store: an embedded SQLite database of articles, statements and human labels.

- A schema version with migrations: a database made by an older stance opens and is
  upgraded; one made by a newer stance is refused rather than damaged.
- Ingest is idempotent: an article with the same URL or the same text is stored once; a
  statement syndicated by several outlets (same actor, speaker, words and day) is kept with
  every source but flagged so reports count it once.
- Each batch is one transaction, in WAL mode with a long busy timeout: a killed ingest
  leaves a consistent database, and two processes ingesting at once both succeed.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from datetime import date as Date
from pathlib import Path

from .errors import StoreError
from .labels import LABELS

SCHEMA_VERSION = 3
BUSY_TIMEOUT_SECONDS = 120

_SCHEMA_V1 = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS articles (
    id TEXT PRIMARY KEY,
    url TEXT,
    title TEXT,
    source TEXT,
    date TEXT NOT NULL,
    text_sha1 TEXT NOT NULL UNIQUE,
    text TEXT NOT NULL,
    ingested_at TEXT NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS articles_url ON articles(url) WHERE url <> '';
CREATE TABLE IF NOT EXISTS statements (
    id TEXT PRIMARY KEY,
    article_id TEXT NOT NULL REFERENCES articles(id),
    date TEXT NOT NULL,
    week TEXT NOT NULL,
    week_start TEXT NOT NULL,
    speaker TEXT,
    speaker_role TEXT,
    actor TEXT,
    text TEXT NOT NULL,
    quote TEXT,
    cue TEXT,
    start INTEGER,
    "end" INTEGER,
    evidence TEXT,
    label TEXT,
    labels TEXT,
    confidence REAL,
    p_condemn REAL, p_support REAL, p_deny REAL, p_deescalate REAL, p_other REAL,
    model_version TEXT,
    dedup_key TEXT NOT NULL,
    duplicate_of TEXT
);
CREATE INDEX IF NOT EXISTS statements_actor_date ON statements(actor, date);
CREATE INDEX IF NOT EXISTS statements_dedup ON statements(dedup_key);
CREATE INDEX IF NOT EXISTS statements_duplicate_of ON statements(duplicate_of);
CREATE TABLE IF NOT EXISTS human_labels (
    statement_id TEXT PRIMARY KEY REFERENCES statements(id),
    label TEXT NOT NULL,
    labels TEXT NOT NULL,
    annotator TEXT,
    labelled_at TEXT NOT NULL,
    source TEXT
);
"""


def _migrate_to_2(conn: sqlite3.Connection) -> None:
    # v2 records which model labelled a statement when (for `stance reclassify`).
    columns = {row[1] for row in conn.execute("PRAGMA table_info(statements)")}
    if "classified_at" not in columns:
        conn.execute("ALTER TABLE statements ADD COLUMN classified_at TEXT")


def _migrate_to_3(conn: sqlite3.Connection) -> None:
    # v3: covering indexes of the counted statements, so that weekly and daily reports over
    # millions of statements group in index order instead of sorting the table.
    conn.execute(
        "CREATE INDEX IF NOT EXISTS statements_week_report ON statements(week, week_start, "
        "actor, speaker, label, confidence, labels, id) WHERE duplicate_of IS NULL"
    )
    conn.execute(
        "CREATE INDEX IF NOT EXISTS statements_day_report ON statements(date, actor, speaker, "
        "label, confidence, labels, id) WHERE duplicate_of IS NULL"
    )


#: version -> function bringing a database from version-1 to version.
MIGRATIONS = {2: _migrate_to_2, 3: _migrate_to_3}


def iso_week(day: str) -> tuple[str, str]:
    """('2024-W48', '2024-11-25') for '2024-11-30'."""
    d = Date.fromisoformat(day)
    year, week, weekday = d.isocalendar()
    start = Date.fromordinal(d.toordinal() - weekday + 1)
    return f"{year}-W{week:02d}", start.isoformat()


_WORDS = re.compile(r"\w+")


def dedup_key(actor: str | None, speaker: str, text: str, quote: str | None, day: str) -> str:
    """Same speaker, same words, same day -> same key (syndicated copies count once)."""
    words = " ".join(_WORDS.findall((quote or text).lower()))
    basis = f"{actor or ''}|{' '.join(_WORDS.findall(speaker.lower()))}|{words}|{day}"
    return hashlib.sha1(basis.encode("utf-8")).hexdigest()


@dataclass
class IngestSummary:
    """What an ingest did: counts and the reasons articles failed."""

    articles_read: int = 0
    articles_new: int = 0
    articles_duplicate: int = 0
    articles_failed: int = 0
    statements_new: int = 0
    statements_syndicated: int = 0
    failures: list[str] = field(default_factory=list)
    per_actor: dict[str, int] = field(default_factory=dict)


def _retry_while_locked(action, seconds: float = BUSY_TIMEOUT_SECONDS) -> None:
    """Run ``action``, waiting while another process holds the database: switching to WAL
    and creating the schema need locks that SQLite's busy timeout does not always wait for
    (two processes opening a new database at once)."""
    import time

    deadline = time.monotonic() + seconds
    delay = 0.02
    while True:
        try:
            action()
            return
        except sqlite3.OperationalError as exc:
            message = str(exc).lower()
            if ("locked" not in message and "busy" not in message) or time.monotonic() > deadline:
                raise
            time.sleep(delay)
            delay = min(delay * 2, 0.5)


class Store:
    """A connection to the statement database."""

    def __init__(self, path: str | Path, *, create: bool = True, readonly: bool = False) -> None:
        self.path = Path(path)
        if str(path) != ":memory:" and self.path.exists() and not os.access(self.path, os.W_OK):
            readonly = True  # a read-only database can still be reported on
        if not create and not self.path.exists():
            raise StoreError(f"{self.path}: no such database; run `stance ingest` first")
        try:
            if readonly:
                uri = f"file:{self.path}?mode=ro"
                self.conn = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_SECONDS)
            else:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self.conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_SECONDS)
            self.conn.row_factory = sqlite3.Row
            self.conn.isolation_level = None  # explicit transactions only
            _retry_while_locked(lambda: self._configure(readonly))
        except sqlite3.DatabaseError as exc:
            raise StoreError(
                f"{self.path}: cannot open the database ({exc}); check the path, "
                "its permissions, or that it is a stance database"
            ) from None

    def _configure(self, readonly: bool) -> None:
        if not readonly:
            self.conn.execute("PRAGMA journal_mode=WAL")
            self.conn.execute("PRAGMA synchronous=NORMAL")
        self._prepare(readonly)

    def _prepare(self, readonly: bool) -> None:
        tables = {
            r[0] for r in self.conn.execute("SELECT name FROM sqlite_master WHERE type='table'")
        }
        version = 0
        if "meta" in tables:
            row = self.conn.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
            version = int(row[0]) if row else 0
        elif tables:
            raise StoreError(
                f"{self.path}: not a stance database (tables: "
                f"{', '.join(sorted(tables))}); choose another --db"
            )
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"{self.path}: made by a newer stance (schema {version}, this one knows "
                f"{SCHEMA_VERSION}); upgrade stance to open it"
            )
        if version == SCHEMA_VERSION or readonly:
            if readonly and version < SCHEMA_VERSION:
                raise StoreError(
                    f"{self.path}: read-only database of schema {version} needs an "
                    "upgrade; make it writable once"
                )
            return
        with self.transaction():
            if version == 0:
                # executescript() would commit the open transaction: run statements one by one.
                for statement in _SCHEMA_V1.split(";"):
                    if statement.strip():
                        self.conn.execute(statement)
                version = 1
            for target in range(version + 1, SCHEMA_VERSION + 1):
                MIGRATIONS[target](self.conn)
            self.conn.execute(
                "INSERT OR REPLACE INTO meta(key, value) VALUES ('schema_version', ?)",
                (str(SCHEMA_VERSION),),
            )

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction (taken at once, so concurrent writers queue, not fail)."""
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise StoreError(
                f"{self.path}: cannot write ({exc}); is it read-only or locked "
                "by a crashed process?"
            ) from None
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        else:
            try:
                self.conn.execute("COMMIT")
            except sqlite3.OperationalError as exc:
                self.conn.execute("ROLLBACK")
                raise StoreError(f"{self.path}: cannot commit ({exc})") from None

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- writing ---------------------------------------------------------------------------
    def find_article(self, url: str, text_sha1: str) -> str | None:
        """The stored article with this text or URL, if any. Two indexed lookups: an OR in
        one query would scan the table, and ingest would slow down as the store grows."""
        row = self.conn.execute(
            "SELECT id FROM articles WHERE text_sha1 = ?", (text_sha1,)
        ).fetchone()
        if row is None and url:
            row = self.conn.execute(
                "SELECT id FROM articles WHERE url = ? AND url <> ''", (url,)
            ).fetchone()
        return row[0] if row else None

    def add_batch(self, batch: list[tuple], summary: IngestSummary, model_version: str) -> None:
        """Store a batch of (article, statements) in one transaction."""
        now = datetime.now(UTC).isoformat(timespec="seconds")
        try:
            with self.transaction() as conn:
                for article, statements in batch:
                    sha = hashlib.sha1(article.text.encode("utf-8")).hexdigest()
                    if self.find_article(article.url, sha):
                        summary.articles_duplicate += 1
                        continue
                    article_id = article.id
                    if conn.execute(
                        "SELECT 1 FROM articles WHERE id = ?", (article_id,)
                    ).fetchone():
                        article_id = f"{article.id}-{sha[:8]}"
                    conn.execute(
                        "INSERT INTO articles(id, url, title, source, date, text_sha1, text, "
                        "ingested_at) VALUES (?,?,?,?,?,?,?,?)",
                        (
                            article_id,
                            article.url,
                            article.title,
                            article.source,
                            article.date,
                            sha,
                            article.text,
                            now,
                        ),
                    )
                    summary.articles_new += 1
                    for s in statements:
                        self._insert_statement(conn, s, article_id, model_version, now, summary)
        except sqlite3.DatabaseError as exc:
            raise StoreError(
                f"{self.path}: write failed ({exc}); the batch was rolled back, "
                "run the same command again to finish"
            ) from None

    def _insert_statement(self, conn, s, article_id, model_version, now, summary) -> None:
        week, week_start = iso_week(s.date)
        key = dedup_key(s.actor, s.speaker, s.text, s.quote, s.date)
        first = conn.execute(
            "SELECT id FROM statements WHERE dedup_key = ? AND duplicate_of IS NULL LIMIT 1",
            (key,),
        ).fetchone()
        sid = (
            s.id
            if article_id == s.article_id
            else f"{s.id[:10]}{hashlib.sha1(article_id.encode()).hexdigest()[:6]}"
        )
        probs = s.probabilities or {}
        conn.execute(
            "INSERT OR IGNORE INTO statements(id, article_id, date, week, week_start, speaker, "
            'speaker_role, actor, text, quote, cue, start, "end", evidence, label, labels, '
            "confidence, p_condemn, p_support, p_deny, p_deescalate, p_other, model_version, "
            "dedup_key, duplicate_of, classified_at) "
            "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (
                sid,
                article_id,
                s.date,
                week,
                week_start,
                s.speaker,
                s.speaker_role,
                s.actor,
                s.text,
                s.quote,
                s.cue,
                s.start,
                s.end,
                json.dumps(s.evidence, ensure_ascii=False),
                s.label,
                ";" + ";".join(s.labels) + ";" if s.labels else None,
                s.confidence,
                *(probs.get(lab) for lab in LABELS),
                model_version,
                key,
                first[0] if first else None,
                now,
            ),
        )
        if first:
            summary.statements_syndicated += 1
        else:
            summary.statements_new += 1
            summary.per_actor[s.actor or "(no state)"] = (
                summary.per_actor.get(s.actor or "(no state)", 0) + 1
            )

    # -- human labels ----------------------------------------------------------------------
    def set_human_labels(self, rows: Iterable[tuple[str, str, str, str, str]]) -> dict[str, int]:
        """Store (statement_id, label, labels, annotator, source); returns counts of new,
        changed and unchanged labels. Re-importing the same labels changes nothing."""
        counts = {"new": 0, "changed": 0, "unchanged": 0}
        now = datetime.now(UTC).isoformat(timespec="seconds")
        with self.transaction() as conn:
            for sid, label, labels, annotator, source in rows:
                old = conn.execute(
                    "SELECT label, labels FROM human_labels WHERE statement_id=?", (sid,)
                ).fetchone()
                if old and old["label"] == label and old["labels"] == labels:
                    counts["unchanged"] += 1
                    continue
                conn.execute(
                    "INSERT OR REPLACE INTO human_labels(statement_id, label, labels, annotator, "
                    "labelled_at, source) VALUES (?,?,?,?,?,?)",
                    (sid, label, labels, annotator, now, source),
                )
                counts["changed" if old else "new"] += 1
        return counts

    def existing_ids(self, ids: Iterable[str]) -> set[str]:
        found: set[str] = set()
        ids = list(ids)
        for i in range(0, len(ids), 500):
            chunk = ids[i : i + 500]
            marks = ",".join("?" * len(chunk))
            found.update(
                r[0]
                for r in self.conn.execute(
                    f"SELECT id FROM statements WHERE id IN ({marks})", chunk
                )
            )
        return found

    def human_labelled(self) -> list[sqlite3.Row]:
        return self.conn.execute(
            "SELECT s.id, s.text, s.date, s.actor, h.label, h.labels, a.id AS article_id "
            "FROM human_labels h JOIN statements s ON s.id = h.statement_id "
            "JOIN articles a ON a.id = s.article_id ORDER BY s.id"
        ).fetchall()

    # -- reading ---------------------------------------------------------------------------
    def count(self, table: str = "statements") -> int:
        return int(self.conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])

    def statements(
        self,
        *,
        actors: list[str] | None = None,
        date_from: str | None = None,
        date_to: str | None = None,
        week: str | None = None,
        day: str | None = None,
        label: str | None = None,
        min_confidence: float = 0.0,
        include_syndicated: bool = False,
        columns: str = "*",
    ) -> sqlite3.Cursor:
        """Statements with the effective label (human label over model label)."""
        where, params = ["1=1"], []
        if not include_syndicated:
            where.append("s.duplicate_of IS NULL")
        if actors:
            where.append(f"s.actor IN ({','.join('?' * len(actors))})")
            params.extend(actors)
        if date_from:
            where.append("s.date >= ?")
            params.append(date_from)
        if date_to:
            where.append("s.date <= ?")
            params.append(date_to)
        if week:
            where.append("s.week = ?")
            params.append(week)
        if day:
            where.append("s.date = ?")
            params.append(day)
        if min_confidence:
            where.append("(h.label IS NOT NULL OR s.confidence >= ?)")
            params.append(min_confidence)
        if label:
            where.append("COALESCE(h.label, s.label) = ?")
            params.append(label)
        sql = (
            "SELECT s.id, s.article_id, s.date, s.week, s.week_start, s.actor, s.speaker, "
            "s.speaker_role, s.text, s.quote, s.cue, "
            "COALESCE(h.label, s.label) AS label, COALESCE(h.labels, s.labels) AS labels, "
            "CASE WHEN h.label IS NOT NULL THEN 1.0 ELSE s.confidence END AS confidence, "
            "s.label AS model_label, h.label AS human_label, s.model_version, "
            "(SELECT COUNT(*) FROM statements d WHERE d.duplicate_of = s.id) AS syndicated, "
            "a.url AS url "
            "FROM statements s LEFT JOIN human_labels h ON h.statement_id = s.id "
            "JOIN articles a ON a.id = s.article_id "
            f"WHERE {' AND '.join(where)} ORDER BY s.date, s.actor, s.id"
        )
        return self.conn.execute(sql, params)
