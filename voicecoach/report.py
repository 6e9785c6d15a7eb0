"""A Report as stable JSON (for `--json`, the history store and other tools) and as text.

The keys named in the CLI contract are stable: `audio.duration_s`, `transcript`, `words[]`,
`sections[]`, `fillers`, `pace_wpm`, `pauses[]`, `pronouns`, `checks`. Everything else needed
to rebuild the Report exactly (`report_from_json`) sits beside them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from voicecoach.analysis.delivery import DRILL_CHECKS, DRILL_CHECKS_IF_ASKED
from voicecoach.analysis.timing import clock, whole_s
from voicecoach.domain import (
    SECTION_NAMES,
    Check,
    Filler,
    Pause,
    Report,
    Section,
    SectionTargets,
    Sentence,
    Transcript,
    VoicedGap,
    Word,
)

SCHEMA_VERSION = 1


def _r(x: float, nd: int = 3) -> float:
    return round(float(x), nd)


def to_json(report: Report) -> dict[str, Any]:
    """Everything in the report as a JSON-safe dict with stable keys."""
    filler_words = report.filler_words
    words = [
        {
            "text": w.text,
            "start_s": _r(w.start_s),
            "end_s": _r(w.end_s),
            "probability": _r(w.probability),
            "filler": i in filler_words,
            "section": report.word_sections[i] if i < len(report.word_sections) else None,
        }
        for i, w in enumerate(report.transcript.words)
    ]
    by_word: dict[str, int] = {}
    for f in report.fillers:
        by_word[f.text] = by_word.get(f.text, 0) + 1
    minutes = report.duration_s / 60.0
    checks: dict[str, Any] = {}
    for c in report.checks:
        checks[c.name] = {"passed": c.passed, "detail": c.detail, "at_s": c.at_s, "value": c.value}
    return {
        "schema": SCHEMA_VERSION,
        "question_id": report.question_id,
        "audio": {"duration_s": _r(report.duration_s)},
        "model": report.transcript.model,
        "transcript": report.transcript.text,
        "words": words,
        "voiced_gaps": [
            {"start_s": _r(g.start_s), "end_s": _r(g.end_s)} for g in report.transcript.voiced_gaps
        ],
        "sentences": [
            {
                "first_word": s.first_word,
                "last_word": s.last_word,
                "start_s": _r(s.start_s),
                "end_s": _r(s.end_s),
                "text": s.text,
                "section": s.section,
                "reason": s.reason,
            }
            for s in report.sentences
        ],
        "sections": [
            {
                "name": s.name,
                "start_s": _r(s.start_s),
                "end_s": _r(s.end_s),
                "duration_s": _r(s.duration_s),
                "target_s": _r(s.target_s),
            }
            for s in report.sections
        ],
        "missing_sections": list(report.missing_sections),
        "targets": {
            **{f"{n}_s": _r(report.targets.for_section(n)) for n in SECTION_NAMES},
            "total_s": _r(report.targets.total_s),
        },
        "fillers": {
            "total": len(report.fillers),
            "per_minute": _r(len(report.fillers) / minutes, 2) if minutes > 0 else 0.0,
            "by_word": dict(sorted(by_word.items(), key=lambda kv: (-kv[1], kv[0]))),
            "items": [
                {
                    "text": f.text,
                    "kind": f.kind,
                    "start_s": _r(f.start_s),
                    "end_s": _r(f.end_s),
                    "word_index": f.word_index,
                    "n_words": f.n_words,
                }
                for f in report.fillers
            ],
        },
        "speech_s": _r(report.speech_s),
        "pace_wpm": _r(report.pace_wpm, 1),
        "pauses": [
            {
                "start_s": _r(p.start_s),
                "end_s": _r(p.end_s),
                "duration_s": _r(p.duration_s),
                "after_word": p.after_word,
            }
            for p in report.pauses
        ],
        "pronouns": dict(report.pronouns),
        "checks": checks,
        "verdicts": list(report.verdicts),
    }


def report_from_json(d: dict[str, Any]) -> Report:
    """Rebuild the Report that `to_json` wrote (the history store keeps reports this way)."""
    words = tuple(
        Word(w["text"], w["start_s"], w["end_s"], w.get("probability", 1.0)) for w in d["words"]
    )
    transcript = Transcript(
        words=words,
        duration_s=d["audio"]["duration_s"],
        voiced_gaps=tuple(VoicedGap(g["start_s"], g["end_s"]) for g in d.get("voiced_gaps", [])),
        model=d.get("model", ""),
    )
    t = d.get("targets", {})
    targets = SectionTargets(**{k: float(v) for k, v in t.items()}) if t else SectionTargets()
    report = Report(
        question_id=d.get("question_id"),
        duration_s=d["audio"]["duration_s"],
        transcript=transcript,
        word_sections=tuple(w.get("section") for w in d["words"]),
        sentences=tuple(Sentence(**s) for s in d.get("sentences", [])),
        sections=tuple(
            Section(s["name"], s["start_s"], s["end_s"], s["target_s"]) for s in d["sections"]
        ),
        missing_sections=tuple(d.get("missing_sections", [])),
        targets=targets,
        fillers=tuple(Filler(**f) for f in d["fillers"].get("items", [])),
        speech_s=d.get("speech_s", 0.0),
        pace_wpm=d["pace_wpm"],
        pauses=tuple(Pause(p["start_s"], p["end_s"], p["after_word"]) for p in d["pauses"]),
        pronouns=dict(d["pronouns"]),
        checks=tuple(
            Check(name, c["passed"], c["detail"], c.get("at_s"), c.get("value"))
            for name, c in d["checks"].items()
        ),
        verdicts=tuple(d.get("verdicts", [])),
    )
    if timed_as_whole(report):
        # A drill stored before 30 Nov was given STAR-story checks (a headline first): keep
        # only those a drill gets now, so every view of an old drill reads as a new one does.
        drill = (*DRILL_CHECKS, *DRILL_CHECKS_IF_ASKED)
        report = replace(report, checks=tuple(c for c in report.checks if c.name in drill))
    return report


# --- figures as shown ------------------------------------------------------------------------

TIMED_AS_WHOLE = "Timed as a whole (no STAR sections)"


def timed_as_whole(report: Report) -> bool:
    """A drill (or an interview follow-up): `analyze` splits it into no STAR sections, so no
    section is found and none is missing. Every view asks this, never the sentences' labels
    (a drill stored before 29 Nov still has STAR names on its sentences)."""
    return not report.sections and not report.missing_sections


# Every figure the app shows for a take (review, History, Compare, timeline captions, the text
# summary, exports) is rounded and worded by these functions and nothing else, so one take reads
# the same everywhere, and a change between two takes is the difference of the shown figures.


def fmt_time(seconds: float) -> str:
    """0:41, 2:05 — how the app writes durations and positions."""
    return clock(seconds)  # half up, like the timing verdicts


def fmt_when(recorded: datetime, now: datetime | None = None) -> str:
    """When a take was recorded (the moment recording started), in local time: 'Today 11:09',
    else 'Sun 29 Nov, 11:09'. History and the review header both write it with this, from the
    take's stored start time, so one take shows one time everywhere."""
    local = recorded.astimezone()
    today = (now or datetime.now()).astimezone().date()
    if local.date() == today:
        return "Today " + local.strftime("%H:%M")
    return local.strftime("%a %d %b, %H:%M")


