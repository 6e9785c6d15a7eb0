"""A Report as stable JSON (for `--json`, the history store and other tools) and as text.

The keys named in the CLI contract are stable: `audio.duration_s`, `transcript`, `words[]`,
`sections[]`, `fillers`, `pace_wpm`, `pauses[]`, `pronouns`, `checks`. Everything else needed
to rebuild the Report exactly (`report_from_json`) sits beside them.
"""

from __future__ import annotations

from typing import Any

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
    return Report(
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


# --- text summary ----------------------------------------------------------------------------


def fmt_time(seconds: float) -> str:
    """0:41, 2:05 — how the app writes durations and positions."""
    s = max(0, int(seconds + 0.5))  # half up, like the timing verdicts
    return f"{s // 60}:{s % 60:02d}"


def format_text(report: Report, question_text: str | None = None) -> str:
    """The readable summary `voicecoach analyze` prints."""
    out: list[str] = []
    if question_text:
        out += [f"Question: {question_text}", ""]
    total = report.targets.total_s
    out.append(
        f"Answer length {fmt_time(report.duration_s)} (target {fmt_time(total)}), "
        f"{len(report.transcript.words)} words, pace {report.pace_wpm:.0f} wpm"
    )
    out.append("")
    out.append(f"{'Section':<10} {'From':>6} {'To':>6} {'Length':>7} {'Target':>7}  ")
    found = {s.name: s for s in report.sections}
    for name in SECTION_NAMES:
        target = report.targets.for_section(name)
        s = found.get(name)
        if s is None:
            out.append(f"{name.title():<10} {'—':>6} {'—':>6} {'missing':>7} {target:>6.0f}s")
            continue
        over = s.duration_s - target
        note = f"  {over:+.0f} s" if abs(over) >= 1 else ""
        out.append(
            f"{name.title():<10} {fmt_time(s.start_s):>6} {fmt_time(s.end_s):>6} "
            f"{s.duration_s:>6.0f}s {target:>6.0f}s{note}"
        )
    out.append("")
    for v in report.verdicts:
        out.append(f"• {v}")
    if report.verdicts:
        out.append("")
    minutes = report.duration_s / 60.0
    per_min = len(report.fillers) / minutes if minutes > 0 else 0.0
    by_word: dict[str, int] = {}
    for f in report.fillers:
        by_word[f.text] = by_word.get(f.text, 0) + 1
    words = ", ".join(f"{w} ×{n}" for w, n in sorted(by_word.items(), key=lambda kv: -kv[1]))
    out.append(f"Fillers: {len(report.fillers)} ({per_min:.1f}/min){': ' + words if words else ''}")
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
