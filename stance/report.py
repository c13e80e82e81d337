"""Stance reports: statements per actor and per ISO week (or day), as pandas and CSV.

One row per period and actor: ``statements``, for each label a count ``n_<label>`` and a
share ``share_<label>``, ``dominant`` (the most frequent stance other than ``other``; empty
on a tie or when there is none), ``mean_confidence``, ``top_speakers`` and ``example_ids``
(the statements that best show the dominant stance). Human labels override model labels.
Given a date range, periods without statements appear with zeros so series are continuous.
"""

from __future__ import annotations

import os
from datetime import date as Date
from datetime import timedelta
from pathlib import Path

import pandas as pd

from .errors import InputError
from .labels import LABELS
from .store import Store, iso_week

PERIODS = ("week", "day")
COUNT_MODES = ("primary", "all")


def report_columns(period: str) -> list[str]:
    keys = ["week", "week_start"] if period == "week" else ["day"]
    return [
        *keys,
        "actor",
        "statements",
        *(f"n_{lab}" for lab in LABELS),
        *(f"share_{lab}" for lab in LABELS),
        "dominant",
        "mean_confidence",
        "top_speakers",
        "example_ids",
    ]


def check_report_args(
    actors: list[str] | None,
    date_from: str | None,
    date_to: str | None,
    known_actors: set[str],
    period: str,
    count: str,
) -> None:
    if period not in PERIODS:
        raise InputError(f"unknown period {period!r}; use week or day")
    if count not in COUNT_MODES:
        raise InputError(f"--labels {count!r}: use primary or all")
    unknown = [a for a in actors or [] if a not in known_actors]
    if unknown:
        raise InputError(
            f"unknown actor code(s) {', '.join(unknown)}; known: {', '.join(sorted(known_actors))}"
        )
    for name, value in (("--from", date_from), ("--to", date_to)):
        if value:
            try:
                Date.fromisoformat(value)
            except ValueError:
                raise InputError(f"{name} {value!r}: not a date; use YYYY-MM-DD") from None
    if date_from and date_to and date_from > date_to:
        raise InputError(f"--from {date_from} is after --to {date_to}; swap them")


