"""The `voicecoach` command line: listing questions and clear one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import soundfile as sf

from voicecoach.cli import main


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "voicecoach.cli", *args],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_questions_lists_packs_and_topics(capsys):
    """`questions` prints every pack's questions grouped by topic."""
    assert main(["questions", "--pack", "core_senior"]) == 0
    out = capsys.readouterr().out
    assert "[core_senior]" in out
    assert out.count("\n  ") >= 32


def test_questions_json_filters_by_topic(capsys):
    """`questions --json --topic` returns only that topic, with ids and prompts."""
    main(["questions", "--json"])
    every = json.loads(capsys.readouterr().out)
    topic = every[0]["topic"]
    main(["questions", "--json", "--topic", topic])
    some = json.loads(capsys.readouterr().out)
    assert some and all(q["topic"] == topic for q in some)
    assert len(some) < len(every)
    assert {"id", "pack", "topic", "prompt", "difficulty", "tags"} <= set(some[0])


def test_unknown_pack_is_one_clear_line(capsys):
    """An unknown pack name fails with the list of packs, not a traceback."""
    assert main(["questions", "--pack", "nope"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("voicecoach: Unknown pack 'nope'") and "core_senior" in err


def test_missing_file_is_one_line_and_nonzero():
    """analyze on a missing file: one line on stderr, exit 1, no traceback."""
    r = run("analyze", "/no/such/answer.wav")
    assert r.returncode == 1
    assert r.stderr.strip().count("\n") == 0
    assert "No such file" in r.stderr and "Traceback" not in r.stderr


def test_non_audio_file_is_one_line(tmp_path):
    """A text file given as audio is refused with one line."""
    f = tmp_path / "notes.wav"
    f.write_text("these are not samples\n" * 50)
    r = run("analyze", str(f))
    assert r.returncode == 1
    assert r.stderr.strip().count("\n") == 0 and "Traceback" not in r.stderr


def test_unknown_question_is_one_line(tmp_path):
    """An unknown --question id is named in the error (before any model work)."""
    f = tmp_path / "a.wav"
    sf.write(f, np.zeros(16000, dtype=np.float32), 16000)
    r = run("analyze", str(f), "--question", "no-such-id")
    assert r.returncode == 1
    assert "no-such-id" in r.stderr and "Traceback" not in r.stderr


def test_bad_target_seconds(tmp_path):
    """A nonsensical --target-seconds is refused with one line."""
    f = tmp_path / "a.wav"
    sf.write(f, np.zeros(16000, dtype=np.float32), 16000)
    r = run("analyze", str(f), "--target-seconds", "3")
    assert r.returncode == 1 and "--target-seconds" in r.stderr


def test_bad_option_exits_with_usage():
    """An unknown option gets argparse's usage line and exit status 2."""
    r = run("analyze", "--frobnicate")
    assert r.returncode == 2 and "usage:" in r.stderr
