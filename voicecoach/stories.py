"""The story bank without Qt or a database: validation, TOML/JSON export and import, the story
suggested for an answer, and which pack topics have no story yet.

A story is what the user tells across many questions: a title, one line each for Situation,
Task, Action and Result, tags, and the ids of the questions it answers. Import is all or
nothing: a file with any problem imports no story, and every problem is listed, naming the
entry (its number and title) and the field. See docs/decisions/story-bank.md.
"""

from __future__ import annotations

import difflib
import json
import re
import tomllib
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from voicecoach.domain import VoiceCoachError

Format = Literal["toml", "json"]
FORMAT_NAME = "voicecoach-stories"
FORMAT_VERSION = 1
NOTE_FIELDS: tuple[str, ...] = ("situation", "task", "action", "result")
NOTE_LABELS = {"situation": "Situation", "task": "Task", "action": "Action", "result": "Result"}
ENTRY_FIELDS: tuple[str, ...] = ("title", *NOTE_FIELDS, "tags", "questions")
MAX_TITLE_CHARS = 120
MAX_NOTE_CHARS = 300
MAX_TAG_CHARS = 40
MAX_TAGS = 20
MAX_FILE_BYTES = 2_000_000  # thousands of stories; a bigger file is not a story bank
MAX_PROBLEMS_SHOWN = 20


