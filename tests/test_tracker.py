"""The tracker: ingest into SQLite, reports per actor and week or day."""

from __future__ import annotations

import json
import sqlite3

import pandas as pd
import pytest
from click.testing import CliRunner

from stance.cli import main
from stance.errors import InputError, StoreError
from stance.report import check_report_args, report_columns, stance_report
from stance.store import SCHEMA_VERSION, Store, iso_week
from stance.tracker import ingest

ARTICLES = [
    {
        "id": "w1",
        "date": "2024-11-28",
        "url": "https://example.org/w1",
        "text": "Moscow strongly condemned the offensive as a flagrant violation of Syrian "
        "sovereignty.\n\nThe U.S. denied any involvement in the offensive.",
    },
    {
        "id": "w2",
        "date": "2024-12-04",
        "url": "https://example.org/w2",
        "text": "Iran urged all sides to exercise restraint and return to dialogue.",
    },
    # The same wire story in another outlet: its statement counts once.
    {
        "id": "w3",
        "date": "2024-11-28",
        "url": "https://other.example/w3",
        "text": "Moscow strongly condemned the offensive as a flagrant violation of Syrian "
        "sovereignty.\n\nSyndicated by Other Outlet.",
    },
]


@pytest.fixture()
def feed(tmp_path):
    path = tmp_path / "feed.jsonl"
    path.write_text("".join(json.dumps(a) + "\n" for a in ARTICLES), encoding="utf-8")
    return path


def test_ingest_is_idempotent_and_syndication_counts_once(tmp_path, feed, default_model):
    with Store(tmp_path / "s.db") as store:
        first = ingest([str(feed)], store, model=default_model)
        second = ingest([str(feed)], store, model=default_model)
        assert (first.articles_new, first.articles_duplicate) == (3, 0)
        assert (second.articles_new, second.articles_duplicate) == (0, 3)
        assert first.statements_syndicated == 1
        report = stance_report(store, actors=["russia"])
        assert report["statements"].sum() == 1
        row = next(store.statements(actors=["russia"]))
        assert row["syndicated"] == 1


def test_weekly_report_columns_gaps_and_dominant(tmp_path, feed, default_model):
    with Store(tmp_path / "s.db") as store:
        ingest([str(feed)], store, model=default_model)
        report = stance_report(
            store, actors=["russia", "us", "iran"], date_from="2024-11-25", date_to="2024-12-15"
        )
    assert list(report.columns) == report_columns("week")
    assert len(report) == 3 * 3  # three weeks x three actors, zeros included
    cell = report[(report.week == "2024-W48") & (report.actor == "russia")].iloc[0]
    assert cell.statements == 1 and cell.n_condemn == 1 and cell.dominant == "condemn"
    assert cell.example_ids
    empty = report[(report.week == "2024-W50") & (report.actor == "iran")].iloc[0]
    assert empty.statements == 0 and empty.dominant == ""
    us = report[(report.week == "2024-W48") & (report.actor == "us")].iloc[0]
    assert us.dominant == "deny"


def test_human_labels_override_model_labels(tmp_path, feed, default_model):
    with Store(tmp_path / "s.db") as store:
        ingest([str(feed)], store, model=default_model)
        row = next(store.statements(actors=["iran"]))
        store.set_human_labels([(row["id"], "other", ";other;", "ann", "test")])
        report = stance_report(store, actors=["iran"])
    assert report.iloc[0].n_other == 1 and report.iloc[0].dominant == ""


def test_daily_report_and_all_labels_mode(tmp_path, feed, default_model):
    with Store(tmp_path / "s.db") as store:
        ingest([str(feed)], store, model=default_model)
        daily = stance_report(store, period="day")
        everything = stance_report(store, period="day", count="all")
    assert list(daily.columns) == report_columns("day")
    assert set(daily["day"]) == {"2024-11-28", "2024-12-04"}
    assert (
        everything[[c for c in everything if c.startswith("n_")]].sum(axis=1)
        >= daily[[c for c in daily if c.startswith("n_")]].sum(axis=1)
    ).all()


@pytest.mark.parametrize(
    ("actors", "date_from", "date_to", "message"),
    [
        (["narnia"], None, None, "unknown actor code(s) narnia; known:"),
        (None, "2024-12-10", "2024-12-01", "--from 2024-12-10 is after --to 2024-12-01"),
        (None, "2024-13-01", None, "--from '2024-13-01': not a date"),
    ],
)
def test_report_arguments_are_checked(actors, date_from, date_to, message):
    with pytest.raises(InputError, match=message.replace("(", r"\(").replace(")", r"\)")):
        check_report_args(actors, date_from, date_to, {"russia", "us"}, "week", "primary")


def test_empty_database_gives_headers_only(tmp_path):
    Store(tmp_path / "e.db").close()
    result = CliRunner().invoke(main, ["report", "--db", str(tmp_path / "e.db")])
    assert result.exit_code == 0
    assert result.output.splitlines()[-1].startswith("week,week_start,actor,statements")
    assert "no statements yet" in result.output