def stance_report(
    store: Store,
    *,
    period: str = "week",
    actors: list[str] | None = None,
    date_from: str | None = None,
    date_to: str | None = None,
    min_confidence: float = 0.0,
    count: str = "primary",
) -> pd.DataFrame:
    """The report as a DataFrame (columns: :func:`report_columns`).

    The counting is done by SQLite (three GROUP BY queries), so a report over millions of
    statements reads only the aggregates into Python.
    """
    key = ["week", "week_start"] if period == "week" else ["day"]
    key_sql = "s.week, s.week_start" if period == "week" else "s.date"
    where, params = _report_filter(actors, date_from, date_to, min_confidence)
    # The covering index of the period (schema v3): grouping follows it, no table sort.
    index = "statements_week_report" if period == "week" else "statements_day_report"
    if store.conn.execute("SELECT EXISTS (SELECT 1 FROM human_labels)").fetchone()[0]:
        label = "COALESCE(h.label, s.label)"
        confidence = "CASE WHEN h.label IS NOT NULL THEN 1.0 ELSE s.confidence END"
        labels = f"COALESCE(h.labels, s.labels, ';' || {label} || ';')"
        source = (
            f"statements s INDEXED BY {index} LEFT JOIN human_labels h ON h.statement_id = s.id"
        )
    else:  # no human labels yet: the join would cost a lookup per statement for nothing
        label, confidence = "s.label", "s.confidence"
        labels = f"COALESCE(s.labels, ';' || {label} || ';')"
        source = f"statements s INDEXED BY {index}"
        where = where.replace("(h.label IS NOT NULL OR s.confidence >= ?)", "s.confidence >= ?")
    if count == "all":
        sums = ", ".join(f"SUM({labels} LIKE '%;{lab};%')" for lab in LABELS)
    else:
        sums = ", ".join(f"SUM({label} = '{lab}')" for lab in LABELS)
    base = f"FROM {source} WHERE {where}"
    group = [*key, "actor"]
    # One pass over the statements: counts per cell and speaker; cells are sums of those.
    per_speaker = pd.DataFrame.from_records(
        store.conn.execute(
            f"SELECT {key_sql}, s.actor, s.speaker, COUNT(*), SUM({confidence}), {sums} "
            f"{base} GROUP BY {key_sql}, s.actor, s.speaker",
            params,
        ).fetchall(),
        columns=[*group, "speaker", "n", "confidence_sum", *(f"n_{lab}" for lab in LABELS)],
    )
    columns = report_columns(period)
    if per_speaker.empty:
        result = pd.DataFrame(columns=columns)
    else:
        numeric = ["n", "confidence_sum", *(f"n_{lab}" for lab in LABELS)]
        per_speaker[numeric] = per_speaker[numeric].fillna(0)
        cells = per_speaker.groupby(group, as_index=False)[numeric].sum()
        cells["statements"] = cells["n"].astype(int)
        cells["mean_confidence"] = (cells["confidence_sum"] / cells["n"]).round(4)
        counts = cells[[f"n_{lab}" for lab in LABELS]].astype(int)
        cells[counts.columns] = counts
        denominator = counts.sum(axis=1).where(lambda v: v > 0, 1)
        for lab in LABELS:
            cells[f"share_{lab}"] = (cells[f"n_{lab}"] / denominator).round(4)
        cells["dominant"] = [_dominant(row) for row in counts.itertuples(index=False)]
        speakers = per_speaker[[*group, "speaker", "n"]].copy()
        speakers["n"] = speakers["n"].astype(int)
        speakers = (
            speakers.sort_values(
                [*group, "n", "speaker"], ascending=[True] * len(group) + [False, True]
            )
            .groupby(group)
            .head(3)
        )
        speakers["item"] = speakers["speaker"] + " (" + speakers["n"].astype(str) + ")"
        top = speakers.groupby(group)["item"].agg("; ".join).rename("top_speakers")
        # The examples: the most confident statements of each cell's dominant stance,
        # ranked by SQLite over only the statements that carry it.
        dominant = cells[cells["dominant"] != ""]
        store.conn.execute("DROP TABLE IF EXISTS temp.report_dominant")
        store.conn.execute(
            "CREATE TEMP TABLE report_dominant (k1 TEXT, k2 TEXT, actor TEXT, label TEXT, "
            "PRIMARY KEY (k1, k2, actor, label))"
        )
        store.conn.executemany(
            "INSERT INTO temp.report_dominant VALUES (?, ?, ?, ?)",
            [
                (row[0], row[1] if period == "week" else "", row[len(key)], row[-1])
                for row in dominant[[*group, "dominant"]].itertuples(index=False)
            ],
        )
        k2 = "s.week_start" if period == "week" else "''"
        k1 = "s.week" if period == "week" else "s.date"
        examples = pd.DataFrame.from_records(
            store.conn.execute(
                f"SELECT * FROM (SELECT {key_sql}, s.actor, {label} AS label, s.id, "
                f"ROW_NUMBER() OVER (PARTITION BY {key_sql}, s.actor "
                f"ORDER BY {confidence} DESC, s.id) AS rank {base} AND EXISTS (SELECT 1 FROM "
                f"temp.report_dominant d WHERE d.k1 = {k1} AND d.k2 = {k2} AND "
                f"d.actor = s.actor AND d.label = {label})) WHERE rank <= 3",
                params,
            ).fetchall(),
            columns=[*group, "label", "id", "rank"],
        )
        store.conn.execute("DROP TABLE IF EXISTS temp.report_dominant")
        examples = examples.merge(cells[[*group, "dominant"]], on=group)
        examples = examples[examples["label"] == examples["dominant"]].sort_values([*group, "rank"])
        ids = examples.groupby(group)["id"].agg(";".join).rename("example_ids")
        result = cells.merge(top.reset_index(), on=group, how="left").merge(
            ids.reset_index(), on=group, how="left"
        )
        result[["top_speakers", "example_ids"]] = result[["top_speakers", "example_ids"]].fillna("")
    if date_from and date_to:
        present = sorted(set(result["actor"])) if not result.empty else []
        result = _fill_gaps(result, period, actors or present, date_from, date_to)
    result = result.sort_values([*key, "actor"]).reset_index(drop=True)
    return result[columns]


