"""Question packs: TOML files of interview questions, loaded and validated.

The format is described in docs/question_packs.md. Loading never raises on bad pack content:
each problem becomes one line in `PackSet.errors` naming the file, the question and the field,
the bad question (or unreadable file) is skipped, and everything else still loads.
"""

from __future__ import annotations

import difflib
import logging
import math
import random as _random
import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any, Literal

from voicecoach.domain import SECTION_NAMES, PackError, Question, SectionTargets

log = logging.getLogger(__name__)

Kind = Literal["star", "drill"]
KINDS: tuple[str, ...] = ("star", "drill")
DIFFICULTIES: tuple[str, ...] = ("easy", "medium", "hard")
MAX_TARGET_S = 3600.0  # a larger figure is almost surely a typo (milliseconds, an extra 0)

_TOP_FIELDS = ("pack", "defaults", "questions")
_PACK_FIELDS = ("id", "title", "description", "kind")
_DEFAULTS_FIELDS = ("targets", "follow_up_target_s")
_SECTION_FIELDS = tuple(f"{name}_s" for name in SECTION_NAMES)
_TARGET_FIELDS = (*_SECTION_FIELDS, "total_s")
_QUESTION_FIELDS = (
    "id",
    "topic",
    "prompt",
    "difficulty",
    "tags",
    "probing",
    "key_points",
    "structure_hint",
    "mistakes",
    "follow_ups",
    "targets",
    "kind",
    "follow_up_target_s",
)
# Ids travel through CLI arguments, file names and database rows, so keep them plain.
_ID_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*\Z")


class UnknownQuestionError(PackError, KeyError):
    """No loaded question has the requested id."""

    __str__ = Exception.__str__  # KeyError would show the message in quotes


