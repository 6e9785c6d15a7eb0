"""Banner: a one-line, non-modal message at the top of the window, with optional actions.

Used for errors ("No microphone found …"), notices (reading aloud unavailable) and the offer to
analyse takes a crash left unfinished. Closing it only hides it. A message given a timeout (a
notice that only reports what just happened, like "Exported to …") closes itself after it.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QToolButton, QWidget


class Banner(QFrame):
    closed = Signal()

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.setProperty("banner", "info")
        lay = QHBoxLayout(self)
        lay.setContentsMargins(14, 8, 8, 8)
        lay.setSpacing(8)
        self.label = QLabel("")
        self.label.setObjectName(name + "Text")
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        lay.addWidget(self.label, 1)
        self._actions = QHBoxLayout()
        self._actions.setSpacing(6)
        lay.addLayout(self._actions)
        close = QToolButton()
        close.setObjectName(name + "Close")
        close.setText("✕")
        close.setToolTip("Dismiss")
        close.setAccessibleName("Dismiss")
        close.clicked.connect(self.dismiss)
        lay.addWidget(close)
        self._timeout = QTimer(self)
        self._timeout.setSingleShot(True)
        self._timeout.timeout.connect(self.dismiss)
        self.hide()

    def show_message(
        self,
        text: str,
        kind: str = "info",
        actions: list[tuple[str, Callable[[], None]]] | None = None,
        timeout_ms: int = 0,
    ) -> None:
        """kind: info | warn | error. Each action is (button text, callback). With
        `timeout_ms` the message closes itself that long after it is shown (0: it stays)."""
        self.setProperty("banner", kind)
        for w in (self, self.label):  # the label's colour depends on the banner kind too
            w.style().unpolish(w)
            w.style().polish(w)
        self.label.setText(text)
        while self._actions.count():
            w = self._actions.takeAt(0).widget()
            if w is not None:
                w.deleteLater()
        for label, fn in actions or []:
            b = QPushButton(label)
            b.setObjectName(self.objectName() + "Action")
            b.clicked.connect(fn)
            self._actions.addWidget(b)
        self._timeout.stop()
        if timeout_ms > 0:
            self._timeout.start(timeout_ms)
        self.show()

    def text(self) -> str:
        return self.label.text()

    def kind(self) -> str:
        return str(self.property("banner"))

    def closes_itself(self) -> bool:
        """Whether the message shown will close on its own (it was given a timeout)."""
        return self._timeout.isActive()

    def dismiss(self) -> None:
        self._timeout.stop()
        self.hide()
        self.closed.emit()
