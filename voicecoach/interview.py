"""A mock interview without Qt: plan a run, pick follow-ups, measure answers, sum up the run.

The app's interview controller and `voicecoach interview` (the CLI) both go through here, so a
run on files and a run at the microphone are planned, measured and summed up alike.

Public API (stable; the decision record is docs/decisions/interview.md):

- `plan_interview(packs, pack=None, topics=(), questions=5, follow_ups=True, settings=None,
  rng=None) -> InterviewPlan`: 3-8 questions, never one twice, spread over the topics; each
  `PlanItem` carries its follow-up prompt (or None) and the follow-up target in seconds.
  `InterviewPlan.to_json()` / `plan_from_json(d, packs)` for the `interviews.plan_json` column.
- `pick_follow_up(question, rng) -> str | None` and `follow_up_target_s(question, packs,
  settings) -> float` (the pack's `follow_up_target_s`, else `InterviewSettings`).
- `thinking_time_s(transcript, max_s, samples=None, rate_hz=16000) -> float`: the silence
  before the first word, capped. `without_thinking(transcript, thinking_s) -> Transcript`.
- `analyse_answer(transcript, question, settings, position, samples=None) -> InterviewAnswer`
  and `analyse_follow_up(transcript, item, settings, position, samples=None)`: the thinking
  time is measured, then cut off the front, so the Report's times (and every figure) start at
  the first word: **audio position = report time + `thinking_s`**. A follow-up is timed as a
  whole against its target, not split into STAR sections. Both raise `NoSpeechError` when
  nothing was said.
- `summarise(plan, answers, settings=None, ended_early=False) -> InterviewSummary`: one
  `QuestionRow` per planned question, `Totals`, and the `Focus` (the one thing to work on
  first). Every figure comes from `report.take_figures` and `analysis.timing`, as the review
  shows it. `InterviewSummary.to_json()` / `summary_from_json(d)` round-trip exactly.
"""

from __future__ import annotations

import math
import random as _random
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal

import numpy as np

from voicecoach.analysis import analyze
from voicecoach.analysis.timing import section_status, total_status, whole_s
from voicecoach.domain import (
    SECTION_NAMES,
    PackError,
    Question,
    Report,
    SectionTargets,
    Transcript,
    VoicedGap,
    Word,
)
from voicecoach.packs import PackSet
from voicecoach.report import (
    COMFORTABLE_WPM,
    check_label,
    check_short_name,
    fillers_per_minute,
    fmt_time,
    pace_shown,
    take_figures,
)
from voicecoach.settings import InterviewSettings, Settings

MIN_QUESTIONS, MAX_QUESTIONS = 3, 8
SUMMARY_SCHEMA = 1
TakeKind = Literal["answer", "follow_up"]
# The focus names fillers only from this rate up (a rate most listeners start to notice).
FOCUS_FILLERS_PER_MIN = 4.0


# --- the plan --------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlanItem:
    """One question of a run, with the follow-up to ask after it (None: no follow-up)."""

    question: Question
    follow_up: str | None
    follow_up_target_s: float


@dataclass(frozen=True)
class InterviewPlan:
    pack: str | None  # None: every loaded pack
    topics: tuple[str, ...]  # () means mixed
    follow_ups: bool
    items: tuple[PlanItem, ...]

    @property
    def question_ids(self) -> list[str]:
        return [it.question.id for it in self.items]

    def to_json(self) -> dict[str, Any]:
        return {
            "pack": self.pack,
            "topics": list(self.topics),
            "follow_ups": self.follow_ups,
            "items": [
                {
                    "question_id": it.question.id,
                    "follow_up": it.follow_up,
                    "follow_up_target_s": it.follow_up_target_s,
                }
                for it in self.items
            ],
        }


def plan_from_json(d: dict[str, Any], packs: PackSet) -> InterviewPlan:
    """The plan `InterviewPlan.to_json` wrote; raises PackError if a question is gone."""
    items = tuple(
        PlanItem(packs.get(it["question_id"]), it.get("follow_up"), float(it["follow_up_target_s"]))
        for it in d["items"]
    )
    return InterviewPlan(d.get("pack"), tuple(d.get("topics", ())), bool(d["follow_ups"]), items)


