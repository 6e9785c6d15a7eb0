"""Guards the PySide6 pin: some builds drop a reference to None on every void call."""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QLabel


def test_void_qt_calls_do_not_leak_none(qtbot):
    """PySide6 6.12.0 on CPython 3.11 leaks None refs and aborts the app; the pin avoids it."""
    label = QLabel()
    qtbot.addWidget(label)
    before = sys.getrefcount(None)
    for _ in range(2000):
        label.setText("x")
    assert before - sys.getrefcount(None) < 100
