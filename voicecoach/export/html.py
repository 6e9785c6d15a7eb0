"""One take as a self-contained HTML page: question, date, STAR timeline (inline SVG),
transcript coloured by section with fillers marked, figures, timing verdicts and checks.

No network references (no fonts, scripts or images fetched): the page opens anywhere, offline.
Colours are the app's light theme (`assets/palettes.toml`) and its section colours. Figures are
worded by `voicecoach.export.figures`, which says the same as the review's widgets.

`pdf=True` makes the variant Qt's QTextDocument can lay out for the PDF: the timeline becomes an
`<img>` of the caller's rendering of `timeline_svg` and the layout keeps to the CSS Qt knows.
"""

from __future__ import annotations

import base64
import html
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from voicecoach.analysis.text import attaches
from voicecoach.analysis.timing import timing_ok
from voicecoach.domain import SECTION_NAMES, Check, Report
from voicecoach.export.figures import (
    SECTION_COLORS,
    SECTION_LABELS,
    Tile,
    captions,
    check_label,
    figure_tiles,
    light_palette,
    mix,
    text_on,
    total_caption,
)
from voicecoach.report import TIMED_AS_WHOLE, fmt_seconds, fmt_time, timed_as_whole
from voicecoach.settings import AnalysisSettings

AUDIO_TYPES = {
    ".wav": "audio/wav",
    ".flac": "audio/flac",
    ".ogg": "audio/ogg",
    ".mp3": "audio/mpeg",
}


@dataclass(frozen=True)
class TakeInfo:
    """What the page says about the take besides its Report."""

    question: str = ""  # the question as asked; empty for an analysed file
    when: datetime | None = None
    take_id: int | None = None
    audio_src: str | None = None  # a data: URI or a file name beside the page


def audio_data_uri(path: Path) -> str:
    """The recording as a data: URI (large: about 4/3 of the file)."""
    mime = AUDIO_TYPES.get(path.suffix.lower(), "application/octet-stream")
    return f"data:{mime};base64," + base64.b64encode(path.read_bytes()).decode("ascii")


def _e(s: object) -> str:
    return html.escape(str(s), quote=True)


# --- timeline ----------------------------------------------------------------------------------

SVG_W = 760.0
PAD_X = 14.0
BAR_Y = 26.0
BAR_H = 34.0
TARGET_GAP = 6.0
TARGET_H = 8.0
AXIS_H = 18.0
CAPTION_GAP = 12.0
CAPTION_H = 38.0
PDF_TIMELINE_W = 540  # px: the text width of QTextDocument's A4 page between 15 mm margins
NS = ' xmlns="http://www.w3.org/2000/svg"'
SVG_H = BAR_Y + BAR_H + TARGET_GAP + TARGET_H + AXIS_H + CAPTION_GAP + CAPTION_H
FONT = 'font-family="DejaVu Sans, Segoe UI, Helvetica, Arial, sans-serif"'