def test_database_from_a_newer_version_is_refused(tmp_path):
    path = tmp_path / "new.db"
    Store(path).close()
    conn = sqlite3.connect(path)
    conn.execute(
        "UPDATE meta SET value = ? WHERE key = 'schema_version'", (str(SCHEMA_VERSION + 1),)
    )
    conn.commit()
    conn.close()
    with pytest.raises(StoreError, match="newer stance"):
        Store(path)


def test_old_database_is_migrated(tmp_path):
    path = tmp_path / "old.db"
    Store(path).close()
    conn = sqlite3.connect(path)
    conn.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'")
    conn.commit()
    conn.close()
    with Store(path) as store:
        version = store.conn.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
    assert int(version[0]) == SCHEMA_VERSION


def test_not_a_stance_database_is_refused(tmp_path):
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE x (y)")
    conn.close()
    with pytest.raises(StoreError, match="not a stance database"):
        Store(path)


def test_iso_weeks():
    assert iso_week("2024-11-30") == ("2024-W48", "2024-11-25")
    assert iso_week("2024-12-30") == ("2025-W01", "2024-12-30")


def test_cli_report_out_is_atomic_and_matches(tmp_path, feed):
    db = tmp_path / "s.db"
    r = CliRunner().invoke(main, ["ingest", str(feed), "--db", str(db)])
    assert r.exit_code == 0, r.output
    assert "3 read, 3 new" in r.output
    out = tmp_path / "weekly.csv"
    r = CliRunner().invoke(
        main,
        [
            "report",
            "--weekly",
            "--db",
            str(db),
            "--out",
            str(out),
            "--from",
            "2024-11-25",
            "--to",
            "2024-12-08",
            "--actors",
            "russia,us",
        ],
    )
    assert r.exit_code == 0, r.output
    frame = pd.read_csv(out)
    assert list(frame["week"]) == ["2024-W48", "2024-W48", "2024-W49", "2024-W49"]
    r = CliRunner().invoke(
        main,
        [
            "statements",
            "--db",
            str(db),
            "--actor",
            "russia",
            "--week",
            "2024-W48",
            "--format",
            "jsonl",
        ],
    )
    (record,) = [json.loads(line) for line in r.output.splitlines()]
    assert record["label"] == "condemn" and record["url"] == "https://example.org/w1"


def _many_articles(path, n, prefix):
    lines = []
    for i in range(n):
        lines.append(
            json.dumps(
                {
                    "id": f"{prefix}{i}",
                    "date": f"2024-12-{1 + i % 28:02d}",
                    "text": f"Dispatch {prefix}{i}. Moscow condemned strike number {i} as a "
                    f"violation.\n\nAnkara said talks would continue on day {i}.",
                }
            )
        )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_interrupted_ingest_leaves_a_consistent_database_and_resumes(tmp_path, default_model):
    feed = _many_articles(tmp_path / "feed.jsonl", 30, "k")

    class Crashing:
        """The model dies on its 4th call (the 4th batch), as a killed process would."""

        def __init__(self, model):
            self.model, self.calls, self.version = model, 0, model.version

        def predict(self, texts):
            self.calls += 1
            if self.calls == 4:
                raise KeyboardInterrupt
            return self.model.predict(texts)

    db = tmp_path / "s.db"
    with Store(db) as store, pytest.raises(KeyboardInterrupt):
        ingest([str(feed)], store, model=Crashing(default_model), batch_size=2)
    with Store(db) as store:
        stored = store.count("articles")
        assert stored == 6  # three whole batches; the batch in flight left nothing behind
        orphans = store.conn.execute(
            "SELECT COUNT(*) FROM statements WHERE article_id NOT IN (SELECT id FROM articles)"
        ).fetchone()[0]
        assert orphans == 0
        summary = ingest([str(feed)], store, model=default_model, batch_size=2)
        assert summary.articles_duplicate == stored and store.count("articles") == 30


def test_two_processes_ingesting_at_once_both_succeed(tmp_path):
    import subprocess
    import sys

    db = tmp_path / "shared.db"
    feeds = [_many_articles(tmp_path / f"f{k}.jsonl", 40, f"p{k}-") for k in range(2)]
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "stance", "ingest", str(f), "--db", str(db), "--model", "light"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for f in feeds
    ]
    results = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], results
    with Store(db) as store:
        assert store.count("articles") == 80


def test_report_straight_from_article_files(tmp_path, feed):
    result = CliRunner().invoke(main, ["report", str(feed), "--daily", "--actors", "russia"])
    assert result.exit_code == 0, result.output
    lines = [line for line in result.output.splitlines() if line.startswith(("day,", "2024"))]
    assert lines[0].startswith("day,actor,statements")
    assert lines[1].startswith("2024-11-28,russia,1,1,")


def test_bad_report_flags_exit_with_one_line(tmp_path):
    Store(tmp_path / "e.db").close()
    for args, message in (
        (["--actors", "narnia"], "unknown actor code(s) narnia"),
        (["--from", "2024-12-10", "--to", "2024-12-01"], "is after --to"),
    ):
        result = CliRunner().invoke(main, ["report", "--db", str(tmp_path / "e.db"), *args])
        assert result.exit_code == 1 and message in result.output
        assert "Traceback" not in result.output
    missing = CliRunner().invoke(main, ["report", "--db", str(tmp_path / "none.db")])
    assert missing.exit_code == 1 and "run `stance ingest` first" in missing.output
