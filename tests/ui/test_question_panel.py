"""QuestionPanel: pickers filled from the packs, choices reported, TTS notice, hints."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QComboBox, QLabel, QPushButton

from voicecoach.packs import load_packs
from voicecoach.ui.question_panel import QuestionPanel


@pytest.fixture(scope="module")
def packs():
    return load_packs()


@pytest.fixture
def panel(qtbot, themed, packs):
    p = QuestionPanel()
    qtbot.addWidget(p)
    p.set_packs(packs)
    p.show()
    return p


def test_pack_and_topic_filter_the_questions(panel, packs):
    """Choosing a pack and topic lists exactly that pack's questions on that topic."""
    pack = next(iter(packs.packs))
    topic = packs.topics(pack)[0]
    combo = panel.findChild(QComboBox, "packCombo")
    combo.setCurrentIndex(combo.findData(pack))
    tc = panel.findChild(QComboBox, "topicCombo")
    tc.setCurrentIndex(tc.findData(topic))
    qc = panel.findChild(QComboBox, "questionCombo")
    listed = [qc.itemData(i) for i in range(1, qc.count())]
    assert listed == [q.id for q in packs.questions(pack, topic)]


def test_choosing_a_question_emits_its_id(qtbot, panel, packs):
    """Picking a question in the list reports its id (the session then shows it)."""
    qc = panel.findChild(QComboBox, "questionCombo")
    with qtbot.waitSignal(panel.questionChosen, timeout=1000) as sig:
        qc.setCurrentIndex(2)
    assert sig.args == [qc.itemData(2)]


def test_set_question_shows_prompt_and_hints(panel, packs):
    """The prompt is shown large and the key points are in the hints."""
    q = next(q for q in packs.questions() if q.key_points)
    panel.set_question(q)
    assert panel.findChild(QLabel, "questionPrompt").text() == q.prompt
    assert q.key_points[0].split()[0] in panel.findChild(QLabel, "questionHints").text()


def test_tts_unavailable_notice(panel):
    """Without text-to-speech, a one-line notice replaces the Read again button."""
    panel.set_tts_available(False, "No speaker found.")
    assert panel.findChild(QLabel, "ttsNotice").isVisible()
    assert panel.findChild(QLabel, "ttsNotice").text() == "No speaker found."
    assert not panel.findChild(QPushButton, "readAgainButton").isVisible()


def test_surprise_passes_the_current_filter(qtbot, panel, packs):
    """'Surprise me' asks for a random question within the chosen pack."""
    pack = next(iter(packs.packs))
    combo = panel.findChild(QComboBox, "packCombo")
    combo.setCurrentIndex(combo.findData(pack))
    with qtbot.waitSignal(panel.surpriseRequested, timeout=1000) as sig:
        panel.findChild(QPushButton, "surpriseButton").click()
    assert sig.args == [pack, ""]


@pytest.mark.parametrize("width", [640, 900, 1100])
def test_a_long_question_wraps_fully_at_a_narrow_width(qtbot, themed, packs, width):
    """Protects: a two-line question kept its second line under the heading (the tester saw
    "...How did you handle it?" cut off). Laid out as on the Practice page: the panel above an
    expanding hints box, in a window narrower than the panel's pickers would like."""
    from dataclasses import replace

    from PySide6.QtWidgets import QVBoxLayout, QWidget

    window = QWidget()  # no layout: the page gets the window's width, as in the main window
    qtbot.addWidget(window)
    page = QWidget(window)
    lay = QVBoxLayout(page)
    panel = QuestionPanel()
    panel.set_packs(packs)
    lay.addWidget(panel)
    lay.addWidget(panel.hints_box, 10)
    q = packs.questions()[0]
    panel.set_question(replace(q, prompt=" ".join([q.prompt] * 3)))
    window.resize(width, 800)
    page.setGeometry(0, 0, width, 800)
    window.show()
    qtbot.waitExposed(window)
    qtbot.wait(20)
    label = panel.prompt
    one_line = label.fontMetrics().height()
    need = label.heightForWidth(label.width())
    assert need >= 2 * one_line  # the question really wraps at this width
    assert label.height() >= need
    assert label.geometry().bottom() <= panel.contentsRect().bottom()


def _shown_whole(combo) -> bool:
    """Whether the combo's current text fits its edit field (the style elides what does not)."""
    from PySide6.QtGui import QFontMetrics
    from PySide6.QtWidgets import QStyle, QStyleOptionComboBox

    opt = QStyleOptionComboBox()
    combo.initStyleOption(opt)
    field = combo.style().subControlRect(
        QStyle.ComplexControl.CC_ComboBox, opt, QStyle.SubControl.SC_ComboBoxEditField, combo
    )
    return QFontMetrics(combo.font()).horizontalAdvance(combo.currentText()) <= field.width()


@pytest.mark.parametrize("size", [(960, 640), (1280, 800), (1400, 900)])
def test_every_pack_and_topic_is_shown_whole(qtbot, themed, packs, size):
    """The pack box showed "Senior engineer:" of "Senior engineer: core behavioural" (and the
    topic "Communicating with"): at the window's minimum, default and a larger size, every
    shipped pack title and topic fits its box."""
    from voicecoach.ui.main_window import MainWindow

    window = MainWindow()
    qtbot.addWidget(window)
    window.question_panel.set_packs(packs)
    window.resize(*size)
    window.show()
    qtbot.waitExposed(window)
    qp = window.question_panel
    assert window.width() == max(size[0], window.minimumWidth())
    for i in range(qp.pack.count()):
        qp.pack.setCurrentIndex(i)
        assert _shown_whole(qp.pack), (size, qp.pack.currentText())
    qp.pack.setCurrentIndex(0)  # all packs: every topic
    for i in range(qp.topic.count()):
        qp.topic.setCurrentIndex(i)
        assert _shown_whole(qp.topic), (size, qp.topic.currentText())
