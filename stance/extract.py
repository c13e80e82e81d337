"""Statements out of article text: direct quotes and reported speech, with their speakers.

:func:`extract_spans` is a generator over one article's text yielding :class:`Span`
records: where a statement is (character offsets), its words, the quote inside it, the
reporting cue, and the speaker as the text names them (pronouns and descriptions resolved to
the earlier speaker). Attribution to a state happens next, in :mod:`stance.actors`.

Everything here scans text linearly or with regular expressions that cannot backtrack
catastrophically (no nested quantifiers over overlapping classes), so adversarial input
(long runs of quotes, spaces or capitals) costs time linear in its length.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import NamedTuple

from .actors import ANALYST_MARKERS, Registry, shipped_registry

# --------------------------------------------------------------------------------------
# Reporting verbs: lemma -> forms. Irregular forms are spelled out; the rest are derived.
# --------------------------------------------------------------------------------------
_IRREGULAR = {
    "say": ("say", "says", "said", "saying"),
    "tell": ("tell", "tells", "told", "telling"),
    "write": ("write", "writes", "wrote", "written", "writing"),
    "speak": ("speak", "speaks", "spoke", "speaking"),
    "reiterate": ("reiterate", "reiterates", "reiterated", "reiterating"),
}
_LEMMAS = (
    "accuse acknowledge add admit advise affirm allege announce answer appeal applaud argue "
    "ask assert assure blame blast brand brief call castigate caution censure charge claim "
    "clarify comment commend complain condemn confirm congratulate contend counter criticise "
    "criticize declare decry demand denounce deny deplore describe dismiss disavow dispute "
    "emphasise emphasize encourage endorse exhort explain express hail highlight implore "
    "indicate inform insist lambast lament maintain mourn note object observe plead pledge "
    "point post praise predict press proclaim promise propose protest question reaffirm "
    "reassure rebuff rebuke recall recommend refute regret reject remark reply report "
    "reprimand respond retort reveal salute signal slam state stress suggest tweet "
    "underline underscore urge voice vow warn welcome thank threaten denigrate decline "
    "defend offer discuss convey recognise recognize"
).split()
#: Lemmas that introduce a statement only in particular constructions (see _VERB_CONTEXT).
_CONDITIONAL = {
    "call",
    "point",
    "press",
    "post",
    "report",
    "question",
    "signal",
    "decline",
    "note",
    "recall",
    "object",
    "charge",
    "state",
    "answer",
    "observe",
    "brief",
}


def _forms(lemma: str) -> tuple[str, ...]:
    if lemma in _IRREGULAR:
        return _IRREGULAR[lemma]
    if lemma.endswith("e"):
        return (lemma, lemma + "s", lemma + "d", lemma[:-1] + "ing")
    if lemma.endswith("y") and lemma[-2] not in "aeiou":
        return (lemma, lemma[:-1] + "ies", lemma[:-1] + "ied", lemma + "ing")
    if lemma.endswith(("s", "sh", "ch", "x")):
        return (lemma, lemma + "es", lemma + "ed", lemma + "ing")
    doubled = {
        "slam": "slamm",
        "rebut": "rebutt",
        "regret": "regrett",
        "admit": "admitt",
        "refer": "referr",
        "object": "object",
        "signal": "signal",
    }
    stem = doubled.get(lemma, lemma)
    return (lemma, lemma + "s", stem + "ed", stem + "ing")


SPEECH_VERBS: dict[str, str] = {}
for _lemma in _LEMMAS + list(_IRREGULAR):
    for _form in _forms(_lemma):
        SPEECH_VERBS.setdefault(_form, _lemma)
del _lemma, _form

# --------------------------------------------------------------------------------------
# Word classes used to find and clean speakers.
# --------------------------------------------------------------------------------------
ROLE_WORDS = frozenset(
    """spokesman spokeswoman spokesperson spokespeople minister ministry foreign defense
    defence president presidency vice prime secretary general state ambassador envoy chief
    leader supreme commander adviser advisor director official officials deputy press
    national security council department office brigadier colonel lieutenant major admiral
    senator sen rep representative speaker chairman chairwoman chair head coordinator
    special high junior senior army military staff joint chiefs interior affairs permanent
    communications presidential agency government parliament lawmaker governor mayor king
    emir crown prince sheikh sultan queen pope cardinal ayatollah grand mufti gen lt col adm
    dr mr mrs ms spokespersons ministers diplomat diplomats top acting former first deputy
    assistant undersecretary under cabinet counsellor counselor attache negotiator
    negotiators delegation representative mission minister's commissioner executive
    high-ranking administration regime authorities authority forces army navy command
    committee assembly house senate congress majlis duma council's unnamed anonymous
    source sources aide aides member members party legislator lawmakers mps mp""".split()
)
#: Lowercase nouns that can head a speaker noun phrase on their own ("the factions said").
DESCRIPTOR_NOUNS = frozenset(
    """ministry government officials official spokesman spokeswoman spokesperson minister
    sources source factions rebels militants group groups authorities army military
    president statement diplomats diplomat leaders leader police observers agency council
    envoy ambassador office embassy administration regime presidency kremlin coalition
    analyst analysts expert experts residents witnesses monitor activists commander
    commanders insurgents fighters opposition mission delegation embassy's palace cabinet
    parliament lawmakers aide aides negotiator negotiators secretary chancellor premier
    organisation organization committee board movement forces navy command spokespeople
    report readout communique communiqué""".split()
)
PRONOUNS = {"he": "person", "she": "person", "they": "any", "it": "institution", "we": "any"}
_LEADING_ADVERBIALS = re.compile(
    r"^(?:(?:on|in|at|during|after|before|meanwhile|later|earlier|separately|also|however|"
    r"speaking|asked|responding|writing|addressing|in a statement|in remarks|in an interview|"
    r"in a post|in a phone call|by contrast|for (?:its|his|her|their) part|similarly|"
    r"likewise|elsewhere|but|and|yet|still|then|so|now|today|yesterday|separately)"
    r"\b[^,]{0,80},\s*)+",
    re.IGNORECASE,
)
_TRAILING_ADVERBS = frozenset(
    """also later earlier again separately meanwhile too himself herself itself themselves
    swiftly quickly strongly firmly sharply publicly repeatedly then previously already
    immediately formally officially openly explicitly privately directly recently further
    once still jointly likewise similarly angrily bluntly subsequently had has have was were
    is are been will would has already""".split()
)
_NEGATORS = frozenset(
    """not never no n't didn't don't doesn't hasn't haven't hadn't won't wouldn't cannot
    can't isn't wasn't aren't weren't without""".split()
)
_WITHHOLDING = frozenset({"refused", "declined", "failed", "avoided", "refrained", "yet"})
_HYPOTHETICAL = frozenset({"could", "might", "may", "should", "if"})
_MEDIA = frozenset(
    """afp reuters ap interfax tass ria novosti irna tasnim fars mehr isna anadolu xinhua sana
    dpa efe ansa kyodo yonhap bbc cnn npr axios politico wsj bloomberg "the associated press"
    agency media television tv report reports newspaper outlet daily times post journal
    guardian telegraph haaretz jazeera arabiya alarabiya trt sabah hurriyet kommersant
    izvestia vedomosti rt sputnik presstv press-tv""".split()
)
_OPEN_QUOTES = "\u201c\u00ab\u201e"
_CLOSE_QUOTES = "\u201d\u00bb"
_ABBREVIATIONS = frozenset(
    """mr mrs ms dr gen lt col maj adm sen rep gov st no vs jan feb mar apr jun jul aug sep
    sept oct nov dec u.s u.n u.k e.u u.a.e d.c jr sr prof rev capt sgt cpl inc co corp ltd
    fig approx est dept govt p.m a.m""".split()
)
#: A quick test before a sentence is tokenised: does any word that can introduce a
#: statement occur in it? (A set lookup of its lowercase words: a regular expression
#: alternation of ~200 verb forms was twenty times slower.)
_MAY_SPEAK_WORDS = frozenset(SPEECH_VERBS) | frozenset(
    """according rebuke rebukes condemnation condemnations criticism praise backlash denial
    denials protest protests warning warnings welcome support did""".split()
)
_LOWER_WORD = re.compile(r"[a-z]+")


