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
def test_model_problem_is_a_banner_and_the_bundled_model_takes_over(
    make_session, qtbot, tmp_path, kind, expected
):
    """Broken model: the banner says what is wrong and that bundled tiny.en is used; takes work."""
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
    session.start()  # preloading fails, then the bundled model loads
    assert status[-1] == "Speech model ready"
    assert expected in banner_text(window) and "bundled model" in banner_text(window)
    assert "Settings" in banner_text(window)
    assert session.settings.transcriber.model == bad.transcriber.model  # the choice is kept

    click_record(qtbot, window)
    assert session.layer.wait_input_done(10)
    with qtbot.waitSignal(session.reviewReady, timeout=10000):
        click_record(qtbot, window)
    (take,) = session.history.list()
    assert take.status == "analysed" and take.duration_s > 15
    assert [w.text for w in session.report().transcript.words] == SCRIPT
