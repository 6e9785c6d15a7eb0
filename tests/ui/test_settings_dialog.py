"""SettingsDialog returns the choices made, leaving the rest of the settings alone."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QComboBox

from voicecoach.settings import Settings
from voicecoach.ui.settings_dialog import SettingsDialog


def test_dialog_returns_new_choices(qtbot, themed):
    """Device, voice, cues and theme picked in the dialog come back in the new Settings."""
    s = Settings()
    dlg = SettingsDialog(s, ["USB Mic", "Laptop Mic"], [("v1", "Voice One")])
    qtbot.addWidget(dlg)
    dev = dlg.findChild(QComboBox, "inputDevice")
    dev.setCurrentIndex(dev.findData("USB Mic"))
    voice = dlg.findChild(QComboBox, "ttsVoice")
    voice.setCurrentIndex(voice.findData("v1"))
    dlg.findChild(QCheckBox, "liveCues").setChecked(False)
    theme = dlg.findChild(QComboBox, "themeChoice")
    theme.setCurrentIndex(theme.findData("dark"))
    out = dlg.result_settings()
    assert out.audio.input_device == "USB Mic"
    assert out.tts.voice == "v1"
    assert out.ui.live_cues is False and out.ui.theme == "dark"
    assert out.analysis == s.analysis and out.transcriber == s.transcriber