def timeline_svg(
    report: Report, settings: AnalysisSettings | None = None, standalone: bool = False
) -> str:
    """The review's STAR timeline as SVG (Tiny 1.2 features only, so QSvgRenderer draws it too):
    spoken sections over their target spans, the part past target hatched where the verdicts
    call a section over, a time axis, the total-target marker and one caption per section.
    An answer timed as a whole (a drill) is one bar over one target span, with the total as its
    only caption, as the review draws it.
    `standalone` adds the SVG namespace, for a file of its own (inline HTML needs none)."""
    pal = light_palette()
    whole = timed_as_whole(report)
    span = max(report.duration_s, report.targets.total_s, 1.0) * 1.04
    inner = SVG_W - 2 * PAD_X

    def x(t: float) -> float:
        return round(PAD_X + inner * max(0.0, t) / span, 2)

    out = [
        f'<svg{NS if standalone else ""} version="1.2" baseProfile="tiny" '
        f'width="{SVG_W:.0f}" height="{SVG_H:.0f}" viewBox="0 0 {SVG_W:.0f} {SVG_H:.0f}" '
        f'role="img" aria-label="{"Answer length" if whole else "STAR section timeline"}">',
        f'<rect x="0" y="0" width="{SVG_W:.0f}" height="{SVG_H:.0f}" fill="{pal["surface"]}"/>',
        f'<rect x="{PAD_X}" y="{BAR_Y}" width="{inner}" height="{BAR_H}" rx="7" '
        f'fill="{pal["surface_alt"]}"/>',
    ]
    caps = {c.name: c for c in captions(report, settings)}
    if whole:
        out += _whole_bar(report, settings, x)
    for s in report.sections:
        x0, x1 = x(s.start_s), x(s.end_s)
        color = SECTION_COLORS[s.name]
        out.append(
            f'<rect class="section" data-section="{s.name}" x="{x0}" y="{BAR_Y}" '
            f'width="{max(1.0, x1 - x0):.2f}" height="{BAR_H}" fill="{color}"/>'
        )
        if caps[s.name].kind == "over":
            out += _hatch(x(s.start_s + s.target_s), x1, text_on(color))
        label = f"{SECTION_LABELS[s.name]} {fmt_seconds(s.duration_s)}"
        if len(label) * 7.5 + 12 > x1 - x0:
            label = SECTION_LABELS[s.name][0]
        if len(label) * 7.5 + 6 <= x1 - x0:
            out.append(
                f'<text x="{x0 + 6}" y="{BAR_Y + BAR_H / 2 + 4.5}" font-size="13" '
                f'font-weight="bold" fill="{text_on(color)}" {FONT}>{_e(label)}</text>'
            )
    for s in report.sections[1:]:  # separators, in the page colour
        xs = x(s.start_s)
        out.append(
            f'<line x1="{xs}" y1="{BAR_Y}" x2="{xs}" y2="{BAR_Y + BAR_H}" '
            f'stroke="{pal["surface"]}" stroke-width="2"/>'
        )
    # target spans under the bar; a missing section's target is an outline only
    ty = BAR_Y + BAR_H + TARGET_GAP
    t0 = report.sections[0].start_s if report.sections else 0.0
    t = t0
    if whole:
        w = max(0.0, x(report.targets.total_s) - x(0.0) - 1)
        out.append(
            f'<rect class="target" x="{x(0.0)}" y="{ty}" width="{w}" height="{TARGET_H}" '
            f'rx="2" fill="{pal["border"]}"/>'
        )
    for name in SECTION_NAMES if not whole else ():
        d = report.targets.for_section(name)
        x0, w = x(t), max(0.0, x(t + d) - x(t) - 1)
        if name in report.missing_sections:
            out.append(
                f'<rect x="{x0 + 0.5}" y="{ty + 0.5}" width="{max(0.0, w - 1)}" '
                f'height="{TARGET_H - 1}" rx="2" fill="none" stroke="{SECTION_COLORS[name]}" '
                f'stroke-dasharray="4,3"/>'
            )
        else:
            tint = mix(pal["surface"], SECTION_COLORS[name], 0.55)
            out.append(
                f'<rect x="{x0}" y="{ty}" width="{w}" height="{TARGET_H}" rx="2" fill="{tint}"/>'
            )
        t += d
    # axis
    ay = ty + TARGET_H + 4
    step = 15 if span <= 200 else 30
    tick = 0
    while tick <= span:
        xt = x(tick)
        out.append(
            f'<line x1="{xt}" y1="{ay}" x2="{xt}" y2="{ay + 3}" stroke="{pal["muted"]}"/>'
            f'<text x="{xt}" y="{ay + 15}" font-size="10" text-anchor="middle" '
            f'fill="{pal["muted"]}" {FONT}>{fmt_time(tick)}</text>'
        )
        tick += step
    # total-target marker across both bars
    xt = x(t0 + report.targets.total_s)
    out.append(
        f'<line x1="{xt}" y1="{BAR_Y - 6}" x2="{xt}" y2="{ty + TARGET_H + 2}" '
        f'stroke="{pal["text"]}" stroke-width="1.5" stroke-dasharray="5,3"/>'
        f'<text x="{xt - 6}" y="{BAR_Y - 10}" font-size="11" text-anchor="end" '
        f'fill="{pal["text"]}" {FONT}>{fmt_time(report.targets.total_s)} target</text>'
    )
    # captions: one column per section, then the total
    cy = ay + AXIS_H + CAPTION_GAP - 4
    colw = inner / 5
    tot = total_caption(report, settings)
    if whole:  # the note where the section captions would be
        out.append(
            f'<text class="note" x="{PAD_X}" y="{cy + 13}" font-size="11" '
            f'fill="{pal["muted"]}" {FONT}>'
            f"{_e(TIMED_AS_WHOLE)}: the answer is timed against its total only.</text>"
        )
    for i, cap in enumerate([*caps.values(), tot]):
        cx = PAD_X + (4 if whole else i) * colw
        if cap is tot:
            out.append(
                f'<line x1="{cx + 1}" y1="{cy + 2}" x2="{cx + 1}" y2="{cy + 14}" '
                f'stroke="{pal["text"]}" stroke-width="1.5" stroke-dasharray="3,2"/>'
            )
        elif cap.kind == "missing":
            out.append(
                f'<rect x="{cx}" y="{cy + 2}" width="12" height="12" rx="3" fill="none" '
                f'stroke="{SECTION_COLORS[cap.name]}" stroke-width="1.5" stroke-dasharray="3,2"/>'
            )
        else:
            out.append(
                f'<rect x="{cx}" y="{cy + 2}" width="12" height="12" rx="3" '
                f'fill="{SECTION_COLORS[cap.name]}"/>'
            )
        warn = cap.kind in ("over", "short", "missing")
        out.append(
            f'<text class="caption" x="{cx + 18}" y="{cy + 13}" font-size="12.5" '
            f'font-weight="bold" fill="{pal["text"]}" {FONT}>{_e(cap.head)}</text>'
            f'<text x="{cx + 18}" y="{cy + 30}" font-size="11" '
            f'fill="{pal["bad"] if warn else pal["muted"]}" {FONT}>{_e(cap.detail)}</text>'
        )
    out.append("</svg>")
    return "\n".join(out)


