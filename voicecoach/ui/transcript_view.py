"""TranscriptView: the answer as text, tinted by STAR section, fillers marked, words clickable.

Built with QTextCursor (not HTML) so each word's document position is known exactly: clicking a
word emits `wordClicked(index, start_s)`, and `highlight_word(index)` marks the word being
played with an extra selection, which costs nothing to move (no re-layout), so it stays smooth
for long answers. Tooltips: a filler says what it is ("filler: “like” — 2 of 9"), any other word
says why its sentence landed in its section (Sentence.reason).

Voice with no transcribed word (an "hmm" Whisper dropped) shows as "(hmm?)". When several such
sounds fill one long gap, the model has most likely missed a stretch of speech: that gap shows
as one calm, muted "(unclear · 9.7 s)" marker in place of the pause, with a tooltip that says
how many sounds it holds and that they are counted as fillers. Every marker plays its time.
"""

from __future__ import annotations

from PySide6.QtCore import QUrl, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QTextBlockFormat,
    QTextCharFormat,
    QTextCursor,
    QTextFormat,
    QTextFrameFormat,
)
from PySide6.QtWidgets import QTextBrowser, QTextEdit, QWidget

from voicecoach.analysis.text import attaches
from voicecoach.domain import Filler, Pause, Report, Sentence
from voicecoach.report import fmt_time, timed_as_whole
from voicecoach.ui.style import SECTION_LABELS, current_theme, section_color, section_tint

# Several wordless sounds spread over at least this long read as missed speech, not hums.
UNCLEAR_SPAN_S = 3.0


