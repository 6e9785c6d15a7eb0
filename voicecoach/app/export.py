"""Writing exports to disk, and the small controller behind the window's Export menu items.

The pages themselves come from `voicecoach.export` (pure, no Qt); this module adds what needs
files or Qt: a take's Report as the review shows it (with the user's section corrections), the
recording embedded or copied beside the page, the PDF (Qt's QTextDocument printed through
QPdfWriter; the timeline drawn by QSvgRenderer from the same SVG the HTML holds) and history as
CSV or JSON. The CLI (`voicecoach export`) and the app both call the `export_*` functions.
"""

from __future__ import annotations

import json
import logging
import shutil
from pathlib import Path
from typing import Any, Literal

from PySide6.QtCore import QByteArray, QMarginsF, QObject, QRectF, QUrl
from PySide6.QtGui import (
    QGuiApplication,
    QImage,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QTextDocument,
)
from PySide6.QtSvg import QSvgRenderer

from voicecoach.domain import Report, VoiceCoachError
from voicecoach.export import TakeInfo, history_csv, history_json, take_html, timeline_svg
from voicecoach.export.html import SVG_H, SVG_W, audio_data_uri
from voicecoach.report import report_from_json
from voicecoach.settings import AnalysisSettings

log = logging.getLogger(__name__)

AudioMode = Literal["embed", "beside"] | None
TIMELINE_URL = "voicecoach-timeline.png"


class ExportError(VoiceCoachError):
    """An export that cannot be written (the message names the file or the take)."""


def take_report(record: Any, settings: AnalysisSettings | None = None) -> Report | None:
    """A stored take's Report as the review shows it: the user's dragged edges applied."""
    if not record.report_json:
        return None
    from voicecoach.app.session import with_sentence_sections

    try:
        report = report_from_json(record.report_json)
        sections = (record.corrections or {}).get("sentence_sections")
        if sections:
            report = with_sentence_sections(report, sections, settings)
    except (KeyError, TypeError, ValueError) as exc:
        raise ExportError(f"The review of take {record.id} cannot be read ({exc}).") from exc
    return report


def _write_text(path: Path, text: str) -> None:
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise ExportError(f"Cannot write {path}: {exc.strerror or exc}.") from exc


def export_take(
    history: Any,
    take_id: int,
    path: Path,
    *,
    settings: AnalysisSettings | None = None,
    audio: AudioMode = None,
    report: Report | None = None,
) -> Path:
    """Write take `take_id` as HTML, or as PDF when `path` ends in .pdf; returns `path`.

    `report` overrides the stored one (the app passes the review on screen)."""
    path = Path(path)
    record = history.get(take_id)
    report = report or take_report(record, settings)
    if report is None:
        raise ExportError(f"Take {take_id} has not been analysed yet: nothing to export.")
    info = TakeInfo(record.question_text, record.created_at.astimezone(), take_id)
    if path.suffix.lower() == ".pdf":
        write_pdf(report, info, path, settings)
        return path
    if audio is not None:
        src = Path(record.audio_path)
        if not src.is_file():
            raise ExportError(
                f"The recording of take {take_id} is missing ({src}); export without the audio."
            )
        if audio == "embed":
            info = TakeInfo(info.question, info.when, take_id, audio_data_uri(src))
        else:
            beside = path.with_name(path.stem + src.suffix.lower())
            try:
                shutil.copyfile(src, beside)
            except OSError as exc:
                raise ExportError(f"Cannot write {beside}: {exc.strerror or exc}.") from exc
            info = TakeInfo(info.question, info.when, take_id, beside.name)
    _write_text(path, take_html(report, info, settings))
    return path


def timeline_image(report: Report, settings: AnalysisSettings | None, scale: float = 2.0) -> QImage:
    """The timeline SVG drawn by Qt's SVG renderer (QTextDocument cannot show inline SVG)."""
    svg = timeline_svg(report, settings, standalone=True)
    renderer = QSvgRenderer(QByteArray(svg.encode("utf-8")))
    img = QImage(int(SVG_W * scale), int(SVG_H * scale), QImage.Format.Format_ARGB32)
    img.fill(0xFFFFFFFF)
    p = QPainter(img)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(p, QRectF(0, 0, img.width(), img.height()))
    p.end()
    return img