def _whole_bar(report: Report, settings: AnalysisSettings | None, x) -> list[str]:
    """The bar of an answer timed as a whole: its length in one colour, the part past the total
    target hatched when the total is over (as the review's timeline paints it)."""
    pal = light_palette()
    color = pal["muted"]
    x0, x1 = x(0.0), x(report.duration_s)
    out = [
        f'<rect class="answer" x="{x0}" y="{BAR_Y}" width="{max(1.0, x1 - x0):.2f}" '
        f'height="{BAR_H}" fill="{color}"/>'
    ]
    if total_caption(report, settings).kind == "over":
        out += _hatch(x(report.targets.total_s), x1, text_on(color))
    label = f"Answer {fmt_time(report.duration_s)}"
    if len(label) * 7.5 + 12 <= x1 - x0:
        out.append(
            f'<text x="{x0 + 6}" y="{BAR_Y + BAR_H / 2 + 4.5}" font-size="13" '
            f'font-weight="bold" fill="{text_on(color)}" {FONT}>{_e(label)}</text>'
        )
    return out


def _hatch(x0: float, x1: float, color: str) -> list[str]:
    """Diagonal lines over [x0, x1] of the bar, clipped by arithmetic (SVG Tiny has no pattern)."""
    out: list[str] = []
    if x1 - x0 < 2:
        return out
    top, bottom, gap = BAR_Y, BAR_Y + BAR_H, 7.0
    c = x0 - BAR_H  # each line runs from (c, bottom) to (c + BAR_H, top)
    while c < x1:
        ax, ay, bx, by = c, bottom, c + BAR_H, top
        if ax < x0:  # clip on the left edge
            ay, ax = bottom - (x0 - ax), x0
        if bx > x1:  # clip on the right edge
            by, bx = top + (bx - x1), x1
        if bx > ax:
            out.append(
                f'<line x1="{ax:.2f}" y1="{ay:.2f}" x2="{bx:.2f}" y2="{by:.2f}" '
                f'stroke="{color}" stroke-opacity="0.45" stroke-width="1.2"/>'
            )
        c += gap
    return out