def fmt_seconds(seconds: float) -> str:
    """'41 s': a length in whole seconds, rounded as the timing verdicts round it."""
    return f"{whole_s(seconds)} s"


def fillers_per_minute(n_fillers: int, duration_s: float) -> float:
    """Fillers per minute as shown: one decimal, half up (0.85 → 0.9, never 0.8).

    The duration is taken to the millisecond first, as the stored report keeps it, so a fresh
    review and the same take reopened from History give the same figure.
    """
    d = round(float(duration_s), 3)
    if d <= 0 or not math.isfinite(d):
        return 0.0
    return math.floor(n_fillers * 600.0 / d + 0.5 + 1e-9) / 10.0


def fmt_rate(per_minute: float) -> str:
    """'0.9/min'."""
    return f"{per_minute:.1f}/min"


def pace_shown(wpm: float) -> int:
    """Words per minute as shown: whole, half up, from the tenth the stored report keeps."""
    return whole_s(round(float(wpm), 1))


def fmt_pace(wpm: float) -> str:
    """'142 wpm'."""
    return f"{pace_shown(wpm)} wpm"


@dataclass(frozen=True)
class TakeFigures:
    """The figures of one take, rounded as shown; the `*_text` properties are the words."""

    duration_s: int
    sections_s: dict[str, int]  # spoken sections only; a section split in two is summed
    fillers: int
    fillers_per_min: float
    pace_wpm: int
    whole: bool = False  # timed as a whole (a drill): no section is "missing"

    @property
    def length_text(self) -> str:
        return fmt_time(self.duration_s)

    def section_text(self, name: str) -> str:
        if self.whole:
            return "—"
        return f"{self.sections_s[name]} s" if name in self.sections_s else "missing"

    @property
    def rate_text(self) -> str:
        return fmt_rate(self.fillers_per_min)

    @property
    def fillers_text(self) -> str:
        return f"{self.fillers} · {self.rate_text}"

    @property
    def pace_text(self) -> str:
        return f"{self.pace_wpm} wpm"