class StoryError(VoiceCoachError):
    """A story that cannot be saved as it is; `field` names the field at fault."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.field = field


class StoryImportError(VoiceCoachError):
    """A story file that cannot be imported; nothing was imported. One line per problem."""

    def __init__(self, source: str, problems: Sequence[str]) -> None:
        self.source = source
        self.problems = tuple(problems)
        shown = list(self.problems[:MAX_PROBLEMS_SHOWN])
        if len(self.problems) > MAX_PROBLEMS_SHOWN:
            shown.append(f"… and {len(self.problems) - MAX_PROBLEMS_SHOWN} more problems.")
        super().__init__(
            f"Nothing was imported from {source}:\n" + "\n".join(f"• {p}" for p in shown)
        )


@dataclass(frozen=True)
class Story:
    """One story. `id` is None until the store saves it; times are UTC when set."""

    title: str
    situation: str = ""
    task: str = ""
    action: str = ""
    result: str = ""
    tags: tuple[str, ...] = ()
    question_ids: tuple[str, ...] = ()
    id: int | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None

    def note(self, name: str) -> str:
        return getattr(self, name)

    def same_content(self, other: Story) -> bool:
        """Equal as the user wrote it (ids and times aside; tags and questions as sets)."""
        return (
            title_key(self.title) == title_key(other.title)
            and all(self.note(n) == other.note(n) for n in NOTE_FIELDS)
            and set(self.tags) == set(other.tags)
            and set(self.question_ids) == set(other.question_ids)
        )


def title_key(title: str) -> str:
    """Titles are unique in a bank, compared without case or extra spaces."""
    return " ".join(title.split()).casefold()


# --- validation ------------------------------------------------------------------------------


def _one_line(value: str) -> str:
    return " ".join(value.split())


def parse_tags(text: str) -> tuple[str, ...]:
    """Tags typed in one box: separated by commas, trimmed, lower case, without repeats."""
    return tuple(dict.fromkeys(t for t in (_one_line(p).lower() for p in text.split(",")) if t))


def clean_story(story: Story) -> Story:
    """Whitespace tidied, tags lower case without repeats, question ids without repeats."""
    return replace(
        story,
        title=_one_line(story.title),
        **{n: story.note(n).strip() for n in NOTE_FIELDS},
        tags=tuple(dict.fromkeys(_one_line(t).lower() for t in story.tags if _one_line(t))),
        question_ids=tuple(dict.fromkeys(q.strip() for q in story.question_ids if q.strip())),
    )


def story_problems(story: Story, known_questions: Collection[str] | None = None) -> list[str]:
    """What is wrong with a (cleaned) story: one message per problem, naming the field."""
    return [msg for _f, msg in _problems(story, known_questions)]


def _problems(story: Story, known: Collection[str] | None) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    if not story.title:
        out.append(("title", "the title is empty: give the story a short name"))
    elif len(story.title) > MAX_TITLE_CHARS:
        out.append(
            (
                "title",
                f"the title is {len(story.title)} characters; keep it under {MAX_TITLE_CHARS}",
            )
        )
    for n in NOTE_FIELDS:
        text = story.note(n)
        if "\n" in text or "\r" in text:
            out.append((n, f"the {NOTE_LABELS[n]} note has several lines; keep it to one line"))
        elif len(text) > MAX_NOTE_CHARS:
            out.append(
                (
                    n,
                    f"the {NOTE_LABELS[n]} note is {len(text)} characters; a one-line note "
                    f"stays under {MAX_NOTE_CHARS}",
                )
            )
    if len(story.tags) > MAX_TAGS:
        out.append(("tags", f"{len(story.tags)} tags; keep it to {MAX_TAGS} or fewer"))
    for t in story.tags:
        if len(t) > MAX_TAG_CHARS:
            out.append(("tags", f'the tag "{t[:30]}…" is longer than {MAX_TAG_CHARS} characters'))
    if known is not None:
        for q in story.question_ids:
            if q not in known:
                close = difflib.get_close_matches(q, list(known), n=1)
                hint = f' (did you mean "{close[0]}"?)' if close else ""
                out.append(("questions", f'no question "{q}" in the loaded packs{hint}'))
    return out


def validate_story(story: Story, known_questions: Collection[str] | None = None) -> Story:
    """The story cleaned up, or `StoryError` naming the first field at fault."""
    story = clean_story(story)
    problems = _problems(story, known_questions)
    if problems:
        f, msg = problems[0]
        raise StoryError(msg[0].upper() + msg[1:] + ".", f)
    return story


# --- export ----------------------------------------------------------------------------------


def _entry(story: Story) -> dict[str, Any]:
    d: dict[str, Any] = {"title": story.title}
    d.update({n: story.note(n) for n in NOTE_FIELDS})
    d["tags"] = list(story.tags)
    d["questions"] = list(story.question_ids)
    return d


def to_json_text(stories: Iterable[Story]) -> str:
    doc = {
        "format": FORMAT_NAME,
        "version": FORMAT_VERSION,
        "stories": [_entry(s) for s in stories],
    }
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


def _toml_str(s: str) -> str:
    # A TOML basic string: JSON's escapes are a subset TOML accepts, except that JSON may
    # leave DEL and other controls as-is; escape every control character explicitly.
    out = []
    for ch in s:
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ch == "\r":
            out.append("\\r")
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04X}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def to_toml_text(stories: Iterable[Story]) -> str:
    lines = [
        "# VoiceCoach story bank: one [[stories]] table per story (docs/decisions/story-bank.md)",
        f"format = {_toml_str(FORMAT_NAME)}",
        f"version = {FORMAT_VERSION}",
    ]
    for s in stories:
        lines += ["", "[[stories]]"]
        for key, value in _entry(s).items():
            if isinstance(value, list):
                lines.append(f"{key} = [{', '.join(_toml_str(v) for v in value)}]")
            else:
                lines.append(f"{key} = {_toml_str(value)}")
    return "\n".join(lines) + "\n"


def export_text(stories: Iterable[Story], fmt: Format) -> str:
    return to_toml_text(stories) if fmt == "toml" else to_json_text(stories)


def format_of(path: Path | str) -> Format:
    """The file format from its name: .toml or .json (anything else is a StoryImportError)."""
    suffix = Path(path).suffix.lower()
    if suffix in (".toml", ".json"):
        return suffix[1:]  # type: ignore[return-value]
    raise StoryImportError(
        Path(path).name,
        [f'the file name ends in "{suffix or "(nothing)"}"; story files are .toml or .json'],
    )


# --- import ----------------------------------------------------------------------------------


def parse_stories(
    data: bytes | str,
    fmt: Format,
    known_questions: Collection[str] | None = None,
    source: str = "the file",
) -> list[Story]:
    """Every story in an exported file, checked; `StoryImportError` lists all problems."""
    if isinstance(data, bytes):
        if len(data) > MAX_FILE_BYTES:
            raise StoryImportError(
                source,
                [
                    f"the file is {len(data) // 1000} kB; a story file is under "
                    f"{MAX_FILE_BYTES // 1000} kB"
                ],
            )
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise StoryImportError(
                source, [f"the file is not UTF-8 text (byte {exc.start} cannot be read)"]
            ) from exc
    else:
        text = data
    try:
        doc = tomllib.loads(text) if fmt == "toml" else json.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise StoryImportError(source, [f"the file is not valid TOML: {exc}"]) from exc
    except json.JSONDecodeError as exc:
        raise StoryImportError(
            source,
            [f"the file is not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"],
        ) from exc
    problems: list[str] = []
    entries = _top(doc, problems)
    stories: list[Story] = []
    seen: dict[str, int] = {}
    for i, raw in enumerate(entries, start=1):
        story = _parse_entry(i, raw, known_questions, problems)
        if story is None:
            continue
        key = title_key(story.title)
        if key in seen:
            problems.append(
                f'entry {i} ("{story.title}"): the same title as entry {seen[key]}; titles '
                "must differ so you can tell the stories apart"
            )
        else:
            seen[key] = i
        stories.append(story)
    if problems:
        raise StoryImportError(source, problems)
    return stories


def _top(doc: Any, problems: list[str]) -> list[Any]:
    if not isinstance(doc, Mapping):
        problems.append('the file must hold a table with a list of stories under "stories"')
        return []
    unknown = sorted(set(doc) - {"format", "version", "stories"})
    for k in unknown:
        problems.append(f'unknown top-level field "{k}" (expected format, version, stories)')
    if "format" in doc and doc["format"] != FORMAT_NAME:
        problems.append(f'"format" is {doc["format"]!r}; a story file says "{FORMAT_NAME}"')
    version = doc.get("version", FORMAT_VERSION)
    if not isinstance(version, int) or isinstance(version, bool):
        problems.append(f'"version" must be a whole number, not {version!r}')
    elif version > FORMAT_VERSION:
        problems.append(
            f"the file is story format version {version}, written by a newer VoiceCoach "
            f"(this one reads up to {FORMAT_VERSION}); update VoiceCoach to import it"
        )
    if "stories" not in doc:
        problems.append('no "stories" list in the file')
        return []
    entries = doc["stories"]
    if not isinstance(entries, list):
        problems.append(f'"stories" must be a list of stories, not {_kind(entries)}')
        return []
    return entries


def _kind(v: Any) -> str:
    return {
        bool: "true/false",
        int: "a number",
        float: "a number",
        str: "text",
        list: "a list",
        dict: "a table",
    }.get(type(v), type(v).__name__)


def _parse_entry(
    i: int, raw: Any, known: Collection[str] | None, problems: list[str]
) -> Story | None:
    if not isinstance(raw, Mapping):
        problems.append(f"entry {i}: must be a table of fields, not {_kind(raw)}")
        return None
    title_raw = raw.get("title")
    label = (
        f'entry {i} ("{_one_line(title_raw)[:60]}")'
        if isinstance(title_raw, str) and title_raw.strip()
        else f"entry {i}"
    )
    start = len(problems)
    for k in raw:
        if k not in ENTRY_FIELDS:
            close = difflib.get_close_matches(str(k), ENTRY_FIELDS, n=1)
            hint = f' (did you mean "{close[0]}"?)' if close else ""
            problems.append(f'{label}: unknown field "{k}"{hint}')
    if "title" not in raw:
        problems.append(f'{label}: no "title"; every story needs one')
    values: dict[str, Any] = {}
    for name in ("title", *NOTE_FIELDS):
        v = raw.get(name, "")
        if not isinstance(v, str):
            problems.append(f'{label}: "{name}" must be text, not {_kind(v)}')
            v = ""
        values[name] = v
    lists: dict[str, tuple[str, ...]] = {}
    for name in ("tags", "questions"):
        v = raw.get(name, [])
        if not isinstance(v, list):
            problems.append(f'{label}: "{name}" must be a list of text, not {_kind(v)}')
            v = []
        bad = [x for x in v if not isinstance(x, str)]
        if bad:
            problems.append(
                f'{label}: "{name}" must hold only text; {_kind(bad[0])} {bad[0]!r} is not'
            )
        lists[name] = tuple(x for x in v if isinstance(x, str))
    story = clean_story(
        Story(
            title=values["title"],
            **{n: values[n] for n in NOTE_FIELDS},
            tags=lists["tags"],
            question_ids=lists["questions"],
        )
    )
    for f, msg in _problems(story, known):
        if f == "title" and not isinstance(raw.get("title"), str):
            continue  # already said: missing, or not text
        problems.append(f'{label}: "{f}": {msg}')
    return story if len(problems) == start else None


@dataclass(frozen=True)
class ImportPlan:
    """What an import adds, and which entries are already in the bank exactly as written."""

    new: tuple[Story, ...]
    already_there: tuple[str, ...] = field(default=())

    def summary(self) -> str:
        parts = [f"Imported {len(self.new)} {'story' if len(self.new) == 1 else 'stories'}."]
        if self.already_there:
            n = len(self.already_there)
            parts.append(
                f"{n} {'was' if n == 1 else 'were'} already in your bank unchanged and "
                f"{'was' if n == 1 else 'were'} skipped."
            )
        return " ".join(parts)


def plan_import(existing: Sequence[Story], incoming: Sequence[Story], source: str) -> ImportPlan:
    """New stories to add; an entry with a bank story's title must match it exactly (it is
    skipped), otherwise the import is refused: importing must not overwrite what you wrote."""
    by_title = {title_key(s.title): s for s in existing}
    new: list[Story] = []
    same: list[str] = []
    problems: list[str] = []
    for i, s in enumerate(incoming, start=1):
        old = by_title.get(title_key(s.title))
        if old is None:
            new.append(s)
        elif old.same_content(s):
            same.append(s.title)
        else:
            problems.append(
                f'entry {i} ("{s.title}"): your bank already has a story with this title and '
                "different notes, tags or questions; rename one of them, then import again"
            )
    if problems:
        raise StoryImportError(source, problems)
    return ImportPlan(tuple(new), tuple(same))


# --- suggestion ------------------------------------------------------------------------------

# Words that say nothing about which story is being told.
_STOP = frozenset(
    """
    a about above after again against all also am an and any are as at be because been before
    being below between both but by can could did do does doing done down during each few for
    from further had has have having he her here hers him his how i if in into is it its itself
    just me more most my myself no nor not now of off on once only or other our ours out over
    own same she should so some such than that the their theirs them then there these they
    this those through to too under until up very was we were what when where which while who
    whom why will with would you your yours um uh er erm ah like yeah okay ok well really
    actually basically kind sort thing things lot got get gets getting went go going make made
    said say says one two also would could which there'd i'm we're it's that's didn't don't
    was wasn't were weren't time first then next after
    back still even never always much many every within without around across since ago
    three four five six seven eight nine ten half hundred thousand dozen
    day days week weeks month months year years last later today morning night hour hours
    minute minutes asked told tell want wanted need needed took take came come felt feel
    look looked think thought know knew saw see put let keep kept started start gave give
    tried try used use found find moved sat watched stopped pushed goes come
    team people person everything everyone nobody someone something anything
    """.split()
)
# The second and third groups above are narrative words any story uses ("last year", "the
# team", "three weeks"): bench/story_suggest.py found them behind most suggestions made for
# answers that told none of the bank's stories.
_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
MIN_SHARED_WORDS = 4
MIN_SCORE = 0.2
TAG_TITLE_WEIGHT = 2.0


def _stem(w: str) -> str:
    # Light suffix folding so "migrated"/"migration"/"migrating" meet; not a linguistic stemmer.
    for suf in ("ations", "ation", "ings", "ing", "ies", "ied", "ed", "es", "s", "ly"):
        if w.endswith(suf) and len(w) - len(suf) >= 4:
            return w[: -len(suf)]
    return w


def content_words(text: str) -> dict[str, str]:
    """Folded content word -> the first spelling seen (for the explanation)."""
    out: dict[str, str] = {}
    for w in _WORD.findall(text.lower()):
        if len(w) < 3 or w in _STOP or w.isdigit():
            continue
        out.setdefault(_stem(w), w)
    return out


@dataclass(frozen=True)
class Suggestion:
    """How well an answer matches a story: the share of the story's key words heard."""

    story: Story
    score: float  # weighted share of the story's key words found in the answer, 0..1
    shared: tuple[str, ...]  # the story's key words the answer used, heaviest first
    story_words: int  # how many key words the story has

    def reason(self) -> str:
        shown = ", ".join(self.shared[:6]) + ("…" if len(self.shared) > 6 else "")
        return (
            f"Your answer used {len(self.shared)} of this story's {self.story_words} key words "
            f"({shown}); title and tag words count double."
        )


