"""A missing or damaged speech model: a clear message, the take kept, analysable once fixed."""

from __future__ import annotations

from dataclasses import replace

import pytest

from tests.faults.helpers import SCRIPT, BurstTranscriber, banner_text, click_record
from voicecoach.settings import BUNDLED_MODEL, Settings
from voicecoach.speech.transcriber import WhisperTranscriber


def _model_dir(tmp_path, kind: str) -> str:
    if kind == "missing":
        return str(tmp_path / "no-such-model")
    d = tmp_path / "damaged-model"
    d.mkdir()
    (d / "model.bin").write_bytes(b"\x00garbage" * 1000)
    (d / "config.json").write_text("{}", encoding="utf-8")
    return str(d)


@pytest.mark.parametrize(
    ("kind", "expected"),
    [("missing", "Speech model folder not found"), ("damaged", "could not be loaded")],
)
def test_model_problem_is_a_banner_and_the_take_is_kept_for_later(
    make_session, qtbot, tmp_path, kind, expected
):
    """Broken model: banner says what to do, the take is saved (failed), analysed once fixed."""
    base = Settings()
    bad = replace(base, transcriber=replace(base.transcriber, model=_model_dir(tmp_path, kind)))

    def transcriber_for(s: Settings):
        if s.transcriber.model == BUNDLED_MODEL:
            return BurstTranscriber(SCRIPT)  # stands in for a working model
        return WhisperTranscriber(s.transcriber)  # the real loader, failing for real

    session, window = make_session(
        settings=bad, transcriber=transcriber_for(bad), transcriber_factory=transcriber_for
    )
    status: list[str] = []
    session.modelStatusChanged.connect(status.append)
    session.start()  # preloading fails
    assert status[-1] == "Speech model not loaded"
    assert expected in banner_text(window) and "Settings" in banner_text(window)

    errors: list[str] = []
    session.errorOccurred.connect(errors.append)
    click_record(qtbot, window)
    assert session.layer.wait_input_done(10)
    click_record(qtbot, window)
    qtbot.waitUntil(lambda: session.state == "idle" and bool(errors), timeout=10000)
    assert expected in errors[-1] and expected in banner_text(window)
    (take,) = session.history.list()
    assert take.status == "failed" and expected in take.error
    assert take.audio_path.stat().st_size > 44 and take.duration_s > 15

    # The user picks a working model in Settings and opens the take from History.
    session.apply_settings(replace(bad, transcriber=replace(bad.transcriber, model=BUNDLED_MODEL)))
    assert status[-1] == "Speech model ready"
    with qtbot.waitSignal(session.reviewReady, timeout=10000):
        session.open_take(take.id)
    assert session.history.get(take.id).status == "analysed"
    assert [w.text for w in session.report().transcript.words] == SCRIPT