def take_figures(report: Report) -> TakeFigures:
    """The shown figures of a take; every view takes its numbers from here."""
    from voicecoach.analysis.timing import section_lengths

    return TakeFigures(
        duration_s=whole_s(report.duration_s),
        sections_s={n: whole_s(v) for n, v in section_lengths(report.sections).items()},
        fillers=len(report.fillers),
        fillers_per_min=fillers_per_minute(len(report.fillers), report.duration_s),
        pace_wpm=pace_shown(report.pace_wpm),
        whole=timed_as_whole(report),
    )


def fmt_change(before: float | None, after: float | None, unit: str, decimals: int = 0) -> str:
    """'+3 s', '−0.4/min', 'same': the difference of two *shown* figures (already rounded).

    "same" only when the two shown figures are equal; otherwise the change is exactly what a
    reader gets by subtracting one shown figure from the other.
    """
    if before is None or after is None:
        return ""
    scale = 10**decimals
    d = round(float(after) * scale) - round(float(before) * scale)  # in units of the last digit
    if d == 0:
        return "same"
    return f"{'+' if d > 0 else '−'}{abs(d) / scale:.{decimals}f}{unit}"


# --- text summary ----------------------------------------------------------------------------


def format_text(report: Report, question_text: str | None = None) -> str:
    """The readable summary `voicecoach analyze` prints."""
    out: list[str] = []
    if question_text:
        out += [f"Question: {question_text}", ""]
    total = report.targets.total_s
    out.append(
        f"Answer length {fmt_time(report.duration_s)} (target {fmt_time(total)}), "
        f"{len(report.transcript.words)} words, pace {fmt_pace(report.pace_wpm)}"
    )
    out.append("")
    out += _section_table(report)
    out.append("")
    for v in report.verdicts:
        out.append(f"• {v}")
    if report.verdicts:
        out.append("")
    fig = take_figures(report)
    by_word: dict[str, int] = {}
    for f in report.fillers:
        by_word[f.text] = by_word.get(f.text, 0) + 1
    words = ", ".join(f"{w} ×{n}" for w, n in sorted(by_word.items(), key=lambda kv: -kv[1]))
    out.append(f"Fillers: {fig.fillers} ({fig.rate_text}){': ' + words if words else ''}")
    if report.pauses:
        longest = max(p.duration_s for p in report.pauses)
        out.append(f"Pauses: {len(report.pauses)} over the threshold, longest {longest:.1f} s")
    else:
        out.append("Pauses: none over the threshold")
    out.append(f"Pronouns: I ×{report.pronouns.get('i', 0)}, we ×{report.pronouns.get('we', 0)}")
    out.append("")
    for c in report.checks:
        mark = "✓" if c.passed else "✗"
        where = f" [{fmt_time(c.at_s)}]" if c.at_s is not None else ""
        out.append(f"{mark} {c.name.replace('_', ' ')}: {c.detail}{where}")
    return "\n".join(out)


