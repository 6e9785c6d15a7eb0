"""A mock interview run as one self-contained HTML page, question by question.

Built from the run's `InterviewSummary` (`voicecoach.interview`: the figures, verdicts, totals
and the focus, exactly as the app's summary shows them) and each answer's Report (its STAR
timeline, figure tiles, checks and transcript, drawn by the same functions as a single take's
page in `voicecoach.export.html`). Pure: no Qt and no I/O.

Times in an interview take's Report start at its first word; the thinking time before it is
shown beside the answer, never counted in it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from voicecoach.domain import Report
from voicecoach.export.figures import Tile, figure_tiles, light_palette
from voicecoach.export.html import (
    PDF_TIMELINE_W,
    _e,
    checks_html,
    page_css,
    tiles_html,
    timeline_svg,
    transcript_html,
)
from voicecoach.interview import Figures, InterviewSummary, QuestionRow
from voicecoach.report import check_short_name, fmt_time
from voicecoach.settings import AnalysisSettings


@dataclass(frozen=True)
class AnswerPage:
    """One stored answer or follow-up of the run: its Report as reviewed, and its recording."""

    position: int  # 0-based question number
    kind: str  # answer | follow_up
    report: Report | None  # None: not analysed (it is then shown from the summary alone)
    audio_src: str | None = None  # a data: URI or a file name beside the page


@dataclass(frozen=True)
class RunInfo:
    """What the page says about the run besides its summary."""

    run_id: int | None = None
    when: datetime | None = None
    pack: str = ""  # the pack's title; empty: every pack
    topics: tuple[str, ...] = ()  # () means mixed


def timeline_name(position: int) -> str:
    """The resource name of question `position`'s timeline image in the PDF variant."""
    return f"voicecoach-timeline-{position + 1}.png"


def time_against_target(f: Figures) -> str:
    """'1:52 of 2:00, within target' / '2:31 of 2:00, 31 s over' as the summary judges it."""
    head = f"{fmt_time(f.length_s)} of {fmt_time(f.target_s)}"
    if f.total_status == "over":
        return f"{head}, {f.length_s - f.target_s} s over"
    if f.total_status == "under":
        return f"{head}, {f.target_s - f.length_s} s short"
    return f"{head}, within target"


def figures_line(f: Figures) -> str:
    return (
        f"{time_against_target(f)} · thinking {f.thinking_s:.1f} s · fillers {f.fillers} "
        f"({f.fillers_per_min:.1f}/min) · "
        + (f"{f.pace_wpm} wpm" if f.pace_wpm else "no pace (no words heard)")
    )


def checks_passed(pages: Sequence[AnswerPage]) -> tuple[int, int]:
    """(passed, total) content checks over the run's main answers."""
    passed = total = 0
    for a in pages:
        if a.kind == "answer" and a.report is not None:
            total += len(a.report.checks)
            passed += sum(1 for c in a.report.checks if c.passed)
    return passed, total


def _totals(summary: InterviewSummary, pages: Sequence[AnswerPage], pdf: bool) -> str:
    t = summary.totals
    passed, total = checks_passed(pages)
    tiles = [
        Tile("answered", "Answered", f"{t.answered} of {t.questions}", "questions"),
        Tile(
            "speaking",
            "Speaking",
            fmt_time(t.answer_s + t.follow_up_s),
            f"answers {fmt_time(t.answer_s)} · follow-ups {fmt_time(t.follow_up_s)}"
            + (f" · {t.over_target} over target" if t.over_target else " · all within target"),
        ),
        Tile("thinking", "Thinking", f"{t.thinking_s:.1f} s", "before first words, not counted"),
        Tile("fillers", "Fillers", f"{t.fillers_per_min:.1f}/min", f"{t.fillers} in all"),
        Tile(
            "pace",
            "Pace",
            f"{t.pace_wpm} wpm" if t.pace_wpm else "—",
            "over every answer" if t.pace_wpm else "no words heard",
        ),
        Tile(
            "checks",
            "Checks passed",
            f"{passed} of {total}" if total else "—",
            f"over the {t.answered} answers",
        ),
    ]
    if t.follow_ups_asked:
        tiles.insert(
            1,
            Tile(
                "follow_ups",
                "Follow-ups",
                f"{t.follow_ups_answered} of {t.follow_ups_asked}",
                "answered",
            ),
        )
    return tiles_html(tiles, pdf)


def _failed(row: QuestionRow, report: Report | None, pdf: bool) -> str:
    """The checks this answer did not pass, with the review's detail when the Report is here."""
    if row.figures is None or not row.figures.failed_checks:
        return '<p class="allpassed">Every content check passed.</p>'
    if report is not None:
        failed = [c for c in report.checks if not c.passed]
        if failed:
            return checks_html(failed, pdf)
    names = ", ".join(check_short_name(c) for c in row.figures.failed_checks)
    return f"<p>Not yet: {_e(names)}</p>"