def _may_speak(text: str, start: int, end: int) -> bool:
    return not _MAY_SPEAK_WORDS.isdisjoint(_LOWER_WORD.findall(text[start:end].lower()))


#: Reactions named as nouns: "drew a strong rebuke from X", "praise from Y".
_REACTION_NOUNS = frozenset(
    """rebuke rebukes condemnation condemnations criticism praise backlash denial denials
    protest protests warning warnings welcome support""".split()
)
#: Words that end a speaker's noun phrase by starting an adverbial ("said Lavrov on
#: Tuesday", "said the ministry, adding…"): where a phrase after a verb stops.
_ADVERBIAL_STARTS = frozenset(
    """on in at during after according adding while before late earlier told when as""".split()
)
#: Verbs that report speech in the inverted order ('"…," said the minister').
_INVERTIBLE = frozenset(
    """say tell add write ask note insist explain warn declare stress reply respond argue
    counter claim remark comment acknowledge admit observe state continue conclude
    emphasize emphasise underline tweet post affirm reaffirm assert announce""".split()
)
#: A quote left open longer than this (characters) is treated as unbalanced and closed, so
#: one stray quotation mark cannot swallow an article.
MAX_QUOTE_CHARS = 2000


class Span(NamedTuple):
    """A statement found in text, before attribution to a state."""

    start: int
    end: int
    text: str
    quote: str | None
    cue: str
    speaker: str
    speaker_role: str
    speaker_phrase: str
    rule: str
    antecedent: int | None  # index of the earlier span a pronoun or surname resolved to


class _Token(NamedTuple):
    text: str
    lower: str
    start: int
    end: int
    quoted: bool


_TOKEN_RE = re.compile(r"[\w\u00c0-\u024f][\w\u00c0-\u024f'\u2019.\-]*|[^\w\s]")


# --------------------------------------------------------------------------------------
# Paragraphs, sentences, quotes
# --------------------------------------------------------------------------------------
def paragraphs(text: str) -> Iterator[tuple[int, int]]:
    """Character ranges of paragraphs (blocks separated by blank lines or single newlines
    when the text uses one line per paragraph)."""
    for match in re.finditer(r"[^\n]+(?:\n(?![ \t]*\n)[^\n]+)*", text):
        block = match.group()
        if block.strip():
            yield match.start(), match.end()


