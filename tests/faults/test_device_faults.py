"""Microphone faults: a clear message, the rest of the app keeps working, nothing recorded lost."""

from __future__ import annotations

from dataclasses import replace

import pytest
from PySide6.QtWidgets import QLabel, QPushButton

from tests.fakes.sound import FakeSoundLayer
from tests.faults.helpers import (
    RATE,
    SCRIPT,
    banner_text,
    burst_speech,
    click_record,
    seed_analysed_take,
    write_wav,
)
from voicecoach.settings import Settings
from voicecoach.store.history import History
from voicecoach.store.paths import AppPaths


def _with_device(name: str) -> Settings:
    s = Settings()
    return replace(s, audio=replace(s.audio, input_device=name))


@pytest.mark.parametrize(
    ("layer_kw", "settings", "expected"),
    [
        ({"inputs": []}, Settings(), "No microphone found"),
        ({"busy": ("Fake Microphone",)}, Settings(), "is busy or unavailable"),
        (
            {"inputs": ["Built-in Mic"]},
            _with_device("USB Headset"),
            '"USB Headset" is not connected',
        ),
    ],
    ids=["no-input-device", "device-busy", "chosen-device-gone"],
)
def test_microphone_problem_is_a_banner_and_history_and_files_still_work(
    make_session, qtbot, tmp_path, layer_kw, settings, expected
):
    """No/busy/vanished mic: banner says what to do; replay a past take and analyse a file."""
    audio, _ = burst_speech(len(SCRIPT))
    paths = AppPaths.at(tmp_path / "data").ensure()
    history = History(paths.db_path)
    old = seed_analysed_take(history, paths, audio)
    layer = FakeSoundLayer(source=audio, rate_hz=RATE, speed=0, **layer_kw)
    session, window = make_session(layer=layer, settings=settings, paths=paths, history=history)
    session.start()
    button = window.findChild(QPushButton, "recordButton")
    if button.isEnabled():  # found but busy: only opening it tells
        click_record(qtbot, window)
        told = banner_text(window)
    else:  # no such microphone: Record says so before it is pressed
        assert "busy" not in expected
        told = window.findChild(QLabel, "recordIdleRow").text()
    assert session.state == "idle"
    assert expected in told
    assert "Settings" in told or "Plug" in told
    assert [r.id for r in session.history.list()] == [old]  # no empty take left behind

    # History still opens and replays.
    with qtbot.waitSignal(session.reviewReady, timeout=5000):
        session.replay_take(old)
    assert session.state == "review"
    assert session.player.playing or session.player.paused or layer.output_streams

    # "Analyse a file…" still works.
    wav = write_wav(tmp_path / "answer.wav", audio)
    with qtbot.waitSignal(session.reviewReady, timeout=5000):
        window.analyseFileRequested.emit(str(wav))
    assert [w.text for w in session.report().transcript.words] == SCRIPT
    assert session.history.list()[0].status == "analysed"


def test_unplug_mid_recording_keeps_and_analyses_what_was_recorded(make_session, qtbot):
    """Mic unplugged after 6 s: message shown, the 6 s are analysed, reviewed and in History."""
    audio, spans = burst_speech(len(SCRIPT))
    unplug_s = 6.0
    layer = FakeSoundLayer(source=audio, rate_hz=RATE, speed=4, unplug_after_s=unplug_s)
    session, window = make_session(layer=layer)
    session.choose_question("warmup-01", speak=False)
    with qtbot.waitSignal(session.reviewReady, timeout=20000):
        click_record(qtbot, window)
    assert "stopped working (unplugged?)" in banner_text(window)
    assert session.state == "review"
    heard = [w for (a, _), w in zip(spans, SCRIPT, strict=False) if a < unplug_s]
    words = session.report().transcript.words
    assert [w.text for w in words] == heard
    (take,) = session.history.list()
    assert take.status == "analysed"
    assert take.duration_s == pytest.approx(unplug_s, abs=0.06)
    assert take.audio_path.stat().st_size > unplug_s * RATE * 2


def test_device_that_goes_silent_mid_recording_is_analysed_too(make_session, qtbot):
    """A mic that just stops sending (no error) is caught by the stall watchdog; audio kept."""
    audio, spans = burst_speech(len(SCRIPT))
    layer = FakeSoundLayer(
        source=audio, rate_hz=RATE, speed=0, unplug_after_s=5.0, unplug_mode="stall"
    )
    session, window = make_session(layer=layer)
    session.choose_question("warmup-01", speak=False)
    with qtbot.waitSignal(session.reviewReady, timeout=20000):
        click_record(qtbot, window)
    assert "stopped sending sound" in banner_text(window)
    (take,) = session.history.list()
    assert take.status == "analysed" and take.duration_s == pytest.approx(5.0, abs=0.06)
    assert len(session.report().transcript.words) == sum(a < 5.0 for a, _ in spans)