def plan_interview(
    packs: PackSet,
    pack: str | None = None,
    topics: Sequence[str] = (),
    questions: int = 5,
    follow_ups: bool = True,
    settings: InterviewSettings | None = None,
    rng: _random.Random | None = None,
) -> InterviewPlan:
    """Choose the questions of a run: `questions` of them (3-8), none twice.

    With no `topics` (mixed) or several, the questions take the topics in turn, in a random
    order, so a run of five covers five topics when the pack has them. Raises PackError with
    what to change when the pack or topics hold too few questions.
    """
    rng = rng or _random.Random()
    settings = settings or InterviewSettings()
    if not MIN_QUESTIONS <= questions <= MAX_QUESTIONS:
        raise PackError(
            f"An interview has {MIN_QUESTIONS} to {MAX_QUESTIONS} questions, not {questions}."
        )
    if pack is not None and pack not in packs.packs:
        raise PackError(f'No pack "{pack}" is loaded. Packs: {", ".join(sorted(packs.packs))}.')
    chosen_topics = list(topics) or packs.topics(pack)
    pools: list[list[Question]] = []
    for t in chosen_topics:
        pool = packs.questions(pack, t)
        if not pool:
            raise PackError(f'No questions on the topic "{t}"{_in_pack(pack)}.')
        pools.append(pool)
    available = len({q.id for pool in pools for q in pool})
    if available < questions:
        raise PackError(
            f"Only {available} question{'s' if available != 1 else ''} match{_in_pack(pack)}"
            f" and the chosen topics; ask for {available} or fewer, or add topics."
            if available >= MIN_QUESTIONS
            else f"Only {available} question{'s' if available != 1 else ''} match"
            f"{_in_pack(pack)} and the chosen topics; an interview needs {MIN_QUESTIONS}."
            " Choose more topics or mixed."
        )
    for pool in pools:
        rng.shuffle(pool)
    rng.shuffle(pools)
    picked: list[Question] = []
    seen: set[str] = set()
    while len(picked) < questions:
        for pool in pools:
            while pool and pool[0].id in seen:
                pool.pop(0)
            if pool and len(picked) < questions:
                q = pool.pop(0)
                picked.append(q)
                seen.add(q.id)
    items = tuple(
        PlanItem(
            q,
            pick_follow_up(q, rng) if follow_ups else None,
            follow_up_target_s(q, packs, settings),
        )
        for q in picked
    )
    return InterviewPlan(pack, tuple(topics), follow_ups, items)


def _in_pack(pack: str | None) -> str:
    return f' in pack "{pack}"' if pack else ""


def pick_follow_up(question: Question, rng: _random.Random | None = None) -> str | None:
    """One of the question's follow-ups at random; None when it has none."""
    if not question.follow_ups:
        return None
    return (rng or _random.Random()).choice(question.follow_ups)


def follow_up_target_s(
    question: Question, packs: PackSet, settings: InterviewSettings | None = None
) -> float:
    """The question's or its pack's `follow_up_target_s`, else the settings' (45 s)."""
    own = packs.follow_up_target_s(question)
    if own is not None:
        return own
    return (settings or InterviewSettings()).follow_up_target_s


# --- thinking time -------------------------------------------------------------------------

_FRAME_S = 0.02
_ONSET_FRAMES = 3  # 60 ms of sound above the threshold starts speech
_ONSET_ABOVE_FLOOR_DB = 15.0
_ONSET_MIN_DBFS = -50.0


def speech_onset_s(samples: np.ndarray, rate_hz: int) -> float | None:
    """Where sound first rises clearly above the recording's own noise floor, or None."""
    frame = max(1, int(rate_hz * _FRAME_S))
    n = len(samples) // frame
    if n < _ONSET_FRAMES:
        return None
    x = np.asarray(samples[: n * frame], dtype=np.float64).reshape(n, frame)
    db = 10 * np.log10(np.mean(x * x, axis=1) + 1e-12)
    threshold = max(float(np.percentile(db, 10)) + _ONSET_ABOVE_FLOOR_DB, _ONSET_MIN_DBFS)
    loud = db > threshold
    run = np.convolve(loud.astype(int), np.ones(_ONSET_FRAMES, dtype=int), mode="valid")
    hits = np.flatnonzero(run == _ONSET_FRAMES)
    return float(hits[0] * frame / rate_hz) if len(hits) else None


