"""MainWindow keyboard: menu shortcuts, Space per page, focus on page change, runtime theme."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QAbstractButton, QApplication, QLineEdit

from voicecoach.ui.main_window import MainWindow
from voicecoach.ui.style import apply_theme, current_theme


@pytest.fixture
def window(qtbot, themed, report, question):
    w = MainWindow()
    qtbot.addWidget(w)
    w.resize(1100, 760)
    w.question_panel.set_question(question)
    w.review.set_report(report, question, "Take 1")
    w.review.playback.set_position(10.0)
    w.show()
    w.activateWindow()
    qtbot.waitActive(w)
    yield w
    apply_theme(themed, "light")


def _press(qtbot, window, key, mod=Qt.KeyboardModifier.NoModifier):
    target = QApplication.focusWidget() or window
    qtbot.keyClick(target, key, mod)


def test_ctrl_digits_switch_pages(qtbot, window):
    """Ctrl+1/2/3 (View menu) show Practice, Review and History."""
    for key, page in (
        (Qt.Key.Key_2, "review"),
        (Qt.Key.Key_3, "history"),
        (Qt.Key.Key_1, "practice"),
    ):
        _press(qtbot, window, key, Qt.KeyboardModifier.ControlModifier)
        assert window.current_page() == page
        assert window.page_actions[page].isChecked()


def test_page_change_moves_focus_into_the_page(qtbot, window):
    """After a page change the keyboard focus is on that page, not left on a hidden one."""
    window.record_panel.button.setFocus()
    window.show_page("history")
    qtbot.waitUntil(lambda: window.history.isAncestorOf(QApplication.focusWidget()), timeout=1000)
    window.show_page("review")
    qtbot.waitUntil(lambda: window.review.timeline.hasFocus(), timeout=1000)
    window.show_page("practice")
    qtbot.waitUntil(lambda: window.record_panel.button.hasFocus(), timeout=1000)


def test_space_records_on_practice(qtbot, window):
    """On a fresh window focus starts on Record, and Space asks to record."""
    window.show_page("practice")
    assert window.record_panel.button.hasFocus()
    with qtbot.waitSignal(window.record_panel.recordClicked, timeout=1000):
        _press(qtbot, window, Qt.Key.Key_Space)


def test_space_stops_a_recording_with_read_again_focused(qtbot, window):
    """The newcomer's round: a question picked with the mouse, Space records; recording disables
    the drop-downs and Qt moves the focus on to "Read again"; Space must stop the recording, not
    press that button (it read the question again and the recording ran on)."""
    window.show_page("practice")
    qp, rp = window.question_panel, window.record_panel
    qp.question.setFocus()
    qtbot.waitUntil(qp.question.hasFocus, timeout=1000)
    with qtbot.waitSignal(rp.recordClicked, timeout=1000):
        _press(qtbot, window, Qt.Key.Key_Space)
    rp.set_state("recording")
    qp.set_busy(True)  # what the session does as the recording starts
    qp.read_again.setFocus()  # where the focus lands once the combo is disabled
    qtbot.waitUntil(qp.read_again.hasFocus, timeout=1000)
    read: list[bool] = []
    qp.readAgainRequested.connect(lambda: read.append(True))
    with qtbot.waitSignal(rp.stopClicked, timeout=1000):
        _press(qtbot, window, Qt.Key.Key_Space)
    assert read == []


@pytest.mark.parametrize("name", ["surpriseButton", "hintsToggle", "readAgainButton"])
def test_space_records_from_any_focused_button_and_enter_presses_it(qtbot, window, name):
    """On Practice, Space is Record wherever the focus is; Enter presses the focused button."""
    window.show_page("practice")
    qp = window.question_panel
    button = qp.findChild(QAbstractButton, name)
    button.setFocus()
    qtbot.waitUntil(button.hasFocus, timeout=1000)
    pressed: list[bool] = []
    button.clicked.connect(lambda *_: pressed.append(True))
    with qtbot.waitSignal(window.record_panel.recordClicked, timeout=1000):
        _press(qtbot, window, Qt.Key.Key_Space)
    assert pressed == []
    recorded: list[bool] = []
    window.record_panel.recordClicked.connect(lambda: recorded.append(True))
    _press(qtbot, window, Qt.Key.Key_Return)
    assert pressed == [True] and recorded == []


def test_space_types_in_a_text_field_on_practice(qtbot, window):
    """A field that types text keeps Space: it types a space and nothing records."""
    window.show_page("practice")
    field = QLineEdit(window.question_panel)
    field.show()
    field.setFocus()
    qtbot.waitUntil(field.hasFocus, timeout=1000)
    recorded: list[bool] = []
    window.record_panel.recordClicked.connect(lambda: recorded.append(True))
    qtbot.keyClicks(field, "a b")
    assert field.text() == "a b" and recorded == []


def test_space_on_a_focused_button_off_practice_presses_that_button(qtbot, window):
    """Off the Practice page a focused button keeps Space: "Try again" is pressed on Review,
    the answer does not start playing."""
    window.show_page("review")
    retry = window.review.retry
    retry.setFocus()
    qtbot.waitUntil(retry.hasFocus, timeout=1000)
    played: list[bool] = []
    window.review.playback.playPauseClicked.connect(lambda: played.append(True))
    with qtbot.waitSignal(window.review.retryRequested, timeout=1000):
        qtbot.keyClick(retry, Qt.Key.Key_Space)
    assert played == []


def test_space_plays_and_pauses_on_review(qtbot, window):
    """On Review, Space is play/pause, also with the timeline focused (Enter plays a section)."""
    window.show_page("review")
    tl = window.review.timeline
    for focus in (window.review.transcript, tl):
        focus.setFocus()
        qtbot.waitUntil(focus.hasFocus, timeout=1000)
        with qtbot.waitSignal(window.review.playback.playPauseClicked, timeout=1000):
            _press(qtbot, window, Qt.Key.Key_Space)
    with qtbot.waitSignal(tl.sectionClicked, timeout=1000) as sig:
        _press(qtbot, window, Qt.Key.Key_Return)
    assert sig.args == ["situation"]


def test_space_on_the_question_list_still_records(qtbot, window):
    """After picking a question from the drop-down, Space records (the list opens with F4)."""
    window.show_page("practice")
    combo = window.question_panel.question
    combo.setFocus()
    qtbot.waitUntil(combo.hasFocus, timeout=1000)
    with qtbot.waitSignal(window.record_panel.recordClicked, timeout=1000):
        _press(qtbot, window, Qt.Key.Key_Space)


def test_playback_menu_shortcuts(qtbot, window):
    """Ctrl+P plays/pauses, Ctrl+Right/Left seek 5 s, Ctrl+Home goes to the start."""
    window.show_page("review")
    pb = window.review.playback
    with qtbot.waitSignal(pb.playPauseClicked, timeout=1000):
        _press(qtbot, window, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    with qtbot.waitSignal(pb.seekRequested, timeout=1000) as sig:
        _press(qtbot, window, Qt.Key.Key_Right, Qt.KeyboardModifier.ControlModifier)
    assert sig.args == [pytest.approx(15.0)]
    with qtbot.waitSignal(pb.seekRequested, timeout=1000) as sig:
        _press(qtbot, window, Qt.Key.Key_Left, Qt.KeyboardModifier.ControlModifier)
    assert sig.args == [pytest.approx(5.0)]
    with qtbot.waitSignal(pb.seekRequested, timeout=1000) as sig:
        _press(qtbot, window, Qt.Key.Key_Home, Qt.KeyboardModifier.ControlModifier)
    assert sig.args == [0.0]


def test_playback_shortcuts_do_nothing_off_the_review_page(qtbot, window):
    """Ctrl+P on Practice does not start the review's audio behind the user's back."""
    window.show_page("practice")
    asked: list[bool] = []
    window.review.playback.playPauseClicked.connect(lambda: asked.append(True))
    _press(qtbot, window, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    assert asked == []


def test_practice_menu_shortcuts(qtbot, window):
    """Ctrl+R reads again, Ctrl+N asks for a new question, Ctrl+T tries the question again."""
    qp = window.question_panel
    with qtbot.waitSignal(qp.readAgainRequested, timeout=1000):
        _press(qtbot, window, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    with qtbot.waitSignal(qp.surpriseRequested, timeout=1000):
        _press(qtbot, window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    with qtbot.waitSignal(window.review.retryRequested, timeout=1000):
        _press(qtbot, window, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier)


def test_menus_have_accelerators(window):
    """Every top-level menu title has an Alt accelerator."""
    titles = [a.text() for a in window.menuBar().actions()]
    assert titles and all("&" in t for t in titles)


def test_theme_change_recolours_icons_at_run_time(qtbot, window, themed):
    """After switching to dark, button icons are redrawn in the dark theme's text colour."""
    button = window.question_panel.read_again

    def icon_color() -> QColor:
        img = button.icon().pixmap(18, 18).toImage()
        px = [
            img.pixelColor(x, y)
            for x in range(img.width())
            for y in range(img.height())
            if img.pixelColor(x, y).alpha() > 200
        ]
        return px[len(px) // 2]

    light = icon_color()
    apply_theme(themed, "dark")
    window.refresh_icons()
    dark = icon_color()
    assert current_theme().dark
    assert dark.lightness() > 150 > light.lightness()


def test_a_notice_goes_when_another_page_is_shown(qtbot, window):
    """ "Exported to …" stayed over every page after it, pushing each one down: a notice of what
    just happened goes with its page; an error stays until it is closed."""
    window.show_page("review")
    top = window.pages.mapTo(window, window.pages.rect().topLeft()).y()
    window.show_notice("Exported to /tmp/answer.html.")
    qtbot.waitUntil(lambda: window.pages.mapTo(window, window.pages.rect().topLeft()).y() > top)
    window.show_page("history")
    assert window.status_banner.isHidden()
    qtbot.waitUntil(lambda: window.pages.mapTo(window, window.pages.rect().topLeft()).y() == top)
    window.show_error("No microphone found.")
    window.show_page("practice")
    assert not window.status_banner.isHidden()
    assert window.status_banner.text() == "No microphone found."


def test_a_notice_closes_itself_and_a_warning_does_not(qtbot, window, monkeypatch):
    """A notice closes itself after a while (and the banner's room with it); a warning stays."""
    from voicecoach.ui import main_window

    monkeypatch.setattr(main_window, "NOTICE_MS", 50)
    window.show_notice("Analysis cancelled. The recording is kept in History.")
    assert not window.status_banner.isHidden()
    qtbot.waitUntil(window.status_banner.isHidden, timeout=2000)
    assert window._banner_box.isHidden()
    window.show_notice("The natural voice failed; the standard voice reads instead.", "warn")
    qtbot.wait(200)
    assert not window.status_banner.isHidden()
