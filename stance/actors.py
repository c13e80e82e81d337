"""The actor registry and :func:`resolve_actor`: which state a speaker speaks for.

The registry is plain CSV shipped in ``stance/data/`` (``actors.csv``, ``officials.csv``)
that users read and extend with ``--actors FILE``. A speaker is resolved, in this order, by:

1. an analyst, expert, journalist or NGO marker in the role -> no state;
2. an official's name (and the office held on the statement's date);
3. a non-state group's name (HTS, SOHR, Hamas…) -> no state;
4. an institution or metonym ("the Kremlin", "State Department");
5. a state's name or capital used for its government ("Ankara said");
6. a nationality adjective in the role ("Iranian Foreign Ministry spokesman").

Each resolution says which rule and which registry entry decided, so users can see why.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date as Date
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from .errors import RegistryError

DATA_DIR = Path(__file__).resolve().parent / "data"
ACTOR_COLUMNS = (
    "code",
    "name",
    "kind",
    "aliases",
    "adjectives",
    "capitals",
    "metonyms",
    "institutions",
)
OFFICIAL_COLUMNS = ("actor", "name", "aliases", "role", "start", "end")
KINDS = ("state", "organisation", "nonstate")

#: Role words that mark a speaker who speaks for no state, whatever state they talk about.
ANALYST_MARKERS = frozenset(
    {
        "analyst",
        "analysts",
        "expert",
        "experts",
        "researcher",
        "researchers",
        "professor",
        "scholar",
        "fellow",
        "commentator",
        "journalist",
        "journalists",
        "correspondent",
        "editor",
        "columnist",
        "observer",
        "observers",
        "academic",
        "lecturer",
        "historian",
        "economist",
        "activist",
        "activists",
        "resident",
        "residents",
        "witness",
        "witnesses",
        "think-tank",
        "monitor",
        "consultant",
        "former",
        "retired",
        "ex-official",
    }
)


class Official(NamedTuple):
    actor: str
    name: str
    aliases: tuple[str, ...]
    role: str
    start: Date | None
    end: Date | None
    line: int


@dataclass
class Actor:
    code: str
    name: str
    kind: str
    aliases: tuple[str, ...] = ()
    adjectives: tuple[str, ...] = ()
    capitals: tuple[str, ...] = ()
    metonyms: tuple[str, ...] = ()
    institutions: tuple[str, ...] = ()
    line: int = 0
    source: str = ""

    @property
    def is_state_actor(self) -> bool:
        """States and organisations are reported as actors; non-state groups are not."""
        return self.kind != "nonstate"


class Resolution(NamedTuple):
    """Who a speaker speaks for, and why."""

    actor: str | None
    rule: str
    entry: str
    official: Official | None = None


def _split(value: str | None) -> tuple[str, ...]:
    return tuple(v.strip() for v in (value or "").split("|") if v.strip())


def _parse_date(value: str, where: str) -> Date | None:
    value = (value or "").strip()
    if not value:
        return None
    try:
        return Date.fromisoformat(value)
    except ValueError:
        raise RegistryError(f"{where}: invalid date {value!r}; use YYYY-MM-DD") from None


@lru_cache(maxsize=65536)
def _normalize(name: str) -> str:
    """Key for name lookups: lowercase, no diacritics-insensitive tricks, no leading 'the'."""
    import unicodedata

    text = unicodedata.normalize("NFKD", name)
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.replace("\u2019", "'").replace("ı", "i").lower().strip()
    text = re.sub(r"^the\s+", "", text)
    text = re.sub(r"[\s\-]+", " ", text)
    return text.strip(" .,")


@dataclass
class Registry:
    """Actors and officials, with lookup tables built once."""

    actors: dict[str, Actor] = field(default_factory=dict)
    officials: list[Official] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._index()

    def _index(self) -> None:
        self.by_name: dict[str, list[Official]] = {}
        for official in self.officials:
            for alias in (official.name, *official.aliases):
                key = _normalize(alias)
                if key:
                    self.by_name.setdefault(key, []).append(official)
        self.by_first: dict[str, list[str]] = {}
        for key in self.by_name:
            if len(key.split()) >= 2:
                self.by_first.setdefault(key.split()[0], []).append(key)
        self.phrases: dict[str, tuple[str, str]] = {}  # key -> (code, kind of phrase)
        self.acronyms: set[str] = set()
        self.adjectives: dict[str, str] = {}
        for actor in self.actors.values():
            entries = [
                (actor.name, "name"),
                (actor.code.replace("_", " "), "name"),
                *((a, "alias") for a in actor.aliases),
                *((c, "capital") for c in actor.capitals),
                *((m, "metonym") for m in actor.metonyms),
                *((i, "institution") for i in actor.institutions),
            ]
            for phrase, kind in entries:
                key = _normalize(phrase)
                if key and key not in self.phrases:
                    self.phrases[key] = (actor.code, kind)
                    if phrase.replace(".", "").isupper() and len(phrase) <= 5:
                        self.acronyms.add(key)
            for adjective in actor.adjectives:
                key = _normalize(adjective)
                if key:
                    self.adjectives.setdefault(key, actor.code)
        self.max_phrase_words = max((len(k.split()) for k in self.phrases), default=1)
        self.max_name_words = max((len(k.split()) for k in self.by_name), default=1)

    # -- lookups -------------------------------------------------------------------------
    def official(self, name: str, on: Date | None = None) -> Official | None:
        """The official named ``name`` (full name or alias), preferring the term covering ``on``."""
        key = _normalize(name)
        candidates = self.by_name.get(key, [])
        if not candidates:
            candidates = self._near_name(key)
        if not candidates:
            return None
        if on is not None:
            current = [o for o in candidates if _covers(o, on)]
            if current:
                return current[0]
        # Out of term (or no date): the most recent term still tells the state.
        return max(candidates, key=lambda o: o.start or Date.min)

    def _near_name(self, key: str) -> list[Official]:
        """Officials whose full name differs by one letter in the surname: transliterations
        and typos ("Savitt" for "Savett", "Baghaee" for "Baghaei"). Only for full names,
        with the first name identical, so a surname alone never matches loosely."""
        words = key.split()
        if len(words) < 2 or len(words[-1]) < 5:
            return []
        found: list[Official] = []
        for other in self.by_first.get(words[0], ()):
            other_words = other.split()
            if (
                len(other_words) == len(words)
                and other_words[:-1] == words[:-1]
                and (_one_edit(other_words[-1], words[-1]))
            ):
                found.extend(self.by_name[other])
        return found

    def find_phrases(self, text: str) -> list[tuple[int, str, str, str]]:
        """Registry phrases inside ``text``: (word position, phrase, code, kind), longest
        first. Acronyms match only in capitals ("US", "WHO"), never the words "us", "who".
        A phrase inside a longer proper name is skipped ("National Security Council" is
        not the UN's "Security Council"), unless a nationality adjective precedes it, which
        then decides ("Russian Security Council" -> russia)."""
        originals = _WORD.findall(text)
        words = [_clean_word(_normalize(w)) for w in originals]
        found = []
        i = 0
        while i < len(words):
            for n in range(min(self.max_phrase_words, len(words) - i), 0, -1):
                key = " ".join(words[i : i + n])
                hit = self.phrases.get(key)
                if hit and key in self.acronyms and not originals[i].isupper():
                    hit = None
                if hit:
                    code, kind = hit
                    before = originals[i - 1] if i > 0 else ""
                    adjective = self.adjectives.get(_clean_word(_normalize(before)))
                    if adjective and adjective != code and kind == "institution":
                        found.append((i - 1, key, adjective, "adjective+institution"))
                    elif (
                        before[:1].isupper()
                        and _clean_word(_normalize(before)) not in self.phrases
                        and before.lower() not in {"the", "a", "an"}
                        and not adjective
                    ):
                        pass  # part of a longer name the registry does not know
                    else:
                        found.append((i, key, code, kind))
                    i += n
                    break
            else:
                i += 1
        return found

    def find_adjective(self, text: str) -> tuple[str, str] | None:
        for word in re.findall(r"[\w.\-']+", text):
            key = _normalize(word)
            if key in self.adjectives:
                return key, self.adjectives[key]
        return None

    def kind_of(self, code: str) -> str:
        actor = self.actors.get(code)
        return actor.kind if actor else "state"

    def merged(self, other: Registry) -> Registry:
        """This registry, with ``other``'s actors replacing same-code ones, plus its officials."""
        actors = dict(self.actors)
        actors.update(other.actors)
        return Registry(actors=actors, officials=[*self.officials, *other.officials])


_WORD = re.compile(r"[\w\u00c0-\u024f][\w\u00c0-\u024f.\-'\u2019]*")


_LOCATIVE = re.compile(
    r"\s+(?:in|at|to|based in|stationed in)\s+(?:the\s+)?[A-Z][\w.\-'\u2019]*"
    r"(?:\s+(?:of\s+)?[A-Z][\w.\-'\u2019]*)*$"
)


def _clean_word(word: str) -> str:
    word = word.strip("\"'()[],;:")
    if word.endswith("'s"):
        word = word[:-2]
    return word.rstrip(".")


def _one_edit(a: str, b: str) -> bool:
    """True when ``a`` and ``b`` differ by exactly one substitution, insertion or deletion."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b)) == 1
    if len(a) > len(b):
        a, b = b, a
    return any(b[:i] + b[i + 1 :] == a for i in range(len(b)))


def _covers(official: Official, on: Date) -> bool:
    return (official.start is None or official.start <= on) and (
        official.end is None or on <= official.end
    )


def _read_csv(path: Path, columns: tuple[str, ...], required: Iterable[str]) -> list[tuple]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise RegistryError(f"{path}: no such registry file") from None
    except UnicodeDecodeError:
        raise RegistryError(f"{path}: not UTF-8 text; save it as UTF-8") from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    fields = reader.fieldnames or []
    unknown = [f for f in fields if f not in columns]
    missing = [c for c in required if c not in fields]
    if missing or unknown:
        detail = []
        if missing:
            detail.append(f"missing column(s) {', '.join(missing)}")
        if unknown:
            detail.append(f"unknown field(s) {', '.join(unknown)}")
        raise RegistryError(f"{path}:1: {'; '.join(detail)}; expected {', '.join(columns)}")
    rows = []
    for row in reader:
        if None in row:
            raise RegistryError(f"{path}:{reader.line_num}: more fields than the header has")
        rows.append((reader.line_num, row))
    return rows


def read_registry(actors_path: Path | None, officials_path: Path | None) -> Registry:
    """Read an actors file and/or an officials file into a :class:`Registry`."""
    actors: dict[str, Actor] = {}
    officials: list[Official] = []
    if actors_path is not None:
        for line, row in _read_csv(actors_path, ACTOR_COLUMNS, ("code", "name")):
            code = (row.get("code") or "").strip().lower()
            where = f"{actors_path}:{line}"
            if not re.fullmatch(r"[a-z][a-z0-9_]*", code):
                raise RegistryError(f"{where}: invalid code {code!r}; use lowercase letters and _")
            kind = (row.get("kind") or "state").strip() or "state"
            if kind not in KINDS:
                raise RegistryError(f"{where}: unknown kind {kind!r}; use {', '.join(KINDS)}")
            if code in actors:
                raise RegistryError(
                    f"{where}: actor {code!r} defined twice (also line {actors[code].line})"
                )
            actors[code] = Actor(
                code=code,
                name=row["name"].strip(),
                kind=kind,
                aliases=_split(row.get("aliases")),
                adjectives=_split(row.get("adjectives")),
                capitals=_split(row.get("capitals")),
                metonyms=_split(row.get("metonyms")),
                institutions=_split(row.get("institutions")),
                line=line,
                source=str(actors_path),
            )
    if officials_path is not None:
        for line, row in _read_csv(officials_path, OFFICIAL_COLUMNS, ("actor", "name", "role")):
            where = f"{officials_path}:{line}"
            start = _parse_date(row.get("start", ""), where)
            end = _parse_date(row.get("end", ""), where)
            if start and end and end < start:
                raise RegistryError(f"{where}: term ends ({end}) before it starts ({start})")
            officials.append(
                Official(
                    actor=(row.get("actor") or "").strip().lower(),
                    name=(row.get("name") or "").strip(),
                    aliases=_split(row.get("aliases")),
                    role=(row.get("role") or "").strip(),
                    start=start,
                    end=end,
                    line=line,
                )
            )
    return Registry(actors=actors, officials=officials)


@lru_cache(maxsize=1)
def shipped_registry() -> Registry:
    """The registry shipped in ``stance/data``."""
    return read_registry(DATA_DIR / "actors.csv", DATA_DIR / "officials.csv")


def load_registry(user_file: str | Path | None = None) -> Registry:
    """The shipped registry, with a user's actors or officials file merged over it."""
    registry = shipped_registry()
    if user_file is None:
        return registry
    return registry.merged(read_user_registry(Path(user_file)))


def read_user_registry(path: Path) -> Registry:
    """A user file is an actors file or an officials file, told apart by its header."""
    try:
        header = path.read_text(encoding="utf-8-sig").split("\n", 1)[0]
    except FileNotFoundError:
        raise RegistryError(f"{path}: no such registry file; check --actors") from None
    except UnicodeDecodeError:
        raise RegistryError(f"{path}: not UTF-8 text; save it as UTF-8") from None
    columns = [c.strip() for c in header.split(",")]
    if "code" in columns:
        return read_registry(path, None)
    if "role" in columns or "start" in columns:
        return read_registry(None, path)
    raise RegistryError(
        f"{path}:1: neither an actors file ({', '.join(ACTOR_COLUMNS)}) nor an officials "
        f"file ({', '.join(OFFICIAL_COLUMNS)})"
    )


def check_registry(path: str | Path, base: Registry | None = None) -> list[str]:
    """Problems in a user's registry file, each with its line: unknown actor codes,
    overlapping terms of one office, names that now point to two states."""
    path = Path(path)
    user = read_user_registry(path)
    base = base or shipped_registry()
    merged = base.merged(user)
    problems: list[str] = []
    for official in user.officials:
        where = f"{path}:{official.line}"
        if official.actor not in merged.actors:
            problems.append(f"{where}: unknown actor {official.actor!r} for {official.name}")
        for other in merged.officials:
            if other is official or other.actor != official.actor:
                continue
            if other.role.lower() != official.role.lower() or other.name == official.name:
                continue
            if _overlap(official, other):
                problems.append(
                    f"{where}: {official.name}'s term as {official.role} overlaps "
                    f"{other.name}'s ({other.start} to {other.end or 'now'})"
                )
        owners = {o.actor for o in merged.by_name.get(_normalize(official.name), [])}
        if len(owners) > 1:
            problems.append(
                f"{where}: {official.name} belongs to several actors: {', '.join(sorted(owners))}"
            )
    for actor in user.actors.values():
        where = f"{path}:{actor.line}"
        for phrase in (*actor.aliases, *actor.capitals, *actor.metonyms, *actor.institutions):
            code, _ = base.phrases.get(_normalize(phrase), (actor.code, ""))
            if code != actor.code:
                problems.append(f"{where}: {phrase!r} already names {code!r}")
    return problems


def _overlap(a: Official, b: Official) -> bool:
    a_start, b_start = a.start or Date.min, b.start or Date.min
    a_end, b_end = a.end or Date.max, b.end or Date.max
    # Handovers on the same day are normal; only a real overlap is a conflict.
    return a_start < b_end and b_start < a_end


def resolve_actor(
    speaker: str, role: str = "", on: Date | None = None, registry: Registry | None = None
) -> Resolution:
    """Which state (or organisation) ``speaker`` with ``role`` speaks for on date ``on``."""
    registry = registry or shipped_registry()
    # "The Russian embassy in Damascus", "Iran's envoy to the UN": the place after the head
    # says where, not for whom.
    speaker = _LOCATIVE.sub("", speaker) or speaker
    role = _LOCATIVE.sub("", role)
    words = {w.lower().strip(",.") for w in f"{role} {speaker}".split()}
    marker = next((w for w in words if w in ANALYST_MARKERS), None)
    if marker:
        return Resolution(None, "analyst", marker)
    official = registry.official(speaker, on) if speaker else None
    if official is None and speaker:
        # "Foreign Minister Hakan Fidan" -> try the trailing words as a name.
        tokens = speaker.split()
        for n in range(min(len(tokens), registry.max_name_words), 0, -1):
            official = registry.official(" ".join(tokens[-n:]), on)
            if official:
                break
    if official is not None:
        kind = registry.kind_of(official.actor)
        in_term = on is None or _covers(official, on)
        rule = "official" if in_term else "official-out-of-term"
        entry = (
            f"{official.name} ({official.role}, {official.start or '?'} to {official.end or 'now'})"
        )
        actor = official.actor if kind != "nonstate" else None
        return Resolution(actor, rule if kind != "nonstate" else "nonstate", entry, official)
    for text in (speaker, role):
        if not text:
            continue
        phrases = registry.find_phrases(text)
        if phrases:
            # The phrase nearest the head of the noun phrase wins ("the SOHR in Syria"
            # is rare; "Syrian Observatory for Human Rights" is one phrase, longest first).
            nonstate = [p for p in phrases if registry.kind_of(p[2]) == "nonstate"]
            if nonstate:
                return Resolution(None, "nonstate", nonstate[0][1])
            chosen = phrases[0]
            if len(phrases) > 1:
                # "Azerbaijan's ally Turkey": the possessor is not the speaker, the head is.
                originals = _WORD.findall(text)
                last_word = chosen[0] + len(chosen[1].split()) - 1
                if last_word < len(originals) and originals[last_word].endswith(("'s", "\u2019s")):
                    chosen = phrases[-1]
            _, phrase, code, kind = chosen
            return Resolution(code, kind, phrase)
    adjective = registry.find_adjective(f"{role} {speaker}")
    if adjective:
        key, code = adjective
        if registry.kind_of(code) == "nonstate":
            return Resolution(None, "nonstate", key)
        return Resolution(code, "adjective", key)
    return Resolution(None, "unresolved", "")
