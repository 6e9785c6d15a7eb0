"""SettingsDialog: microphone, reading voice and speed, speech model, live cues, theme.

The reading-voice list comes from `speech.voices.voice_menu`: the natural (neural) voice when
the `voices` extra is installed, then English voices by region, then other languages, each group
under a heading. Preview reads a sample sentence in the chosen voice through a
`speech.voices_preview.VoicePreviewer` (its own thread; pressing again stops it). Without the
extra, the line under the list says how to install the natural voice.

The speech model list comes from `app.model_choices.ModelChoices`: the offline models with
size, speed measured here and a trade-off, the ones not installed with how to install them,
then the downloadable faster-whisper names.

Takes the current Settings and the choices the session found (device names, voices); returns a
new Settings from `result_settings()`. Saving and applying are the session's job.
"""

from __future__ import annotations

import queue
import re
from dataclasses import replace
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QFont, QIcon, QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from voicecoach.app.model_choices import CPU_VS_TINY, ModelChoice, ModelChoices
from voicecoach.settings import Settings
from voicecoach.speech.models import TINY, known_models
from voicecoach.speech.voices import (
    GROUP_TITLES,
    NEURAL_INSTALL,
    is_neural,
    neural_voices,
    voice_label,
    voice_menu,
)
from voicecoach.ui.style import keep_check_edges, set_role

# faster-whisper names, downloaded once on first use (need internet); offered after the offline
# models that `ModelChoices` lists.
ONLINE_MODELS = (
    ("base.en", "Whisper base.en — downloads once (needs internet)"),
    ("small.en", "Whisper small.en — downloads once, slower"),
)
THEMES = (("system", "Follow the system"), ("light", "Light"), ("dark", "Dark"))


_PIP_EXTRA = re.compile(r"pip install '(voicecoach\[(\w+)\])'")


def with_clone_command(text: str) -> str:
    """An install hint names the installed package; someone running VoiceCoach from a clone
    needs the extra installed into the checkout instead: give both, the second on its own line
    (a path wrapped at a slash is hard to copy)."""
    return _PIP_EXTRA.sub(
        lambda m: (
            f"pip install '{m.group(1)}'\nFrom a clone: .venv/bin/pip install -e '.[{m.group(2)}]'"
        ),
        text,
    )


