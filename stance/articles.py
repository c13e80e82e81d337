"""Reading articles: plain text, JSONL, CSV, a directory of .txt files, saved HTML pages.

:func:`read_articles` yields :class:`Article` records, or :class:`ArticleProblem` records for
articles that cannot be used (so one bad article in a batch does not stop the others).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from collections.abc import Iterator
from datetime import date as Date
from datetime import datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import NamedTuple

from .errors import ArticleError, InputError

#: A larger article is refused: it is almost certainly not one article.
MAX_ARTICLE_BYTES = 5_000_000


class Article(NamedTuple):
    id: str
    date: str  # ISO YYYY-MM-DD
    text: str
    url: str = ""
    title: str = ""
    source: str = ""


class ArticleProblem(NamedTuple):
    """An article that could not be read, and why (one line, naming file and line)."""

    where: str
    message: str


_MONTHS = {
    m: i
    for i, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        1,
    )
    for m in names
}
_MDY = re.compile(r"^([A-Za-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})$")
_DMY = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)?\s+([A-Za-z]{3,9})\.?,?\s+(\d{4})$")


def parse_date(value: object, where: str = "date") -> str:
    """An ISO date string from the forms news metadata uses, or :class:`ArticleError`.

    Accepts ``2024-11-30``, ``2024-11-30T08:15:00Z``, ``Nov. 30, 2024``, ``30 November 2024``,
    ``2024/11/30`` and :class:`datetime.date` objects.
    """
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, Date):
        return value.isoformat()
    text = str(value or "").strip()
    if not text:
        raise ArticleError(f"{where}: missing date; give one (e.g. --date 2024-11-30)")
    try:
        iso = text.replace("Z", "+00:00").replace("/", "-")
        if "T" in iso or " " in iso.strip() and iso[:4].isdigit():
            return datetime.fromisoformat(iso).date().isoformat()
        return Date.fromisoformat(iso).isoformat()
    except ValueError:
        pass
    for pattern, order in ((_MDY, "mdy"), (_DMY, "dmy")):
        match = pattern.match(text)
        if match:
            a, b, year = match.groups()
            month_name, day = (a, b) if order == "mdy" else (b, a)
            month = _MONTHS.get(month_name.lower())
            if month:
                try:
                    return Date(int(year), month, int(day)).isoformat()
                except ValueError:
                    break
    raise ArticleError(
        f"{where}: impossible or unknown date {text!r}; use YYYY-MM-DD (e.g. 2024-11-30)"
    )


class _TextOfHTML(HTMLParser):
    """Keeps the text of paragraphs and headings, drops scripts, styles and navigation."""

    _SKIP = {"script", "style", "nav", "header", "footer", "aside", "noscript", "form", "svg"}
    _BLOCK = {"p", "h1", "h2", "h3", "h4", "li", "blockquote", "div", "br", "article", "section"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0
        self.title = ""
        self._in_title = False

    def handle_starttag(self, tag, attrs):
        if tag in self._SKIP:
            self.skip += 1
        elif tag == "title":
            self._in_title = True
        elif tag in self._BLOCK:
            self.parts.append("\n\n")

    def handle_endtag(self, tag):
        if tag in self._SKIP and self.skip:
            self.skip -= 1
        elif tag == "title":
            self._in_title = False
        elif tag in self._BLOCK:
            self.parts.append("\n\n")

    def handle_data(self, data):
        if self._in_title:
            self.title += data
        elif not self.skip:
            self.parts.append(data)


def html_to_text(html: str) -> tuple[str, str]:
    """(article text, page title) of a saved HTML page."""
    parser = _TextOfHTML()
    parser.feed(html)
    parser.close()
    text = "".join(parser.parts)
    paragraphs = [re.sub(r"[ \t\r\f\v]+", " ", p).strip() for p in re.split(r"\n\s*\n", text)]
    return "\n\n".join(p for p in paragraphs if p), parser.title.strip()


def text_id(text: str) -> str:
    return "a-" + hashlib.sha1(text.encode("utf-8")).hexdigest()[:12]


def _decode(raw: bytes, where: str) -> str:
    if b"\x00" in raw[:8192]:
        raise ArticleError(
            f"{where}: binary file, not an article; give UTF-8 text, HTML, JSONL or CSV"
        )
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ArticleError(
            f"{where}: not UTF-8 text (byte {exc.start}); save it as UTF-8"
        ) from None


def _article(obj: dict, where: str, default_date: str | None) -> Article:
    text = obj.get("text")
    if not isinstance(text, str) or not text.strip():
        raise ArticleError(f"{where}: empty or missing 'text'")
    if len(text.encode("utf-8")) > MAX_ARTICLE_BYTES:
        raise ArticleError(f"{where}: article larger than {MAX_ARTICLE_BYTES // 1_000_000} MB")
    date = parse_date(obj.get("date") or default_date, f"{where}: field 'date'")
    return Article(
        id=str(obj.get("id") or text_id(text)),
        date=date,
        text=text,
        url=str(obj.get("url") or ""),
        title=str(obj.get("title") or ""),
        source=str(obj.get("source") or ""),
    )


def read_articles(
    path: str | Path,
    *,
    date: str | None = None,
    url: str = "",
    title: str = "",
) -> Iterator[Article | ArticleProblem]:
    """Articles in a file or directory. ``date`` is the date of a plain-text article (and
    the default for JSONL/CSV rows without one)."""
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: no such file or directory")
    if path.is_dir():
        files = sorted(
            p
            for p in path.iterdir()
            if p.suffix.lower() in {".txt", ".html", ".htm", ".jsonl", ".csv"}
        )
        if not files:
            raise InputError(f"{path}: no .txt, .html, .jsonl or .csv files in this directory")
        for file in files:
            yield from read_articles(file, date=date)
        return
    suffix = path.suffix.lower()
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror})") from None
    if suffix in {".jsonl", ".ndjson"}:
        try:
            content = _decode(raw, str(path))
        except ArticleError as exc:
            yield ArticleProblem(str(path), str(exc))
            return
        for number, line in enumerate(content.splitlines(), 1):
            if not line.strip():
                continue
            where = f"{path}:{number}"
            try:
                obj = json.loads(line)
                if not isinstance(obj, dict):
                    raise ArticleError(f"{where}: not a JSON object")
                yield _article(obj, where, date)
            except ValueError as exc:
                yield ArticleProblem(where, f"{where}: not valid JSON ({exc})")
            except ArticleError as exc:
                yield ArticleProblem(where, str(exc))
        return
    if suffix == ".csv":
        try:
            content = _decode(raw, str(path))
        except ArticleError as exc:
            yield ArticleProblem(str(path), str(exc))
            return
        reader = csv.DictReader(io.StringIO(content, newline=""))
        if not reader.fieldnames or "text" not in reader.fieldnames:
            raise InputError(
                f"{path}: no 'text' column; columns found: {', '.join(reader.fieldnames or [])}"
            )
        for row in reader:
            where = f"{path}:{reader.line_num}"
            try:
                yield _article(row, where, date)
            except ArticleError as exc:
                yield ArticleProblem(where, str(exc))
        return
    # A single article: text or HTML.
    where = str(path)
    try:
        content = _decode(raw, where)
        page_title = ""
        if suffix in {".html", ".htm"} or content.lstrip()[:15].lower().startswith(
            ("<!doctype", "<html")
        ):
            content, page_title = html_to_text(content)
        if date is None:
            sidecar = _sidecar_date(path)
            if sidecar is None:
                raise ArticleError(f"{where}: no date for this article; pass --date YYYY-MM-DD")
            date = sidecar
        yield _article(
            {
                "id": path.stem,
                "date": date,
                "text": content,
                "url": url,
                "title": title or page_title,
            },
            where,
            None,
        )
    except ArticleError as exc:
        yield ArticleProblem(where, str(exc))


def _sidecar_date(path: Path) -> str | None:
    """The date in ``NAME.gold.json`` or ``NAME.json`` beside a text article, if any."""
    for candidate in (path.with_suffix(".gold.json"), path.with_suffix(".json")):
        if candidate.is_file():
            try:
                meta = json.loads(candidate.read_text(encoding="utf-8"))
            except (ValueError, UnicodeDecodeError):
                continue
            if isinstance(meta, dict) and meta.get("date"):
                return str(meta["date"])
    return None
