"""Bad input files to `voicecoach analyze` and to "Analyse a file…": a clear line, nothing lost."""

from __future__ import annotations

import struct
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from tests.faults.helpers import (
    RATE,
    SCRIPT,
    BurstTranscriber,
    banner_text,
    burst_speech,
    seed_analysed_take,
    write_wav,
)
from voicecoach.store.history import History
from voicecoach.store.paths import AppPaths

REPO = Path(__file__).resolve().parents[2]


def _bad_files(d: Path) -> dict[str, tuple[Path, str]]:
    """name -> (file, words the one-line message must contain)."""
    d.mkdir(parents=True, exist_ok=True)
    good, _ = burst_speech(20)
    empty = d / "empty.wav"
    empty.write_bytes(b"")
    zero = d / "zero-frames.wav"
    sf.write(zero, np.zeros(0, dtype=np.float32), RATE)
    corrupt = d / "corrupt.wav"
    corrupt.write_bytes(np.random.default_rng(1).bytes(50_000))
    text = d / "notes.mp3"
    text.write_text("Situation: the build was slow.\n" * 200, encoding="utf-8")
    png = d / "photo.wav"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(2000))
    header_only = d / "header-only.wav"  # a header promising 10 s, then nothing
    header_only.write_bytes(
        b"RIFF" + struct.pack("<I", 36 + 320000) + b"WAVEfmt "
        + struct.pack("<IHHIIHH", 16, 1, 1, RATE, RATE * 2, 2, 16)
        + b"data" + struct.pack("<I", 320000)
    )  # fmt: skip
    folder = d / "a-folder.wav"
    folder.mkdir(exist_ok=True)
    return {
        "empty": (empty, "empty (0 bytes)"),
        "zero-frames": (zero, "no audio samples"),
        "corrupt": (corrupt, "not an audio file"),
        "text-as-mp3": (text, "not an audio file"),
        "png-as-wav": (png, "has no audio track"),
        "header-only": (header_only, "no audio samples"),
        "folder": (folder, "is a folder"),
        "missing": (d / "nope.wav", "No such file"),
    }


CASES = list(_bad_files(Path("/tmp/_names_only")).keys())  # ids only; files made per test


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "voicecoach.cli", *args],
        capture_output=True,
        text=True,
        timeout=180,
        cwd=REPO,
    )


def _one_line_error(out: subprocess.CompletedProcess) -> str:
    assert out.returncode != 0
    assert "Traceback" not in out.stderr
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1, out.stderr
    assert lines[0].startswith("voicecoach: ")
    assert out.stdout == ""
    return lines[0]


@pytest.fixture(scope="module")
def cli_results(tmp_path_factory) -> dict[str, tuple[subprocess.CompletedProcess, str]]:
    """`voicecoach analyze` on every bad file, the processes run side by side (saves time)."""
    files = _bad_files(tmp_path_factory.mktemp("bad"))
    procs = {
        case: subprocess.Popen(
            [sys.executable, "-m", "voicecoach.cli", "analyze", str(path)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=REPO,
        )
        for case, (path, _) in files.items()
    }
    out = {}
    for case, p in procs.items():
        stdout, stderr = p.communicate(timeout=180)
        out[case] = (
            subprocess.CompletedProcess(p.args, p.returncode, stdout, stderr),
            files[case][1],
        )
    return out


@pytest.mark.parametrize("case", CASES)
def test_cli_bad_file_is_one_line_on_stderr(cli_results, case):
    """`voicecoach analyze <bad file>`: exit 1, one line saying what is wrong, no traceback."""
    result, expected = cli_results[case]
    assert expected in _one_line_error(result)


def test_cli_missing_model_folder_is_one_clear_line(tmp_path):
    """`--model /nonexistent`: one line naming the folder and what to use instead."""
    wav = write_wav(tmp_path / "answer.wav", burst_speech(10)[0])
    line = _one_line_error(run_cli("analyze", str(wav), "--model", "/nonexistent"))
    assert "Speech model folder not found: /nonexistent" in line
    assert "bundled:tiny.en" in line


@pytest.mark.e2e
def test_cli_truncated_recording_is_analysed_up_to_the_cut(tmp_path):
    """A WAV cut off mid-file (a crash, a partial copy) gives a report of the part that exists."""
    from tests.fixtures.synth import synthesize

    fx = synthesize(REPO / "tests/fixtures/answers/short-01.toml")
    raw = fx.wav_path.read_bytes()
    cut = tmp_path / "cut.wav"
    cut.write_bytes(raw[: len(raw) // 2])  # header still claims the full length
    out = run_cli("analyze", str(cut), "--json")
    assert out.returncode == 0, out.stderr
    import json

    report = json.loads(out.stdout)
    full_s = sf.info(str(fx.wav_path)).duration
    assert report["audio"]["duration_s"] == pytest.approx(full_s / 2, abs=0.1)
    assert len(report["words"]) > 10


@pytest.mark.parametrize("case", ["empty", "zero-frames", "corrupt", "header-only", "folder"])
def test_analyse_a_bad_file_in_the_app_is_a_banner_and_nothing_is_lost(
    make_session, qtbot, tmp_path, case
):
    """ "Analyse a file…" with a bad file: banner, idle, earlier takes intact, next file works."""
    paths = AppPaths.at(tmp_path / "data").ensure()
    history = History(paths.db_path)
    audio, _ = burst_speech(len(SCRIPT))
    old = seed_analysed_take(history, paths, audio)
    before = history.get(old)
    session, window = make_session(paths=paths, history=history)
    session.start()
    bad, expected = _bad_files(tmp_path / "in")[case]
    errors: list[str] = []
    session.errorOccurred.connect(errors.append)
    window.analyseFileRequested.emit(str(bad))
    qtbot.waitUntil(lambda: bool(errors), timeout=5000)
    assert expected in errors[-1] and expected in banner_text(window)
    assert session.state == "idle"
    assert history.get(old) == before  # the earlier take, its report and audio untouched
    assert before.audio_path.stat().st_size > 0
    failed = [r for r in history.list() if r.id != old]
    assert [r.status for r in failed] == ["failed"] and expected in failed[0].error
    good = write_wav(tmp_path / "good.wav", audio)
    with qtbot.waitSignal(session.reviewReady, timeout=5000):
        window.analyseFileRequested.emit(str(good))
    assert [w.text for w in session.report().transcript.words] == SCRIPT


def test_analyse_a_long_file_in_the_app_streams_it(make_session, qtbot, tmp_path):
    """A file over the streaming threshold (6 min) is analysed in stretches, every word kept."""
    audio, spans = burst_speech(900)
    assert len(audio) / RATE > 360
    path = write_wav(tmp_path / "long.wav", audio)
    fake = BurstTranscriber()
    session, _window = make_session(transcriber=fake)
    progress: list[float] = []
    session.progressChanged.connect(progress.append)
    with qtbot.waitSignal(session.reviewReady, timeout=30000):
        session.analyse_file(path)
    assert "file" not in fake.calls and len(fake.calls) > 10
    words = session.report().transcript.words
    assert [w.text for w in words] == [f"w{i}" for i in range(len(spans))]
    assert words[-1].start_s == pytest.approx(spans[-1][0], abs=0.03)
    assert progress == sorted(progress) and progress[-1] == 1.0
