"""SettingsDialog: microphone, reading voice and speed, speech model, live cues, theme.

The speech model list comes from `app.model_choices.ModelChoices`: the offline models with
size, speed measured here and a trade-off, the ones not installed with how to install them,
then the downloadable faster-whisper names.

Takes the current Settings and the choices the session found (device names, voices); returns a
new Settings from `result_settings()`. Saving and applying are the session's job.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt
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

from voicecoach.app.model_choices import ModelChoice, ModelChoices
from voicecoach.settings import Settings
from voicecoach.speech.models import known_models
from voicecoach.ui.style import set_role

# faster-whisper names, downloaded once on first use (need internet); offered after the offline
# models that `ModelChoices` lists.
ONLINE_MODELS = (
    ("base.en", "Whisper base.en — downloads once (needs internet)"),
    ("small.en", "Whisper small.en — downloads once, slower"),
)
THEMES = (("system", "Follow the system"), ("light", "Light"), ("dark", "Dark"))


class SettingsDialog(QDialog):
    def __init__(
        self,
        settings: Settings,
        input_devices: list[str],
        voices: list[tuple[str, str]],
        parent: QWidget | None = None,
        models: ModelChoices | None = None,
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

        self._models = models
        self.model = QComboBox()
        self.model.setObjectName("modelChoice")
        self._fill_models(settings.transcriber.model)
        form.addRow("Speech model", self.model)
        self.model_info = QLabel()
        self.model_info.setObjectName("modelInfo")
        self.model_info.setWordWrap(True)
        self.model_info.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        set_role(self.model_info, "muted")
        form.addRow("", self.model_info)
        self.model.currentIndexChanged.connect(self._show_model_info)
        if models is not None:
            models.changed.connect(self._show_model_info)
            models.measure_missing()  # in the background; the figures appear when ready
        self._show_model_info()

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
            "downloadable model needs an internet connection. A model that cannot be loaded "
            "is replaced by the bundled tiny.en, with a message."
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

    def _choices(self) -> list[ModelChoice]:
        if self._models is not None:
            return self._models.choices()
        return [ModelChoice(m, None) for m in known_models()]

    def _fill_models(self, current: str) -> None:
        for c in self._choices():
            m = c.info
            label = f"{m.label} — {m.size_mb} MB" + ("" if m.installed else " (not installed)")
            self.model.addItem(label, m.id)
            if not m.installed:  # listed, with how to install it, but not selectable
                item = self.model.model().item(self.model.count() - 1)
                item.setEnabled(False)
        for mid, label in ONLINE_MODELS:
            self.model.addItem(label, mid)
        if self.model.findData(current) < 0:
            self.model.addItem(current, current)
        self.model.setCurrentIndex(max(0, self.model.findData(current)))

    def _show_model_info(self, *_args: object) -> None:
        """Size, speed here and trade-off of the chosen model; how to install the missing."""
        chosen = self.model.currentData()
        lines = []
        for c in self._choices():
            m = c.info
            if m.id == chosen:
                lines.append(f"{m.size_mb} MB on disk · {_speed_text(c)}. {m.tradeoff}")
        if not lines:
            lines.append(
                "Downloaded by faster-whisper on first use (needs internet once), then "
                "kept on this computer."
            )
        for c in self._choices():
            if not c.info.installed:
                lines.append(f"{c.info.label}: {c.info.install_hint}")
        self.model_info.setText("\n".join(lines))

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


def _speed_text(c: ModelChoice) -> str:
    if c.rtf is not None:
        return f"1 min of speech takes about {c.rtf * 60:.0f} s here"
    if c.measuring:
        return "measuring its speed on this computer…"
    if not c.info.installed:
        return "not installed"
    return "speed here not measured yet (measured in the background after your first take)"
