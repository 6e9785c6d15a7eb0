"""Suite-wide: no test leaves windows behind for the next one.

Widgets a test builds without `qtbot.addWidget` (main windows, their dialogs and menus) used to
outlive it: a few hundred per main-window test, 7 000 after forty UI tests. Every theme change
(`apply_theme`) re-polishes every live widget, so by the end of the suite one theme change took
minutes and a CI run hit its time limit. After each test that ran Qt, every parentless widget
made during the test is closed and deleted, and the deletions are carried out at once.
"""

from __future__ import annotations

import sys

import pytest


def _widgets_app():
    if "PySide6.QtWidgets" not in sys.modules:
        return None
    from PySide6.QtWidgets import QApplication

    return QApplication.instance()


@pytest.fixture(autouse=True)
def _delete_leftover_windows():
    app = _widgets_app()
    before = {id(w) for w in app.topLevelWidgets()} if app is not None else set()
    yield
    app = _widgets_app()
    if app is None:
        return
    from PySide6.QtCore import QCoreApplication, QEvent

    for w in app.topLevelWidgets():
        if id(w) in before or w.parent() is not None:
            continue
        w.close()
        w.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
