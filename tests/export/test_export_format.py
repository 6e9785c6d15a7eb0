"""The format asked for is the format written, whatever the file is called: `--pdf notes.html`
is a PDF, `--html take.pdf` a web page, `--csv takes.txt` CSV (the CLI's flags say which)."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import csv  # noqa: E402
import io  # noqa: E402
import json  # noqa: E402
from pathlib import Path  # noqa: E402

from tests.export.takes import make_history  # noqa: E402
from voicecoach.app.export import export_history, export_interview, export_take  # noqa: E402
from voicecoach.export import HISTORY_CSV_COLUMNS  # noqa: E402
from voicecoach.store.history import History  # noqa: E402


def test_a_take_is_written_in_the_format_asked_not_guessed_from_its_name(qapp, tmp_path: Path):
    """Protects: `fmt` wins over the suffix, both ways; without it the suffix still decides."""
    paths, ids = make_history(tmp_path / "data", 1)
    with History(paths.db_path) as h:
        export_take(h, ids[0], tmp_path / "a.html", fmt="pdf")
        export_take(h, ids[0], tmp_path / "b.pdf", fmt="html", audio="embed")
        export_take(h, ids[0], tmp_path / "c.pdf")
    assert (tmp_path / "a.html").read_bytes().startswith(b"%PDF")
    page = (tmp_path / "b.pdf").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and 'src="data:audio/wav;base64,' in page
    assert (tmp_path / "c.pdf").read_bytes().startswith(b"%PDF")


def test_an_interview_is_written_in_the_format_asked(qapp, tmp_path: Path):
    """Protects: the interview page follows `fmt` as a take's does."""
    from tests.export.interviews import make_interview

    paths, run, _ids = make_interview(tmp_path / "data")
    with History(paths.db_path) as h:
        export_interview(h, run, tmp_path / "run.html", fmt="pdf")
        export_interview(h, run, tmp_path / "run.pdf", fmt="html")
    assert (tmp_path / "run.html").read_bytes().startswith(b"%PDF")
    assert "VoiceCoach mock interview" in (tmp_path / "run.pdf").read_text(encoding="utf-8")


def test_history_is_written_in_the_format_asked(tmp_path: Path):
    """Protects: `--csv takes.txt` was written as JSON (anything not .csv was JSON)."""
    paths, ids = make_history(tmp_path / "data", 2)
    with History(paths.db_path) as h:
        assert export_history(h, tmp_path / "takes.txt", fmt="csv") == 2
        export_history(h, tmp_path / "takes.csv", fmt="json")
    rows = list(csv.DictReader(io.StringIO((tmp_path / "takes.txt").read_text("utf-8"))))
    assert tuple(rows[0]) == HISTORY_CSV_COLUMNS and len(rows) == 2
    entries = json.loads((tmp_path / "takes.csv").read_text("utf-8"))
    assert sorted(e["take"]["id"] for e in entries) == ids
