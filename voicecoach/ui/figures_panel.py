"""FiguresPanel: the numbers behind an answer, each with a plain hint, and the content checks.

Timing verdicts come first (they matter most), then four tiles (fillers, pace, pauses,
"I" vs "we"), then one row per content check: pass/fail, its one-line detail and a ▶ button
that plays the audio where the evidence is (`checkPlayRequested(at_s)`).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from voicecoach.analysis.delivery import i_vs_we_verdict
from voicecoach.analysis.timing import timing_ok
from voicecoach.domain import Check, Report
from voicecoach.report import (  # noqa: F401 - CHECK_LABELS, COMFORTABLE_WPM re-exported
    CHECK_LABELS,
    COMFORTABLE_WPM,
    check_label,
    filler_hint,
    fmt_time,
    pace_hint,
    take_figures,
)
from voicecoach.settings import AnalysisSettings
from voicecoach.ui.style import current_theme, icon, set_role

ONE_COLUMN_BELOW_PX = 400  # the four tiles stack when the panel is narrower than this


def _card() -> QFrame:
    f = QFrame()
    f.setProperty("card", True)
    return f


class _Tile(QFrame):
    def __init__(self, heading: str, name: str) -> None:
        super().__init__()
        self.setProperty("card", True)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(14, 10, 14, 12)
        lay.setSpacing(2)
        h = QLabel(heading.upper())
        set_role(h, "heading")
        self.value = QLabel("—")
        self.value.setObjectName(name)
        set_role(self.value, "big")
        self.hint = QLabel("")
        self.hint.setObjectName(name + "Hint")
        self.hint.setWordWrap(True)
        set_role(self.hint, "muted")
        lay.addWidget(h)
        lay.addWidget(self.value)
        lay.addWidget(self.hint)
        lay.addStretch(1)


class FiguresPanel(QWidget):
    """Verdicts, figures and content checks for one Report."""

    checkPlayRequested = Signal(float)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("figuresPanel")
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(12)

        self._verdicts = QFrame()
        self._verdicts.setObjectName("verdictBox")
        self._verdicts.setProperty("banner", "warn")
        vl = QVBoxLayout(self._verdicts)
        vl.setContentsMargins(14, 10, 14, 10)
        vl.setSpacing(4)
        self._verdict_title = QLabel("Timing")
        self._verdict_title.setStyleSheet("font-weight: 700;")
        self._verdict_list = QLabel("")
        self._verdict_list.setObjectName("verdictList")
        self._verdict_list.setWordWrap(True)
        self._verdict_list.setTextFormat(Qt.TextFormat.RichText)
        vl.addWidget(self._verdict_title)
        vl.addWidget(self._verdict_list)
        outer.addWidget(self._verdicts)

        self._grid = QGridLayout()
        self._grid.setSpacing(10)
        self.fillers = _Tile("Fillers", "fillersValue")
        self.pace = _Tile("Pace", "paceValue")
        self.pauses = _Tile("Pauses", "pausesValue")
        self.pronouns = _Tile("“I” vs “we”", "pronounsValue")
        self._columns = 0
        self._lay_out_tiles(2)
        outer.addLayout(self._grid)

        self._checks_card = _card()
        self._checks_layout = QVBoxLayout(self._checks_card)
        self._checks_layout.setContentsMargins(14, 10, 14, 10)
        self._checks_layout.setSpacing(6)
        outer.addWidget(self._checks_card)
        outer.addStretch(1)

        self._report: Report | None = None
        self._settings = AnalysisSettings()

    def _lay_out_tiles(self, columns: int) -> None:
        if columns == self._columns:
            return
        self._columns = columns
        tiles = (self.fillers, self.pace, self.pauses, self.pronouns)
        for t in tiles:
            self._grid.removeWidget(t)
        for i, t in enumerate(tiles):
            self._grid.addWidget(t, i // columns, i % columns)
        for c in range(2):
            self._grid.setColumnStretch(c, 1 if c < columns else 0)

    def resizeEvent(self, e) -> None:  # noqa: N802 (Qt override)
        self._lay_out_tiles(1 if e.size().width() < ONE_COLUMN_BELOW_PX else 2)
        super().resizeEvent(e)

    def set_timing_settings(self, settings: AnalysisSettings) -> None:
        self._settings = settings
        if self._report is not None:
            self.set_report(self._report)

    def retheme(self) -> None:
        """Colours in the rich text and icons follow the theme: build the rows again."""
        if self._report is not None:
            self.set_report(self._report)

    def set_report(self, report: Report) -> None:
        self._report = report
        theme = current_theme()
        # verdicts: the box is a warning only when the verdicts have something to warn about
        ok = timing_ok(
            report.sections,
            report.missing_sections,
            report.targets,
            report.duration_s,
            self._settings,
        )
        items = "".join(f"<li style='margin-bottom:3px'>{v}</li>" for v in report.verdicts)
        self._verdict_list.setText(
            f"<ul style='margin:0 0 0 -22px'>{items}</ul>"
            if report.verdicts
            else "Every section was close to its target."
        )
        self._verdict_title.setText("Timing ✓" if ok else "Timing")
        self._verdicts.setProperty("banner", "good" if ok else "warn")
        for w in (self._verdicts, self._verdict_title, self._verdict_list):
            w.style().unpolish(w)
            w.style().polish(w)

        # fillers
        fig = take_figures(report)
        wordless = sum(f.kind == "unlabelled" for f in report.fillers)
        self.fillers.value.setText(fig.fillers_text)
        self.fillers.hint.setText(filler_hint(report))
        self.fillers.hint.setToolTip(
            "Wordless sounds are stretches of voice between words with no word transcribed: "
            "usually an “hmm” or “er”, sometimes speech the model missed. Click the (hmm?) "
            "markers in the transcript to hear them."
            if wordless
            else ""
        )
        # pace
        self.pace.value.setText(fig.pace_text)
        self.pace.hint.setText(pace_hint(report.pace_wpm))
        # pauses
        if report.pauses:
            longest = max(report.pauses, key=lambda p: p.duration_s)
            self.pauses.value.setText(str(len(report.pauses)))
            self.pauses.hint.setText(
                f"longest {longest.duration_s:.1f} s at {fmt_time(longest.start_s)}"
            )
        else:
            self.pauses.value.setText("0")
            self.pauses.hint.setText("no long pauses")
        # pronouns
        n_i, n_we = report.pronouns.get("i", 0), report.pronouns.get("we", 0)
        self.pronouns.value.setText(f"I {n_i} · we {n_we}")
        # the verdict of the "I" vs "we" check itself, in its words (none for a drill)
        self.pronouns.hint.setText(i_vs_we_verdict(report.checks))

        # checks
        while self._checks_layout.count():
            item = self._checks_layout.takeAt(0)
            if item.widget() is not None:
                item.widget().hide()  # gone now, not only when the event loop deletes it
                item.widget().deleteLater()
        title = QLabel("CONTENT CHECKS")
        set_role(title, "heading")
        self._checks_layout.addWidget(title)
        for c in report.checks:
            self._checks_layout.addWidget(self._check_row(c, theme))
        if not report.checks:
            none = QLabel("No content checks for this answer.")
            set_role(none, "muted")
            self._checks_layout.addWidget(none)

    def _check_row(self, c: Check, theme) -> QWidget:
        row = QWidget()
        row.setObjectName(f"check_{c.name}")
        row.setProperty("passed", c.passed)
        lay = QHBoxLayout(row)
        lay.setContentsMargins(0, 4, 0, 4)
        lay.setSpacing(10)
        mark = QLabel("✓" if c.passed else "✗")
        mark.setObjectName("mark")
        mark.setFixedWidth(18)
        mark.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignHCenter)
        set_role(mark, "good" if c.passed else "bad")
        mark.setAccessibleName("passed" if c.passed else "not yet")
        text = QLabel(
            f"<b>{check_label(c.name)}</b><br>"
            f"<span style='color:{theme.colors['muted']}'>{c.detail}</span>"
        )
        text.setObjectName("detail")
        text.setWordWrap(True)
        text.setTextFormat(Qt.TextFormat.RichText)
        play = QToolButton()
        play.setObjectName(f"checkPlay_{c.name}")
        play.setIcon(icon("play", theme.colors["accent"], 16))
        play.setAutoRaise(True)
        if c.at_s is not None:
            at = float(c.at_s)
            play.setToolTip(f"Hear it ({fmt_time(at)})")
            play.setAccessibleName(f"Play {check_label(c.name)} at {fmt_time(at)}")
            play.clicked.connect(lambda _=False, t=at: self.checkPlayRequested.emit(t))
        else:
            # nothing to point at: keep the column, show no button-looking thing
            play.setEnabled(False)
            play.setIcon(QIcon())
            play.setToolTip("Nothing to play: it was not found in the answer")
        play.setFixedSize(26, 26)
        lay.addWidget(mark, 0, Qt.AlignmentFlag.AlignTop)
        lay.addWidget(text, 1)
        lay.addWidget(play, 0, Qt.AlignmentFlag.AlignTop)
        return row
