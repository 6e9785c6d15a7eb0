"""DeviceWatch: tells when sound devices may have been plugged in or out.

PortAudio lists devices once, so the session has to be told when to look again. On Linux a
sound card appearing or going (USB microphone, headset) adds or removes nodes in /dev/snd;
a burst of such changes is reported once, after it settles. Coming back to the window is
reported too (the user may have plugged something in meanwhile, or changed it in the system's
sound settings, which /dev/snd does not show).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QFileSystemWatcher, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication

SETTLE_MS = 800  # a card brings several nodes; report once they are all there
SOUND_NODES = Path("/dev/snd")


class DeviceWatch(QObject):
    changed = Signal()

    def __init__(self, parent: QObject | None = None, nodes: Path = SOUND_NODES) -> None:
        super().__init__(parent)
        self._settle = QTimer(self)
        self._settle.setSingleShot(True)
        self._settle.setInterval(SETTLE_MS)
        self._settle.timeout.connect(self.changed)
        self._watcher = QFileSystemWatcher(self)
        if nodes.is_dir():
            self._watcher.addPath(str(nodes))
        self._watcher.directoryChanged.connect(lambda _p: self._settle.start())
        app = QGuiApplication.instance()
        if app is not None:
            app.applicationStateChanged.connect(self._on_app_state)

    def _on_app_state(self, state: Qt.ApplicationState) -> None:
        if state == Qt.ApplicationState.ApplicationActive:
            self._settle.start()
