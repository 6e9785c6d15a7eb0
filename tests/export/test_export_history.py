"""History export: JSON entries carry analyze --json's keys; CSV columns are those keys' paths."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from tests.export.takes import make_history
from tests.ui.sample_report import sample_report
from voicecoach.export import HISTORY_CSV_COLUMNS, history_csv, history_json
from voicecoach.report import to_json
from voicecoach.store.history import History

# The keys README "Command line" promises for `analyze --json`.
CLI_KEYS = {
    "audio",
    "transcript",
    "words",
    "sections",
    "fillers",
    "pace_wpm",
    "pauses",
    "pronouns",
    "checks",
}


def test_json_entries_have_the_cli_keys_and_the_take(tmp_path: Path):
    """Each entry is to_json(report) plus `take`; unanalysed takes are left out."""
    paths, ids = make_history(tmp_path, 2)
    with History(paths.db_path) as h:
        h.start_take("q", "p", "not analysed", paths.data_dir / "none.wav")
        entries = history_json(h.list())
    assert [e["take"]["id"] for e in entries] == sorted(ids, reverse=True)
    expected = to_json(sample_report())
    for e in entries:
        assert CLI_KEYS <= set(e)
        assert {k: v for k, v in e.items() if k != "take"} == expected
        assert set(e["take"]) == {
            "id",
            "created_at",
            "question_id",
            "pack",
            "question",
            "status",
            "audio_file",
            "kind",
            "interview_id",
        }
        assert (e["take"]["kind"], e["take"]["interview_id"]) == ("answer", None)


def test_csv_has_stable_columns_and_the_json_values(tmp_path: Path):
    """The CSV header is the documented column list; its figures equal the JSON's."""
    paths, _ids = make_history(tmp_path, 2)
    with History(paths.db_path) as h:
        entries = history_json(h.list())
    rows = list(csv.DictReader(io.StringIO(history_csv(entries))))
    assert len(rows) == 2
    assert tuple(rows[0]) == HISTORY_CSV_COLUMNS
    for row, e in zip(rows, entries, strict=True):
        assert float(row["audio.duration_s"]) == e["audio"]["duration_s"]
        assert float(row["fillers.per_minute"]) == e["fillers"]["per_minute"]
        assert float(row["pace_wpm"]) == e["pace_wpm"]
        assert int(row["pronouns.i"]) == e["pronouns"]["i"]
        action = sum(s["duration_s"] for s in e["sections"] if s["name"] == "action")
        assert abs(float(row["sections.action.duration_s"]) - action) < 1e-6
        assert row["checks.headline.passed"] == str(e["checks"]["headline"]["passed"]).lower()
        assert row["transcript"] == e["transcript"]


def test_follow_ups_are_told_apart_from_answers(tmp_path: Path):
    """Protects: a mock interview's follow-up was exported like an answer to its main question
    (same question_id), so a table of answers per question mixed them in; its `take.kind` and
    `take.interview_id` now say what it is, in JSON and CSV alike."""
    import json

    from tests.export.interviews import make_interview
    from voicecoach.app.export import export_history

    paths, run, ids = make_interview(tmp_path / "data")
    with History(paths.db_path) as h:
        export_history(h, tmp_path / "h.json")
        export_history(h, tmp_path / "h.csv")
    entries = json.loads((tmp_path / "h.json").read_text(encoding="utf-8"))
    kinds = {e["take"]["id"]: (e["take"]["kind"], e["take"]["interview_id"]) for e in entries}
    assert kinds == {i: ("answer" if k % 2 == 0 else "follow_up", run) for k, i in enumerate(ids)}
    rows = list(csv.DictReader(io.StringIO((tmp_path / "h.csv").read_text(encoding="utf-8"))))
    got = {int(r["take.id"]): (r["take.kind"], int(r["take.interview_id"])) for r in rows}
    assert got == kinds