# --- transcript --------------------------------------------------------------------------------


def transcript_html(report: Report, pdf: bool = False, by_section: bool | None = None) -> str:
    """Sentences grouped in runs of one section, each run tinted; fillers in <mark>.
    Without `by_section` (a follow-up or a drill, not split into STAR) the words are one run;
    by default an answer timed as a whole is one run, as the review shows it."""
    pal = light_palette()
    if by_section is None:
        by_section = not timed_as_whole(report)
    words = report.transcript.words
    filler_of: dict[int, str] = {}
    for f in report.fillers:
        if f.word_index is not None:
            for i in range(f.word_index, f.word_index + f.n_words):
                filler_of[i] = f.text
    gaps = sorted(f.start_s for f in report.fillers if f.word_index is None)
    gi = 0
    runs: list[tuple[str | None, list[str]]] = []
    for s in report.sentences:
        section = s.section if s.first_word < len(words) and by_section else None
        if not runs or runs[-1][0] != section:
            runs.append((section, []))
        parts = runs[-1][1]
        for i in range(s.first_word, min(s.last_word, len(words) - 1) + 1):
            while gi < len(gaps) and gaps[gi] <= words[i].start_s:
                parts.append(
                    '<span class="wordless" title="a voiced sound with no word: '
                    'counted as a filler">(hmm?)</span>'
                )
                gi += 1
            w = _e(words[i].text.strip())
            if i in filler_of and pdf:  # QTextDocument knows no <mark>
                piece = f'<b><u style="color:{pal["filler"]}">{w}</u></b>'
            elif i in filler_of:
                piece = f'<mark class="filler" title="filler: {_e(filler_of[i])}">{w}</mark>'
            else:
                piece = w
            # spaced as the review spaces them: "12%" and "mid-sized", not "12 %"
            if parts and attaches(words[i].text):
                parts[-1] += piece
            else:
                parts.append(piece)
    if runs and gi < len(gaps):
        runs[-1][1].extend(['<span class="wordless">(hmm?)</span>'] * (len(gaps) - gi))
    out = []
    for section, parts in runs:
        label = SECTION_LABELS.get(section or "", "Answer")
        color = SECTION_COLORS.get(section or "", pal["muted"])
        tint = mix(pal["surface"], color, 0.12)
        if pdf:  # QTextDocument: a one-cell table is the block that takes a background
            out.append(
                f'<table width="100%" cellpadding="8" style="background-color:{tint}; '
                f'margin-bottom:6px"><tr><td><b style="color:{color}">{label}</b><br>'
                f"{' '.join(parts)}</td></tr></table>"
            )
        else:
            out.append(
                f'<div class="run" data-section="{section or ""}" '
                f'style="background:{tint}; border-left-color:{color}">'
                f'<div class="label" style="color:{color}">{label}</div>'
                f"<p>{' '.join(parts)}</p></div>"
            )
    return "\n".join(out)


# --- the page ----------------------------------------------------------------------------------


