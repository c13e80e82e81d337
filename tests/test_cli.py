"""The command line as users and scripts use it."""

from __future__ import annotations

import csv
import io
import json

import pytest
from click.testing import CliRunner

from stance.cli import main

from .conftest import SEED_TEXT

# The contract's prediction columns, spelled out: scripts rely on these exact names.
LABEL_COLUMNS = [
    "label",
    "labels",
    "confidence",
    "p_condemn",
    "p_support",
    "p_deny",
    "p_deescalate",
    "p_other",
]


def run(*args, input=None):
    return CliRunner().invoke(main, list(args), input=input, catch_exceptions=False)


def all_commands(group=main, prefix=()):
    import click

    for name, command in group.commands.items():
        path = (*prefix, name)
        yield path
        if isinstance(command, click.Group):
            yield from all_commands(command, path)


@pytest.mark.parametrize("path", list(all_commands()), ids=lambda p: " ".join(p))
def test_every_command_has_help_with_an_example(path):
    result = run(*path, "--help")
    assert result.exit_code == 0
    assert "Example" in result.output
    assert "stance " in result.output.split("Example", 1)[1]


def test_classify_prints_label_confidence_and_all_probabilities():
    result = run("classify", "Moscow strongly condemned the strike as a flagrant violation.")
    assert result.exit_code == 0
    header, row = result.output.splitlines()[:2]
    assert header.split()[:2] == ["label", "conf"]
    assert row.split()[0] == "condemn"
    assert len(row.split()) >= 7


def test_classify_json_and_explain():
    result = run("classify", "--json", "--explain", "The U.S. categorically denied any role.")
    payload = json.loads(result.output)
    assert payload[0]["label"] == "deny"
    assert abs(sum(payload[0]["probabilities"].values()) - 1) < 0.01
    words = [w for w, _ in payload[0]["explanation"]["deny"]]
    assert any("denied" in w for w in words)


def test_classify_csv_keeps_columns_and_adds_the_contract(tmp_path):
    source = tmp_path / "in.csv"
    source.write_text(
        "id,text,extra\n"
        "1,Ankara welcomed the ceasefire agreed in Moscow.,x\n"
        '2,"   ",y\n'
        "3,Iran urged all sides to exercise restraint.,z\n",
        encoding="utf-8",
    )
    out = tmp_path / "out.csv"
    result = run(
        "classify", "--file", str(source), "--column", "text", "--format", "csv", "--out", str(out)
    )
    assert result.exit_code == 0
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert list(rows[0])[:3] == ["id", "text", "extra"]
    assert all(c in rows[0] for c in LABEL_COLUMNS)
    assert [r["id"] for r in rows] == ["1", "2", "3"]
    assert rows[0]["label"] and rows[2]["label"] == "deescalate"
    assert rows[1]["label"] == "" and "empty" in rows[1]["error"]


def test_classify_jsonl_from_stdin():
    lines = json.dumps({"text": "Tehran denied supplying drones.", "k": 1}) + "\n"
    result = run("classify", "--file", "-", "--format", "jsonl", input=lines)
    record = json.loads(result.output.splitlines()[0])
    assert record["k"] == 1 and record["label"] == "deny"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"id,body\n1,hello\n", "no column 'text'; columns found: id, body"),
        (b"text\n\xff\xfe bad bytes\n", "not UTF-8"),
    ],
)
def test_batch_input_errors_are_one_line_and_leave_no_output(tmp_path, content, message):
    source = tmp_path / "in.csv"
    source.write_bytes(content)
    out = tmp_path / "out.csv"
    result = CliRunner().invoke(main, ["classify", "--file", str(source), "--out", str(out)])
    assert result.exit_code == 1
    assert message in result.output
    assert "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert not out.exists()
    assert not list(tmp_path.glob(".out.csv*"))


def test_missing_file_and_empty_statement_and_huge_statement(tmp_path):
    r = CliRunner().invoke(main, ["classify", "--file", str(tmp_path / "none.csv")])
    assert r.exit_code == 1 and "no such file" in r.output
    r = CliRunner().invoke(main, ["classify", "   "])
    assert r.exit_code == 1 and "empty statement" in r.output
    r = CliRunner().invoke(main, ["classify", "word " * 1_000_000])
    assert r.exit_code == 1 and "not one statement" in r.output


def test_bad_flags_are_usage_errors():
    r = CliRunner().invoke(main, ["classify"])
    assert r.exit_code == 2
    r = CliRunner().invoke(main, ["report", "--labels", "some"])
    assert r.exit_code == 2


def test_extract_jsonl_contract():
    result = run("extract", str(SEED_TEXT), "--date", "Nov. 30, 2024", "--format", "jsonl")
    records = [json.loads(line) for line in result.output.splitlines()]
    assert len(records) >= 14
    keys = {
        "article_id",
        "date",
        "speaker",
        "speaker_role",
        "actor",
        "text",
        "quote",
        "cue",
        "start",
        "end",
        "evidence",
        *LABEL_COLUMNS,
    }
    assert keys <= set(records[0])
    text = SEED_TEXT.read_text(encoding="utf-8")
    for r in records:
        assert text[r["start"] : r["end"]] == r["text"]
        assert r["date"] == "2024-11-30"


def test_extract_csv_and_impossible_date(tmp_path):
    result = run("extract", str(SEED_TEXT), "--date", "2024-11-30", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert {r["actor"] for r in rows} >= {"russia", "iran", "us", "turkey"}
    bad = CliRunner().invoke(main, ["extract", str(SEED_TEXT), "--date", "2024-13-01"])
    assert bad.exit_code == 1 and "--date" in bad.output


def test_actors_show_and_check(tmp_path):
    result = run("actors", "show", "turkey")
    assert "Ankara" in result.output and "Foreign Minister" in result.output
    result = run("actors", "show", "Maria Zakharova", "--date", "2024-11-30")
    assert "russia" in result.output
    user = tmp_path / "mine.csv"
    user.write_text(
        "actor,name,aliases,role,start,end\n"
        "narnia,Jane Roe,,Foreign Minister,2020-01-01,\n"
        "turkey,Jane Doe,,Foreign Minister,2019-01-01,2020-01-01\n",
        encoding="utf-8",
    )
    r = CliRunner().invoke(main, ["actors", "check", str(user)])
    assert r.exit_code == 1
    assert f"{user}:2: unknown actor 'narnia'" in r.output
    assert f"{user}:3: Jane Doe's term as Foreign Minister overlaps" in r.output