def thinking_time_s(
    transcript: Transcript,
    max_s: float,
    samples: np.ndarray | None = None,
    rate_hz: int = 16000,
) -> float:
    """Silence before the first word (or wordless "hmm"), at most `max_s`.

    The transcript gives the first sound. Whisper sometimes starts the first word early, so when
    the audio is given its onset is used instead if it falls inside that first word (never
    earlier than the word: a cough or a chair before speaking is still thinking).
    """
    starts = [(w.start_s, w.end_s) for w in transcript.words[:1]]
    starts += [(g.start_s, g.end_s) for g in transcript.voiced_gaps[:1]]
    if not starts or max_s <= 0:
        return 0.0
    first, first_end = min(starts)
    if samples is not None:
        onset = speech_onset_s(samples, rate_hz)
        if onset is not None:
            first = min(max(onset, first), first_end)
    return round(min(max(first, 0.0), max_s), 3)


def without_thinking(transcript: Transcript, thinking_s: float) -> Transcript:
    """The transcript with `thinking_s` cut off the front: every time moves earlier by it."""
    if thinking_s <= 0:
        return transcript

    def at(t: float) -> float:
        return round(max(t - thinking_s, 0.0), 3)

    return Transcript(
        words=tuple(
            Word(w.text, at(w.start_s), at(w.end_s), w.probability) for w in transcript.words
        ),
        duration_s=at(transcript.duration_s),
        voiced_gaps=tuple(
            VoicedGap(at(g.start_s), at(g.end_s))
            for g in transcript.voiced_gaps
            if g.end_s > thinking_s
        ),
        model=transcript.model,
    )


# --- one answer --------------------------------------------------------------------------


@dataclass(frozen=True)
class InterviewAnswer:
    """One measured answer or follow-up of a run. Report times start after the thinking time."""

    position: int  # 0-based question number in the plan
    kind: TakeKind
    question_id: str
    prompt: str  # what was asked: the question, or the follow-up
    thinking_s: float
    report: Report
    take_id: int | None = None  # the history row, once saved

    def to_json(self) -> dict[str, Any]:
        """The interview's part of an answer's JSON (beside `report.to_json`'s keys)."""
        return {
            "position": self.position,
            "kind": self.kind,
            "question_id": self.question_id,
            "prompt": self.prompt,
            "thinking_s": self.thinking_s,
            "take_id": self.take_id,
        }


def analyse_answer(
    transcript: Transcript,
    question: Question,
    settings: Settings,
    position: int,
    samples: np.ndarray | None = None,
    rate_hz: int = 16000,
) -> InterviewAnswer:
    """Measure a main answer as the review does, after cutting off the thinking time."""
    thinking = thinking_time_s(transcript, settings.interview.thinking_max_s, samples, rate_hz)
    report = analyze(without_thinking(transcript, thinking), question, settings.analysis)
    return InterviewAnswer(position, "answer", question.id, question.prompt, thinking, report)


def follow_up_question(item: PlanItem) -> Question:
    """The question a follow-up answer is measured against: timed as a whole on its target."""
    q = item.question
    return replace(
        q,
        prompt=item.follow_up or q.prompt,
        kind="drill",  # drills are timed on the total, not split into STAR sections
        key_points=(),  # the main question's hints are not about the follow-up
        targets=SectionTargets().scaled_to(item.follow_up_target_s),
    )