def _row(
    row: QuestionRow,
    main: AnswerPage | None,
    follow: AnswerPage | None,
    cfg: AnalysisSettings,
    pdf: bool,
    timeline_src: Callable[[int], str],
) -> str:
    pal = light_palette()
    n = row.position + 1
    out = [f'<section class="row" id="q{n}" data-position="{n}">']
    out.append(f"<h2>Question {n} · {_e(row.topic)}</h2>")
    out.append(f'<div class="card question">{_e(row.prompt)}</div>')
    f = row.figures
    report = main.report if main is not None else None
    if f is None:
        out.append('<p class="meta notanswered">Not answered.</p>')
    else:
        warn = f.total_status != "ok"
        color = pal["bad"] if warn else pal["muted"]
        out.append(
            f'<p class="meta figures" style="color:{color}">{_e(figures_line(f))}'
            + (f" · take {f.take_id}" if f.take_id is not None else "")
            + "</p>"
        )
        if report is not None:
            if row.kind == "star":
                timeline = (
                    f'<img src="{_e(timeline_src(row.position))}" width="{PDF_TIMELINE_W}">'
                    if pdf
                    else timeline_svg(report, cfg)
                )
                out.append(f'<div class="card timeline">{timeline}</div>')
            out.append(tiles_html(figure_tiles(report, cfg), pdf))
        out.append("<h3>Checks not passed</h3>" + _failed(row, report, pdf))
        if report is not None:
            out.append(
                f'<h3>Transcript</h3><div class="transcript">{transcript_html(report, pdf)}</div>'
            )
        if main is not None and main.audio_src and not pdf:
            out.append(f'<audio controls preload="metadata" src="{_e(main.audio_src)}"></audio>')
    fu = row.follow_up
    if fu is not None:
        out.append(f'<div class="card followup"><h3>Follow-up</h3><p>{_e(fu.prompt)}</p>')
        if fu.figures is None:
            out.append('<p class="meta notanswered">Not answered.</p>')
        else:
            warn = fu.figures.total_status != "ok"
            color = pal["bad"] if warn else pal["muted"]
            out.append(
                f'<p class="meta figures" style="color:{color}">{_e(figures_line(fu.figures))}</p>'
            )
            if follow is not None and follow.report is not None:
                words = transcript_html(follow.report, pdf, by_section=False)
                out.append(f'<div class="transcript">{words}</div>')
            if follow is not None and follow.audio_src and not pdf:
                out.append(
                    f'<audio controls preload="metadata" src="{_e(follow.audio_src)}"></audio>'
                )
        out.append("</div>")
    out.append("</section>")
    return "\n".join(out)


EXTRA_CSS = """
h3 { font-size: 14px; margin: 14px 0 6px; }
section.row { border-top: 1px solid #d0d4da; margin-top: 28px; padding-top: 4px; }
.timeline { margin: 8px 0 10px; }
.followup { margin-top: 14px; }
.focus { border-radius: 8px; padding: 12px 16px; font-size: 16px; line-height: 1.45; }
"""


def interview_html(
    summary: InterviewSummary,
    pages: Sequence[AnswerPage],
    info: RunInfo = RunInfo(),  # noqa: B008 (frozen, never mutated)
    settings: AnalysisSettings | None = None,
    *,
    pdf: bool = False,
    timeline_src: Callable[[int], str] = timeline_name,
) -> str:
    """The whole run as one page. With `pdf`, each timeline is `<img src=timeline_src(pos)>`."""
    cfg = settings or AnalysisSettings()
    pal = light_palette()
    by_slot = {(p.position, p.kind): p for p in pages}
    when = info.when.strftime("%A %d %B %Y, %H:%M") if info.when else ""
    t = summary.totals
    meta = [m for m in (when, f"pack {info.pack}" if info.pack else "every pack") if m]
    meta.append("topics: " + (", ".join(info.topics) if info.topics else "mixed"))
    meta.append(f"{t.questions} questions")
    if summary.status == "ended_early":
        meta.append("ended early")
    if info.run_id is not None:
        meta.append(f"interview {info.run_id}")
    focus_bg = pal["good_bg"] if summary.focus.rule == "none" else pal["warn_bg"]
    focus_fg = pal["good_text"] if summary.focus.rule == "none" else pal["warn_text"]
    if pdf:
        focus = (
            f'<table width="100%" cellpadding="8" style="background-color:{focus_bg}; '
            f'color:{focus_fg}"><tr><td>{_e(summary.focus.text)}</td></tr></table>'
        )
    else:
        focus = (
            f'<div class="focus" id="focus" data-rule="{_e(summary.focus.rule)}" '
            f'style="background:{focus_bg}; color:{focus_fg}">{_e(summary.focus.text)}</div>'
        )
    rows = "\n".join(
        _row(
            r,
            by_slot.get((r.position, "answer")),
            by_slot.get((r.position, "follow_up")),
            cfg,
            pdf,
            timeline_src,
        )
        for r in summary.rows
    )
    css = "" if pdf else page_css(pal) + EXTRA_CSS
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>VoiceCoach mock interview{" — " + _e(when) if when else ""}</title>
<style>{css}</style></head>
<body><main>
<h1>VoiceCoach mock interview</h1>
<p class="meta" style="color:{pal["muted"]}">{_e("  ·  ".join(meta))}</p>
<h2>Work on first</h2>
{focus}
<h2>The run</h2>
<div id="totals">{_totals(summary, pages, pdf)}</div>
<div id="rows">
{rows}
</div>
<footer><p style="color:{pal["muted"]}">Made with VoiceCoach, on this computer; nothing was
uploaded. Thinking time (the pause before the first word) is shown beside each answer and not
counted in its length.</p></footer>
</main></body></html>
"""