def page_css(pal: dict[str, str]) -> str:
    """The page's style sheet (the PDF variant uses none: QTextDocument knows little CSS)."""
    return f"""
body {{ margin: 0; background: {pal["window"]}; color: {pal["text"]};
  font-family: "DejaVu Sans", "Segoe UI", Helvetica, Arial, sans-serif; font-size: 15px; }}
main {{ max-width: 820px; margin: 0 auto; padding: 24px 20px 40px; }}
h1 {{ font-size: 22px; margin: 0 0 4px; }}
h2 {{ font-size: 12px; letter-spacing: .08em; text-transform: uppercase; color: {pal["muted"]};
  margin: 26px 0 8px; }}
.meta {{ color: {pal["muted"]}; margin: 0 0 14px; }}
.card {{ background: {pal["surface"]}; border: 1px solid {pal["border"]}; border-radius: 8px;
  padding: 12px 16px; }}
.question {{ font-size: 17px; line-height: 1.45; }}
svg {{ max-width: 100%; height: auto; display: block; }}
.verdicts {{ border-radius: 8px; padding: 10px 16px; }}
.verdicts.warn {{ background: {pal["warn_bg"]}; color: {pal["warn_text"]}; }}
.verdicts.good {{ background: {pal["good_bg"]}; color: {pal["good_text"]}; }}
.verdicts ul {{ margin: 4px 0 0; padding-left: 20px; }}
.tiles {{ display: grid; grid-template-columns: repeat(auto-fit, minmax(140px, 1fr)); gap: 10px; }}
.tile .value {{ font-size: 20px; font-weight: 700; margin: 2px 0; }}
.tile .head {{ font-size: 11px; letter-spacing: .08em; text-transform: uppercase;
  color: {pal["muted"]}; }}
.tile .hint, .check .detail {{ color: {pal["muted"]}; font-size: 13px; }}
.check {{ display: flex; gap: 10px; padding: 5px 0; }}
.check .mark {{ width: 18px; font-weight: 700; }}
.check.passed .mark {{ color: {pal["good"]}; }}
.check.failed .mark {{ color: {pal["bad"]}; }}
.run {{ border-left: 4px solid; border-radius: 6px; padding: 8px 14px; margin-bottom: 8px; }}
.run .label {{ font-weight: 700; font-size: 13px; }}
.run p {{ margin: 4px 0 0; line-height: 1.7; font-size: 16px; }}
mark.filler {{ background: none; color: {pal["filler"]}; font-weight: 700;
  text-decoration: underline; }}
.wordless {{ color: {pal["filler"]}; font-style: italic; font-size: 13px; }}
audio {{ width: 100%; margin-top: 6px; }}
footer {{ color: {pal["muted"]}; font-size: 12px; margin-top: 30px; }}
@media print {{ body {{ background: #fff; }} audio {{ display: none; }} }}
"""


def tiles_html(tiles: Sequence[Tile], pdf: bool = False) -> str:
    """The figure tiles: cards in a grid, or one table row for the PDF."""
    pal = light_palette()
    if pdf:  # rows of at most five: narrower cells break words on the A4 page
        cells = [
            f'<td width="20%" style="background-color:{pal["surface_alt"]}">'
            f'<span style="color:{pal["muted"]}; font-size:small">{_e(t.heading.upper())}'
            f"</span><br><b>{_e(t.value)}</b><br>"
            f'<span style="color:{pal["muted"]}">{_e(t.hint)}</span></td>'
            for t in tiles
        ]
        rows = ["".join(cells[i : i + 5]) for i in range(0, len(cells), 5)]
        return (
            '<table width="100%" cellspacing="6" cellpadding="8">'
            + "".join(f"<tr>{r}</tr>" for r in rows)
            + "</table>"
        )
    return (
        '<div class="tiles">'
        + "".join(
            f'<div class="card tile" data-figure="{t.key}"><div class="head">'
            f'{_e(t.heading)}</div><div class="value">{_e(t.value)}</div>'
            f'<div class="hint">{_e(t.hint)}</div></div>'
            for t in tiles
        )
        + "</div>"
    )


