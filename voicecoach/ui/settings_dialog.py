"""SettingsDialog: microphone, reading voice and speed, speech model, live cues, theme.

Takes the current Settings and the choices the session found (device names, voices); returns a
new Settings from `result_settings()`. Saving and applying are the session's job.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtGui import QIcon
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from voicecoach.settings import BUNDLED_MODEL, Settings
from voicecoach.ui.style import set_role

MODELS = (
    (BUNDLED_MODEL, "Tiny (bundled, works offline)"),
    ("base.en", "Base — better, downloads once"),
    ("small.en", "Small — best, slower, downloads once"),
)
THEMES = (("system", "Follow the system"), ("light", "Light"), ("dark", "Dark"))


class SettingsDialog(QDialog):
    def __init__(
        self,
        settings: Settings,
        input_devices: list[str],
        voices: list[tuple[str, str]],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("settingsDialog")
        self.setWindowTitle("Settings")
        self.setMinimumWidth(460)
        self._settings = settings
        lay = QVBoxLayout(self)
        lay.setContentsMargins(20, 18, 20, 14)
        form = QFormLayout()
        form.setVerticalSpacing(10)
        form.setHorizontalSpacing(16)

        self.device = QComboBox()
        self.device.setObjectName("inputDevice")
        self.device.addItem("System default", None)
        for name in input_devices:
            self.device.addItem(name, name)
        cur = settings.audio.input_device
        if cur and self.device.findData(cur) < 0:
            self.device.addItem(f"{cur} (not connected)", cur)
        self.device.setCurrentIndex(max(0, self.device.findData(cur)))
        form.addRow("Microphone", self.device)

        self.voice = QComboBox()
        self.voice.setObjectName("ttsVoice")
        self.voice.addItem("Default voice", None)
        for vid, name in voices:
            self.voice.addItem(name, vid)
        self.voice.setCurrentIndex(max(0, self.voice.findData(settings.tts.voice)))
        form.addRow("Reading voice", self.voice)

        self.rate = QSpinBox()
        self.rate.setObjectName("ttsRate")
        self.rate.setRange(100, 260)
        self.rate.setSingleStep(10)
        self.rate.setSuffix(" words/min")
        self.rate.setValue(settings.tts.rate_wpm)
        form.addRow("Reading speed", self.rate)

        self.read_aloud = QCheckBox("Read each question aloud")
        self.read_aloud.setObjectName("ttsEnabled")
        self.read_aloud.setChecked(settings.tts.enabled)
        form.addRow("", self.read_aloud)

        self.model = QComboBox()
        self.model.setObjectName("modelChoice")
        for mid, label in MODELS:
            self.model.addItem(label, mid)
        if self.model.findData(settings.transcriber.model) < 0:
            self.model.addItem(settings.transcriber.model, settings.transcriber.model)
        self.model.setCurrentIndex(max(0, self.model.findData(settings.transcriber.model)))
        form.addRow("Speech model", self.model)

        self.cues = QCheckBox("Show section cues while recording")
        self.cues.setObjectName("liveCues")
        self.cues.setChecked(settings.ui.live_cues)
        form.addRow("", self.cues)

        self.theme = QComboBox()
        self.theme.setObjectName("themeChoice")
        for tid, label in THEMES:
            self.theme.addItem(label, tid)
        self.theme.setCurrentIndex(max(0, self.theme.findData(settings.ui.theme)))
        form.addRow("Theme", self.theme)
        lay.addLayout(form)

        note = QLabel(
            "A new speech model is loaded in the background; the first load of a "
            "downloadable model needs an internet connection."
        )
        note.setWordWrap(True)
        set_role(note, "muted")
        lay.addWidget(note)

        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        for b in buttons.buttons():
            b.setIcon(QIcon())  # Fusion's stock tick and cross look out of place here
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)

    def result_settings(self) -> Settings:
        s = self._settings
        return replace(
            s,
            audio=replace(s.audio, input_device=self.device.currentData()),
            tts=replace(
                s.tts,
                voice=self.voice.currentData(),
                rate_wpm=self.rate.value(),
                enabled=self.read_aloud.isChecked(),
            ),
            transcriber=replace(s.transcriber, model=self.model.currentData()),
            ui=replace(s.ui, live_cues=self.cues.isChecked(), theme=self.theme.currentData()),
        )
