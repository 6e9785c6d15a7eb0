"""Settings dialog: no text is clipped at the dialog's default size, whichever voice is chosen."""

from __future__ import annotations

from dataclasses import replace

import pytest
from PySide6.QtWidgets import QComboBox, QLabel

from voicecoach.settings import Settings
from voicecoach.speech import models
from voicecoach.speech.voices import JOE
from voicecoach.ui.settings_dialog import SettingsDialog

NATURAL = [(JOE, "Joe (natural, US English)")]
VOICES = [("gmw/en-us", "English (America)"), ("gmw/en", "English (Great Britain)")]


def _clipped(dlg: SettingsDialog) -> list[str]:
    """The visible wrapped labels shorter than their text needs at their width."""
    out = []
    for label in dlg.findChildren(QLabel):
        if label.isVisible() and label.wordWrap() and label.text():
            need = label.heightForWidth(label.width())
            bottom = label.mapTo(dlg, label.rect().bottomLeft()).y()
            if label.height() < need or bottom > dlg.height():
                out.append(f"{label.objectName() or label.text()[:30]}: {label.height()} < {need}")
    return out


@pytest.mark.parametrize("voice", [JOE, "gmw/en-us", None])
def test_nothing_is_clipped_at_the_default_size(qtbot, themed, monkeypatch, voice):
    """Protects: with Joe chosen and the base model not installed, the speech-model text was cut
    off after "'voicecoach[base]'" (the tester's screenshot)."""
    monkeypatch.setattr(models, "base_parts", lambda: None)  # base: not installed, with a hint
    s = Settings()
    s = replace(s, tts=replace(s.tts, voice=voice))
    dlg = SettingsDialog(s, ["USB Mic"], VOICES, natural_voices=NATURAL)
    qtbot.addWidget(dlg)
    dlg.show()
    qtbot.waitExposed(dlg)
    qtbot.wait(20)
    assert dlg.findChild(QLabel, "modelInfo").text()
    assert _clipped(dlg) == []


def test_nothing_is_clipped_after_choosing_another_voice(qtbot, themed, monkeypatch):
    """A longer voice note appearing while the dialog is open grows the dialog to fit it."""
    monkeypatch.setattr(models, "base_parts", lambda: None)
    dlg = SettingsDialog(Settings(), ["USB Mic"], VOICES, natural_voices=NATURAL)
    qtbot.addWidget(dlg)
    dlg.show()
    qtbot.waitExposed(dlg)
    combo = dlg.findChild(QComboBox, "ttsVoice")
    combo.setCurrentIndex(combo.findData(JOE))
    qtbot.wait(20)
    assert "neural voice" in dlg.findChild(QLabel, "voiceInfo").text()
    assert _clipped(dlg) == []