@dataclass(frozen=True)
class StoryChoice:
    """One line of the "which story did this answer tell?" list."""

    story_id: int
    title: str
    reason: str = ""  # set on the suggestion only: why it was suggested


def rank_stories(transcript: str, stories: Iterable[Story]) -> list[Suggestion]:
    """Every story scored against the answer's words, best first (ties by title)."""
    heard = content_words(transcript)
    out: list[Suggestion] = []
    for s in stories:
        weights: dict[str, float] = {}
        spell: dict[str, str] = {}
        for text, w in (
            (s.title, TAG_TITLE_WEIGHT),
            (" ".join(s.tags), TAG_TITLE_WEIGHT),
            *((s.note(n), 1.0) for n in NOTE_FIELDS),
        ):
            for key, word in content_words(text).items():
                if w > weights.get(key, 0.0):
                    weights[key] = w
                spell.setdefault(key, word)
        total = sum(weights.values())
        shared = sorted((k for k in weights if k in heard), key=lambda k: (-weights[k], k))
        score = sum(weights[k] for k in shared) / total if total else 0.0
        out.append(Suggestion(s, score, tuple(spell[k] for k in shared), len(weights)))
    out.sort(key=lambda x: (-x.score, title_key(x.story.title)))
    return out


def suggest_story(transcript: str, stories: Iterable[Story]) -> Suggestion | None:
    """The best match if it is a real one: at least MIN_SHARED_WORDS of the story's key words
    heard and at least MIN_SCORE of its weight; otherwise None (no guess is better than a
    wrong one)."""
    ranked = rank_stories(transcript, stories)
    if not ranked:
        return None
    best = ranked[0]
    if len(best.shared) >= MIN_SHARED_WORDS and best.score >= MIN_SCORE:
        return best
    return None