def analyse_follow_up(
    transcript: Transcript,
    item: PlanItem,
    settings: Settings,
    position: int,
    samples: np.ndarray | None = None,
    rate_hz: int = 16000,
) -> InterviewAnswer:
    """Measure a follow-up answer: timed against its target, fillers, pace, pauses; no STAR."""
    thinking = thinking_time_s(transcript, settings.interview.thinking_max_s, samples, rate_hz)
    question = follow_up_question(item)
    report = analyze(without_thinking(transcript, thinking), question, settings.analysis)
    return InterviewAnswer(position, "follow_up", question.id, question.prompt, thinking, report)


# --- the summary ---------------------------------------------------------------------------


@dataclass(frozen=True)
class SectionTime:
    name: str
    length_s: int  # as shown
    target_s: int
    status: str  # over | short | ok (analysis.timing.section_status)


@dataclass(frozen=True)
class Figures:
    """One answer's shown figures (from `report.take_figures`) and verdicts."""

    thinking_s: float  # one decimal
    length_s: int
    target_s: int
    total_status: str  # over | under | ok
    fillers: int
    fillers_per_min: float
    pace_wpm: int
    failed_checks: tuple[str, ...]  # check names; `report.check_short_name` words them in lists
    take_id: int | None


@dataclass(frozen=True)
class FollowUpRow:
    prompt: str
    figures: Figures | None  # None: asked but not answered


@dataclass(frozen=True)
class QuestionRow:
    position: int
    question_id: str
    prompt: str
    topic: str
    kind: str  # star | drill
    figures: Figures | None  # None: not answered (skipped, or the run ended first)
    sections: tuple[SectionTime, ...]  # spoken order
    missing_sections: tuple[str, ...]
    follow_up: FollowUpRow | None  # None: no follow-up was planned


@dataclass(frozen=True)
class Totals:
    questions: int
    answered: int
    follow_ups_asked: int
    follow_ups_answered: int
    answer_s: int  # shown lengths added up
    follow_up_s: int
    thinking_s: float
    fillers: int
    fillers_per_min: float  # over every answer and follow-up
    pace_wpm: int  # words over speaking time, every answer and follow-up
    over_target: int  # answers and follow-ups over their total target


@dataclass(frozen=True)
class Focus:
    """The one thing to work on first (rule: docs/decisions/interview.md)."""

    # section_over | answer_over | missing_section | section_short | fillers | pace | check | none
    rule: str
    text: str
    position: int | None = None  # the question it points at, if one
    section: str | None = None


@dataclass(frozen=True)
class InterviewSummary:
    status: str  # finished | ended_early
    rows: tuple[QuestionRow, ...]
    totals: Totals
    focus: Focus
    schema: int = field(default=SUMMARY_SCHEMA)

    def to_json(self) -> dict[str, Any]:
        return _jsonable(self)


def summary_from_json(d: dict[str, Any]) -> InterviewSummary:
    """The summary `InterviewSummary.to_json` wrote."""

    def figures(f: dict[str, Any] | None) -> Figures | None:
        if f is None:
            return None
        return Figures(**{**f, "failed_checks": tuple(f["failed_checks"])})

    rows = tuple(
        QuestionRow(
            position=r["position"],
            question_id=r["question_id"],
            prompt=r["prompt"],
            topic=r["topic"],
            kind=r["kind"],
            figures=figures(r["figures"]),
            sections=tuple(SectionTime(**s) for s in r["sections"]),
            missing_sections=tuple(r["missing_sections"]),
            follow_up=None
            if r["follow_up"] is None
            else FollowUpRow(r["follow_up"]["prompt"], figures(r["follow_up"]["figures"])),
        )
        for r in d["rows"]
    )
    return InterviewSummary(
        status=d["status"],
        rows=rows,
        totals=Totals(**d["totals"]),
        focus=Focus(**d["focus"]),
        schema=d.get("schema", SUMMARY_SCHEMA),
    )


def _jsonable(x: Any) -> Any:
    if hasattr(x, "__dataclass_fields__"):
        return {k: _jsonable(getattr(x, k)) for k in x.__dataclass_fields__}
    if isinstance(x, tuple | list):
        return [_jsonable(v) for v in x]
    return x


