"""The review's words and colours without Qt, for pages made outside the app window.

The review's widgets word their figures in Qt modules (`ui/figures_panel.py`,
`ui/star_timeline.py`, `ui/style.py`), which an export must not import. The figures here are
built from the same pure pieces (`report.take_figures`, `report.fmt_time`, `analysis.timing`,
`analysis.delivery.i_vs_we_verdict`) and `tests/export/test_export_matches_review.py` checks,
string for string, that they equal what the widgets show for the same Report.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

from voicecoach.analysis.delivery import i_vs_we_verdict
from voicecoach.analysis.timing import section_lengths, section_status, total_status, whole_s
from voicecoach.domain import SECTION_NAMES, Report
from voicecoach.report import (  # noqa: F401 - the review's words, re-exported
    CHECK_LABELS,
    COMFORTABLE_WPM,
    check_label,
    filler_hint,
    fmt_time,
    pace_hint,
    take_figures,
    timed_as_whole,
)
from voicecoach.settings import AnalysisSettings

# The app's section colours (Okabe–Ito, as ui/style.py SECTION_COLORS) and labels.
SECTION_COLORS: dict[str, str] = {
    "situation": "#0072B2",
    "task": "#E69F00",
    "action": "#009E73",
    "result": "#CC79A7",
}
SECTION_LABELS: dict[str, str] = {n: n.title() for n in SECTION_NAMES}


@cache
def light_palette() -> dict[str, str]:
    """The light theme's colours from assets/palettes.toml (package data or the source tree)."""
    path: Path | None = None
    try:
        p = Path(str(resources.files("voicecoach.assets"))) / "palettes.toml"
        path = p if p.is_file() else None
    except ModuleNotFoundError:
        pass
    if path is None:
        path = Path(__file__).resolve().parents[2] / "assets" / "palettes.toml"
    with path.open("rb") as fh:
        return dict(tomllib.load(fh)["light"])


def _rgb(hex_color: str) -> tuple[int, int, int]:
    h = hex_color.lstrip("#")
    return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)


def mix(base: str, color: str, strength: float) -> str:
    """`color` mixed into `base` (as ui/style.section_tint)."""
    b, c = _rgb(base), _rgb(color)
    r, g, bl = (round(x * (1 - strength) + y * strength) for x, y in zip(b, c, strict=True))
    return f"#{r:02x}{g:02x}{bl:02x}"


def text_on(color: str) -> str:
    """Dark or white text, whichever reads on `color` (as the timeline's labels)."""

    def lin(c: int) -> float:
        v = c / 255.0
        return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4

    r, g, b = _rgb(color)
    lum = 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b)
    return "#14171c" if lum > 0.28 else "#ffffff"


@dataclass(frozen=True)
class Caption:
    name: str  # a section name, or "total"
    head: str  # "Situation 41 s", "Total 2:05"
    detail: str  # "26 s over target", "within target", "missing"
    kind: str  # over | short | ok | missing

    @property
    def text(self) -> str:
        return f"{self.head} — {self.detail}"


def captions(report: Report, settings: AnalysisSettings | None = None) -> list[Caption]:
    """One caption per STAR section, worded and judged as the review's timeline does; none
    for an answer timed as a whole (a drill: no section is missing from it)."""
    if timed_as_whole(report):
        return []
    lengths = section_lengths(report.sections)
    out = []
    for name in SECTION_NAMES:
        label, target = SECTION_LABELS[name], report.targets.for_section(name)
        length = lengths.get(name)
        if length is None:
            out.append(Caption(name, label, "missing", "missing"))
            continue
        d, t = whole_s(length), whole_s(target)
        head = f"{label} {d} s"
        status = section_status(name, length, target, settings)
        if status == "over":
            out.append(Caption(name, head, f"{d - t} s over target", "over"))
        elif status == "short":
            out.append(Caption(name, head, f"{t - d} s short of target", "short"))
        else:
            out.append(Caption(name, head, "within target", "ok"))
    return out


def total_caption(report: Report, settings: AnalysisSettings | None = None) -> Caption:
    total, target = report.duration_s, report.targets.total_s
    d, t = whole_s(total), whole_s(target)
    head = f"Total {fmt_time(total)}"
    status = total_status(total, target, settings)
    if status == "over":
        return Caption("total", head, f"{d - t} s over target", "over")
    if status == "under":
        return Caption("total", head, f"{t - d} s under target", "short")
    return Caption("total", head, "within target", "ok")


@dataclass(frozen=True)
class Tile:
    key: str  # time | fillers | pace | pauses | pronouns
    heading: str
    value: str
    hint: str


def figure_tiles(report: Report, settings: AnalysisSettings | None = None) -> list[Tile]:
    """The figures of the review's tiles (fillers, pace, pauses, I vs we), with the time first."""
    tot = total_caption(report, settings)
    tiles = [
        Tile(
            "time",
            "Time",
            fmt_time(report.duration_s),
            f"target {fmt_time(report.targets.total_s)} — {tot.detail}",
        )
    ]
    fig = take_figures(report)
    tiles.append(Tile("fillers", "Fillers", fig.fillers_text, filler_hint(report)))
    tiles.append(Tile("pace", "Pace", fig.pace_text, pace_hint(report.pace_wpm)))
    if report.pauses:
        longest = max(report.pauses, key=lambda p: p.duration_s)
        tiles.append(
            Tile(
                "pauses",
                "Pauses",
                str(len(report.pauses)),
                f"longest {longest.duration_s:.1f} s at {fmt_time(longest.start_s)}",
            )
        )
    else:
        tiles.append(Tile("pauses", "Pauses", "0", "no long pauses"))
    n_i, n_we = report.pronouns.get("i", 0), report.pronouns.get("we", 0)
    # the verdict of the "I" vs "we" check itself, in its words (none for a drill)
    tiles.append(
        Tile("pronouns", "“I” vs “we”", f"I {n_i} · we {n_we}", i_vs_we_verdict(report.checks))
    )
    return tiles
