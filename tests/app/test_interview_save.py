"""RunSaver: a run kept in history while it runs, and loaded back after a crash."""

from __future__ import annotations

import random
import wave
from pathlib import Path

import numpy as np
import pytest

from tests.fakes.transcriber import words_from_text
from voicecoach.app.context import AppContext
from voicecoach.app.interview_cursor import Slot, plan_slots
from voicecoach.app.interview_save import RunSaver
from voicecoach.domain import Transcript
from voicecoach.interview import analyse_answer, plan_interview, summarise
from voicecoach.packs import load_packs
from voicecoach.report import to_json
from voicecoach.settings import Settings
from voicecoach.store.history import History

PACKS = load_packs()
PLAN = plan_interview(PACKS, pack="core_senior", questions=3, rng=random.Random(4))


@pytest.fixture
def saver(qapp, tmp_path: Path):
    history = History(tmp_path / "history.sqlite3")
    ctx = AppContext(Settings(), None, history, None, None, None, PACKS)
    errors: list[str] = []
    ctx.errorOccurred.connect(errors.append)
    s = RunSaver(ctx)
    s.errors = errors  # type: ignore[attr-defined]
    yield s
    history.close()


def cut_off_wav(path: Path, seconds: float = 1.5, rate_hz: int = 16000) -> Path:
    """A WAV as a killed writer leaves it: samples on disk, the header still saying 0 bytes."""
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate_hz)
        w.writeframes(np.zeros(int(seconds * rate_hz), dtype=np.int16).tobytes())
    raw = bytearray(path.read_bytes())
    raw[4:8] = (36).to_bytes(4, "little")  # RIFF size as written before the first block
    raw[40:44] = (0).to_bytes(4, "little")  # data size
    path.write_bytes(bytes(raw))
    return path


def answer(saver: RunSaver, run_id: int, slot: Slot, tmp_path: Path) -> int:
    """One analysed answer, through the same calls the app makes."""
    item = PLAN.items[slot.position]
    take_id = saver.take_starter(run_id, slot, item)(tmp_path / f"{slot.position}{slot.kind}.wav")
    words = words_from_text("I led the migration and it shipped on time.", start_s=2.0)
    result = analyse_answer(Transcript(words, 6.0), item.question, Settings(), slot.position)
    saver.ctx.history.finish_recording(take_id, 6.0)
    saver.ctx.history.save_report(take_id, to_json(result.report), "fake")
    saver.save_thinking(take_id, result.thinking_s)
    return take_id


def test_load_gives_the_answers_the_answer_in_progress_and_where_the_run_goes_on(saver, tmp_path):
    """Protects resuming: answered slots come back as answers, the cut-off one as pending, and
    the run goes on after the last slot that has a take."""
    run_id = saver.start(PLAN)
    first = answer(saver, run_id, Slot(0, "answer"), tmp_path)
    follow = answer(saver, run_id, Slot(0, "follow_up"), tmp_path)
    cut = saver.take_starter(run_id, Slot(1, "answer"), PLAN.items[1])(tmp_path / "1.wav")

    run = saver.load(run_id)

    assert run is not None and run.plan == PLAN
    assert [(a.position, a.kind, a.take_id) for a in run.answers] == [
        (0, "answer", first),
        (0, "follow_up", follow),
    ]
    assert run.answers[0].thinking_s == pytest.approx(2.0, abs=0.05)
    assert [(t.position, t.kind, t.take.id) for t in run.pending] == [(1, "answer", cut)]
    assert plan_slots(PLAN)[run.first - 1] == Slot(1, "answer")
    # the follow-up's take is asked as the follow-up, the answer's as the question
    takes = saver.store.get(run_id).takes
    assert takes[0].take.question_text == PLAN.items[0].question.prompt
    assert takes[1].take.question_text == PLAN.items[0].follow_up


def test_load_of_a_run_whose_question_is_gone_says_so(saver):
    """Protects a clear message (and no exception) when a run's pack changed since."""
    plan = PLAN.to_json()
    plan["items"][0]["question_id"] = "no-such-question"
    run_id = saver.store.start(plan, {})
    assert saver.load(run_id) is None
    assert saver.errors and saver.errors[-1].startswith("This interview cannot be resumed")


def test_salvage_makes_a_cut_off_recording_whole_or_marks_it_failed(saver, tmp_path):
    """Protects the answer in progress at a crash: its audio kept when readable, else the take
    is marked failed with the reason (never left 'recording')."""
    run_id = saver.start(PLAN)
    good = saver.take_starter(run_id, Slot(0, "answer"), PLAN.items[0])(
        cut_off_wav(tmp_path / "good.wav")
    )
    gone = saver.take_starter(run_id, Slot(0, "follow_up"), PLAN.items[0])(tmp_path / "gone.wav")
    pending = {t.take.id: t for t in saver.load(run_id).pending}

    assert saver.salvage(pending[good]) is True
    kept = saver.ctx.history.get(good)
    assert kept.status == "recorded" and kept.duration_s == pytest.approx(1.5, abs=0.01)

    assert saver.salvage(pending[gone]) is False
    lost = saver.ctx.history.get(gone)
    assert lost.status == "failed" and lost.error


def test_finish_saves_the_summary_and_still_returns_it_when_the_save_fails(saver):
    """Protects the end of a run: the summary is stored with it; a run deleted meanwhile
    gives a message, and the summary is still shown."""
    run_id = saver.start(PLAN)
    summary = saver.finish(run_id, PLAN, [], ended_early=True)
    stored = saver.store.get(run_id).record
    assert stored.status == "ended_early" and summary.status == "ended_early"
    assert stored.summary == summary.to_json() == summarise(PLAN, [], Settings(), True).to_json()
    assert stored.settings["silence_stop_s"] == Settings().interview.silence_stop_s

    saver.store.delete(run_id)
    again = saver.finish(run_id, PLAN, [], ended_early=False)
    assert again.status == "finished"
    assert saver.errors, "the failed save is reported"
