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
from dataclasses import replace
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
from voicecoach.export.interview import AnswerPage, RunInfo, interview_html, timeline_name
from voicecoach.interview import InterviewSummary
from voicecoach.report import report_from_json
from voicecoach.settings import AnalysisSettings

log = logging.getLogger(__name__)

AudioMode = Literal["embed", "beside"] | None
# What to write: a web page or a PDF; None goes by the file name (.pdf is a PDF).
Format = Literal["html", "pdf"] | None
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
    fmt: Format = None,
) -> Path:
    """Write take `take_id` as HTML or PDF (`fmt`; by default a PDF when `path` ends in
    .pdf); returns `path`. `--pdf notes.html` asked for a PDF: `fmt` says so, whatever the name.

    `report` overrides the stored one (the app passes the review on screen)."""
    path = Path(path)
    record = history.get(take_id)
    report = report or take_report(record, settings)
    if report is None:
        raise ExportError(f"Take {take_id} has not been analysed yet: nothing to export.")
    info = TakeInfo(record.question_text, record.created_at.astimezone(), take_id)
    if _is_pdf(path, fmt):
        write_pdf(report, info, path, settings)
        return path
    if audio is not None:
        src = _audio_src(Path(record.audio_path), path, audio, f"take {take_id}")
        info = replace(info, audio_src=src)
    _write_text(path, take_html(report, info, settings))
    return path


def _is_pdf(path: Path, fmt: Format) -> bool:
    return fmt == "pdf" if fmt is not None else path.suffix.lower() == ".pdf"


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
    print_pdf(
        take_html(report, info, settings, pdf=True, timeline_src=TIMELINE_URL),
        {TIMELINE_URL: report},
        path,
        "VoiceCoach review",
        settings,
    )


def print_pdf(
    page: str,
    timelines: dict[str, Report],
    path: Path,
    title: str,
    settings: AnalysisSettings | None = None,
) -> None:
    """Lay out `page` (a `pdf=True` variant) as A4 PDF; each `timelines` URL becomes the image
    of that Report's timeline."""
    if QGuiApplication.instance() is None:
        raise ExportError("PDF export needs the Qt GUI (start it with a QGuiApplication).")
    doc = QTextDocument()
    for url, report in timelines.items():
        doc.addResource(
            QTextDocument.ResourceType.ImageResource, QUrl(url), timeline_image(report, settings)
        )
    doc.setHtml(page)
    writer = QPdfWriter(str(path))
    writer.setTitle(title)
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


def _audio_src(src: Path, page: Path, audio: AudioMode, what: str, suffix: str = "") -> str:
    """The recording embedded (a data: URI) or copied beside `page`; the name the page uses."""
    if not src.is_file():
        raise ExportError(f"The recording of {what} is missing ({src}); export without the audio.")
    if audio == "embed":
        return audio_data_uri(src)
    beside = page.with_name(page.stem + suffix + src.suffix.lower())
    try:
        shutil.copyfile(src, beside)
    except OSError as exc:
        raise ExportError(f"Cannot write {beside}: {exc.strerror or exc}.") from exc
    return beside.name


# --- an interview run ----------------------------------------------------------------------------


def interview_pages(
    history: Any, run_id: int, settings: Any = None
) -> tuple[InterviewSummary, list[AnswerPage], RunInfo, list[Any]]:
    """A stored run read for its page: the summary, each take's Report as reviewed, the run's
    facts, and the takes (for their recordings). `settings` is the app's `Settings` (or None).

    A run without a saved summary (left running by a crash) is summed up from the answers it
    has, with its plan's questions, and shown as ended early."""
    from voicecoach.interview import InterviewAnswer, plan_from_json, summarise, summary_from_json
    from voicecoach.store.interviews import InterviewStore

    analysis = getattr(settings, "analysis", None)
    run = InterviewStore(history).get(run_id)
    pages, answers = [], []
    for t in run.takes:
        report = take_report(t.take, analysis) if t.take.status == "analysed" else None
        pages.append(AnswerPage(t.position, t.kind, report))
        if report is not None:
            answers.append(
                InterviewAnswer(
                    t.position,
                    t.kind,
                    t.take.question_id,
                    t.take.question_text,
                    float(t.thinking_s or 0.0),
                    report,
                    t.take.id,
                )
            )
    rec = run.record
    try:
        if rec.summary is not None:
            summary = summary_from_json(rec.summary)
        else:
            from voicecoach.packs import load_packs

            plan = plan_from_json(rec.plan, load_packs())
            summary = summarise(plan, answers, settings, ended_early=True)
    except (KeyError, TypeError, ValueError, VoiceCoachError) as exc:
        raise ExportError(f"The summary of interview {run_id} cannot be read ({exc}).") from exc
    if not any(r.figures is not None for r in summary.rows):
        raise ExportError(f"Interview {run_id} has no analysed answer yet: nothing to export.")
    info = RunInfo(run_id, rec.created_at.astimezone(), rec.pack, rec.topics)
    return summary, pages, info, [t.take for t in run.takes]


