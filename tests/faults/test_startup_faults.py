"""Start-up faults: a damaged or old history database, a malformed question pack, no TTS."""

from __future__ import annotations

import json
import sqlite3

import pytest
from PySide6.QtWidgets import QLabel

from tests.fakes.tts import FakeSpeaker
from tests.faults.helpers import SCRIPT, banner_text, burst_speech, click_record, write_wav
from voicecoach.packs import load_packs, shipped_packs_dir
from voicecoach.store.history import History
from voicecoach.store.paths import AppPaths


def test_corrupt_history_is_moved_aside_with_a_message_and_the_app_works(
    make_session, qtbot, tmp_path
):
    """A damaged history.db is kept under a new name, the user is told, and a new one works."""
    paths = AppPaths.at(tmp_path / "data").ensure()
    garbage = b"this is not a database, it was damaged by a crash" * 100
    paths.db_path.write_bytes(garbage)
    session, window = make_session(paths=paths, history=History(paths.db_path))
    with qtbot.waitSignal(session.warned, timeout=3000) as sig:
        session.start()
    moved = session.history.recovered_from_corruption
    assert moved is not None and moved.read_bytes() == garbage  # moved aside, not deleted
    message = sig.args[0]
    assert "damaged" in message and str(moved) in message and "not deleted" in message
    assert str(moved) in banner_text(window)
    assert window.status_banner.property("banner") == "warn"
    with qtbot.waitSignal(session.reviewReady, timeout=10000):
        click_record(qtbot, window)
        assert session.layer.wait_input_done(10)
        click_record(qtbot, window)
    assert [r.status for r in session.history.list()] == ["analysed"]


def test_healthy_history_gives_no_warning(make_session, qtbot):
    """No start-up warning when the database and packs are fine (the warning is not noise)."""
    session, window = make_session()
    warnings: list[str] = []
    session.warned.connect(warnings.append)
    session.start()
    assert warnings == [] and banner_text(window) == ""


def test_history_from_schema_v1_is_migrated_and_its_takes_open(make_session, qtbot, tmp_path):
    """A v1 history (older VoiceCoach) is upgraded on start; its analysed take opens in review."""
    from tests.fakes.transcriber import words_from_text
    from voicecoach.analysis import analyze
    from voicecoach.domain import Transcript
    from voicecoach.report import to_json

    paths = AppPaths.at(tmp_path / "data").ensure()
    audio, _ = burst_speech(len(SCRIPT))
    wav = write_wav(paths.recordings_dir / "old.wav", audio)
    report = to_json(analyze(Transcript(words_from_text(" ".join(SCRIPT)), 18.0, model="v1")))
    with sqlite3.connect(paths.db_path) as conn:
        conn.executescript(
            "CREATE TABLE takes (id INTEGER PRIMARY KEY AUTOINCREMENT, created_at TEXT NOT NULL,"
            " question_id TEXT NOT NULL, audio_path TEXT NOT NULL, status TEXT NOT NULL,"
            " report_json TEXT); PRAGMA user_version = 1;"
        )
        conn.execute(
            "INSERT INTO takes (created_at, question_id, audio_path, status, report_json)"
            " VALUES (?, ?, ?, ?, ?)",
            ("2025-11-02T09:00:00.000+00:00", "warmup-01", "recordings/old.wav", "analysed",
             json.dumps(report)),
        )  # fmt: skip
    conn.close()
    history = History(paths.db_path)
    assert history.migrated_from == 1
    session, window = make_session(paths=paths, history=history)
    session.start()
    (take,) = session.history.list()
    assert take.audio_path == wav and take.status == "analysed"
    assert take.duration_s == pytest.approx(report["audio"]["duration_s"])
    with qtbot.waitSignal(session.reviewReady, timeout=3000):
        session.open_take(take.id)
    assert [w.text for w in session.report().transcript.words] == SCRIPT
    assert window.current_page() == "review"