def quote_regions(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Ranges of quoted content (between the marks) inside ``text[start:end]``.

    Curly quotes and guillemets nest properly; a straight double quote toggles. Single
    curly quotes count only where they open after a space and close before punctuation or
    space, so apostrophes ("Russia’s") are not mistaken for quotes.
    """
    regions: list[tuple[int, int]] = []
    open_at: int | None = None
    closer = ""
    i = start
    while i < end:
        ch = text[i]
        if open_at is None:
            if ch in _OPEN_QUOTES or ch == '"':
                open_at, closer = (
                    i,
                    ('"' if ch == '"' else ("\u00bb" if ch == "\u00ab" else "\u201d")),
                )
            elif ch == "\u2018" and (i == start or not text[i - 1].isalnum()):
                open_at, closer = i, "\u2019"
        else:
            closes = ch == closer or (closer == "\u201d" and ch == '"')
            if closer == "\u2019" and closes:
                nxt = text[i + 1] if i + 1 < end else " "
                closes = not nxt.isalnum()
            if closes:
                if i > open_at + 1:
                    regions.append((open_at + 1, i))
                open_at = None
            elif i - open_at > MAX_QUOTE_CHARS:
                open_at = None
        i += 1
    if open_at is not None and end - open_at > 1:
        # Unbalanced: best effort, the quote runs to the end of the paragraph.
        regions.append((open_at + 1, end))
    return regions


def sentences(
    text: str, start: int, end: int, quotes: list[tuple[int, int]]
) -> Iterator[tuple[int, int]]:
    """Sentence ranges in a paragraph; never split inside a quotation."""
    inside = _inside_checker(quotes)
    s = start
    i = start
    while i < end:
        ch = text[i]
        if ch in ".!?" and not inside(i):
            j = i + 1
            while j < end and text[j] in "\"'\u201d\u2019\u00bb)":
                j += 1
            if j >= end or (text[j] in " \t\n" and _starts_sentence(text, j, end)):
                if not _is_abbreviation(text, s, i):
                    yield s, j
                    s = j
                    while s < end and text[s] in " \t\n":
                        s += 1
                    i = s
                    continue
        elif ch in _CLOSE_QUOTES + '"' and i > 0 and text[i - 1] in ".!?":
            j = i + 1
            if j < end and text[j] in " \t\n" and _starts_sentence(text, j, end):
                yield s, j
                s = j
                while s < end and text[s] in " \t\n":
                    s += 1
                i = s
                continue
        i += 1
    if s < end and text[s:end].strip():
        yield s, end


def _inside_checker(quotes: list[tuple[int, int]]):
    import bisect

    starts = [q[0] for q in quotes]

    def inside(pos: int) -> bool:
        k = bisect.bisect_right(starts, pos) - 1
        return k >= 0 and quotes[k][0] <= pos < quotes[k][1]

    return inside


def _starts_sentence(text: str, j: int, end: int) -> bool:
    while j < end and text[j] in " \t\n":
        j += 1
    return (
        j >= end or text[j].isupper() or text[j].isdigit() or text[j] in _OPEN_QUOTES + "\"'\u2018("
    )


def _is_abbreviation(text: str, s: int, i: int) -> bool:
    k = i
    while k > s and not text[k - 1].isspace():
        k -= 1
    word = text[k:i].lower().strip("(\"'\u201c")
    if word in _ABBREVIATIONS:
        return True
    # Initials ("J." in "George W. Bush").
    return len(word) == 1 and word.isalpha()


# --------------------------------------------------------------------------------------
# Speakers
# --------------------------------------------------------------------------------------
def _is_name_token(token: str) -> bool:
    return bool(token) and (token[0].isupper() or token.lower() in _NAME_PARTICLES)


_NAME_PARTICLES = frozenset(
    {
        "de",
        "al",
        "al-",
        "bin",
        "ibn",
        "van",
        "von",
        "la",
        "el",
        "abu",
        "der",
        "da",
        "di",
        "du",
        "le",
        "bint",
    }
)


def split_speaker(phrase: str, registry: Registry) -> tuple[str, str]:
    """Split a speaker noun phrase into (speaker, role).

    "Kremlin spokesman Dmitry Peskov" -> ("Dmitry Peskov", "Kremlin spokesman");
    "Dmitry Peskov, the Kremlin spokesman" -> ("Dmitry Peskov", "the Kremlin spokesman");
    "the Russian Foreign Ministry" -> ("the Russian Foreign Ministry", "").
    """
    phrase = phrase.strip(" ,")
    if "," in phrase:
        head, _, rest = phrase.partition(",")
        rest = rest.strip(" ,")
        head_words = head.split()
        if (
            rest
            and head_words
            and all(_is_name_token(w) for w in head_words)
            and not (registry.find_phrases(head))
        ):
            return head.strip(), rest
        if (
            rest
            and all(_is_name_token(w) for w in rest.split())
            and any(w.lower().strip(".") in ROLE_WORDS for w in head_words)
        ):
            return rest.strip(), head.strip()
        phrase = head if head_words else rest
    bare_phrase = re.sub(r"^(?:the|a|an)\s+", "", phrase, flags=re.IGNORECASE)
    if registry.official(bare_phrase) is None and _whole_phrase(bare_phrase, registry):
        return phrase.strip(), ""
    words = phrase.split()
    name: list[str] = []
    for word in reversed(words):
        bare = word.lower().strip(".,'\u2019")
        if bare.endswith("'s") or bare.endswith("\u2019s"):
            break
        if not _is_name_token(word) or bare in ROLE_WORDS or registry.adjectives.get(bare):
            break
        name.insert(0, word)
    while name and name[0].lower() in _NAME_PARTICLES:
        name.pop(0)
    role = " ".join(words[: len(words) - len(name)]).strip()
    if name and role.split() and role.split()[-1].lower() in {"of", "for", "on", "and", "to"}:
        # "Office for the Coordination of Humanitarian Affairs": one institution's name.
        return phrase.strip(), ""
    candidate = " ".join(name)
    if (
        not name
        or registry.find_phrases(candidate)
        and not registry.official(candidate)
        or candidate.lower() in {"the", "a", "an"}
    ):
        return phrase.strip(), ""
    return candidate, role


def _whole_phrase(phrase: str, registry: Registry) -> bool:
    """Is ``phrase`` as a whole one registry entry (an institution, group or state)?"""
    found = registry.find_phrases(phrase)
    return len(found) == 1 and len(found[0][1].split()) == len(phrase.split())


def _clean_subject(text: str) -> str:
    text = text.strip(" ,;:-\u2014\u2013")
    # Datelines and live-blog times: "DAMASCUS (Levant Wire) - ", "12:55 \u2014 ".
    text = re.sub(r"^(?:[A-Z][A-Z.,' ]{2,40}(?:\([^()]{0,40}\))?\s*[-\u2013\u2014]+\s*)", "", text)
    text = re.sub(
        r"^\d{1,2}(?:[:.]\d{2})?\s*(?:GMT|UTC|local time)?\s*[-\u2013\u2014]+\s*", "", text
    )
    text = _LEADING_ADVERBIALS.sub("", text)
    text = re.sub(
        r"^(?:hours|days|minutes|weeks|moments|shortly|soon|a day|a week)\b[^,]{0,80},\s*",
        "",
        text,
        flags=re.IGNORECASE,
    )
    # "Reading prepared remarks at the White House, Biden praised…"
    text = re.sub(r"^[A-Z][a-z]+ing\b[^,]{0,120},\s*", "", text)
    # Drop parenthetical relative clauses: "China and Russia, which ..., were quick to".
    relative = re.search(r",\s*(?:which|who|whose|whom)\b", text)
    if relative:
        last_comma = text.rfind(",")
        if last_comma > relative.start():
            text = text[: relative.start()] + " " + text[last_comma + 1 :]
    text = re.sub(r"\s*\([^()]{0,80}\)", "", text)
    # "a former U.S. diplomat who served in the region" -> "a former U.S. diplomat"
    text = re.sub(r"\s+(?:who|which)\s+[^,]*", "", text)
    words = text.split()
    while words and words[-1].lower().strip(",") in _TRAILING_ADVERBS:
        words.pop()
    # "on Tuesday" / "in a statement" between subject and verb.
    while (
        len(words) >= 2
        and words[-2].lower() in {"on", "in", "late", "early"}
        and (words[-1].lower().strip(",") in _WEEKDAYS or words[-1].lower() in {"statement"})
    ):
        words = words[:-2]
        while words and words[-1].lower().strip(",") in _TRAILING_ADVERBS:
            words.pop()
    return " ".join(words).strip(" ,")


_DETERMINERS = frozenset(
    {
        "the",
        "a",
        "an",
        "this",
        "these",
        "those",
        "some",
        "many",
        "several",
        "both",
        "all",
        "two",
        "three",
        "most",
    }
)
_WEEKDAYS = frozenset(
    "monday tuesday wednesday thursday friday saturday sunday today yesterday".split()
)


def _is_subject(phrase: str) -> bool:
    """Could ``phrase`` be who is speaking? A name, a pronoun or a descriptor noun."""
    words = phrase.split()
    if not words or len(words) > 16:
        return False
    if words[0].lower() in {
        "neither",
        "nor",
        "no",
        "none",
        "nobody",
        "for",
        "of",
        "with",
        "without",
        "to",
        "from",
        "by",
        "about",
    }:
        return False
    if len(words) == 1 and re.sub(r"['\u2019](?:re|s|ve|ll|d)$", "", words[0].lower()) in PRONOUNS:
        return True
    lowered = [w.lower().strip(".,'\u2019") for w in words]
    head = lowered[-1]
    if head.endswith("'s") or head.endswith("\u2019s"):
        return False
    if (
        words[-1][:1].islower()
        and head.endswith(("ed", "ing", "ly"))
        and head not in (DESCRIPTOR_NOUNS | ROLE_WORDS)
    ):
        return False  # "Reading prepared comments": a participle heads no speaker
    if head in {"that", "which", "who", "it", "this", "there", "what", "and", "or", "to"}:
        return words[-1] == "It" and len(words) == 1
    content = words[1:] if lowered[0] in _DETERMINERS else words
    if (
        any(w[0].isupper() for w in content if w[0].isalpha())
        and (len(content) > 1 or len(words) == 1 or content[0][0].isupper())
        and not (
            lowered[0] in _DETERMINERS
            and head not in DESCRIPTOR_NOUNS
            and not any(w[0].isupper() for w in content)
        )
    ):
        # Capitalised, but not a sentence of narration: no long lowercase run.
        lower_run = 0
        for w in words:
            lower_run = lower_run + 1 if w[0].islower() and w.lower() not in ROLE_WORDS else 0
            if lower_run >= 5:
                return False
        return True
    return head in DESCRIPTOR_NOUNS or head in ANALYST_MARKERS


# --------------------------------------------------------------------------------------
# The extractor
# --------------------------------------------------------------------------------------
def _tokens(text: str, start: int, end: int, inside) -> list[_Token]:
    tokens = []
    for m in _TOKEN_RE.finditer(text, start, end):
        word, at = m.group(), m.start()
        # "said." ends a sentence; "U.S." and "Gen." keep their dot.
        if word.endswith(".") and word.count(".") == 1 and word[:-1].lower() not in _ABBREVIATIONS:
            tokens.append(_Token(word[:-1], word[:-1].lower(), at, m.end() - 1, inside(at)))
            tokens.append(_Token(".", ".", m.end() - 1, m.end(), inside(m.end() - 1)))
        else:
            tokens.append(_Token(word, word.lower(), at, m.end(), inside(at)))
    return tokens


def _verb_ok(tokens: list[_Token], i: int) -> bool:
    """Is token ``i`` (a speech-verb form) used as a reporting verb here?"""
    tok = tokens[i]
    lemma = SPEECH_VERBS[tok.lower]
    if i > 0 and tok.text[0].isupper() and tokens[i - 1].text not in {".", ":", "\u2014"}:
        return False  # "United States", "Says Who": a name, not a verb
    nxt = tokens[i + 1].lower if i + 1 < len(tokens) else ""
    prev = tokens[i - 1].lower if i > 0 else ""
    if prev in {"a", "an", "the", "its", "his", "her", "their", "this", "that", "whose", "our"}:
        return False  # a noun: "the call for", "a statement"
    if (
        prev == "to"
        and i >= 2
        and tokens[i - 2].lower not in {"quick", "rushed", "moved", "hastened", "sought", "went"}
    ):
        return False  # "to condemn" is what someone is asked to do
    if lemma == "call":
        if nxt in {"for", "on", "upon"}:
            return True
        window = [t.lower for t in tokens[i + 1 : i + 10]]
        return (
            "a" in window
            or "an" in window
            or any(t.text in _OPEN_QUOTES + '"' for t in tokens[i + 1 : i + 10])
            or nxt in {"it", "the", "this", "them", "their", "his", "her", "its"}
        )
    if lemma == "point":
        return nxt == "out"
    if lemma in {
        "press",
        "post",
        "report",
        "signal",
        "question",
        "object",
        "charge",
        "answer",
        "brief",
        "observe",
    }:
        return tok.lower.endswith("ed") and nxt in {"that", "to", "the", "on", ",", ":"}
    if lemma == "note":
        return nxt in {"that", "the", ",", ":", "a", "an"} or tok.lower.endswith("ed")
    if lemma == "state":
        return tok.lower in {"stated", "states"} and nxt in {"that", ",", ":", "the", "it"}
    if lemma == "recall":
        return nxt == "that"
    if lemma == "decline":
        return nxt in {"comment", "to"} and (
            nxt != "to" or (i + 2 < len(tokens) and tokens[i + 2].lower == "comment")
        )
    if tok.lower.endswith("ing") and prev not in {",", "while", "after", "by", "before", "with"}:
        # Gerunds outside a participial tail ("condemning the strike is easy") are not verbs
        # of a speaker unless a subject precedes them ("with X accusing").
        return prev not in {"of", "for", "about", "in", "on", "from"} and i > 0
    return True


def _negated(tokens: list[_Token], i: int) -> bool:
    """Is the act at token ``i`` negated, withheld or hypothetical?"""
    window = [t.lower for t in tokens[max(0, i - 4) : i]]
    if any(w in _NEGATORS or w.endswith("n't") for w in window):
        return True
    if any(w in _WITHHOLDING for w in window):
        return True
    if "short" in window and i + 1 < len(tokens):
        return True
    return bool({"could", "might"} & set(window)) and any(t.lower == "if" for t in tokens)


class _Context:
    """What earlier statements of the article tell about later pronouns and surnames."""

    def __init__(self, text: str = "", registry: Registry | None = None) -> None:
        self.spans: list[Span] = []
        self.text = text
        self.registry = registry or shipped_registry()

    def full_name(self, surname: str, before: int) -> str | None:
        """The full name ending in ``surname`` last written before ``before``
        ("Matthew Miller" for a later "MR. MILLER:", "Sean Savett" for "Savett urged")."""
        if not surname[:1].isupper() or len(surname) < 3:
            return None
        pattern = re.compile(
            r"\b((?:[A-Z][\w'\u2019\-]+\s+(?:(?:al|de|bin|van|von|el|abu)[\s-])?){1,3})"
            + re.escape(surname)
            + r"\b"
        )
        found = None
        for match in pattern.finditer(self.text, 0, before):
            found = match
        if found is None:
            return None
        words = [w for w in found.group(1).split() if w.lower().strip(".") not in ROLE_WORDS]
        if not words or any(w.rstrip(".").lower() in _ABBREVIATIONS for w in words):
            return None
        return " ".join([*words, surname])

    def resolve(self, phrase: str) -> int | None:
        lowered = phrase.lower().strip().replace("\u2019", "'")
        lowered = re.sub(r"^(we|they|he|she|it)'(?:re|s|ve|ll|d)$", r"\1", lowered)
        words = lowered.split()
        if not self.spans:
            return None
        if words and words[0] in {"its", "their"} and len(words) <= 4:
            return len(self.spans) - 1
        if lowered in PRONOUNS:
            kind = PRONOUNS[lowered]
            for idx in range(len(self.spans) - 1, -1, -1):
                span = self.spans[idx]
                last = span.speaker.split()[-1] if span.speaker else ""
                is_person = bool(span.speaker_role) or (
                    len(span.speaker.split()) >= 2
                    and last[:1].isupper()
                    and last.lower() not in ROLE_WORDS
                    and not span.speaker.lower().startswith("the ")
                    and not (span.speaker_phrase and _whole_phrase(span.speaker, self.registry))
                )
                if kind == "person" and is_person:
                    return idx
                if kind == "institution" and not is_person:
                    return idx
                if kind == "any":
                    return idx
            return None
        if (
            words
            and words[0] in {"the", "a", "an"}
            and len(words) <= 4
            and words[-1] in DESCRIPTOR_NOUNS
            and not any(w[:1].isupper() for w in phrase.split()[1:])
        ):
            content = [w for w in words[1:] if w not in {"statement", "same", "two", "other"}]
            for idx in range(len(self.spans) - 1, -1, -1):
                span = self.spans[idx]
                known = f"{span.speaker_role} {span.speaker}".lower()
                if any(w in known for w in content):
                    return idx
            return None
        if len(words) == 1 and phrase[:1].isupper():
            # A surname seen before in full: "Rahhal also suggested".
            for idx in range(len(self.spans) - 1, -1, -1):
                full = self.spans[idx].speaker.split()
                if len(full) >= 2 and full[-1].lower() == lowered:
                    return idx
        return None


_COLON_LABEL = re.compile(r"([A-Z][\w.\-'\u2019 ]{0,60}):\s+(?=[\"\u201c\u00ab\u2018A-Z])")
_QUESTION_LABELS = frozenset(
    {"QUESTION", "Q", "QUESTIONS", "REPORTER", "MODERATOR", "HOST", "INTERVIEWER", "ANCHOR"}
)
_HONORIFICS = re.compile(
    r"^(?:mr|ms|mrs|dr|amb|ambassador|secretary|minister|general|gen|"
    r"admiral|adm|senator|sen|president|spokesman|spokeswoman)\.?\s+",
    re.IGNORECASE,
)


def _paragraph_label(text: str, p_start: int, p_end: int) -> tuple[str, int] | None:
    """The speaker label of a paragraph ("MR. MILLER: …", "Turkey: \u201c…\u201d"), and where
    the words after it start."""
    match = _COLON_LABEL.match(text, p_start, p_end)
    if not match or len(match.group(1).split()) > 6:
        return None
    return match.group(1).strip(), match.end()


def _is_transcript_label(label: str) -> bool:
    letters = [c for c in label if c.isalpha()]
    return bool(letters) and (label.isupper() or bool(_HONORIFICS.match(label)))


def extract_spans(text: str, registry: Registry | None = None) -> Iterator[Span]:
    """Yield every statement of ``text`` in reading order; ``text[start:end]`` is the
    statement's text, without surrounding white space."""
    for span in _raw_spans(text, registry):
        start, end = span.start, span.end
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        yield span._replace(start=start, end=end, text=text[start:end])


def _raw_spans(text: str, registry: Registry | None = None) -> Iterator[Span]:
    registry = registry or shipped_registry()
    context = _Context(text, registry)
    for p_start, p_end in paragraphs(text):
        label = _paragraph_label(text, p_start, p_end)
        if label and label[0].upper().rstrip(".") in _QUESTION_LABELS:
            continue  # a journalist's question is nobody's statement
        quotes = quote_regions(text, p_start, p_end)
        if label and _is_transcript_label(label[0]):
            # A turn of a briefing transcript: the whole answer is the speaker's.
            span = _labelled_span(text, label, p_start, p_end, quotes, registry, context)
            context.spans.append(span)
            yield span
            continue
        inside = _inside_checker(quotes)
        found_in_paragraph = False
        for s_start, s_end in sentences(text, p_start, p_end, quotes):
            while s_start < s_end and text[s_start].isspace():
                s_start += 1
            in_sentence = 0
            for span in _sentence_statements(
                text, s_start, s_end, quotes, inside, registry, context
            ):
                context.spans.append(span)
                found_in_paragraph = True
                in_sentence += 1
                yield span
            if not in_sentence and found_in_paragraph:
                # '"A," Biden added. "B."': a quoted sentence after an attributed one
                # continues the same speaker.
                span = _continuation(text, s_start, s_end, quotes, context)
                if span is not None:
                    context.spans.append(span)
                    yield span
        if not found_in_paragraph:
            if label:
                span = _labelled_span(text, label, p_start, p_end, quotes, registry, context)
            else:
                span = _quote_paragraph(text, p_start, p_end, quotes, registry, context)
            if span is not None:
                context.spans.append(span)
                yield span


def _continuation(text, s_start, s_end, quotes, context) -> Span | None:
    """A sentence or paragraph that is mostly a quotation, continuing the previous
    statement's speaker."""
    stripped = text[s_start:s_end].strip()
    if not stripped or stripped[0] not in _OPEN_QUOTES + '"\u2018' or not context.spans:
        return None
    covered = sum(min(b, s_end) - max(a, s_start) for a, b in quotes if a < s_end and b > s_start)
    if covered < 0.6 * len(stripped):
        return None
    prior_idx = len(context.spans) - 1
    prior = context.spans[prior_idx]
    return Span(
        s_start,
        s_end,
        stripped,
        _quote_of(text, quotes, s_start, s_end),
        "",
        prior.speaker,
        prior.speaker_role,
        prior.speaker_phrase,
        "continuation",
        prior_idx,
    )


def _labelled_span(text, label, p_start, p_end, quotes, registry, context) -> Span:
    name, _ = label
    cleaned = name.title() if name.isupper() else name
    bare = _HONORIFICS.sub("", cleaned).strip()
    antecedent = context.resolve(bare) if bare else None
    if antecedent is not None:
        prior = context.spans[antecedent]
        speaker, role = prior.speaker, prior.speaker_role
    else:
        full = context.full_name(bare, p_start) if len(bare.split()) == 1 else None
        speaker, role = split_speaker(full or bare or cleaned, registry)
    return Span(
        p_start,
        p_end,
        text[p_start:p_end],
        _quote_of(text, quotes, p_start, p_end),
        ":",
        speaker,
        role,
        name,
        "colon-label",
        antecedent,
    )


def _quote_of(text: str, quotes, start: int, end: int) -> str | None:
    parts = [text[a:b].strip() for a, b in quotes if a >= start and b <= end + 1 and b - a > 1]
    return " ... ".join(parts) if parts else None


def _quote_paragraph(text, p_start, p_end, quotes, registry, context) -> Span | None:
    """A paragraph that is a bare quote continues the previous speaker's statement (across
    paragraphs, as news prints long quotes)."""
    return _continuation(text, p_start, p_end, quotes, context)


def _sentence_statements(text, s_start, s_end, quotes, inside, registry, context):
    if not _may_speak(text, s_start, s_end):
        return  # no reporting verb, "according to" or named reaction: nobody speaks here
    tokens = _tokens(text, s_start, s_end, inside)
    if not tokens:
        return
    found: list[Span] = []
    i = 0
    claimed_until = -1  # token index up to which the current statement extends
    while i < len(tokens):
        tok = tokens[i]
        if tok.quoted:
            i += 1
            continue
        # "according to X"
        if tok.lower == "according" and i + 1 < len(tokens) and tokens[i + 1].lower == "to":
            span = _according_to(text, tokens, i, s_start, s_end, quotes, registry, context, found)
            if span is not None:
                found.append(span)
            i += 2
            continue
        # "…, as did France" — the same act by another speaker.
        if (
            tok.lower == "as"
            and found
            and i + 2 < len(tokens)
            and tokens[i + 1].lower == "did"
            and tokens[i - 1].text == ","
        ):
            phrase = _phrase_after(text, tokens, i + 2, s_end)
            if phrase and _is_subject(phrase):
                for part in _make_spans(
                    text,
                    found[-1].start,
                    s_end,
                    quotes,
                    "as did",
                    phrase,
                    "as-did",
                    registry,
                    context,
                ):
                    found.append(part)
            i += 2
            continue
        # "… drew a sharp rebuke from Maduro" — the reaction named as a noun.
        if tok.lower in _REACTION_NOUNS and i + 2 < len(tokens) and tokens[i + 1].lower == "from":
            phrase = _phrase_after(text, tokens, i + 2, s_end)
            if phrase and _is_subject(phrase) and phrase[:1].isupper():
                for part in _make_spans(
                    text,
                    s_start,
                    s_end,
                    quotes,
                    tok.text,
                    phrase,
                    "reaction-noun",
                    registry,
                    context,
                ):
                    found.append(part)
                i += 2
                continue
        # ", with X accusing ..."
        if tok.lower == "with" and i > 0 and tokens[i - 1].text == ",":
            span = _with_clause(text, tokens, i, s_end, quotes, registry, context)
            if span is not None:
                if found:
                    prev = found[-1]
                    found[-1] = prev._replace(
                        end=tokens[i - 1].start, text=text[prev.start : tokens[i - 1].start]
                    )
                found.append(span)
                claimed_until = len(tokens)
                i = len(tokens)
                continue
        if tok.lower in SPEECH_VERBS and i > claimed_until and _verb_ok(tokens, i):
            span = _reported(
                text,
                tokens,
                i,
                s_start,
                s_end,
                quotes,
                registry,
                context,
                first_in_sentence=not found,
            )
            if span is not None:
                if _negated(tokens, i):
                    i += 1
                    continue
                for part in span:
                    found.append(part)
                claimed_until = _clause_end(tokens, i)
        i += 1
    yield from found


def _clause_end(tokens: list[_Token], i: int) -> int:
    """Token index where the statement starting at verb ``i`` stops claiming verbs: the end
    of the sentence, or a clause boundary after which a new speaker may speak."""
    for k in range(i + 1, len(tokens)):
        t = tokens[k]
        if t.quoted:
            continue
        if t.text == ";":
            return k
        if (
            t.text == ","
            and k + 1 < len(tokens)
            and tokens[k + 1].lower in {"while", "whereas", "but"}
        ):
            return k
    return len(tokens)


def _span_text(text: str, start: int, end: int) -> str:
    return text[start:end].strip()


def _reported(
    text, tokens, i, s_start, s_end, quotes, registry, context, first_in_sentence=True
) -> list[Span] | None:
    """A reporting verb at token ``i``: find its speaker before it, or after it when the
    order is inverted ('..., said X.'), or in a passive 'by X'."""
    verb = tokens[i]
    prev = tokens[i - 1] if i > 0 else None
    # Passive: "was condemned by Tehran".
    if prev is not None and prev.lower in {"was", "were", "been", "be", "is", "are"}:
        if i + 1 < len(tokens) and tokens[i + 1].lower == "by":
            phrase = _phrase_after(text, tokens, i + 2, s_end)
            if phrase and _is_subject(phrase):
                return _make_spans(
                    text, s_start, s_end, quotes, verb.text, phrase, "passive", registry, context
                )
        return None
    # Inverted: '"…," said Peskov.' / '…, said the ministry.'
    after_quote = prev is not None and (
        prev.text in _CLOSE_QUOTES + '"'
        or prev.quoted
        or (
            prev.text == ","
            and i >= 2
            and (tokens[i - 2].quoted or tokens[i - 2].text in _CLOSE_QUOTES + '"')
        )
    )
    if (prev is None or prev.text in {",", ":"} or after_quote) and (
        SPEECH_VERBS[verb.lower] in _INVERTIBLE
    ):
        phrase, stop = _phrase_after(text, tokens, i + 1, s_end, with_stop=True)
        ends_clause = (
            stop is None
            or stop.text in {".", ",", ";", "!", "?"}
            or stop.lower in _ADVERBIAL_STARTS
        )
        head = phrase.split()[-1].lower().strip(".,") if phrase else ""
        speakerish = bool(phrase) and (
            phrase.split()[-1][:1].isupper()
            or head in DESCRIPTOR_NOUNS
            or head in ROLE_WORDS
            or head in PRONOUNS
            or head in ANALYST_MARKERS
        )
        if (
            speakerish
            and _is_subject(phrase)
            and (after_quote or ends_clause)
            and not (
                phrase.split()[0][0].islower() and phrase.split()[0].lower() not in _DETERMINERS
            )
        ):
            return _make_spans(
                text, s_start, s_end, quotes, verb.text, phrase, "inverted", registry, context
            )
        if prev is not None and prev.text == "," and verb.lower.endswith("ing"):
            if not first_in_sentence:
                return None  # a participial tail of this sentence's statement
            # "Blinken was similarly emphatic, saying that…": the clause's subject speaks.
            phrase = _leading_noun_phrase(_clean_subject(text[s_start : verb.start]))
            if phrase and _is_subject(phrase):
                return _make_spans(
                    text, s_start, s_end, quotes, verb.text, phrase, "participle", registry, context
                )
            return None
    # Normal order: subject before the verb, back to the clause start.
    k = i - 1
    while (
        k >= 0
        and not tokens[k].quoted
        and tokens[k].text not in {";", ":"}
        and tokens[k].text not in _CLOSE_QUOTES + '"'
    ):
        k -= 1
    clause_start = tokens[k + 1].start if k + 1 < i else verb.start
    # "…," the ministry said: the subject starts after the closing quote and comma.
    phrase = _clean_subject(text[clause_start : verb.start])
    phrase = re.sub(r"^(?:[\"\u201d\u00bb']\s*)?,?\s*", "", phrase)
    # Skip "were quick to", "has", "also" between subject and verb.
    phrase = re.sub(
        r"\s+(?:was|were|is|are|has|have|had)\s+(?:quick|quicker|swift|the first|among the first"
        r"|rushed|moved|hastened)(?:\s+to)?$",
        "",
        phrase,
    )
    phrase = re.sub(r"\s+(?:quick|rushed|moved|hastened|went on|sought)\s+to$", "", phrase)
    phrase = _clean_subject(phrase)
    if len(phrase.split()) > 2 and phrase.split()[-1].lower() == "and":
        # "Araghchi flew into Damascus and pledged…": the subject is the leading name.
        phrase = _leading_noun_phrase(phrase)
    if " that " in f" {phrase} ":
        # "officials said that X warned": the second verb is inside a statement.
        return None
    if not phrase or not _is_subject(phrase):
        return None
    # The first statement of a sentence spans it from its start: a quote before the
    # subject ('"…," the ministry said') is the speaker's own words.
    start = s_start if first_in_sentence else clause_start
    return _make_spans(text, start, s_end, quotes, verb.text, phrase, "reported", registry, context)


def _leading_noun_phrase(phrase: str) -> str:
    """The capitalised noun phrase a clause opens with ("US Secretary of State Antony
    Blinken was similarly emphatic" -> "US Secretary of State Antony Blinken")."""
    lead: list[str] = []
    for w in phrase.split():
        bare = w.lower().strip(",.'\u2019")
        if (
            w[0].isupper()
            or bare in ROLE_WORDS
            or bare in _NAME_PARTICLES
            or bare in {"the", "his", "her", "its", "their", "of"}
            or bare.endswith(("'s", "\u2019s"))
        ):
            lead.append(w.rstrip(","))
            if w.endswith(","):
                break
        else:
            break
    while lead and lead[-1].lower() in {"the", "of", "his", "her", "its", "their"}:
        lead.pop()
    return " ".join(lead)


def _phrase_after(text, tokens, j, s_end, with_stop=False):
    """The noun phrase starting at token ``j``, up to a comma, period or adverbial (and,
    with ``with_stop``, the token that ended it)."""
    words: list[str] = []
    stop = None
    for t in tokens[j:]:
        stop = t
        if (
            t.quoted
            or t.text in {",", ".", ";", ":", "!", "?", "(", ")"}
            or t.text in (_OPEN_QUOTES + _CLOSE_QUOTES + '"')
        ):
            break
        if t.lower in _ADVERBIAL_STARTS or t.lower in {"that", "to"}:
            break
        words.append(t.text)
        stop = None
        if len(words) > 16:
            return ("", stop) if with_stop else ""
    phrase = _clean_subject(" ".join(words))
    last = phrase.rsplit(" ", 1)[-1].lower()
    if phrase.endswith(".") and last.rstrip(".") not in _ABBREVIATIONS:
        phrase = phrase[:-1]
    return (phrase, stop) if with_stop else phrase


def _make_spans(text, start, end, quotes, cue, phrase, rule, registry, context) -> list[Span]:
    """One span per speaker; a compound subject ("China and Russia") gives one each."""
    conjuncts = _conjuncts(phrase, registry)
    spans = []
    for part in conjuncts:
        antecedent = context.resolve(part)
        if antecedent is not None:
            prior = context.spans[antecedent]
            speaker, role = prior.speaker, prior.speaker_role
            part_rule = f"{rule}+coreference"
        else:
            full = None
            if len(part.split()) == 1 and part[:1].isupper() and not registry.find_phrases(part):
                full = context.full_name(part, start)
            speaker, role = split_speaker(full or part, registry)
            part_rule = rule if full is None else f"{rule}+full-name"
        spans.append(
            Span(
                start,
                end,
                _span_text(text, start, end),
                _quote_of(text, quotes, start, end),
                cue,
                speaker,
                role,
                part,
                part_rule,
                antecedent,
            )
        )
    return spans


def _conjuncts(phrase: str, registry: Registry) -> list[str]:
    """Split "China and Russia" or "Lavrov and his Iranian counterpart Araghchi" into one
    speaker each, when every part names a speaker on its own."""
    from .actors import resolve_actor

    if " and " not in f" {phrase} ":
        return [phrase]  # "Iran's foreign minister, Mohammad Javad Zarif": an apposition
    parts = [p.strip() for p in re.split(r",\s*(?:and\s+)?|\s+and\s+", phrase) if p.strip()]
    if len(parts) < 2 or any(len(p.split()) > 8 for p in parts):
        return [phrase]
    if all(
        resolve_actor(*split_speaker(p, registry), None, registry).rule != "unresolved"
        for p in parts
    ):
        return parts
    return [phrase]


def _according_to(text, tokens, i, s_start, s_end, quotes, registry, context, found):
    phrase = _phrase_after(text, tokens, i + 2, s_end)
    if not phrase:
        return None
    statement = re.match(
        r"(?:a|the|an)\s+(?:[\w-]+\s+)?(?:statement|report|readout|communique|communiqu\u00e9)"
        r"\s+(?:(?:published|issued|released|posted)\s+)?(?:by|from|of)\s+(.+)",
        phrase,
        re.IGNORECASE,
    )
    if statement:
        phrase = statement.group(1)
    if any(w.strip(".,") in _MEDIA for w in phrase.lower().split()):
        return None
    if not statement and found:
        return None  # the sentence already has a speaker; this names their source
    if not _is_subject(phrase):
        return None
    start = s_start
    spans = _make_spans(
        text, start, s_end, quotes, "according to", phrase, "according-to", registry, context
    )
    return spans[0] if spans else None


def _with_clause(text, tokens, i, s_end, quotes, registry, context):
    """', with Foreign Ministry spokeswoman Maria Zakharova accusing …'"""
    for k in range(i + 1, min(len(tokens), i + 14)):
        t = tokens[k]
        if t.quoted or t.text in {",", ";", "."}:
            return None
        if t.lower.endswith("ing") and t.lower in SPEECH_VERBS:
            phrase = _clean_subject(text[tokens[i + 1].start : t.start])
            if not phrase or not _is_subject(phrase):
                return None
            start = tokens[i].start
            spans = _make_spans(
                text, start, s_end, quotes, t.text, phrase, "with-clause", registry, context
            )
            return spans[0]
    return None
