"""The ``stance`` command line: each command parses, calls one library function, formats.

The only module that imports click. Library errors (:class:`stance.errors.StanceError`)
become one-line ``Error:`` messages with exit code 1; bad flags become usage errors (exit 2).
"""

from __future__ import annotations

import functools
import json
import os
import sys

import click

from .errors import StanceError
from .labels import LABELS

DB_HELP = "SQLite database (default: $STANCE_DB or ./stance.db)."


def _fail_cleanly(func):
    """Turn library errors into click errors: one line, non-zero exit, no traceback."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except StanceError as exc:
            raise click.ClickException(str(exc)) from None
        except BrokenPipeError:
            # `stance … | head`: the reader left; that is not an error of ours.
            sys.stderr.close()
            sys.exit(0)
        except KeyboardInterrupt:
            raise click.ClickException("interrupted; nothing was half-written") from None
        except OSError as exc:
            name = f"{exc.filename}: " if getattr(exc, "filename", None) else ""
            raise click.ClickException(f"{name}{exc.strerror or exc}") from None

    return wrapper


def _db_path(db: str | None) -> str:
    return db or os.environ.get("STANCE_DB") or "stance.db"


def _progress(total: int | None, label: str):
    """A progress bar on a terminal, nothing when piped."""
    if sys.stderr.isatty():
        return click.progressbar(length=total, label=label, file=sys.stderr)
    return None


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(package_name="stance")
def main() -> None:
    """stance: who condemned, supported, denied or called for de-escalation.

    Turns news text into attributed, classified statements per government and per day,
    and writes weekly stance reports as CSV.

    \b
    Example:
      stance classify "Iran criticized the offensive as a breach of the Astana agreements."
    """


# ---------------------------------------------------------------------------------------
# classify
# ---------------------------------------------------------------------------------------
@main.command()
@click.argument("texts", nargs=-1)
@click.option("--file", "file", type=str, help="CSV or JSONL file of statements ('-' = stdin).")
@click.option("--column", default="text", show_default=True, help="Column with the statements.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["csv", "jsonl"]),
    help="Format of --file (output uses the same); guessed from the extension.",
)
@click.option("--out", type=click.Path(dir_okay=False), help="Write to FILE (atomically).")
@click.option("--json", "as_json", is_flag=True, help="Machine output for TEXT arguments.")
@click.option("--explain", is_flag=True, help="Show the words that pushed each label.")
@click.option("--model", "model_name", default=None, help="Model name or directory.")
@_fail_cleanly
def classify(texts, file, column, fmt, out, as_json, explain, model_name) -> None:
    """Classify statements as condemn, support, deny, deescalate or other.

    \b
    Examples:
      stance classify "Moscow strongly condemned the strike as a flagrant violation."
      stance classify --explain "The U.S. denied any involvement in the attack."
      stance classify --file statements.csv --column text --format csv --out labelled.csv
    """
    from .persistence import load_model

    if file and texts:
        raise click.UsageError("give statements as arguments or --file, not both")
    if not file and not texts:
        raise click.UsageError("give one or more statements, or --file FILE (see --help)")
    model = load_model(model_name)
    if file:
        from .batch import classify_file

        bar = _progress(None, "classifying")
        if bar is not None:
            with bar:
                counts = classify_file(
                    model, file, column=column, fmt=fmt, out=out, progress=bar.update
                )
        else:
            counts = classify_file(model, file, column=column, fmt=fmt, out=out)
        if counts["errors"]:
            click.echo(
                f"{counts['errors']} of {counts['rows']} rows could not be classified; "
                "see the 'error' column",
                err=True,
            )
        return
    predictions = model.predict(texts)
    if as_json:
        payload = []
        for p in predictions:
            item = {
                "text": p.text,
                "label": p.label,
                "labels": list(p.labels),
                "confidence": p.confidence,
                "probabilities": p.probabilities,
            }
            if explain:
                item["explanation"] = {
                    lab: [list(c) for c in cs] for lab, cs in model.explain(p.text).items()
                }
            payload.append(item)
        click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
        return
    header = f"{'label':<11} {'conf':>5}  " + " ".join(f"{lab[:7]:>7}" for lab in LABELS) + "  text"
    click.echo(header)
    for p in predictions:
        probs = " ".join(f"{p.probabilities[lab]:>7.2f}" for lab in LABELS)
        shown = p.text if len(p.text) <= 70 else p.text[:67] + "..."
        labels = f" ({';'.join(p.labels)})" if len(p.labels) > 1 else ""
        click.echo(f"{p.label:<11} {p.confidence:>5.2f}  {probs}  {shown}{labels}")
        if explain:
            for lab, contributions in model.explain(p.text).items():
                if contributions:
                    words = ", ".join(f"{c.feature} (+{c.weight:.2f})" for c in contributions)
                    click.echo(f"    {lab:<11} {words}")


# ---------------------------------------------------------------------------------------
# evaluate / train
# ---------------------------------------------------------------------------------------
@main.command()
@click.option(
    "--data", "data", multiple=True, required=True, help="Labelled CSV (text,label; repeatable)."
)
@click.option("--model", "models", multiple=True, help="Model name or directory (repeatable).")
@click.option("--json-out", type=click.Path(dir_okay=False), help="Also write metrics as JSON.")
@click.option(
    "--disagreements",
    default=10,
    show_default=True,
    help="With several models: how many disagreements to show.",
)
@_fail_cleanly
def evaluate(data, models, json_out, disagreements) -> None:
    """Per-class precision, recall, F1, macro-F1 and the confusion matrix on labelled data.

    \b
    Examples:
      stance evaluate --data ../shared/eval/real_dev.csv
      stance evaluate --model trained/my-model --model default --data holdout.csv
    """
    from .evaluation import format_metrics
    from .retrain import evaluate_models

    result = evaluate_models(list(models) or ["default"], list(data))
    for name, metrics in result["models"].items():
        click.echo(format_metrics(metrics, title=f"== {name} on {', '.join(data)}"))
        click.echo("")
    if len(result["models"]) > 1:
        click.echo(
            f"The models disagree on {len(result['disagreements'])} statements"
            + (f"; the first {disagreements}:" if result["disagreements"] else ".")
        )
        names = list(result["models"])
        for row in result["disagreements"][:disagreements]:
            guesses = ", ".join(f"{n}={row[n]}" for n in names)
            click.echo(f"  [{row['label']}] {guesses}: {row['text'][:90]}")
    if json_out:
        from .batch import atomic_output

        with atomic_output(json_out) as handle:
            json.dump(result, handle, indent=2)
        click.echo(f"metrics written to {json_out}", err=True)


@main.command()
@click.option("--data", "data", multiple=True, help="Labelled CSV (repeatable).")
@click.option("--from-db", is_flag=True, help="Also use the human labels in the database.")
@click.option("--db", default=None, help=DB_HELP)
@click.option(
    "--out",
    required=True,
    type=click.Path(file_okay=False),
    help="Model directory to write (e.g. trained/my-model).",
)
@click.option("--seed", default=0, show_default=True, help="Random seed.")
@click.option(
    "--features",
    type=click.Choice(["word", "char", "word+char"]),
    default="word+char",
    show_default=True,
    help="N-gram features.",
)
@click.option("--C", "c", default=4.0, show_default=True, help="Inverse regularisation.")
@click.option("--cv", default=5, show_default=True, help="Folds of grouped cross-validation.")
@_fail_cleanly
def train(data, from_db, db, out, seed, features, c, cv) -> None:
    """Train a model from labelled CSVs (and human labels), with grouped cross-validation.

    \b
    Example:
      stance train --data corpora/quotes.csv --data my_quotes.csv --from-db --out trained/my-model
    """
    from .evaluation import format_metrics
    from .retrain import train_from_sources

    if not data and not from_db:
        raise click.UsageError("give --data FILE.csv (repeatable) and/or --from-db")
    model, directory = train_from_sources(
        list(data),
        out=out,
        db=_db_path(db) if from_db else None,
        seed=seed,
        features=features,
        C=c,
        cv_splits=cv,
    )
    manifest = model.manifest
    click.echo(
        f"trained on {manifest['n_statements']} statements from "
        f"{len(manifest['sources'])} source(s), {manifest['n_events']} events"
    )
    if "cv_metrics" in manifest:
        click.echo(
            format_metrics(
                manifest["cv_metrics"],
                title="grouped cross-validation (no event in train and test)",
            )
        )
    click.echo(f"model written to {directory}")


# ---------------------------------------------------------------------------------------
# extract / actors
# ---------------------------------------------------------------------------------------
EXTRACT_FIELDS = (
    "article_id",
    "date",
    "speaker",
    "speaker_role",
    "actor",
    "label",
    "labels",
    "confidence",
    *(f"p_{lab}" for lab in LABELS),
    "cue",
    "start",
    "end",
    "quote",
    "text",
    "evidence",
)


@main.command()
@click.argument("paths", nargs=-1, required=True)
@click.option(
    "--date", default=None, help="Date of a plain-text article (YYYY-MM-DD, 'Nov. 30, 2024')."
)
@click.option("--url", default="", help="URL of a plain-text article.")
@click.option("--title", default="", help="Title of a plain-text article.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "jsonl", "csv"]),
    default="table",
    show_default=True,
)
@click.option(
    "--actors",
    "actors_file",
    type=click.Path(dir_okay=False),
    help="Your registry CSV, merged over the shipped one.",
)
@click.option("--out", type=click.Path(dir_okay=False), help="Write to FILE (atomically).")
@click.option("--model", "model_name", default=None, help="Model name or directory.")
@_fail_cleanly
def extract(paths, date, url, title, fmt, actors_file, out, model_name) -> None:
    """Extract, attribute and classify every statement of articles.

    PATHS are .txt/.html articles, JSONL or CSV files of articles (id, date, text), or
    directories of them.

    \b
    Examples:
      stance extract article.txt --date 2024-11-30
      stance extract articles.jsonl --format jsonl > statements.jsonl
    """
    import csv as _csv

    from .actors import load_registry
    from .articles import ArticleProblem, parse_date, read_articles
    from .batch import atomic_output
    from .persistence import load_model
    from .pipeline import article_statements

    if date is not None:
        date = parse_date(date, "--date")
    registry = load_registry(actors_file)
    model = load_model(model_name)
    problems = 0
    with atomic_output(out) as sink:
        writer = None
        if fmt == "csv":
            writer = _csv.DictWriter(
                sink, fieldnames=EXTRACT_FIELDS, extrasaction="ignore", lineterminator="\n"
            )
            writer.writeheader()
        for path in paths:
            for item in read_articles(path, date=date, url=url, title=title):
                if isinstance(item, ArticleProblem):
                    problems += 1
                    click.echo(f"skipped: {item.message}", err=True)
                    continue
                statements = article_statements(item, registry=registry, model=model)
                for s in statements:
                    record = s.as_record()
                    if fmt == "jsonl":
                        sink.write(json.dumps(record, ensure_ascii=False) + "\n")
                    elif fmt == "csv":
                        record["labels"] = ";".join(record["labels"])
                        record["evidence"] = json.dumps(record["evidence"], ensure_ascii=False)
                        writer.writerow(record)
                if fmt == "table":
                    sink.write(_statement_table(item, statements))
    if problems:
        raise click.ClickException(
            f"{problems} article(s) skipped (see above); the others were extracted"
        )


def _statement_table(article, statements) -> str:
    lines = [f"{article.id}  {article.date}  {len(statements)} statements"]
    for s in statements:
        who = s.speaker + (f" ({s.speaker_role})" if s.speaker_role else "")
        text = s.text if len(s.text) <= 100 else s.text[:97] + "..."
        lines.append(
            f"  {s.actor or '-':<12} {s.label or '-':<11} {s.confidence or 0:>4.2f}  {who}"
        )
        lines.append(f"      {text}")
    return "\n".join(lines) + "\n\n"


@main.group()
def actors() -> None:
    """The actor registry: list, show, check your own.

    \b
    Example:
      stance actors show turkey
    """


@actors.command("list")
@click.option(
    "--actors",
    "actors_file",
    type=click.Path(dir_okay=False),
    help="Your registry CSV, merged over the shipped one.",
)
@_fail_cleanly
def actors_list(actors_file) -> None:
    """List the known actors with their kind and number of officials.

    \b
    Example:
      stance actors list
    """
    from .actors import load_registry

    registry = load_registry(actors_file)
    counts: dict[str, int] = {}
    for official in registry.officials:
        counts[official.actor] = counts.get(official.actor, 0) + 1
    for code, actor in sorted(registry.actors.items()):
        click.echo(f"{code:<16} {actor.kind:<13} {counts.get(code, 0):>4} officials  {actor.name}")


@actors.command("show")
@click.argument("name")
@click.option(
    "--actors",
    "actors_file",
    type=click.Path(dir_okay=False),
    help="Your registry CSV, merged over the shipped one.",
)
@click.option("--date", default=None, help="Resolve a speaker as of this date.")
@_fail_cleanly
def actors_show(name, actors_file, date) -> None:
    """Show an actor (by code or name) with its officials, or resolve a speaker's name.

    \b
    Examples:
      stance actors show iran
      stance actors show "Maria Zakharova" --date 2024-11-30
    """
    from datetime import date as Date

    from .actors import load_registry, resolve_actor
    from .articles import parse_date

    registry = load_registry(actors_file)
    code = name.lower()
    if code in registry.actors:
        actor = registry.actors[code]
        click.echo(f"{actor.code}: {actor.name} ({actor.kind})")
        for label, values in (
            ("aliases", actor.aliases),
            ("adjectives", actor.adjectives),
            ("capitals", actor.capitals),
            ("metonyms", actor.metonyms),
            ("institutions", actor.institutions),
        ):
            if values:
                click.echo(f"  {label}: {', '.join(values)}")
        officials = sorted(
            (o for o in registry.officials if o.actor == code),
            key=lambda o: (o.role, o.start or Date.min),
        )
        for o in officials:
            click.echo(f"  {o.role:<40} {o.name:<32} {o.start or '?'} to {o.end or 'now'}")
        return
    on = Date.fromisoformat(parse_date(date, "--date")) if date else None
    resolution = resolve_actor(name, "", on, registry)
    if resolution.rule == "unresolved":
        raise click.ClickException(
            f"{name!r} is neither an actor code nor a known speaker; "
            "`stance actors list` shows the codes"
        )
    click.echo(
        f"{name}: actor {resolution.actor or '(no state)'} by rule {resolution.rule} "
        f"[{resolution.entry}]"
    )


@actors.command("check")
@click.argument("file", type=click.Path(dir_okay=False))
@_fail_cleanly
def actors_check(file) -> None:
    """Check your registry file: unknown codes and fields, overlapping terms, conflicts.

    \b
    Example:
      stance actors check my_officials.csv
    """
    from .actors import check_registry

    problems = check_registry(file)
    for problem in problems:
        click.echo(problem)
    if problems:
        raise click.ClickException(f"{len(problems)} problem(s) in {file}")
    click.echo(f"{file}: no problems")


# ---------------------------------------------------------------------------------------
# the tracker: ingest, report, statements
# ---------------------------------------------------------------------------------------
@main.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--db", default=None, help=DB_HELP)
@click.option("--date", default=None, help="Date of plain-text articles without one.")
@click.option(
    "--actors",
    "actors_file",
    type=click.Path(dir_okay=False),
    help="Your registry CSV, merged over the shipped one.",
)
@click.option("--model", "model_name", default=None, help="Model name or directory.")
@_fail_cleanly
def ingest(paths, db, date, actors_file, model_name) -> None:
    """Extract, attribute, classify and store the statements of articles.

    Idempotent: articles already stored (same URL or text) are skipped, so running it again
    after an interruption finishes the job.

    \b
    Example:
      stance ingest feeds/2024-11-*.jsonl --db stance.db
    """
    from .actors import load_registry
    from .articles import parse_date
    from .persistence import load_model
    from .store import Store
    from .tracker import ingest as run_ingest

    if date is not None:
        date = parse_date(date, "--date")
    model = load_model(model_name)
    registry = load_registry(actors_file)
    with Store(_db_path(db)) as store:
        bar = _progress(None, "ingesting")
        if bar is not None:
            with bar:
                summary = run_ingest(
                    paths, store, model=model, registry=registry, date=date, progress=bar.update
                )
        else:
            summary = run_ingest(paths, store, model=model, registry=registry, date=date)
    click.echo(
        f"articles: {summary.articles_read} read, {summary.articles_new} new, "
        f"{summary.articles_duplicate} duplicate, {summary.articles_failed} failed; "
        f"statements: {summary.statements_new} new, {summary.statements_syndicated} syndicated "
        f"copies",
        err=True,
    )
    if summary.per_actor:
        ranked = sorted(summary.per_actor.items(), key=lambda kv: (-kv[1], kv[0]))
        click.echo("per actor: " + ", ".join(f"{a} {n}" for a, n in ranked), err=True)
    for failure in summary.failures:
        click.echo(f"failed: {failure}", err=True)


def _parse_actor_list(value: str | None) -> list[str] | None:
    if not value:
        return None
    return [a.strip().lower() for a in value.split(",") if a.strip()]


@main.command()
@click.argument("paths", nargs=-1)
@click.option("--weekly", "period", flag_value="week", default=True, help="One row per ISO week.")
@click.option("--daily", "period", flag_value="day", help="One row per day.")
@click.option("--db", default=None, help=DB_HELP)
@click.option("--actors", "actor_codes", default=None, help="Comma-separated actor codes.")
@click.option("--from", "date_from", default=None, help="First day (YYYY-MM-DD).")
@click.option("--to", "date_to", default=None, help="Last day (YYYY-MM-DD).")
@click.option(
    "--min-confidence",
    default=0.0,
    show_default=True,
    type=float,
    help="Skip model labels below this confidence.",
)
@click.option(
    "--labels",
    "count",
    type=click.Choice(["primary", "all"]),
    default="primary",
    show_default=True,
    help="Count the primary label only, or every label.",
)
@click.option("--out", type=click.Path(dir_okay=False), help="Write the CSV to FILE.")
@click.option("--plot", type=click.Path(dir_okay=False), help="Also draw the chart to a PNG.")
@click.option("--date", default=None, help="With PATHS: date of plain-text articles.")
@_fail_cleanly
def report(
    paths, period, db, actor_codes, date_from, date_to, min_confidence, count, out, plot, date
) -> None:
    """Stance counts per actor and per ISO week (or day) as CSV.

    With PATHS (article files), reports on them directly without a database.

    \b
    Examples:
      stance report --weekly --from 2024-11-25 --to 2024-12-22 --out weekly.csv
      stance report --daily --actors russia,iran,us,turkey
      stance report corpora/articles/ --weekly --plot stances.png
    """
    from .actors import load_registry
    from .report import check_report_args, plot_report, stance_report, write_report
    from .store import Store
    from .tracker import ingest as run_ingest

    if not 0.0 <= min_confidence <= 1.0:
        raise click.UsageError("--min-confidence must be between 0 and 1")
    actors_list = _parse_actor_list(actor_codes)
    registry = load_registry()
    check_report_args(actors_list, date_from, date_to, set(registry.actors), period, count)
    if paths:
        store = Store(":memory:")
        run_ingest(paths, store, registry=registry, date=date)
    else:
        store = Store(_db_path(db), create=False)
    with store:
        if store.count() == 0:
            click.echo("the database holds no statements yet; run `stance ingest` first", err=True)
        table = stance_report(
            store,
            period=period,
            actors=actors_list,
            date_from=date_from,
            date_to=date_to,
            min_confidence=min_confidence,
            count=count,
        )
    write_report(table, out)
    if plot:
        plot_report(table, plot, period)
    if out:
        click.echo(f"{len(table)} rows written to {out}", err=True)


@main.command()
@click.option("--db", default=None, help=DB_HELP)
@click.option("--actor", "actor_codes", default=None, help="Comma-separated actor codes.")
@click.option("--day", default=None, help="One day (YYYY-MM-DD).")
@click.option("--week", default=None, help="One ISO week (e.g. 2024-W48).")
@click.option("--label", type=click.Choice(list(LABELS)), default=None)
@click.option("--from", "date_from", default=None, help="First day (YYYY-MM-DD).")
@click.option("--to", "date_to", default=None, help="Last day (YYYY-MM-DD).")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "jsonl"]),
    default="table",
    show_default=True,
)
@click.option("--limit", default=0, help="At most this many (0 = all).")
@_fail_cleanly
def statements(db, actor_codes, day, week, label, date_from, date_to, fmt, limit) -> None:
    """List the stored statements behind any cell of a report.

    \b
    Example:
      stance statements --actor russia --week 2024-W48 --label condemn
    """
    import csv as _csv
    import re

    from .store import Store

    if week and not re.fullmatch(r"\d{4}-W\d{2}", week):
        raise click.UsageError(f"--week {week!r}: use the ISO form, e.g. 2024-W48")
    with Store(_db_path(db), create=False) as store:
        rows = store.statements(
            actors=_parse_actor_list(actor_codes),
            day=day,
            week=week,
            label=label,
            date_from=date_from,
            date_to=date_to,
        )
        writer = None
        for n, row in enumerate(rows, 1):
            record = dict(row)
            if fmt == "jsonl":
                click.echo(json.dumps(record, ensure_ascii=False))
            elif fmt == "csv":
                if writer is None:
                    writer = _csv.DictWriter(
                        sys.stdout, fieldnames=list(record), lineterminator="\n"
                    )
                    writer.writeheader()
                writer.writerow(record)
            else:
                human = " (human)" if record["human_label"] else ""
                click.echo(
                    f"{record['id']}  {record['date']}  {record['actor'] or '-':<10} "
                    f"{record['label']}{human}  {record['confidence'] or 0:.2f}  "
                    f"{record['speaker']}"
                )
                click.echo(f"    {record['text'][:160]}")
                if record["url"]:
                    click.echo(f"    {record['url']}")
            if limit and n >= limit:
                break


# ---------------------------------------------------------------------------------------
# retraining: review, label import, models, reclassify
# ---------------------------------------------------------------------------------------
@main.command()
@click.option("--db", default=None, help=DB_HELP)
@click.option("--limit", default=200, show_default=True, help="How many statements.")
@click.option("--out", required=True, type=click.Path(dir_okay=False), help="CSV to write.")
@click.option(
    "--model",
    "model_name",
    default=None,
    help="Rank by this model's uncertainty instead of the stored labels'.",
)
@_fail_cleanly
def review(db, limit, out, model_name) -> None:
    """Pick the statements most worth labelling by hand, into a CSV to fill in.

    \b
    Example:
      stance review --limit 200 --out to_label.csv
    """
    from .persistence import load_model
    from .retrain import select_for_review, write_review
    from .store import Store

    if limit <= 0:
        raise click.UsageError("--limit must be positive")
    model = load_model(model_name) if model_name else None
    with Store(_db_path(db), create=False) as store:
        frame = select_for_review(store, limit=limit, model=model)
    write_review(frame, out)
    click.echo(
        f"{len(frame)} statements written to {out}; fill the 'label' column, then "
        f"`stance label import {out}`",
        err=True,
    )


@main.group()
def label() -> None:
    """Human labels: import corrections into the database.

    \b
    Example:
      stance label import to_label.csv
    """


@label.command("import")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--db", default=None, help=DB_HELP)
@click.option("--annotator", default="", help="Who labelled (if the file has no column).")
@_fail_cleanly
def label_import(file, db, annotator) -> None:
    """Validate and store human labels from a filled review CSV.

    \b
    Example:
      stance label import to_label.csv --annotator alice
    """
    from .retrain import import_labels
    from .store import Store

    with Store(_db_path(db), create=False) as store:
        counts = import_labels(store, file, annotator=annotator)
    click.echo(
        f"labels: {counts['new']} new, {counts['changed']} changed, "
        f"{counts['unchanged']} unchanged, {counts['skipped_empty']} rows without a label"
    )


@main.group()
def models() -> None:
    """Models in trained/: list, show, promote.

    \b
    Example:
      stance models list
    """


@models.command("list")
@_fail_cleanly
def models_list() -> None:
    """List models with their cross-validated macro-F1.

    \b
    Example:
      stance models list
    """
    from .persistence import list_models

    for name, manifest, problem in _models_or_fail(list_models()):
        if problem:
            click.echo(f"{name:<20} unusable: {problem}")
            continue
        f1 = manifest.get("cv_metrics", {}).get("macro_f1")
        click.echo(
            f"{name:<20} {manifest.get('model_id', ''):<28} "
            f"cv macro-F1 {f1 if f1 is not None else '-'}  "
            f"{manifest.get('n_statements', '?')} statements  "
            f"{manifest.get('trained_at', '')}"
        )


def _models_or_fail(found):
    if not found:
        raise click.ClickException("no models in trained/; train one with `stance train`")
    return found


@models.command("show")
@click.argument("name", default="default")
@_fail_cleanly
def models_show(name) -> None:
    """Show a model's manifest.

    \b
    Example:
      stance models show default
    """
    from .persistence import read_manifest, resolve_model_dir

    click.echo(json.dumps(read_manifest(resolve_model_dir(name)), indent=2))


@models.command("promote")
@click.argument("name")
@click.option("--data", multiple=True, help="Held-out labelled CSV to compare on.")
@click.option("--force", is_flag=True, help="Promote even if worse.")
@_fail_cleanly
def models_promote(name, data, force) -> None:
    """Make a model the default if it is not worse than the current default.

    \b
    Example:
      stance models promote trained/my-model --data holdout.csv
    """
    from .retrain import promote_model

    result = promote_model(name, list(data), force=force)
    if "candidate_macro_f1" in result:
        click.echo(
            f"macro-F1 on {result['n']} held-out statements: candidate "
            f"{result['candidate_macro_f1']:.3f}, previous default "
            f"{result['default_macro_f1']:.3f}"
        )
    click.echo(
        f"{result['candidate']} is now the default model; run `stance reclassify` to "
        "relabel stored statements"
    )


@main.command()
@click.option("--db", default=None, help=DB_HELP)
@click.option("--model", "model_name", default=None, help="Model name or directory.")
@_fail_cleanly
def reclassify(db, model_name) -> None:
    """Relabel stored statements with the default model (human labels stay) and show how
    the weekly figures changed.

    \b
    Example:
      stance reclassify --db stance.db
    """
    from .persistence import load_model
    from .retrain import reclassify as run_reclassify
    from .store import Store

    model = load_model(model_name)
    with Store(_db_path(db), create=False) as store:
        result = run_reclassify(store, model)
    click.echo(
        f"{result['statements']} statements relabelled with {result['model']}: "
        f"{result['labels_changed']} labels changed"
    )
    for change in result["dominant_changes"]:
        click.echo(
            f"  {change['week']} {change['actor']}: dominant "
            f"{change['dominant_before'] or '-'} -> {change['dominant_after'] or '-'}"
        )