def transcript_of(report_json: Mapping[str, Any] | None) -> str:
    """The answer's words from a stored report (`report.to_json`), or ""."""
    if not report_json:
        return ""
    text = report_json.get("transcript")
    if isinstance(text, str) and text.strip():
        return text
    words = report_json.get("words")
    if isinstance(words, list):
        return " ".join(str(w.get("text", "")) for w in words if isinstance(w, Mapping))
    return ""


# --- coverage --------------------------------------------------------------------------------


@dataclass(frozen=True)
class TopicCoverage:
    pack: str
    pack_title: str
    topic: str
    question_ids: tuple[str, ...]
    stories: tuple[str, ...]  # titles of stories linked to any of the topic's questions

    @property
    def covered(self) -> bool:
        return bool(self.stories)


def topic_coverage(packs: Any, stories: Iterable[Story]) -> list[TopicCoverage]:
    """Every (pack, topic) in pack order with the stories that answer any of its questions.

    `packs` is a `packs.PackSet`. A topic name shared by two packs is two rows: a story for
    one pack's question does not answer the other pack's.
    """
    by_question: dict[str, list[str]] = {}
    for s in stories:
        for q in s.question_ids:
            by_question.setdefault(q, []).append(s.title)
    out: list[TopicCoverage] = []
    for name, pack in packs.packs.items():
        for topic in packs.topics(name):
            qids = tuple(q.id for q in packs.questions(name, topic))
            titles = tuple(dict.fromkeys(t for q in qids for t in by_question.get(q, ())))
            out.append(TopicCoverage(name, pack.title or name, topic, qids, titles))
    return out


def uncovered_topics(packs: Any, stories: Iterable[Story]) -> list[TopicCoverage]:
    """The topics no story answers yet, in pack order."""
    return [c for c in topic_coverage(packs, stories) if not c.covered]