def _figures(answer: InterviewAnswer, settings: Settings) -> Figures:
    r = answer.report
    fig = take_figures(r)
    return Figures(
        thinking_s=_tenth(answer.thinking_s),
        length_s=fig.duration_s,
        target_s=whole_s(r.targets.total_s),
        total_status=total_status(r.duration_s, r.targets.total_s, settings.analysis),
        fillers=fig.fillers,
        fillers_per_min=fig.fillers_per_min,
        pace_wpm=fig.pace_wpm,
        failed_checks=tuple(c.name for c in r.checks if not c.passed),
        take_id=answer.take_id,
    )


def _tenth(x: float) -> float:
    return math.floor(round(float(x), 3) * 10 + 0.5) / 10.0


def summarise(
    plan: InterviewPlan,
    answers: Sequence[InterviewAnswer],
    settings: Settings | None = None,
    ended_early: bool = False,
) -> InterviewSummary:
    """The run in one table: a row per planned question, totals, and the one focus."""
    settings = settings or Settings()
    by_slot = {(a.position, a.kind): a for a in answers}
    rows: list[QuestionRow] = []
    for pos, item in enumerate(plan.items):
        main = by_slot.get((pos, "answer"))
        sections: tuple[SectionTime, ...] = ()
        missing: tuple[str, ...] = ()
        if main is not None and item.question.kind == "star":
            r = main.report
            fig = take_figures(r)
            sections = tuple(
                SectionTime(
                    name,
                    length,
                    whole_s(r.targets.for_section(name)),  # type: ignore[arg-type]
                    section_status(
                        name,
                        _raw_length(r, name),
                        r.targets.for_section(name),  # type: ignore[arg-type]
                        settings.analysis,
                    ),
                )
                for name, length in fig.sections_s.items()
            )
            missing = tuple(r.missing_sections)
        follow = None
        if item.follow_up is not None:
            fu = by_slot.get((pos, "follow_up"))
            follow = FollowUpRow(item.follow_up, None if fu is None else _figures(fu, settings))
        rows.append(
            QuestionRow(
                position=pos,
                question_id=item.question.id,
                prompt=item.question.prompt,
                topic=item.question.topic,
                kind=item.question.kind,
                figures=None if main is None else _figures(main, settings),
                sections=sections,
                missing_sections=missing,
                follow_up=follow,
            )
        )
    taken = [a for a in answers if a.position < len(plan.items)]
    totals = _totals(rows, taken)
    return InterviewSummary(
        status="ended_early" if ended_early else "finished",
        rows=tuple(rows),
        totals=totals,
        focus=choose_focus(rows, totals),
    )


def _raw_length(report: Report, name: str) -> float:
    return sum(max(0.0, s.duration_s) for s in report.sections if s.name == name)


def _totals(rows: Sequence[QuestionRow], answers: Sequence[InterviewAnswer]) -> Totals:
    mains = [r.figures for r in rows if r.figures is not None]
    fus = [r.follow_up.figures for r in rows if r.follow_up and r.follow_up.figures]
    duration = sum(a.report.duration_s for a in answers)
    speech = sum(a.report.speech_s for a in answers)
    spoken = sum(a.report.pace_wpm * a.report.speech_s for a in answers)
    n_fillers = sum(len(a.report.fillers) for a in answers)
    return Totals(
        questions=len(rows),
        answered=len(mains),
        follow_ups_asked=sum(1 for r in rows if r.follow_up is not None),
        follow_ups_answered=len(fus),
        answer_s=sum(f.length_s for f in mains),
        follow_up_s=sum(f.length_s for f in fus),
        # the shown figures added up, so the total is what a reader gets from the rows
        thinking_s=round(sum(f.thinking_s for f in (*mains, *fus)), 1),
        fillers=n_fillers,
        fillers_per_min=fillers_per_minute(n_fillers, duration),
        pace_wpm=pace_shown(spoken / speech) if speech > 0 else 0,
        over_target=sum(1 for f in (*mains, *fus) if f.total_status == "over"),
    )