class SettingsDialog(QDialog):
    """`natural_voices`: the installed neural voices (None: look them up); `preview`: a
    `VoicePreviewer` to share (None: the dialog makes one on the first Preview and closes it)."""

    # How often the GUI thread looks for a finished preview (see `_PreviewMailbox`).
    PREVIEW_POLL_MS = 40

    def __init__(
        self,
        settings: Settings,
        input_devices: list[str],
        voices: list[tuple[str, str]],
        parent: QWidget | None = None,
        models: ModelChoices | None = None,
        natural_voices: list[tuple[str, str]] | None = None,
        preview: Any | None = None,  # voicecoach.speech.voices_preview.VoicePreviewer
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
        self.voice.setMaxVisibleItems(16)
        natural = neural_voices() if natural_voices is None else list(natural_voices)
        self._fill_voices(voices, natural, settings.tts.voice)
        self.preview_button = QPushButton("Preview")
        self.preview_button.setObjectName("ttsPreview")
        self.preview_button.setToolTip("Read a sample question in this voice")
        self.preview_button.clicked.connect(self._toggle_preview)
        voice_row = QHBoxLayout()
        voice_row.setSpacing(8)
        voice_row.addWidget(self.voice, 1)
        voice_row.addWidget(self.preview_button)
        form.addRow("Reading voice", voice_row)
        self.voice_info = QLabel()
        self.voice_info.setObjectName("voiceInfo")
        self.voice_info.setWordWrap(True)
        self.voice_info.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        set_role(self.voice_info, "muted")
        form.addRow("", self.voice_info)
        self._natural_installed = bool(natural)
        self._preview = preview
        self._owns_preview = False
        self._previewing = False
        self._closed = False
        self._mailbox = _PreviewMailbox()
        self._preview_poll = QTimer(self)
        self._preview_poll.setInterval(self.PREVIEW_POLL_MS)
        self._preview_poll.timeout.connect(self._collect_preview_results)
        self.voice.currentIndexChanged.connect(self._voice_changed)
        self._show_voice_info()

        self.rate = QSpinBox()
        self.rate.setObjectName("ttsRate")
        self.rate.setRange(100, 260)
        self.rate.setSingleStep(10)
        self.rate.setSuffix(" words/min")
        self.rate.setValue(settings.tts.rate_wpm)
        self.rate.valueChanged.connect(self._stop_preview)
        form.addRow("Reading speed", self.rate)

        self.read_aloud = QCheckBox("Read each question aloud")
        self.read_aloud.setObjectName("ttsEnabled")
        self.read_aloud.setChecked(settings.tts.enabled)
        form.addRow("", self.read_aloud)
        keep_check_edges(self.read_aloud)

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
        keep_check_edges(self.cues)

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

    # --- reading voice -----------------------------------------------------------------------

    def _fill_voices(
        self, voices: list[tuple[str, str]], natural: list[tuple[str, str]], current: str | None
    ) -> None:
        self.voice.addItem("System default voice", None)
        group = None
        heading = QFont(self.voice.font())
        heading.setBold(True)
        for entry in voice_menu(voices, natural):
            if entry.group != group:
                group = entry.group
                self.voice.insertSeparator(self.voice.count())
                self.voice.addItem(GROUP_TITLES[group], "")
                item = self.voice.model().item(self.voice.count() - 1)
                item.setEnabled(False)  # a heading, not a choice
                item.setFont(heading)
            self.voice.addItem(entry.label, entry.id)
        if current and self.voice.findData(current) < 0:
            # chosen earlier, not here now (the extra removed, another computer): keep it shown
            self.voice.addItem(f"{voice_label(current, current)} (not available here)", current)
        self.voice.setCurrentIndex(max(0, self.voice.findData(current)))

    def _voice_changed(self, *_args: object) -> None:
        self._stop_preview()
        self._show_voice_info()

    def _show_voice_info(self, note: str = "") -> None:
        chosen = self.voice.currentData()
        lines = [note] if note else []
        if is_neural(chosen):
            if self._natural_installed:
                lines.append(
                    "A neural voice that runs on this computer; it takes a moment to load the "
                    "first time. If it fails, the standard voice reads instead."
                )
            else:
                lines.append(
                    "The natural voice is not installed. To add it: "
                    + with_clone_command(NEURAL_INSTALL)
                )
        elif not self._natural_installed:
            lines.append(
                "A more natural-sounding voice (Joe, US English) can be added: "
                + with_clone_command(NEURAL_INSTALL)
            )
        self.voice_info.setText("\n".join(lines))
        self.voice_info.setVisible(bool(lines))
        self._fit_height()

    def _toggle_preview(self) -> None:
        if self._previewing:
            self._stop_preview()
            return
        if self._preview is None:
            from voicecoach.speech.voices_preview import VoicePreviewer

            self._preview = VoicePreviewer()
            self._owns_preview = True
        self._previewing = True
        self._closed = False
        self.preview_button.setText("Stop")
        self._show_voice_info()
        # returns at once: the preview thread builds the speaker and reads the sample
        self._mailbox = _PreviewMailbox()  # one per preview: a stopped one's result is dropped
        self._preview_poll.start()
        self._preview.start(self.voice.currentData(), self.rate.value(), self._mailbox)

    def _collect_preview_results(self) -> None:
        for completed, note in self._mailbox.take():
            if not self._closed:
                self._preview_finished(completed, note)
        if not self._previewing:
            self._preview_poll.stop()

    def _stop_preview(self, *_args: object) -> None:
        if self._previewing and self._preview is not None:
            self._preview.stop()
        self._set_previewing(False)

    def _set_previewing(self, on: bool) -> None:
        self._previewing = on
        self.preview_button.setText("Stop" if on else "Preview")

    def _preview_finished(self, completed: bool, note: str) -> None:
        self._set_previewing(False)
        if note:
            self._show_voice_info(note)

    def done(self, result: int) -> None:
        """Closing the dialog (OK, Cancel, Escape) ends a preview."""
        self._stop_preview()
        self._closed = True
        self._preview_poll.stop()
        if self._owns_preview and self._preview is not None:
            self._preview.close()
            self._preview = None
        super().done(result)

    # --- speech model --------------------------------------------------------------------------

    def _choices(self) -> list[ModelChoice]:
        if self._models is not None:
            return self._models.choices()
        return [ModelChoice(m, None, cpu_vs_tiny=CPU_VS_TINY.get(m.id)) for m in known_models()]

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
        choices = self._choices()
        tiny = next((c for c in choices if c.info.id == TINY), None)
        lines = []
        for c in choices:
            m = c.info
            if m.id == chosen:
                line = f"{m.size_mb} MB on disk · {_speed_text(c, tiny)}. {m.tradeoff}"
                if c.cpu_vs_tiny is not None:
                    line += f" {_cost_text(c.cpu_vs_tiny)}"
                lines.append(line)
        if not lines:
            lines.append(
                "Downloaded by faster-whisper on first use (needs internet once), then "
                "kept on this computer."
            )
        for c in self._choices():
            if not c.info.installed:
                lines.append(f"{c.info.label}: {with_clone_command(c.info.install_hint)}")
        self.model_info.setText("\n".join(lines))
        self._fit_height()

    # --- size ----------------------------------------------------------------------------------

    def _fit_height(self) -> None:
        """Grow the dialog to the height its wrapped notes need at its present width.

        A window does not follow its layout's height-for-width, so a note that gets longer
        while the dialog is open (another voice or model chosen, a preview message) would be cut
        off at the bottom; it is measured again and the dialog made tall enough.
        """
        lay = self.layout()
        if lay is None or not self.isVisible():
            return
        lay.activate()
        need = lay.totalHeightForWidth(self.width())
        if need > self.height():
            self.resize(self.width(), need)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt override)
        super().showEvent(event)
        self._fit_height()

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