@dataclass(frozen=True)
class Pack:
    """One pack file: its questions, in file order, with targets already resolved."""

    name: str  # `[pack] id`, or the file name without `.toml`
    title: str
    description: str
    kind: Kind
    default_targets: SectionTargets
    questions: tuple[Question, ...]
    source: str = ""  # where it was loaded from, for messages
    # seconds a follow-up answer is timed against: the pack's `[defaults]` and per question
    # (question id -> seconds); None/absent: the app's setting (InterviewSettings)
    follow_up_target_s: float | None = None
    follow_up_targets: Mapping[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class PackSet:
    """All loaded packs, plus one message per pack or question that could not be used."""

    packs: dict[str, Pack]
    errors: tuple[str, ...] = ()

    def questions(self, pack: str | None = None, topic: str | None = None) -> list[Question]:
        """Questions in load order, optionally only one pack and/or topic (case-insensitive)."""
        out: list[Question] = []
        for p in self.packs.values():
            if pack is not None and p.name != pack:
                continue
            out.extend(q for q in p.questions if topic is None or _same(q.topic, topic))
        return out

    def follow_up_target_s(self, question: Question) -> float | None:
        """The question's own follow-up target, else its pack's; None when neither gives one."""
        p = self.packs.get(question.pack)
        if p is None:
            return None
        return p.follow_up_targets.get(question.id, p.follow_up_target_s)

    def topics(self, pack: str | None = None) -> list[str]:
        """Distinct topics in the order they first appear."""
        return list(dict.fromkeys(q.topic for q in self.questions(pack)))

    def get(self, question_id: str) -> Question:
        """The question with this id; raises `UnknownQuestionError` (a KeyError and PackError)."""
        for q in self.questions():
            if q.id == question_id:
                return q
        ids = [q.id for q in self.questions()]
        close = difflib.get_close_matches(question_id, ids, n=1)
        hint = f' Did you mean "{close[0]}"?' if close else ""
        raise UnknownQuestionError(f'No question with id "{question_id}" in the packs.{hint}')

    def random(
        self,
        pack: str | None = None,
        topic: str | None = None,
        rng: _random.Random | None = None,
        exclude: frozenset[str] | set[str] = frozenset(),
    ) -> Question:
        """A random matching question, avoiding `exclude` (e.g. recently practised ids).

        When every match is excluded the exclusion is dropped rather than leaving nothing to
        practise. Raises PackError when no question matches the pack/topic at all.
        """
        pool = self.questions(pack, topic)
        if not pool:
            wanted = ", ".join(
                f'{k} "{v}"' for k, v in (("pack", pack), ("topic", topic)) if v is not None
            )
            raise PackError(f"No questions match {wanted or 'the loaded packs'}.")
        fresh = [q for q in pool if q.id not in exclude]
        return (rng or _random.Random()).choice(fresh or pool)


def shipped_packs_dir() -> Traversable:
    """The shipped packs: inside the package, or `question_packs/` in a source checkout."""
    try:
        return resources.files("voicecoach.question_packs")
    except ModuleNotFoundError:
        return Path(__file__).resolve().parent.parent / "question_packs"


def load_packs(dirs: Sequence[Path | Traversable] | None = None) -> PackSet:
    """Load every `*.toml` pack in `dirs` (default: the shipped packs), in order.

    To add a user's own packs to the shipped ones pass both:
    `load_packs([shipped_packs_dir(), user_dir])`. Never raises on bad pack content.
    """
    loader = _Loader()
    for d in [shipped_packs_dir()] if dirs is None else dirs:
        loader.load_dir(d)
    for err in loader.errors:  # callers show `errors` themselves; INFO keeps stderr quiet
        log.info("question pack problem: %s", err)
    return PackSet(packs=loader.packs, errors=tuple(loader.errors))


# --- loading ---------------------------------------------------------------------------------


class _Problems:
    """Collects messages for one place in one file ("core.toml: question "x"")."""

    def __init__(self, where: str, sink: list[str]) -> None:
        self.where = where
        self.sink = sink
        self.count = 0

    def add(self, name: str | None, message: str) -> None:
        self.count += 1
        field_part = f' field "{name}"' if name else ""
        self.sink.append(f"{self.where}:{field_part} {message}")

    def unknown(self, table: Mapping[str, Any], allowed: Sequence[str], prefix: str = "") -> None:
        for key in table:
            if key not in allowed:
                close = difflib.get_close_matches(key, allowed, n=1)
                hint = f'; did you mean "{prefix}{close[0]}"?' if close else ""
                self.add(prefix + key, f"is not a known field{hint}")


class _Loader:
    def __init__(self) -> None:
        self.packs: dict[str, Pack] = {}
        self.errors: list[str] = []
        self.seen_ids: dict[str, str] = {}  # question id -> "file (question #n)" that claimed it

    def load_dir(self, d: Path | Traversable) -> None:
        try:
            if not d.is_dir():
                self.errors.append(f"{d}: question pack folder not found")
                return
            files = sorted(
                (f for f in d.iterdir() if f.name.endswith(".toml") and f.is_file()),
                key=lambda f: f.name,
            )
        except OSError as e:
            self.errors.append(f"{d}: cannot list question packs ({e.strerror or e})")
            return
        for f in files:
            self.load_file(f)

    def load_file(self, f: Path | Traversable) -> None:
        label = f.name
        doc = self._read(f, label)
        if doc is None:
            return
        file_problems = _Problems(label, self.errors)
        header = _parse_header(doc, label.removesuffix(".toml"), file_problems)
        if header is None:
            return
        name, title, description, kind, targets, fu_target = header
        if name in self.packs:
            file_problems.add(
                "pack.id",
                f'"{name}" is already loaded from {self.packs[name].source}; '
                "give this pack another id",
            )
            return
        questions: list[Question] = []
        fu_targets: dict[str, float] = {}
        for index, item in enumerate(doc["questions"], start=1):
            q = self._question(item, index, label, name, kind, targets)
            if q is not None:
                questions.append(q)
                if "follow_up_target_s" in item:  # checked in _question
                    fu_targets[q.id] = float(item["follow_up_target_s"])
        if questions:
            self.packs[name] = Pack(
                name,
                title,
                description,
                kind,
                targets,
                tuple(questions),
                source=str(f),
                follow_up_target_s=fu_target,
                follow_up_targets=fu_targets,
            )

    def _read(self, f: Path | Traversable, label: str) -> dict[str, Any] | None:
        try:
            text = f.read_bytes().decode("utf-8-sig")
        except OSError as e:
            self.errors.append(f"{label}: cannot read the file ({e.strerror or e})")
            return None
        except UnicodeDecodeError as e:
            self.errors.append(f"{label}: not UTF-8 text (bad byte at offset {e.start})")
            return None
        try:
            return tomllib.loads(text)
        except tomllib.TOMLDecodeError as e:  # its message ends "(at line L, column C)"
            self.errors.append(f"{label}: not valid TOML: {e}")
        except RecursionError:
            self.errors.append(f"{label}: not valid TOML: nested too deeply")
        return None

    def _question(
        self,
        item: object,
        index: int,
        label: str,
        pack: str,
        pack_kind: Kind,
        pack_targets: SectionTargets,
    ) -> Question | None:
        if not isinstance(item, dict):
            self.errors.append(f"{label}: question #{index}: must be a table ([[questions]])")
            return None
        raw_id = item.get("id")
        has_id = isinstance(raw_id, str) and _ID_RE.match(raw_id) is not None
        where = f'{label}: question "{raw_id}"' if has_id else f"{label}: question #{index}"
        p = _Problems(where, self.errors)
        p.unknown(item, _QUESTION_FIELDS)
        if "id" not in item:
            p.add("id", "is required (a short unique name such as conflict-02)")
        elif not has_id:
            p.add("id", "must be a string of letters, digits, '-', '_' or '.'")
        elif raw_id in self.seen_ids:
            p.add("id", f'"{raw_id}" is already used by {self.seen_ids[raw_id]}')
        else:
            self.seen_ids[raw_id] = f"{label} (question #{index})"
        topic = _text(item, "topic", p, required=True)
        prompt = _text(item, "prompt", p, required=True)
        difficulty = _choice(item, "difficulty", DIFFICULTIES, "medium", p)
        kind = _choice(item, "kind", KINDS, pack_kind, p)
        text = {k: _text(item, k, p, required=False) for k in ("probing", "structure_hint")}
        lists = {
            k: _text_list(item, k, p) for k in ("tags", "key_points", "mistakes", "follow_ups")
        }
        targets = pack_targets
        if "targets" in item:
            targets = _targets(item["targets"], pack_targets, "targets", p) or pack_targets
        if "follow_up_target_s" in item:
            _seconds(item["follow_up_target_s"], "follow_up_target_s", p)
        if p.count:
            return None
        return Question(
            id=str(raw_id),
            pack=pack,
            topic=topic,
            prompt=prompt,
            difficulty=difficulty,
            targets=targets,
            kind=kind,  # type: ignore[arg-type]  # checked against KINDS above
            **text,
            **lists,
        )


def _parse_header(
    doc: dict[str, Any], stem: str, p: _Problems
) -> tuple[str, str, str, Kind, SectionTargets, float | None] | None:
    """The `[pack]` and `[defaults]` tables; None (with problems added) if the pack is unusable."""
    before = p.count
    p.unknown(doc, _TOP_FIELDS)
    head = doc.get("pack", {})
    if not isinstance(head, dict):
        p.add("pack", "must be a table ([pack])")
        head = {}
    p.unknown(head, _PACK_FIELDS, "pack.")
    name = head.get("id", stem)
    if not isinstance(name, str) or not _ID_RE.match(name):
        p.add("pack.id", "must be letters, digits, '-', '_' or '.' (defaults to the file name)")
    title = _text(head, "title", p, required=False, prefix="pack.") or stem
    description = _text(head, "description", p, required=False, prefix="pack.")
    kind = _choice(head, "kind", KINDS, "star", p, prefix="pack.")
    targets = SectionTargets()
    fu_target: float | None = None
    defaults = doc.get("defaults", {})
    if not isinstance(defaults, dict):
        p.add("defaults", "must be a table ([defaults])")
    else:
        p.unknown(defaults, _DEFAULTS_FIELDS, "defaults.")
        if "targets" in defaults:
            targets = _targets(defaults["targets"], targets, "defaults.targets", p) or targets
        if "follow_up_target_s" in defaults:
            fu_target = _seconds(defaults["follow_up_target_s"], "defaults.follow_up_target_s", p)
    questions = doc.get("questions")
    if not isinstance(questions, list) or not questions:
        p.add("questions", "must be a non-empty array of tables ([[questions]])")
    if p.count > before:
        return None
    return name, title, description, kind, targets, fu_target  # type: ignore[return-value]


def _text(
    table: Mapping[str, Any], name: str, p: _Problems, *, required: bool, prefix: str = ""
) -> str:
    value = table.get(name)
    if value is None:
        if required:
            p.add(prefix + name, "is required")
        return ""
    if not isinstance(value, str) or not value.strip():
        p.add(prefix + name, "must be a non-empty string")
        return ""
    return " ".join(value.split())  # multi-line TOML strings read as one paragraph


def _text_list(table: Mapping[str, Any], name: str, p: _Problems) -> tuple[str, ...]:
    value = table.get(name, [])
    if not isinstance(value, list) or not all(isinstance(s, str) and s.strip() for s in value):
        p.add(name, "must be a list of non-empty strings")
        return ()
    return tuple(" ".join(s.split()) for s in value)


def _choice(
    table: Mapping[str, Any],
    name: str,
    allowed: Sequence[str],
    default: str,
    p: _Problems,
    prefix: str = "",
) -> str:
    value = table.get(name, default)
    if value not in allowed:
        options = " or ".join(f'"{a}"' for a in allowed)
        p.add(prefix + name, f"must be {options}")
        return default
    return str(value)


def _targets(value: object, base: SectionTargets, name: str, p: _Problems) -> SectionTargets | None:
    """`base` with the given seconds replaced; `total_s` alone rescales all of `base`."""
    if not isinstance(value, dict):
        p.add(name, "must be a table of seconds, e.g. { action_s = 60 }")
        return None
    before = p.count
    p.unknown(value, _TARGET_FIELDS, f"{name}.")
    seconds: dict[str, float] = {}
    for key in _TARGET_FIELDS:
        if key not in value:
            continue
        v = value[key]
        ok = isinstance(v, int | float) and not isinstance(v, bool)
        if not ok or not (math.isfinite(v) and 0 < v <= MAX_TARGET_S):
            limit = f"must be a number of seconds above 0 and at most {MAX_TARGET_S:g}"
            p.add(f"{name}.{key}", limit)
        else:
            seconds[key] = float(v)
    if p.count > before:
        return None
    if seconds.keys() == {"total_s"}:  # a shorter or longer answer of the same shape
        return base.scaled_to(seconds["total_s"])
    out = replace(base, **seconds)
    sections_s = sum(out.for_section(s) for s in SECTION_NAMES)
    if sections_s > out.total_s + 1e-9:
        p.add(
            f"{name}.total_s",
            f"({out.total_s:g} s) is shorter than the sections together ({sections_s:g} s); "
            "raise total_s or shorten a section",
        )
        return None
    return out


def _seconds(value: object, name: str, p: _Problems) -> float | None:
    """A number of seconds above 0 and at most MAX_TARGET_S, else None with a problem added."""
    ok = isinstance(value, int | float) and not isinstance(value, bool)
    if not ok or not (math.isfinite(value) and 0 < value <= MAX_TARGET_S):  # type: ignore[arg-type]
        p.add(name, f"must be a number of seconds above 0 and at most {MAX_TARGET_S:g}, e.g. 45")
        return None
    return float(value)  # type: ignore[arg-type]


def _same(a: str, b: str) -> bool:
    return a.casefold() == b.casefold()