def _report_filter(actors, date_from, date_to, min_confidence) -> tuple[str, list]:
    where, params = ["s.duplicate_of IS NULL", "s.actor IS NOT NULL"], []
    if actors:
        where.append(f"s.actor IN ({','.join('?' * len(actors))})")
        params.extend(actors)
    if date_from:
        where.append("s.date >= ?")
        params.append(date_from)
    if date_to:
        where.append("s.date <= ?")
        params.append(date_to)
    if min_confidence:
        where.append("(h.label IS NOT NULL OR s.confidence >= ?)")
        params.append(min_confidence)
    return " AND ".join(where), params


def _dominant(counts) -> str:
    stances = dict(zip(LABELS[:-1], counts[:-1]))  # every label but "other"
    best = max(stances.values())
    if best == 0:
        return ""
    winners = [lab for lab, n in stances.items() if n == best]
    return winners[0] if len(winners) == 1 else ""


def _periods(period: str, date_from: str, date_to: str) -> list[tuple]:
    start, end = Date.fromisoformat(date_from), Date.fromisoformat(date_to)
    if period == "day":
        return [((start + timedelta(days=i)).isoformat(),) for i in range((end - start).days + 1)]
    found = []
    day = start
    while day <= end:
        found.append(iso_week(day.isoformat()))
        day = Date.fromisoformat(found[-1][1]) + timedelta(days=7)
    return found


def _fill_gaps(result, period, actors, date_from, date_to) -> pd.DataFrame:
    key = ["week", "week_start"] if period == "week" else ["day"]
    grid = pd.DataFrame(
        [(*p, a) for p in _periods(period, date_from, date_to) for a in actors],
        columns=[*key, "actor"],
    )
    merged = grid.merge(result, on=[*key, "actor"], how="left")
    numeric = ["statements", *(f"n_{lab}" for lab in LABELS)]
    merged[numeric] = merged[numeric].fillna(0).astype(int)
    shares = [f"share_{lab}" for lab in LABELS] + ["mean_confidence"]
    merged[shares] = merged[shares].astype(float).fillna(0.0)
    for column in ("dominant", "top_speakers", "example_ids"):
        merged[column] = merged[column].fillna("")
    return merged


def plot_report(report: pd.DataFrame, path: str, period: str = "week") -> None:
    """One panel per actor: stacked shares of the four stances (and other) per period."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        raise InputError("--plot needs matplotlib: pip install 'stance[plot]'") from None
    actors = sorted(report["actor"].unique())
    if not actors:
        raise InputError("nothing to plot: the report is empty")
    key = "week" if period == "week" else "day"
    fig, axes = plt.subplots(
        len(actors), 1, figsize=(10, 2.2 * len(actors)), sharex=True, squeeze=False
    )
    colours = {
        "condemn": "#c0392b",
        "support": "#27ae60",
        "deny": "#8e44ad",
        "deescalate": "#2980b9",
        "other": "#bdc3c7",
    }
    for ax, actor in zip(axes[:, 0], actors):
        rows = report[report["actor"] == actor].sort_values(key)
        bottom = None
        for lab in LABELS:
            values = rows[f"n_{lab}"].to_numpy()
            ax.bar(rows[key], values, bottom=bottom, color=colours[lab], label=lab)
            bottom = values if bottom is None else bottom + values
        ax.set_ylabel(actor)
    axes[0, 0].legend(ncol=5, fontsize=8, loc="upper left")
    axes[-1, 0].tick_params(axis="x", rotation=45)
    fig.suptitle("Statements per actor and " + key)
    fig.tight_layout()
    # Written beside the target, then renamed: never a half-written picture.
    target = Path(path)
    tmp = target.with_name(f".{target.name}.tmp.png")
    try:
        fig.savefig(tmp, dpi=110)
        os.replace(tmp, target)
    finally:
        plt.close(fig)
        if tmp.exists():
            tmp.unlink()


def write_report(report: pd.DataFrame, out: str | None) -> None:
    """CSV to ``out`` (atomically) or to standard output."""
    from .batch import atomic_output

    with atomic_output(out) as handle:
        report.to_csv(handle, index=False, lineterminator="\n")
