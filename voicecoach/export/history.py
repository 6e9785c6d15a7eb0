"""History as JSON and CSV, with the keys of `voicecoach analyze --json`.

JSON: a list, one object per analysed take, newest first: `take` (id, created_at, question_id,
pack, question, status, audio_file, kind, interview_id) beside every key `report.to_json` writes
(`audio.duration_s`, `transcript`, `words[]`, `sections[]`, `fillers`, `pace_wpm`, `pauses[]`,
`pronouns`, `checks`). `kind` is "answer" or "follow_up" (a mock interview's follow-up, whose
`question` is the follow-up asked and whose `question_id` is its main question's): a table of
answers per question leaves follow-ups out, as the Progress page does. `interview_id` is the
run's number, or null for a take practised on its own.

CSV: one row per analysed take; a column is the dotted path of the same JSON key
(`audio.duration_s`, `fillers.per_minute`, `pronouns.i`, `checks.headline.passed`); sections
are summed per name (`sections.action.duration_s`). Takes with no report are left out of both.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from typing import Any

from voicecoach.domain import SECTION_NAMES, Report
from voicecoach.report import report_from_json, to_json

CHECK_NAMES = (
    "headline",
    "quantified_result",
    "learning",
    "because",
    "for_example",
    "but",
    "i_vs_we",
)

HISTORY_CSV_COLUMNS: tuple[str, ...] = (
    "take.id",
    "take.created_at",
    "take.question_id",
    "take.pack",
    "take.question",
    "take.kind",
    "take.interview_id",
    "model",
    "audio.duration_s",
    "speech_s",
    "pace_wpm",
    "fillers.total",
    "fillers.per_minute",
    "pronouns.i",
    "pronouns.we",
    "pauses.count",
    *(f"sections.{n}.duration_s" for n in SECTION_NAMES),
    *(f"sections.{n}.target_s" for n in SECTION_NAMES),
    "targets.total_s",
    "missing_sections",
    *(f"checks.{c}.passed" for c in CHECK_NAMES),
    "verdicts",
    "transcript",
)


def _default_report(record: Any) -> Report | None:
    return report_from_json(record.report_json) if record.report_json else None


def history_json(
    records: Iterable[Any],
    report_of: Callable[[Any], Report | None] = _default_report,
    runs: dict[int, tuple[str, int | None]] | None = None,
) -> list[dict[str, Any]]:
    """One dict per analysed take (a `store.history.TakeRecord`); `report_of` rebuilds its
    Report (the app passes one that applies the user's section corrections); `runs` gives a
    take id's (kind, interview id), missing ones being ("answer", None)."""
    out = []
    for r in records:
        report = report_of(r)
        if report is None:
            continue
        kind, run = (runs or {}).get(r.id, ("answer", None))
        out.append(
            {
                "take": {
                    "id": r.id,
                    "created_at": r.created_at.isoformat(),
                    "question_id": r.question_id,
                    "pack": r.pack,
                    "question": r.question_text,
                    "status": r.status,
                    "audio_file": r.audio_path.name,
                    "kind": kind,
                    "interview_id": run,
                },
                **to_json(report),
            }
        )
    return out


def _csv_row(entry: dict[str, Any]) -> dict[str, Any]:
    take = entry["take"]
    row: dict[str, Any] = {f"take.{k}": take[k] for k in ("id", "created_at", "question_id")}
    row["take.pack"] = take["pack"]
    row["take.question"] = take["question"]
    row["take.kind"] = take["kind"]
    row["take.interview_id"] = "" if take["interview_id"] is None else take["interview_id"]
    row["model"] = entry["model"]
    row["audio.duration_s"] = entry["audio"]["duration_s"]
    row["speech_s"] = entry["speech_s"]
    row["pace_wpm"] = entry["pace_wpm"]
    row["fillers.total"] = entry["fillers"]["total"]
    row["fillers.per_minute"] = entry["fillers"]["per_minute"]
    row["pronouns.i"] = entry["pronouns"].get("i", 0)
    row["pronouns.we"] = entry["pronouns"].get("we", 0)
    row["pauses.count"] = len(entry["pauses"])
    lengths: dict[str, float] = {}
    for s in entry["sections"]:
        lengths[s["name"]] = round(lengths.get(s["name"], 0.0) + s["duration_s"], 3)
    # an answer timed as a whole (a drill) has no sections: no section targets either
    whole = not entry["sections"] and not entry["missing_sections"]
    for n in SECTION_NAMES:
        row[f"sections.{n}.duration_s"] = lengths.get(n, "")
        row[f"sections.{n}.target_s"] = "" if whole else entry["targets"][f"{n}_s"]
    row["targets.total_s"] = entry["targets"]["total_s"]
    row["missing_sections"] = " ".join(entry["missing_sections"])
    for c in CHECK_NAMES:
        check = entry["checks"].get(c)
        row[f"checks.{c}.passed"] = "" if check is None else str(bool(check["passed"])).lower()
    row["verdicts"] = " ".join(entry["verdicts"])
    row["transcript"] = entry["transcript"]
    return row


def history_csv(entries: list[dict[str, Any]]) -> str:
    """`history_json`'s entries as CSV text (a header row, then one row per take)."""
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(HISTORY_CSV_COLUMNS), lineterminator="\n")
    w.writeheader()
    for e in entries:
        w.writerow(_csv_row(e))
    return buf.getvalue()