def write_pdf(
    report: Report, info: TakeInfo, path: Path, settings: AnalysisSettings | None = None
) -> None:
    """The same page as PDF, through QTextDocument and QPdfWriter (A4, 15 mm margins)."""
    if QGuiApplication.instance() is None:
        raise ExportError("PDF export needs the Qt GUI (start it with a QGuiApplication).")
    doc = QTextDocument()
    doc.addResource(
        QTextDocument.ResourceType.ImageResource,
        QUrl(TIMELINE_URL),
        timeline_image(report, settings),
    )
    doc.setHtml(take_html(report, info, settings, pdf=True, timeline_src=TIMELINE_URL))
    writer = QPdfWriter(str(path))
    writer.setTitle("VoiceCoach review")
    writer.setCreator("VoiceCoach")
    writer.setPageLayout(
        QPageLayout(
            QPageSize(QPageSize.PageSizeId.A4),
            QPageLayout.Orientation.Portrait,
            QMarginsF(15, 15, 15, 15),
            QPageLayout.Unit.Millimeter,
        )
    )
    doc.print_(writer)
    del writer  # finishes the file
    if not path.is_file() or path.stat().st_size == 0:
        raise ExportError(f"Cannot write {path}.")


def export_history(history: Any, path: Path, settings: AnalysisSettings | None = None) -> int:
    """Every analysed take as CSV (.csv) or JSON (anything else); returns how many."""
    path = Path(path)
    entries = history_json(history.list(), lambda r: take_report(r, settings))
    if path.suffix.lower() == ".csv":
        _write_text(path, history_csv(entries))
    else:
        _write_text(path, json.dumps(entries, ensure_ascii=False, indent=1) + "\n")
    return len(entries)


# --- the menu items ------------------------------------------------------------------------------

REVIEW_FILTERS = {
    "Web page (*.html)": None,
    "Web page with the recording inside (*.html)": "embed",
    "PDF document (*.pdf)": None,
}
HISTORY_FILTERS = ("Spreadsheet, CSV (*.csv)", "JSON (*.json)")


class ExportController(QObject):
    """File → Export this review… and History → Export history…: ask where, write, say so.

    `ask_path(title, suggested, filters) -> (path, chosen filter)` is a file dialog; tests
    replace it. Writing is quick (well under a second), so it runs on the GUI thread."""

    def __init__(self, session: Any, window: Any) -> None:
        super().__init__(window)
        self.setObjectName("exportController")
        self._session, self._window = session, window
        self.ask_path = self._ask_path
        self.last_written: Path | None = None
        window.exportReviewRequested.connect(self.export_review)
        window.exportHistoryRequested.connect(self.export_history)

    def _ask_path(self, title: str, suggested: str, filters: list[str]) -> tuple[str, str]:
        from PySide6.QtWidgets import QFileDialog

        return QFileDialog.getSaveFileName(
            self._window, title, str(Path.home() / suggested), ";;".join(filters)
        )

    def export_review(self) -> None:
        take_id = self._session.review_take_id()
        report = self._session.report()
        if take_id is None or report is None:
            self._window.show_notice("Open a review first: there is nothing to export yet.")
            return
        name, chosen = self.ask_path(
            "Export this review", f"voicecoach-take-{take_id}.html", list(REVIEW_FILTERS)
        )
        if not name:
            return
        path = Path(name)
        pdf = chosen.startswith("PDF")
        if path.suffix.lower() not in (".html", ".htm", ".pdf"):
            path = path.with_name(path.name + (".pdf" if pdf else ".html"))
        self._write(
            lambda: export_take(
                self._session.history,
                take_id,
                path,
                settings=self._session.settings.analysis,
                audio=REVIEW_FILTERS.get(chosen),
                report=report,
            ),
            path,
        )

    def export_history(self) -> None:
        name, chosen = self.ask_path(
            "Export history", "voicecoach-history.csv", list(HISTORY_FILTERS)
        )
        if not name:
            return
        path = Path(name)
        if path.suffix.lower() not in (".csv", ".json"):
            path = path.with_name(path.name + (".json" if chosen.startswith("JSON") else ".csv"))
        self._write(
            lambda: export_history(self._session.history, path, self._session.settings.analysis),
            path,
        )

    def _write(self, fn, path: Path) -> None:
        try:
            fn()
        except VoiceCoachError as exc:
            self._window.show_error(str(exc))
            return
        self.last_written = path
        self._window.show_notice(f"Exported to {path}.")