def export_interview(
    history: Any,
    run_id: int,
    path: Path,
    *,
    settings: Any = None,
    audio: AudioMode = None,
    pack_titles: dict[str, str] | None = None,
    fmt: Format = None,
) -> Path:
    """Write interview run `run_id` as one HTML page or as PDF (`fmt`; by default a PDF when
    `path` ends in .pdf).

    `audio` embeds each answer's recording, or copies it beside the page as
    `<page>-q<N>[-follow-up].<ext>`. `settings` is the app's `Settings` (or None)."""
    path = Path(path)
    summary, pages, info, takes = interview_pages(history, run_id, settings)
    if pack_titles and info.pack in pack_titles:
        info = replace(info, pack=pack_titles[info.pack])
    analysis = getattr(settings, "analysis", None)
    if _is_pdf(path, fmt):
        stars = {r.position for r in summary.rows if r.kind == "star"}
        timelines = {
            timeline_name(p.position): p.report
            for p in pages
            if p.kind == "answer" and p.report is not None and p.position in stars
        }
        print_pdf(
            interview_html(summary, pages, info, analysis, pdf=True),
            timelines,
            path,
            "VoiceCoach mock interview",
            analysis,
        )
        return path
    if audio is not None:
        with_audio = []
        for page, take in zip(pages, takes, strict=True):
            fu = "-follow-up" if page.kind == "follow_up" else ""
            src = _audio_src(
                Path(take.audio_path),
                path,
                audio,
                f"take {take.id} (question {page.position + 1})",
                f"-q{page.position + 1}{fu}",
            )
            with_audio.append(replace(page, audio_src=src))
        pages = with_audio
    _write_text(path, interview_html(summary, pages, info, analysis))
    return path


def export_history(
    history: Any,
    path: Path,
    settings: AnalysisSettings | None = None,
    fmt: Literal["csv", "json"] | None = None,
) -> int:
    """Every analysed take as CSV or JSON (`fmt`; by default CSV when `path` ends in .csv,
    JSON otherwise); returns how many."""
    path = Path(path)
    from voicecoach.store.interviews import InterviewStore

    runs = InterviewStore(history).take_kinds()
    entries = history_json(history.list(), lambda r: take_report(r, settings), runs)
    if fmt == "csv" or (fmt is None and path.suffix.lower() == ".csv"):
        _write_text(path, history_csv(entries))
    else:
        _write_text(path, json.dumps(entries, ensure_ascii=False, indent=1) + "\n")
    return len(entries)


# --- the menu items ------------------------------------------------------------------------------

REVIEW_FILTERS = {
    "Web page (*.html)": None,
    "Web page with the recording inside (*.html)": "embed",
    "Web page with the recording beside it (*.html)": "beside",  # smaller; send the two
    "PDF document (*.pdf)": None,
}
HISTORY_FILTERS = ("Spreadsheet, CSV (*.csv)", "JSON (*.json)")


class ExportController(QObject):
    """File → Export this review…, History → Export history… and the interview summary's
    Export… (`export_interview(run_id)`): ask where, write, say so.

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

    def export_interview(self, run_id: int | None) -> None:
        """The interview summary's Export…: the same dialog and formats as a review's."""
        if run_id is None:
            self._window.show_notice("Finish or open an interview first: nothing to export yet.")
            return
        name, chosen = self.ask_path(
            "Export this interview", f"voicecoach-interview-{run_id}.html", list(REVIEW_FILTERS)
        )
        if not name:
            return
        path = Path(name)
        pdf = chosen.startswith("PDF")
        if path.suffix.lower() not in (".html", ".htm", ".pdf"):
            path = path.with_name(path.name + (".pdf" if pdf else ".html"))
        titles = getattr(self._session, "pack_titles", dict)
        self._write(
            lambda: export_interview(
                self._session.history,
                run_id,
                path,
                settings=self._session.settings,
                audio=REVIEW_FILTERS.get(chosen),
                pack_titles=titles(),
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