def test_malformed_pack_is_reported_and_the_other_packs_load(make_session, qtbot, tmp_path):
    """A broken pack file: the user is told which file and field; every other question works."""
    extra = tmp_path / "packs"
    extra.mkdir()
    (extra / "mine.toml").write_text(
        '[pack]\ntitle = "Mine"\n\n[[questions]]\nid = "mine-1"\ntopic = "T"\n'
        'prompt = "Fine question?"\n\n[[questions]]\nid = "mine-2"\ntopic = "T"\n',
        encoding="utf-8",
    )
    (extra / "broken.toml").write_text('[pack\ntitle = "oops"', encoding="utf-8")
    packs = load_packs([shipped_packs_dir(), extra])
    assert len(packs.errors) == 2
    session, window = make_session(packs=packs)
    with qtbot.waitSignal(session.warned, timeout=3000) as sig:
        session.start()
    assert "could not be loaded and were skipped" in sig.args[0]
    assert "broken.toml" in banner_text(window) or "mine.toml" in banner_text(window)
    assert "1 more problem is in the log" in sig.args[0]
    shipped = load_packs()
    assert len(session.packs.questions()) == len(shipped.questions()) + 1  # mine-1 kept
    combo = window.question_panel.pack
    titles = [combo.itemText(i) for i in range(combo.count())]
    assert "Mine" in titles and len(titles) == len(shipped.packs) + 2  # + "All packs"
    session.choose_question("mine-1", speak=False)
    assert window.findChild(QLabel, "questionPrompt").text() == "Fine question?"


@pytest.mark.parametrize(
    "speaker",
    [FakeSpeaker(available=False), FakeSpeaker(fail=True)],
    ids=["tts-missing", "tts-failing"],
)
def test_without_working_tts_the_question_is_shown_and_practice_continues(
    make_session, qtbot, speaker
):
    """No (or a failing) speech engine: the prompt is on screen, recording and review work."""
    session, window = make_session(speaker=speaker)
    tts: list[tuple[bool, str]] = []
    session.ttsChanged.connect(lambda ok, why: tts.append((ok, why)))
    session.start()
    q = session.packs.get("warmup-01")
    window.question_panel.questionChosen.emit(q.id)  # asks for it to be read aloud
    qtbot.waitUntil(lambda: session.state == "idle", timeout=10000)
    assert window.findChild(QLabel, "questionPrompt").text() == q.prompt
    if not speaker.available:
        assert tts and tts[-1][0] is False and "not available" in tts[-1][1]
    else:
        assert speaker.done and speaker.done[-1] == (q.prompt, False)
    with qtbot.waitSignal(session.reviewReady, timeout=10000):
        click_record(qtbot, window)
        assert session.layer.wait_input_done(10)
        click_record(qtbot, window)
    assert [w.text for w in session.report().transcript.words] == SCRIPT
    assert session.history.list()[0].status == "analysed"


def test_damaged_section_model_warns_once_and_answers_are_still_split(
    make_session, qtbot, monkeypatch
):
    """An unreadable section model file is named in a start-up warning, and a take is still
    analysed (by the cue rules) with its sections shown, never a crash."""
    from voicecoach.analysis import star_model

    err = star_model.StarModelError(
        "The section model file /x/star_model.json is damaged (Expecting value: line 1)."
    )
    monkeypatch.setattr(star_model, "bundled_model", lambda: err)
    session, window = make_session()
    with qtbot.waitSignal(session.warned, timeout=3000) as sig:
        session.start()
    assert "/x/star_model.json" in sig.args[0] and "cue rules" in sig.args[0]
    assert "/x/star_model.json" in banner_text(window)
    # a STAR question (start-up may pick a drill, which is timed as a whole, with no sections)
    session.choose_question(session.packs.questions("core_senior")[0].id, speak=False)
    with qtbot.waitSignal(session.reviewReady, timeout=10000) as ready:
        click_record(qtbot, window)
        assert session.layer.wait_input_done(10)
        click_record(qtbot, window)
    report = ready.args[0]
    assert report.sections and all(s.reason for s in report.sentences)
