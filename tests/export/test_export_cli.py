"""`voicecoach export`: a take to HTML/PDF, history to CSV/JSON; errors are one line, exit 1."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

from tests.export.takes import make_history
from voicecoach.export.history import HISTORY_CSV_COLUMNS


def run(data_dir: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "VOICECOACH_DATA_DIR": str(data_dir)}
    env.pop("QT_QPA_PLATFORM", None)  # the PDF must work without a display setting
    return subprocess.run(
        [sys.executable, "-m", "voicecoach.cli", "export", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )


def test_take_to_html_with_audio_beside_and_pdf(tmp_path: Path):
    """`export ID --html F --audio beside --pdf G` writes the page, the recording and a PDF."""
    _paths, ids = make_history(tmp_path / "data", 1)
    out = tmp_path / "out"
    out.mkdir()
    r = run(
        tmp_path / "data",
        str(ids[0]),
        "--html",
        str(out / "take.html"),
        "--audio",
        "beside",
        "--pdf",
        str(out / "take.pdf"),
    )
    assert r.returncode == 0, r.stderr
    page = (out / "take.html").read_text(encoding="utf-8")
    assert 'src="take.wav"' in page and (out / "take.wav").stat().st_size > 1000
    assert (out / "take.pdf").read_bytes().startswith(b"%PDF")


def test_history_to_csv_and_json(tmp_path: Path):
    """`export --history --csv F --json G` writes one row and one entry per analysed take."""
    _paths, ids = make_history(tmp_path / "data", 3)
    r = run(
        tmp_path / "data",
        "--history",
        "--csv",
        str(tmp_path / "h.csv"),
        "--json",
        str(tmp_path / "h.json"),
    )
    assert r.returncode == 0, r.stderr
    entries = json.loads((tmp_path / "h.json").read_text(encoding="utf-8"))
    assert sorted(e["take"]["id"] for e in entries) == ids
    with (tmp_path / "h.csv").open(encoding="utf-8") as fh:
        assert len(list(csv.DictReader(fh))) == 3


def test_the_flag_not_the_file_name_picks_the_format(tmp_path: Path):
    """`--pdf take.html` writes a PDF and `--csv takes.txt` a CSV, whatever the names end in."""
    _paths, ids = make_history(tmp_path / "data", 1)
    r = run(tmp_path / "data", str(ids[0]), "--pdf", str(tmp_path / "take.html"))
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "take.html").read_bytes().startswith(b"%PDF")
    r = run(tmp_path / "data", "--history", "--csv", str(tmp_path / "takes.txt"))
    assert r.returncode == 0, r.stderr
    with (tmp_path / "takes.txt").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert rows[0].keys() == set(HISTORY_CSV_COLUMNS) and len(rows) == 1


def test_errors_are_one_line_and_nonzero(tmp_path: Path):
    """Unknown take, missing destination and mixed options each fail with one clear line."""
    make_history(tmp_path / "data", 1)
    for args, words in (
        (["99", "--html", str(tmp_path / "x.html")], "Take 99"),
        (["1"], "--html FILE"),
        (["--history", "--html", str(tmp_path / "x.html")], "--history"),
        (["1", "--csv", str(tmp_path / "x.csv")], "--history"),
        (["1", "--html", str(tmp_path / "no" / "such" / "x.html")], "Cannot write"),
    ):
        r = run(tmp_path / "data", *args)
        assert r.returncode == 1, (args, r.stderr)
        assert r.stderr.strip().count("\n") == 0 and "Traceback" not in r.stderr, r.stderr
        assert r.stderr.startswith("voicecoach: ") and words in r.stderr, r.stderr


def test_interview_to_html_and_pdf(tmp_path: Path):
    """`export --interview RUN --html F --audio beside --pdf G` writes the run's page and PDF."""
    from tests.export.interviews import make_interview

    _paths, run_id, _ids = make_interview(tmp_path / "data")
    out = tmp_path / "out"
    out.mkdir()
    r = run(
        tmp_path / "data",
        "--interview",
        str(run_id),
        "--html",
        str(out / "run.html"),
        "--audio",
        "beside",
        "--pdf",
        str(out / "run.pdf"),
    )
    assert r.returncode == 0, r.stderr
    page = (out / "run.html").read_text(encoding="utf-8")
    assert "VoiceCoach mock interview" in page and page.count('<section class="row"') == 3
    assert 'src="run-q2-follow-up.wav"' in page and (out / "run-q2-follow-up.wav").is_file()
    assert (out / "run.pdf").read_bytes().startswith(b"%PDF")


def test_interview_errors_are_one_line(tmp_path: Path):
    """An unknown run, or a take and a run together, fail with one clear line."""
    from tests.export.interviews import make_interview

    _paths, run_id, ids = make_interview(tmp_path / "data")
    for args, words in (
        (["--interview", "99", "--html", str(tmp_path / "x.html")], "Interview 99"),
        ([str(ids[0]), "--interview", str(run_id), "--html", "x.html"], "One at a time"),
        (["--history", "--interview", str(run_id), "--csv", "x.csv"], "--history"),
    ):
        r = run(tmp_path / "data", *args)
        assert r.returncode == 1, (args, r.stderr)
        assert r.stderr.strip().count("\n") == 0 and "Traceback" not in r.stderr, r.stderr
        assert r.stderr.startswith("voicecoach: ") and words in r.stderr, r.stderr
