"""TranscriptView: section tints, filler marks, tooltips, clicks and the playback highlight."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont

from voicecoach.ui.style import current_theme, section_tint
from voicecoach.ui.transcript_view import TranscriptView


@pytest.fixture
def view(qtbot, themed, report):
    w = TranscriptView()
    qtbot.addWidget(w)
    w.resize(700, 500)
    w.set_report(report)
    w.show()
    qtbot.waitExposed(w)
    return w


def _first_word_of(report, section):
    return next(i for i, s in enumerate(report.word_sections) if s == section)


def test_words_are_tinted_by_section(view, report):
    """A word sits on its own section's tint; sections get different tints."""
    base = current_theme().color("surface")
    i_sit = _first_word_of(report, "situation")
    i_act = _first_word_of(report, "action")
    assert view.word_background(i_sit) == section_tint("situation", base, 0.12)
    assert view.word_background(i_act) == section_tint("action", base, 0.12)
    assert view.word_background(i_sit) != view.word_background(i_act)


def test_section_labels_and_voiced_pause_marker(view):
    """Each section run starts with its label, and the dropped 'hmm' shows as a marker."""
    text = view.toPlainText()
    for label in ("Situation", "Task", "Action", "Result"):
        assert label in text
    assert "(hmm?)" in text


def test_fillers_are_marked_and_others_not(view, report):
    """Filler words are bold, underlined and filler-coloured; ordinary words are not."""
    filler = next(f for f in report.fillers if f.text == "like")
    fmt = view.word_format(filler.word_index)
    assert fmt.fontUnderline()
    assert fmt.fontWeight() == QFont.Weight.Bold
    assert fmt.foreground().color() == current_theme().color("filler")
    plain = view.word_format(filler.word_index + 2)
    assert not plain.fontUnderline()


def test_filler_and_sentence_tooltips(view, report):
    """A filler says which it is and its rank; other words give the section reason."""
    k, f = next((k, f) for k, f in enumerate(report.fillers, 1) if f.text == "like")
    assert f"filler: “like” — {k} of {len(report.fillers)}" in view.word_tooltip(f.word_index)
    s = next(s for s in report.sentences if s.section == "task")
    assert "my job was" in view.word_tooltip(s.first_word + 1)


def test_click_word_emits_index_and_start(qtbot, view, report):
    """Clicking a word asks to play from exactly that word's start time."""
    i = 40
    view.verticalScrollBar().setValue(0)
    pos = view.word_center(i)
    with qtbot.waitSignal(view.wordClicked, timeout=1000) as sig:
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    assert sig.args == [i, report.transcript.words[i].start_s]


def test_highlight_follows_time_and_scrolls(view, report):
    """During playback the spoken word is highlighted and scrolled into view."""
    last = len(report.transcript.words) - 1
    view.highlight_time(report.transcript.words[last].start_s + 0.01)
    assert view.current_word() == last
    assert len(view.extraSelections()) == 1
    assert view.verticalScrollBar().value() > 0
    view.highlight_word(None)
    assert view.extraSelections() == []


def _with_missed_stretch(report):
    """The sample with 3 s more silence after word 253, holding four wordless sounds."""
    from dataclasses import replace

    from voicecoach.domain import Filler, Pause

    words = tuple(
        replace(w, start_s=w.start_s + 3.0, end_s=w.end_s + 3.0) if i > 253 else w
        for i, w in enumerate(report.transcript.words)
    )
    t0 = words[253].end_s
    sounds = tuple(
        Filler("(voiced pause)", "unlabelled", t0 + 0.4 + k * 1.1, t0 + 0.8 + k * 1.1, None)
        for k in range(4)
    )
    pauses = tuple(p for p in report.pauses if p.after_word != 253) + (
        Pause(t0, words[254].start_s, 253),
    )
    return replace(
        report,
        transcript=replace(report.transcript, words=words),
        fillers=tuple(sorted(report.fillers + sounds, key=lambda f: f.start_s)),
        pauses=pauses,
    )


def test_missed_stretch_is_one_calm_unclear_marker(qtbot, themed, report):
    """Many wordless sounds in one long gap show as one muted '(unclear · n s)', not '(hmm? ×4)'."""
    v = TranscriptView()
    qtbot.addWidget(v)
    v.set_report(_with_missed_stretch(report))
    text = v.toPlainText()
    assert "(unclear · 4.6 s)" in text
    assert "×4" not in text and "· 4.6 s ·" not in text  # one marker, not a pause and a hmm
    assert "(hmm?)" in text  # the sample's lone hmm elsewhere keeps its own marker
    c = v.document().find("(unclear")
    c.setPosition(c.selectionStart() + 2)
    fmt = c.charFormat()
    assert fmt.foreground().color() == current_theme().color("muted")
    assert "4 sounds" in fmt.toolTip() and "missed" in fmt.toolTip()


def test_pieces_whisper_splits_off_are_shown_joined(qtbot, themed):
    """'mid -sized' and '1 .8 %' read as said, and each piece still plays from its own time."""
    from voicecoach.analysis import analyze
    from voicecoach.domain import Transcript, Word

    texts = ["We", "had", "a", "mid", "-sized", "team", "and", "cut", "it", "to", "1", ".8", "%."]
    words = tuple(Word(t, 0.5 + 0.3 * i, 0.75 + 0.3 * i) for i, t in enumerate(texts))
    w = TranscriptView()
    qtbot.addWidget(w)
    w.set_report(analyze(Transcript(words, 5.0)))
    shown = w.toPlainText()
    assert "a mid-sized team" in shown and "to 1.8%." in shown
    assert "mid -sized" not in shown
