"""A mock interview on recorded files (`voicecoach interview`): the app's flow without a microphone.

One audio file per answer, in the order they would be spoken: answer 1, its follow-up (when the
plan has one), answer 2, ... Each file is transcribed as `voicecoach analyze` does
(`pipeline.transcribe_file`), measured by `interview.analyse_answer` / `analyse_follow_up`,
and, with a store, saved as the app saves a run: the run row first, then each take before it
is transcribed, so an interrupted run is found by `InterviewStore.unfinished()`. The files are
the user's own: they are referenced, never copied, moved or deleted.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from voicecoach.audio.decode import audio_duration_s, load_audio
from voicecoach.domain import NoSpeechError, VoiceCoachError
from voicecoach.interview import (
    InterviewAnswer,
    InterviewPlan,
    InterviewSummary,
    TakeKind,
    analyse_answer,
    analyse_follow_up,
    summarise,
)
from voicecoach.pipeline import RATE_HZ, transcribe_file
from voicecoach.report import to_json
from voicecoach.settings import Settings
from voicecoach.speech.transcriber import Transcriber
from voicecoach.store.interviews import InterviewStore

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Slot:
    position: int
    kind: TakeKind
    prompt: str

    @property
    def label(self) -> str:
        return f"{'answer' if self.kind == 'answer' else 'follow-up'} {self.position + 1}"


@dataclass(frozen=True)
class FilesRun:
    answers: tuple[InterviewAnswer, ...]
    summary: InterviewSummary
    interview_id: int | None  # None when not saved
    not_answered: tuple[str, ...]  # "follow-up 2: no speech ..." for files with nothing said


def slots(plan: InterviewPlan) -> list[Slot]:
    """What each audio file answers, in order."""
    out = []
    for pos, item in enumerate(plan.items):
        out.append(Slot(pos, "answer", item.question.prompt))
        if item.follow_up is not None:
            out.append(Slot(pos, "follow_up", item.follow_up))
    return out


def check_files(plan: InterviewPlan, files: Sequence[Path]) -> list[Slot]:
    """The slots, once the file count matches and every file is readable audio.

    Raises VoiceCoachError before any work is done, saying what the files should be.
    """
    want = slots(plan)
    if len(files) != len(want):
        order = ", ".join(s.label for s in want[:4]) + (", ..." if len(want) > 4 else "")
        with_fu = " with follow-ups" if any(s.kind == "follow_up" for s in want) else ""
        hint = ", or --no-follow-ups for one file a question" if with_fu else ""
        raise VoiceCoachError(
            f"This interview of {len(plan.items)} questions{with_fu} needs {len(want)} audio "
            f"files, one per answer in the order spoken ({order}); {len(files)} given. "
            f"Run with --plan to see what each file should answer{hint}."
        )
    for f in files:
        audio_duration_s(Path(f))  # AudioError names a missing, empty or unreadable file
    return want


def run_on_files(
    plan: InterviewPlan,
    files: Sequence[Path],
    transcriber: Transcriber,
    settings: Settings,
    store: InterviewStore | None = None,
    on_file: Callable[[Slot, Path], None] | None = None,
) -> FilesRun:
    """Transcribe and measure every file of the run, save it (with a store), sum it up."""
    want = check_files(plan, files)
    run_id = store.start(plan.to_json(), {"source": "files"}) if store is not None else None
    answers: list[InterviewAnswer] = []
    silent: list[str] = []
    try:
        for slot, path in zip(want, files, strict=True):
            if on_file is not None:
                on_file(slot, Path(path))
            a = _one(plan, slot, Path(path), transcriber, settings, store, run_id, silent)
            if a is not None:
                answers.append(a)
    except BaseException:
        if store is not None and run_id is not None:  # what was said stays, as ended early
            partial = summarise(plan, answers, settings, ended_early=True)
            store.finish(run_id, partial.to_json(), ended_early=True)
        raise
    summary = summarise(plan, answers, settings)
    if store is not None and run_id is not None:
        store.finish(run_id, summary.to_json())
    return FilesRun(tuple(answers), summary, run_id, tuple(silent))


def _one(
    plan: InterviewPlan,
    slot: Slot,
    path: Path,
    transcriber: Transcriber,
    settings: Settings,
    store: InterviewStore | None,
    run_id: int | None,
    silent: list[str],
) -> InterviewAnswer | None:
    """One file: its take row first (with a store), then transcribe, measure and save."""
    item = plan.items[slot.position]
    take_id = None
    if store is not None and run_id is not None:
        take_id = store.start_take(
            run_id, slot.position, slot.kind, item.question, path.resolve(), prompt=slot.prompt
        )
    try:
        transcript = transcribe_file(path, transcriber)
        samples = load_audio(path, RATE_HZ)
        if slot.kind == "answer":
            a = analyse_answer(transcript, item.question, settings, slot.position, samples)
        else:
            a = analyse_follow_up(transcript, item, settings, slot.position, samples)
    except NoSpeechError as exc:
        silent.append(f"{slot.label} ({path.name}): {exc}")
        if store is not None and take_id is not None:
            store.history.mark_failed(take_id, str(exc))
        return None
    except BaseException as exc:
        if store is not None and take_id is not None:
            store.history.mark_failed(take_id, f"{type(exc).__name__}: {exc}")
        raise
    if store is not None and take_id is not None:
        store.history.finish_recording(take_id, transcript.duration_s)
        store.history.save_report(take_id, to_json(a.report), transcript.model)
        store.set_thinking(take_id, a.thinking_s)
    return replace(a, take_id=take_id)