def _section_table(report: Report) -> list[str]:
    """The STAR sections against their targets, or one line for an answer timed as a whole."""
    if timed_as_whole(report):
        return [TIMED_AS_WHOLE]
    out = [f"{'Section':<10} {'From':>6} {'To':>6} {'Length':>7} {'Target':>7}  "]
    found = {s.name: s for s in report.sections}
    for name in SECTION_NAMES:
        target = report.targets.for_section(name)
        s = found.get(name)
        if s is None:
            out.append(
                f"{name.title():<10} {'—':>6} {'—':>6} {'missing':>7} {whole_s(target):>6d}s"
            )
            continue
        over = whole_s(s.duration_s) - whole_s(target)
        note = f"  {over:+d} s" if over else ""
        out.append(
            f"{name.title():<10} {fmt_time(s.start_s):>6} {fmt_time(s.end_s):>6} "
            f"{whole_s(s.duration_s):>6d}s {whole_s(target):>6d}s{note}"
        )
    return out


# --- words shown beside the figures (review, export, progress) ------------------------------

# The pace a listener finds comfortable, words a minute.
COMFORTABLE_WPM = (130, 160)
CHECK_LABELS = {
    "headline": "Headline first",
    "quantified_result": "Result in numbers",
    "learning": "What you learned",
    "because": "Reasons (“because”, “so that”, …)",
    "for_example": "Examples (“for example”, “such as”, …)",
    "but": "Contrast (“but”, “however”, …)",
    "i_vs_we": "Your part (“I” vs “we”)",
}
# The checks whose label is longer than a word or two, shortened for lists of checks (the
# interview summary's Missed column, the text summary, the interview export); the full label
# goes in a tooltip where there is one. The others are listed by their label.
CHECK_SHORT_NAMES = {
    "because": "Reasons",
    "for_example": "Examples",
    "but": "Contrast",
    "i_vs_we": "Your part",
}


def check_label(name: str) -> str:
    """A content check's name as the user reads it."""
    return CHECK_LABELS.get(name, name.replace("_", " ").capitalize())


def check_short_name(name: str) -> str:
    """A content check's name in a word or two, for a list of checks."""
    return CHECK_SHORT_NAMES.get(name, check_label(name))


def pace_hint(wpm: float) -> str:
    """One line on the pace, against the comfortable range."""
    lo, hi = COMFORTABLE_WPM
    if wpm <= 0:
        return "no speech measured"
    if wpm < lo:
        return f"on the slow side — {lo}–{hi} is comfortable"
    if wpm > hi:
        return f"a little fast — {lo}–{hi} is comfortable"
    return f"comfortable ({lo}–{hi})"


def filler_hint(report: Report) -> str:
    """The line under the filler count: the commonest fillers, then wordless sounds (voice
    with no transcribed word: an "hmm", or speech the model missed)."""
    by_word: dict[str, int] = {}
    wordless = 0
    for f in report.fillers:
        if f.kind == "unlabelled":
            wordless += 1
        else:
            by_word[f.text] = by_word.get(f.text, 0) + 1
    top = sorted(by_word.items(), key=lambda kv: (-kv[1], kv[0]))
    parts = [f"“{w}” ×{n}" for w, n in top[:4]]
    if wordless:
        parts.append(f"{wordless} wordless sound{'s' if wordless != 1 else ''} (hmm?)")
    return ", ".join(parts) if parts else "none — well done"