# What to do about a section that runs long, in words a person can act on.
SECTION_ADVICE = {
    "situation": "set the scene in two sentences (where, when, what was at stake), then move "
    "straight to your part",
    "task": "say in one sentence what you were responsible for; the detail belongs in the Action",
    "action": "keep the two or three steps that mattered most and drop the rest",
    "result": "give the outcome with a number and one lesson, then stop",
}
SHORT_ADVICE = {
    "action": "Walk through the steps you took yourself, and why you chose them.",
    "result": "Say what changed, with a number, and what you would do again.",
}
MISSING_FOCUS = {
    "situation": "Open every answer with a sentence or two of context before you dive in.",
    "task": "Say what you were responsible for before describing what you did.",
    "action": "Spend most of each answer on the steps you took yourself.",
    "result": "End every answer with what changed, ideally with a number, and what you learned.",
}


def _q(row: QuestionRow) -> str:
    return f"question {row.position + 1}"


def choose_focus(rows: Sequence[QuestionRow], totals: Totals) -> Focus:
    """The one thing to work on first, by the first rule that finds something:

    1. the largest section overrun (shown seconds over target, among sections the review calls
       "over"); ties go to the section that ran over in more answers, then the earlier question;
    2. the answer or follow-up furthest over its total target (ties: the earlier question);
    3. the STAR section missing from the most answers (ties: S, T, A, R order);
    4. the section the review calls "short" (Action or Result) in the most answers (ties: the
       earlier section), pointing at the first answer where it was;
    5. fillers, when the run's rate is `FOCUS_FILLERS_PER_MIN` or more;
    6. pace, when the run's pace is outside `report.COMFORTABLE_WPM`;
    7. the content check failed in the most answers (ties: the first in the review's order);
    8. otherwise nothing stands out, and the text says so.

    With no answer at all (a run ended before anything was said) there is nothing to judge, and
    the text says that instead.
    """
    if not any(r.figures is not None for r in rows):
        return Focus(
            "nothing_answered",
            "No answers were given, so there is nothing to measure yet. Start a new interview "
            "when you are ready.",
        )
    overs = [
        (s.length_s - s.target_s, row, s)
        for row in rows
        for s in row.sections
        if s.status == "over" and row.figures is not None
    ]
    if overs:
        count = {n: sum(1 for _, _, s in overs if s.name == n) for n in SECTION_NAMES}
        over, row, s = max(overs, key=lambda o: (o[0], count[o[2].name], -o[1].position))
        times = count[s.name]
        also = f" It ran over in {times} answers." if times > 1 else ""
        return Focus(
            "section_over",
            f"Shorten your {s.name.title()}: in {_q(row)} it ran {s.length_s} s, {over} s over "
            f"its {s.target_s} s target.{also} Next time, {SECTION_ADVICE[s.name]}.",
            row.position,
            s.name,
        )
    long_ones = []
    for row in rows:
        for what, fig in (("answer", row.figures), ("follow-up", _fu(row))):
            if fig is not None and fig.total_status == "over":
                long_ones.append((fig.length_s - fig.target_s, -row.position, what, row, fig))
    if long_ones:
        over, _, what, row, fig = max(long_ones, key=lambda o: (o[0], o[1]))
        return Focus(
            "answer_over",
            f"Keep to time: your {what} to {_q(row)} ran {fmt_time(fig.length_s)}, {over} s over "
            f"its {fmt_time(fig.target_s)} target. Decide your last sentence before you start "
            "and say it when you reach the target.",
            row.position,
        )
    answered = [r for r in rows if r.figures is not None]
    missing = {n: sum(1 for r in answered if n in r.missing_sections) for n in SECTION_NAMES}
    name = max(SECTION_NAMES, key=lambda n: (missing[n], -SECTION_NAMES.index(n)))
    if missing[name]:
        n = missing[name]
        return Focus(
            "missing_section",
            f"{n} of {len(answered)} answers had no {name.title()}. {MISSING_FOCUS[name]}",
            section=name,
        )
    shorts = [(row, s) for row in answered for s in row.sections if s.status == "short"]
    if shorts:
        count = {n: sum(1 for _, s in shorts if s.name == n) for n in SECTION_NAMES}
        name = max(SECTION_NAMES, key=lambda n: (count[n], -SECTION_NAMES.index(n)))
        row, s = next((r, s) for r, s in shorts if s.name == name)
        return Focus(
            "section_short",
            f"Say more in your {name.title()}: it ran short in {count[name]} of {len(answered)} "
            f"answers (in {_q(row)}, {s.length_s} s of {s.target_s} s). {SHORT_ADVICE[name]}",
            row.position,
            name,
        )
    if totals.fillers_per_min >= FOCUS_FILLERS_PER_MIN:
        return Focus(
            "fillers",
            f"Fillers: {totals.fillers_per_min:.1f} a minute over the run. Where you would say "
            "“um”, pause silently instead; a short pause sounds more confident than a filler.",
        )
    lo, hi = COMFORTABLE_WPM
    if totals.pace_wpm and not lo <= totals.pace_wpm <= hi:
        fast = totals.pace_wpm > hi
        return Focus(
            "pace",
            f"Pace: {totals.pace_wpm} words a minute over the run; {lo}–{hi} is comfortable. "
            + (
                "Slow down and pause after each key point."
                if fast
                else "Pick the pace up a little and cut the long gaps between sentences."
            ),
        )
    failed: dict[str, int] = {}
    for r in answered:
        for c in r.figures.failed_checks:  # type: ignore[union-attr]
            failed[c] = failed.get(c, 0) + 1
    if failed:
        top = max(failed, key=lambda c: failed[c])  # dict order: the review's order, first seen
        return Focus(
            "check",
            f"{check_label(top)}: missing from {failed[top]} of {len(answered)} answers. "
            "Work it into your next answers.",
        )
    return Focus(
        "none",
        "Nothing stands out: every section and answer was within its target. Try a harder pack "
        "or more questions next time.",
    )