def _esc(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class TranscriptView(QTextBrowser):
    """Read-only transcript; see the module docstring."""

    wordClicked = Signal(int, float)  # word index, its start time (s)
    positionClicked = Signal(float)  # a marker without a word (voiced pause, pause): its time

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("transcriptView")
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.setAccessibleName("Transcript")
        self.document().setUndoRedoEnabled(False)
        self.document().setDocumentMargin(14)
        self.anchorClicked.connect(self._on_anchor)
        self._report: Report | None = None
        self._word_pos: list[tuple[int, int]] = []
        self._tooltips: list[str] = []
        self._current: int | None = None
        self.setPlaceholderText("The transcript appears here after analysis.")

    # --- building ------------------------------------------------------------------------

    def retheme(self) -> None:
        """Rebuild in the current theme's colours, keeping the scroll position."""
        if self._report is None:
            return
        pos, cur = self.verticalScrollBar().value(), self._current
        self.set_report(self._report)
        self.verticalScrollBar().setValue(pos)
        if cur is not None:
            self.highlight_word(cur)

    def set_report(self, report: Report) -> None:
        self._report = report
        self._current = None
        self.setExtraSelections([])
        doc = self.document()
        doc.clear()
        theme = current_theme()
        base = theme.color("surface")
        font = QFont(self.font())
        font.setPointSizeF(max(11.0, self.font().pointSizeF() + 1.5))
        doc.setDefaultFont(font)

        words = report.transcript.words
        filler_of: dict[int, tuple[Filler, int]] = {}
        total_f = len(report.fillers)
        by_text: dict[str, int] = {}
        for f in report.fillers:
            by_text[f.text] = by_text.get(f.text, 0) + 1
        for k, f in enumerate(report.fillers, start=1):
            if f.word_index is not None:
                for i in range(f.word_index, f.word_index + f.n_words):
                    filler_of[i] = (f, k)
        gaps = sorted(
            ((f, k) for k, f in enumerate(report.fillers, start=1) if f.word_index is None),
            key=lambda fk: fk[0].start_s,
        )
        pauses_after = {p.after_word: p for p in report.pauses}
        # an answer timed as a whole (a drill) is one untinted "Answer" block, even when a
        # stored one still names STAR sections on its sentences
        by_section = not timed_as_whole(report)

        sentences = list(report.sentences) or [
            Sentence(0, len(words) - 1, 0.0, report.duration_s, "", None, "")  # type: ignore[arg-type]
        ]
        self._word_pos = [(0, 0)] * len(words)
        self._tooltips = [""] * len(words)
        cur = QTextCursor(doc)
        # One edit block: the document is laid out once at the end, not after every word
        # (0.28 s for a 2-minute answer, most of the time from Stop to the review).
        cur.beginEditBlock()
        plain = QTextCharFormat()
        plain.setForeground(theme.color("text"))
        gap_i = 0
        run_section: object = object()
        frame = None
        for s in sentences:
            section = s.section if s.first_word < len(words) and by_section else None
            if section != run_section or frame is None:
                if frame is not None:
                    cur.setPosition(frame.lastPosition())
                    cur.movePosition(QTextCursor.MoveOperation.NextCharacter)
                self._shrink_block(cur)
                run_section = section
                frame = cur.insertFrame(self._frame_format(section, base))
                self._insert_label(cur, section, s, report, theme)
                bf = QTextBlockFormat()
                bf.setLineHeight(150, QTextBlockFormat.LineHeightTypes.ProportionalHeight.value)
                cur.insertBlock(bf, plain)
            reason = _esc(s.reason) if s.reason and by_section else ""
            tip = (
                f"<b>{SECTION_LABELS.get(section or '', 'Answer')}</b>"
                + (f" — {reason}" if reason else "")
                + "<br><span>Click a word to hear it.</span>"
            )
            for i in range(s.first_word, min(s.last_word, len(words) - 1) + 1):
                n = 0
                while gap_i + n < len(gaps) and gaps[gap_i + n][0].start_s <= words[i].start_s:
                    n += 1
                if n:
                    # several gaps between the same two words read better as one marker
                    self._insert_wordless(cur, gaps[gap_i : gap_i + n], None, total_f, theme)
                    gap_i += n
                w = words[i]
                fmt = QTextCharFormat(plain)
                fmt.setAnchor(True)
                fmt.setAnchorHref(f"w:{i}")
                if i in filler_of:
                    f, k = filler_of[i]
                    fmt.setForeground(theme.color("filler"))
                    fmt.setFontWeight(QFont.Weight.Bold)
                    fmt.setFontUnderline(True)
                    fmt.setUnderlineColor(theme.color("filler"))
                    word_tip = (
                        f"filler: “{_esc(f.text)}” — {k} of {total_f}"
                        f"<br>“{_esc(f.text)}” {by_text[f.text]}× in this answer"
                    )
                else:
                    word_tip = tip
                fmt.setToolTip(word_tip)
                self._tooltips[i] = word_tip
                start = cur.position()
                cur.insertText(w.text, fmt)
                self._word_pos[i] = (start, cur.position())
                if i + 1 >= len(words) or not attaches(words[i + 1].text):  # "mid-sized"
                    sp = QTextCharFormat(plain)
                    sp.setToolTip(tip)
                    cur.insertText(" ", sp)
                if i in pauses_after:
                    # sounds inside this pause belong to it: one marker, not two
                    next_s = words[i + 1].start_s if i + 1 < len(words) else float("inf")
                    n = 0
                    while gap_i + n < len(gaps) and gaps[gap_i + n][0].start_s < next_s:
                        n += 1
                    inside = gaps[gap_i : gap_i + n]
                    gap_i += n
                    self._insert_wordless(cur, inside, pauses_after[i], total_f, theme)
        if gap_i < len(gaps):
            self._insert_wordless(cur, gaps[gap_i:], None, total_f, theme)
        cur.endEditBlock()
        self.verticalScrollBar().setValue(0)

    @staticmethod
    def _shrink_block(cur: QTextCursor) -> None:
        """Make the empty block Qt keeps between two frames (almost) take no room."""
        bf = QTextBlockFormat()
        bf.setLineHeight(1, QTextBlockFormat.LineHeightTypes.FixedHeight.value)
        cur.setBlockFormat(bf)
        tiny = QTextCharFormat()
        tiny.setFontPointSize(1)
        cur.setBlockCharFormat(tiny)

    def _frame_format(self, section: str | None, base: QColor) -> QTextFrameFormat:
        ff = QTextFrameFormat()
        ff.setPadding(12)
        ff.setBottomMargin(10)
        ff.setBorder(0)
        if section:
            ff.setBackground(section_tint(section, base, 0.12))
        return ff

    def _insert_label(self, cur: QTextCursor, section, s: Sentence, report: Report, theme) -> None:
        bf = QTextBlockFormat()
        bf.setBottomMargin(2)
        cur.setBlockFormat(bf)
        lf = QTextCharFormat()
        lf.setFontWeight(QFont.Weight.Bold)
        lf.setFontPointSize(max(8.0, self.font().pointSizeF() - 0.5))
        lf.setFontCapitalization(QFont.Capitalization.AllUppercase)
        lf.setFontLetterSpacing(106)
        if section:
            c = section_color(section)
            # the pure section colours are too light to read as text on a dark page
            lf.setForeground(c.lighter(135) if theme.dark else c.darker(115))
            span = next(
                (x for x in report.sections if x.start_s <= s.start_s + 0.01 <= x.end_s), None
            )
            when = f"   {fmt_time(span.start_s)}–{fmt_time(span.end_s)}" if span else ""
            cur.insertText(SECTION_LABELS[section] + when, lf)
        else:
            lf.setForeground(theme.color("muted"))
            cur.insertText("Answer", lf)

    def _insert_wordless(
        self,
        cur: QTextCursor,
        gaps: list[tuple[Filler, int]],
        pause: Pause | None,
        total: int,
        theme,
    ) -> None:
        """One marker for a pause and/or the wordless sounds in it (see the module docstring)."""
        fmt = QTextCharFormat()
        fmt.setFontPointSize(max(8.0, self.font().pointSizeF() - 1))
        fmt.setAnchor(True)
        n = len(gaps)
        starts = [f.start_s for f, _k in gaps] + ([pause.start_s] if pause else [])
        ends = [f.end_s for f, _k in gaps] + ([pause.end_s] if pause else [])
        t0, t1 = min(starts), max(ends)
        fmt.setAnchorHref(f"t:{t0:.3f}")
        if n == 0:
            assert pause is not None
            fmt.setForeground(theme.color("muted"))
            fmt.setToolTip(
                f"A pause of {pause.duration_s:.1f} s at {fmt_time(pause.start_s)}."
                "<br>Click to hear it."
            )
            text = f"· {pause.duration_s:.1f} s ·"
        else:
            k0 = gaps[0][1]
            which = f"filler {k0} of {total}" if n == 1 else f"fillers {k0}–{k0 + n - 1} of {total}"
            sounds = "a sound" if n == 1 else f"{n} sounds"
            span = t1 - t0
            if n >= 2 and span >= UNCLEAR_SPAN_S:
                # most likely speech the model missed: say so, calmly
                fmt.setForeground(theme.color("muted"))
                fmt.setFontItalic(True)
                text = f"(unclear · {span:.1f} s)"
                fmt.setToolTip(
                    f"{span:.1f} s ({fmt_time(t0)}–{fmt_time(t1)}) with voice but no words "
                    f"transcribed: {sounds}, counted as {which}.<br>Often this is speech the "
                    "model missed rather than “hmm”s — listen to check.<br>Click to hear it."
                )
            else:
                fmt.setForeground(theme.color("filler"))
                fmt.setFontItalic(True)
                text = "(hmm?)" if n == 1 else f"(hmm? ×{n})"
                if pause is not None:
                    text = f"· {pause.duration_s:.1f} s {text} ·"
                fmt.setToolTip(
                    f"{sounds.capitalize()} with no word (an “hmm” or “er”?) at "
                    f"{fmt_time(t0)} — {which}.<br>Click to hear it."
                )
        cur.insertText(text, fmt)
        cur.insertText(" ", QTextCharFormat())

    # --- queries used by tests and the session -----------------------------------------

    def word_range(self, index: int) -> tuple[int, int]:
        """Document positions [start, end) of word `index`."""
        return self._word_pos[index]

    def word_format(self, index: int) -> QTextCharFormat:
        start, _end = self._word_pos[index]
        c = QTextCursor(self.document())
        c.setPosition(start + 1)
        return c.charFormat()

    def word_background(self, index: int) -> QColor:
        """The tint behind word `index` (its section frame's background)."""
        start, _end = self._word_pos[index]
        c = QTextCursor(self.document())
        c.setPosition(start)
        frame = c.currentFrame()
        return frame.frameFormat().background().color()

    def word_tooltip(self, index: int) -> str:
        return self._tooltips[index]

    def word_center(self, index: int):
        """Viewport point in the middle of word `index` (for clicks in tests)."""
        start, end = self._word_pos[index]
        c = QTextCursor(self.document())
        c.setPosition(start)
        r0 = self.cursorRect(c)
        c.setPosition(end)
        r1 = self.cursorRect(c)
        return r0.center().__class__((r0.left() + r1.left()) // 2, r0.center().y())

    def current_word(self) -> int | None:
        return self._current

    # --- playback follow ----------------------------------------------------------------

    def highlight_word(self, index: int | None) -> None:
        """Mark the word being played (None clears) and keep it in view."""
        if index == self._current:
            return
        self._current = index
        if index is None or not (0 <= index < len(self._word_pos)):
            self.setExtraSelections([])
            return
        start, end = self._word_pos[index]
        sel = QTextEdit.ExtraSelection()
        c = QTextCursor(self.document())
        c.setPosition(start)
        c.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
        sel.cursor = c
        fmt = QTextCharFormat()
        fmt.setBackground(current_theme().color("highlight"))
        fmt.setProperty(QTextFormat.Property.FullWidthSelection, False)
        sel.format = fmt
        self.setExtraSelections([sel])
        rect = self.cursorRect(c)
        vp = self.viewport().rect()
        if not vp.adjusted(0, 20, 0, -20).contains(rect):
            bar = self.verticalScrollBar()
            bar.setValue(bar.value() + rect.center().y() - vp.height() // 3)

    def highlight_time(self, t_s: float) -> None:
        """Highlight the word being spoken at `t_s` (or the last one before it)."""
        if self._report is None:
            return
        words = self._report.transcript.words
        lo, hi = 0, len(words) - 1
        found = None
        while lo <= hi:
            mid = (lo + hi) // 2
            if words[mid].start_s <= t_s:
                found, lo = mid, mid + 1
            else:
                hi = mid - 1
        self.highlight_word(found)

    def _on_anchor(self, url: QUrl) -> None:
        href = url.toString()
        kind, _, value = href.partition(":")
        if kind == "w" and self._report is not None:
            i = int(value)
            self.wordClicked.emit(i, self._report.transcript.words[i].start_s)
        elif kind == "t":
            self.positionClicked.emit(float(value))
