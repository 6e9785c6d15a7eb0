"""The interview page remembers the number of questions and the follow-ups last chosen: after a
restart and after Settings → OK, through the real window, controllers and settings file."""

from __future__ import annotations

from dataclasses import replace

from tests.fakes.sound import FakeSoundLayer
from tests.fakes.tasks import SyncTaskRunner
from tests.fakes.transcriber import FakeTranscriber
from tests.fakes.tts import FakeSpeaker
from voicecoach.settings import Settings


def open_app(qtbot, qapp, root):
    """The app on data dir `root`, with the settings saved there (as at start-up)."""
    import numpy as np

    from voicecoach.app.main import wire
    from voicecoach.app.session import Session
    from voicecoach.packs import load_packs
    from voicecoach.store.history import History
    from voicecoach.store.paths import AppPaths
    from voicecoach.ui.main_window import MainWindow

    paths = AppPaths.at(root).ensure()
    layer = FakeSoundLayer(source=np.zeros(16000, np.float32), rate_hz=16000)
    session = Session(
        Settings.load(paths.settings_path),
        paths,
        History(paths.db_path),
        layer,
        FakeSpeaker(),
        FakeTranscriber(),
        SyncTaskRunner(),
        load_packs(),
    )
    window = MainWindow()
    qtbot.addWidget(window)
    wire(session, window, qapp)
    return session, window


def close(session, window) -> None:
    session.shutdown()
    session.history.close()
    window.close()


def test_question_count_and_follow_ups_are_remembered(qtbot, themed, tmp_path):
    """Protects: the page no longer resets to 5 questions (and follow-ups on) after a restart
    or after Settings → OK; the pack chosen stays chosen when settings change."""
    session, window = open_app(qtbot, themed, tmp_path / "data")
    page = window.interview
    assert page.count.value() == Settings().interview.questions
    page.count.setValue(7)
    page.follow_ups.setChecked(False)
    page.pack.setCurrentIndex(page.pack.count() - 1)
    pack = page.pack.currentData()
    # another setting changed and applied from the Settings dialog
    new = session.ctx.settings
    session.prefs.apply_settings(replace(new, tts=replace(new.tts, rate_wpm=new.tts.rate_wpm + 10)))
    assert (page.count.value(), page.follow_ups.isChecked()) == (7, False)
    assert page.pack.currentData() == pack
    close(session, window)

    session, window = open_app(qtbot, themed, tmp_path / "data")  # a restart
    page = window.interview
    assert (page.count.value(), page.follow_ups.isChecked()) == (7, False)
    assert session.ctx.settings.interview.questions == 7
    close(session, window)