def _speed_text(c: ModelChoice, tiny: ModelChoice | None = None) -> str:
    """The speed measured on this computer; beside tiny.en's when both are measured, so that
    the two figures and the cost line can be read against each other."""
    if c.rtf is not None:
        here = f"1 min of speech takes about {c.rtf * 60:.0f} s here"
        if tiny is not None and tiny is not c and tiny.rtf is not None:
            here += f" (tiny.en: about {tiny.rtf * 60:.0f} s)"
        return here
    if c.measuring:
        return "measuring its speed on this computer…"
    if not c.info.installed:
        return "not installed"
    return "speed here not measured yet (measured in the background after your first take)"


def _cost_text(cpu_vs_tiny: float) -> str:
    return f"It uses about {cpu_vs_tiny:.1f} times the CPU of tiny.en (measured on a 106 s answer)."


class _PreviewMailbox:
    """The preview thread's way back: it calls this with (completed, note); the dialog's timer
    takes the results on the GUI thread.

    The preview thread holds only this plain object, never the dialog: a Qt object referenced
    from another thread can be deleted there when that thread drops the last reference, and
    deleting a widget off the GUI thread can hang the application (it hung CI once).
    """

    def __init__(self) -> None:
        self._q: queue.SimpleQueue[tuple[bool, str]] = queue.SimpleQueue()

    def __call__(self, completed: bool, note: str) -> None:
        self._q.put((completed, note))

    def take(self) -> list[tuple[bool, str]]:
        out: list[tuple[bool, str]] = []
        while True:
            try:
                out.append(self._q.get_nowait())
            except queue.Empty:
                return out