def _fu(row: QuestionRow) -> Figures | None:
    return row.follow_up.figures if row.follow_up is not None else None


def format_summary(summary: InterviewSummary) -> str:
    """The readable summary `voicecoach interview` prints."""
    out = []
    t = summary.totals
    head = "Interview summary" + (" (ended early)" if summary.status == "ended_early" else "")
    out += [head, ""]
    for row in summary.rows:
        out.append(f"{row.position + 1}. {row.prompt}")
        f = row.figures
        if f is None:
            out.append("   not answered")
        else:
            out.append("   " + _figures_line(f))
            if row.sections:
                out.append(
                    "   "
                    + "  ".join(
                        f"{s.name[0].upper()} {s.length_s}/{s.target_s} s"
                        + (f" ({s.status})" if s.status != "ok" else "")
                        for s in row.sections
                    )
                    + "".join(f"  {m.title()} missing" for m in row.missing_sections)
                )
            if f.failed_checks:
                out.append("   not yet: " + ", ".join(check_short_name(c) for c in f.failed_checks))
        if row.follow_up is not None:
            fu = row.follow_up
            out.append(f"   Follow-up: {fu.prompt}")
            out.append("   " + (_figures_line(fu.figures) if fu.figures else "not answered"))
        out.append("")
    out.append(
        f"Answered {t.answered} of {t.questions} questions"
        + (
            f" and {t.follow_ups_answered} of {t.follow_ups_asked} follow-ups"
            if t.follow_ups_asked
            else ""
        )
        + f"; speaking {fmt_time(t.answer_s + t.follow_up_s)}, thinking {t.thinking_s:.1f} s, "
        f"fillers {t.fillers} ({t.fillers_per_min:.1f}/min), pace {t.pace_wpm} wpm."
    )
    out += ["", f"Work on first: {summary.focus.text}"]
    return "\n".join(out)


def _figures_line(f: Figures) -> str:
    over = {"over": " (over)", "under": " (short)", "ok": ""}[f.total_status]
    return (
        f"{fmt_time(f.length_s)} of {fmt_time(f.target_s)}{over} · thinking {f.thinking_s:.1f} s"
        f" · fillers {f.fillers} ({f.fillers_per_min:.1f}/min) · {f.pace_wpm} wpm"
    )
