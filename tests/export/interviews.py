"""A history holding one finished mock interview of three questions, each with a follow-up,
made from the hand-built sample answer (no engine needed), with a short WAV per take."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import soundfile as sf

from tests.ui.sample_report import sample_report
from voicecoach.domain import Question, Transcript
from voicecoach.interview import (
    InterviewAnswer,
    InterviewPlan,
    PlanItem,
    analyse_follow_up,
    summarise,
)
from voicecoach.packs import load_packs
from voicecoach.report import to_json
from voicecoach.settings import Settings
from voicecoach.store.history import History
from voicecoach.store.interviews import InterviewStore
from voicecoach.store.paths import AppPaths

RATE = 16000
PACK = "core_senior"
FOLLOW_UP = "What would you do differently next time?"
WHEN = datetime(2026, 11, 27, 17, 40, tzinfo=UTC)


def plan() -> InterviewPlan:
    """Three real STAR questions of the core_senior pack, on three topics."""
    qs: list[Question] = []
    for q in load_packs().questions(PACK):
        if q.kind == "star" and q.topic not in {x.topic for x in qs} and len(qs) < 3:
            qs.append(q)
    return InterviewPlan(PACK, (), True, tuple(PlanItem(q, FOLLOW_UP, 45.0) for q in qs))


def follow_up_transcript(n_words: int = 70) -> Transcript:
    """The first `n_words` of the sample answer, as a follow-up's words."""
    tr = sample_report().transcript
    words = tr.words[:n_words]
    return Transcript(words, words[-1].end_s + 0.5, (), tr.model)


def answers(settings: Settings | None = None) -> list[InterviewAnswer]:
    settings = settings or Settings()
    out: list[InterviewAnswer] = []
    p = plan()
    for pos, item in enumerate(p.items):
        main = sample_report(drop_task=pos == 1)
        main = replace(main, question_id=item.question.id)
        out.append(
            InterviewAnswer(pos, "answer", item.question.id, item.question.prompt, 1.5 + pos, main)
        )
        fu = analyse_follow_up(follow_up_transcript(40 + 30 * pos), item, settings, pos)
        out.append(replace(fu, thinking_s=2.0))
    return out


def make_interview(root: Path, finished: bool = True) -> tuple[AppPaths, int, list[int]]:
    """The run under data dir `root`: (paths, run id, take ids in the order spoken)."""
    paths = AppPaths.at(root).ensure()
    settings = Settings()
    p = plan()
    done: list[InterviewAnswer] = []
    with History(paths.db_path) as h:
        store = InterviewStore(h)
        run = store.start(p.to_json(), created_at=WHEN)
        for k, a in enumerate(answers(settings)):
            wav = paths.data_dir / f"run-take{k}.wav"
            noise = np.random.default_rng(k).standard_normal(RATE // 2) * 0.02
            sf.write(wav, noise.astype(np.float32), RATE, subtype="PCM_16")
            item = p.items[a.position]
            take = store.start_take(
                run,
                a.position,
                a.kind,
                item.question,
                wav,  # type: ignore[arg-type]
                prompt=a.prompt,
                created_at=WHEN + timedelta(minutes=k),
            )
            h.finish_recording(take, a.report.duration_s + a.thinking_s)
            h.save_report(take, to_json(a.report), a.report.transcript.model)
            store.set_thinking(take, a.thinking_s)
            done.append(replace(a, take_id=take))
        if finished:
            store.finish(run, summarise(p, done, settings).to_json())
    return paths, run, [a.take_id for a in done]  # type: ignore[misc]
