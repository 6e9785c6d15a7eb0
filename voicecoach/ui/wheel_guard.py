"""Keep the mouse wheel for scrolling on pages that scroll.

A combo or spin box inside a scroll area takes every wheel turn that passes over it and changes
its value, so the page stops scrolling under the pointer and a choice changes by accident. Once
guarded, such a box takes focus only by a click or Tab (Qt.StrongFocus) and hands wheel turns
to the page unless it has the focus.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QAbstractScrollArea, QApplication, QWidget


def _scroll_area(w: QWidget) -> QAbstractScrollArea | None:
    p = w.parentWidget()
    while p is not None and not isinstance(p, QAbstractScrollArea):
        p = p.parentWidget()
    return p


class _WheelGuard(QObject):
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if event.type() != QEvent.Type.Wheel or not isinstance(watched, QWidget):
            return False
        if watched.hasFocus():
            return False
        area = _scroll_area(watched)
        if area is None:
            event.ignore()  # let Qt pass it to the parent
            return True
        # Handed on explicitly: Qt does not pass a wheel event up to the parent unless it
        # came from the window system, and the page should scroll either way.
        viewport = area.viewport()
        pos = QPointF(viewport.mapFromGlobal(event.globalPosition().toPoint()))
        forwarded = QWheelEvent(
            pos,
            event.globalPosition(),
            event.pixelDelta(),
            event.angleDelta(),
            event.buttons(),
            event.modifiers(),
            event.phase(),
            event.inverted(),
            event.source(),
        )
        QApplication.sendEvent(viewport, forwarded)
        event.accept()
        return True


def guard_wheel(*widgets: QWidget) -> None:
    """Let the wheel scroll the page over `widgets` unless one of them has the focus."""
    for w in widgets:
        w.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        guard = _WheelGuard(w)  # parented to the widget: lives and dies with it
        w.installEventFilter(guard)