def checks_html(checks: Sequence[Check], pdf: bool = False, empty: str = "") -> str:
    """Content checks, a tick or a cross each with its detail and time."""
    pal = light_palette()
    out = []
    for c in checks:
        where = f" [{fmt_time(c.at_s)}]" if c.at_s is not None else ""
        mark = "✓" if c.passed else "✗"
        if pdf:
            color = pal["good"] if c.passed else pal["bad"]
            out.append(
                f'<tr><td width="24" style="color:{color}"><b>{mark}</b></td>'
                f"<td><b>{_e(check_label(c.name))}</b><br>"
                f'<span style="color:{pal["muted"]}">{_e(c.detail)}{where}</span></td></tr>'
            )
        else:
            out.append(
                f'<div class="check {"passed" if c.passed else "failed"}" '
                f'data-check="{_e(c.name)}"><span class="mark">{mark}</span><span>'
                f"<b>{_e(check_label(c.name))}</b><br>"
                f'<span class="detail">{_e(c.detail)}{where}</span></span></div>'
            )
    if not out:
        return f"<p>{_e(empty or 'No content checks for this answer.')}</p>"
    if pdf:
        return f'<table cellpadding="3">{"".join(out)}</table>'
    return f'<div class="card checks">{"".join(out)}</div>'


def take_html(
    report: Report,
    info: TakeInfo = TakeInfo(),  # noqa: B008 (frozen, never mutated)
    settings: AnalysisSettings | None = None,
    *,
    pdf: bool = False,
    timeline_src: str = "timeline.png",
) -> str:
    """The whole page as one string. With `pdf`, the timeline is `<img src=timeline_src>`."""
    cfg = settings or AnalysisSettings()
    pal = light_palette()
    when = info.when.strftime("%A %d %B %Y, %H:%M") if info.when else ""
    title = info.question or "Recorded answer"
    meta = [m for m in (when, f"answer {fmt_time(report.duration_s)}") if m]
    if report.transcript.model:
        meta.append(f"model {report.transcript.model}")
    if info.take_id is not None:
        meta.append(f"take {info.take_id}")

    ok = timing_ok(report.sections, report.missing_sections, report.targets, report.duration_s, cfg)
    verdict_items = "".join(f"<li>{_e(v)}</li>" for v in report.verdicts)
    verdicts = (
        f"<ul>{verdict_items}</ul>" if report.verdicts else "Every section was close to its target."
    )
    vclass = "good" if ok else "warn"
    vtitle = "Timing ✓" if ok else "Timing"

    tiles = tiles_html(figure_tiles(report, cfg), pdf)
    checks = checks_html(report.checks, pdf)
    if pdf:
        timeline = f'<img src="{_e(timeline_src)}" width="{PDF_TIMELINE_W}">'
        vbg = pal["good_bg"] if ok else pal["warn_bg"]
        vfg = pal["good_text"] if ok else pal["warn_text"]
        verdict_box = (
            f'<table width="100%" cellpadding="8" style="background-color:{vbg}; color:{vfg}">'
            f"<tr><td><b>{vtitle}</b>{verdicts}</td></tr></table>"
        )
    else:
        timeline = timeline_svg(report, cfg)
        verdict_box = (
            f'<div class="verdicts {vclass}" id="verdicts"><b>{vtitle}</b>{verdicts}</div>'
        )

    timeline_title = "Timeline" if timed_as_whole(report) else "STAR timeline"
    audio = ""
    if info.audio_src and not pdf:
        audio = (
            f'<h2>Recording</h2><audio controls preload="metadata" '
            f'src="{_e(info.audio_src)}"></audio>'
        )
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>VoiceCoach review — {_e(title[:80])}</title>
<style>{page_css(pal) if not pdf else ""}</style></head>
<body><main>
<h1>VoiceCoach review</h1>
<p class="meta" style="color:{pal["muted"]}">{_e("  ·  ".join(meta))}</p>
<h2>Question</h2>
<div class="card question" id="question">{_e(title)}</div>
<h2>{timeline_title}</h2>
<div class="card" id="timeline">{timeline}</div>
<h2>Timing</h2>
{verdict_box}
<h2>Figures</h2>
{tiles}
<h2>Content checks</h2>
<div id="checks">{checks}</div>
<h2>Transcript</h2>
<div id="transcript">{transcript_html(report, pdf)}</div>
{audio}
<footer><p style="color:{pal["muted"]}">Made with VoiceCoach, on this computer; nothing was
uploaded.</p></footer>
</main></body></html>
"""
