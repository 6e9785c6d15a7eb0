"""`voicecoach interview`: a mock interview on audio files, with the fake transcriber (and one
end-to-end run through the bundled tiny.en on speech synthesized by piper)."""

from __future__ import annotations

import json
import random
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from tests.fakes.transcriber import FakeTranscriber, words_from_text
from voicecoach import cli
from voicecoach.domain import Transcript
from voicecoach.interview import plan_interview, summary_from_json
from voicecoach.packs import load_packs
from voicecoach.store.history import History
from voicecoach.store.interviews import InterviewStore
from voicecoach.store.paths import AppPaths

ANSWER = (
    "Last spring I led the checkout team when payments kept timing out. "
    "My job was to make it stable before the sale. "
    "I traced the slow calls, um, raised the pool size and rolled it out slowly. "
    "In the end timeouts fell from four percent to zero."
)
FOLLOW_UP = "Yes, we rolled back once, and it took ten minutes."


class ScriptedTranscriber(FakeTranscriber):
    """Answers, in call order, with the next canned transcript (an empty one: silence)."""

    def __init__(self, transcripts: list[Transcript]) -> None:
        super().__init__()
        self.queue = list(transcripts)

    def transcribe(self, audio, **kw):
        super().transcribe(audio, **kw)
        return self.queue.pop(0)


def spoken(text: str, start_s: float) -> Transcript:
    words = words_from_text(text, start_s=start_s) if text else ()
    end = words[-1].end_s + 1.0 if words else 4.0
    return Transcript(words, round(end, 3), model="fake")


@pytest.fixture
def data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("VOICECOACH_DATA_DIR", str(tmp_path / "data"))
    return tmp_path / "data"


def wavs(tmp_path: Path, n: int) -> list[Path]:
    out = []
    for i in range(n):
        p = tmp_path / f"take{i + 1}.wav"
        sf.write(p, np.zeros(16000 * 4, dtype=np.float32), 16000)
        out.append(p)
    return out


def use(monkeypatch: pytest.MonkeyPatch, transcripts: list[Transcript]) -> ScriptedTranscriber:
    fake = ScriptedTranscriber(transcripts)
    monkeypatch.setattr(cli, "_make_transcriber", lambda _settings: fake)
    return fake


ARGS = ["interview", "--pack", "core_senior", "--questions", "3", "--seed", "11"]


def test_a_run_on_files_writes_json_saves_history_and_prints_the_summary(
    tmp_path, data, monkeypatch, capsys
):
    """3 questions with follow-ups: 6 files in, 6 answer JSONs + summary.json out, one saved run."""
    transcripts = []
    for i in range(3):
        transcripts += [spoken(ANSWER, 2.0 + i), spoken(FOLLOW_UP, 1.5)]
    fake = use(monkeypatch, transcripts)
    files = wavs(tmp_path, 6)
    out = tmp_path / "out"
    assert cli.main([*ARGS, "--json", str(out), *map(str, files)]) == 0
    assert fake.calls == files  # every file, in order

    names = sorted(p.name for p in out.iterdir())
    assert names == [
        "01-answer.json", "01-follow-up.json", "02-answer.json", "02-follow-up.json",
        "03-answer.json", "03-follow-up.json", "summary.json",
    ]  # fmt: skip
    a2 = json.loads((out / "02-answer.json").read_text())
    assert {"audio", "words", "sections", "fillers", "pace_wpm", "checks"} <= set(a2)
    assert a2["interview"]["position"] == 1 and a2["interview"]["thinking_s"] == 3.0
    assert a2["sections"] and a2["audio"]["duration_s"] == pytest.approx(
        transcripts[2].duration_s - 3.0
    )
    f1 = json.loads((out / "01-follow-up.json").read_text())
    assert f1["sections"] == [] and f1["targets"]["total_s"] == 45.0

    summary = json.loads((out / "summary.json").read_text())
    plan = plan_interview(load_packs(), pack="core_senior", questions=3, rng=random.Random(11))
    assert [r["question_id"] for r in summary["rows"]] == plan.question_ids
    s = summary_from_json(summary)
    assert s.totals.answered == 3 and s.totals.follow_ups_answered == 3
    assert s.focus.text in capsys.readouterr().out

    with History(AppPaths.default().db_path) as h:
        store = InterviewStore(h)
        [run] = store.list()
        assert run.id == summary["interview_id"] and run.status == "finished"
        assert summary_from_json(run.summary) == s
        takes = store.get(run.id).takes
        assert [(t.position, t.kind) for t in takes] == [
            (0, "answer"), (0, "follow_up"), (1, "answer"), (1, "follow_up"),
            (2, "answer"), (2, "follow_up"),
        ]  # fmt: skip
        assert all(t.take.status == "analysed" for t in takes)
        assert [t.take.audio_path for t in takes] == [f.resolve() for f in files]
        assert [t.thinking_s for t in takes][::2] == [2.0, 3.0, 4.0]


def test_wrong_file_count_says_what_is_expected_before_any_work(
    tmp_path, data, monkeypatch, capsys
):
    """Four files for a run that needs six: one clear line, nothing transcribed or saved."""
    fake = use(monkeypatch, [])
    assert cli.main([*ARGS, *map(str, wavs(tmp_path, 4))]) == 1
    err = capsys.readouterr().err
    assert "needs 6 audio files" in err and "4 given" in err
    assert "answer 1, follow-up 1, answer 2" in err
    assert fake.calls == [] and not AppPaths.default().db_path.exists()


def test_no_follow_ups_takes_one_file_per_question_and_no_save_keeps_history_empty(
    tmp_path, data, monkeypatch, capsys
):
    """--no-follow-ups: 3 files; --no-save: no database is written."""
    use(monkeypatch, [spoken(ANSWER, 1.0) for _ in range(3)])
    files = wavs(tmp_path, 3)
    assert cli.main([*ARGS, "--no-follow-ups", "--no-save", *map(str, files)]) == 0
    out = capsys.readouterr().out
    assert "Follow-up" not in out and "Answered 3 of 3 questions" in out
    assert not AppPaths.default().db_path.exists()


def test_plan_prints_the_questions_in_file_order(data, capsys):
    """--plan shows what each file should answer, the same plan as the seed gives."""
    assert cli.main([*ARGS, "--plan"]) == 0
    lines = capsys.readouterr().out.splitlines()
    plan = plan_interview(load_packs(), pack="core_senior", questions=3, rng=random.Random(11))
    assert len(lines) == 6
    assert lines[0] == f"1. answer 1: {plan.items[0].question.prompt}"
    assert lines[1] == f"2. follow-up 1: {plan.items[0].follow_up}"


def test_a_silent_file_is_not_answered_and_the_rest_is_kept(tmp_path, data, monkeypatch, capsys):
    """No speech in answer 2: it is reported and marked failed; the others are measured."""
    use(monkeypatch, [spoken(ANSWER, 1.0), spoken("", 0), spoken(ANSWER, 1.0)])
    out = tmp_path / "out"
    files = wavs(tmp_path, 3)
    assert cli.main([*ARGS, "--no-follow-ups", "--json", str(out), *map(str, files)]) == 0
    captured = capsys.readouterr()
    assert "not answered: answer 2 (take2.wav)" in captured.err
    assert not (out / "02-answer.json").exists()
    summary = summary_from_json(json.loads((out / "summary.json").read_text()))
    assert [r.figures is None for r in summary.rows] == [False, True, False]
    with History(AppPaths.default().db_path) as h:
        [run] = InterviewStore(h).list()
        statuses = [t.take.status for t in InterviewStore(h).get(run.id).takes]
        assert statuses == ["analysed", "failed", "analysed"]


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--questions", "9"], "3 to 8 questions"),
        (["--pack", "nope"], 'No pack "nope"'),
        (["--topic", "no such topic"], 'topic "no such topic"'),
    ],
)
def test_bad_choices_are_one_clear_line(data, capsys, extra, message):
    """A bad question count, pack or topic is refused with one line naming it."""
    assert cli.main(["interview", "--pack", "core_senior", *extra, "--plan"]) == 1
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1


def test_an_unreadable_file_is_named_before_any_work(tmp_path, data, monkeypatch, capsys):
    """A text file among the answers is named; nothing is transcribed or saved."""
    fake = use(monkeypatch, [])
    files = wavs(tmp_path, 3)
    files[1].write_text("not audio\n" * 40)
    assert cli.main([*ARGS, "--no-follow-ups", *map(str, files)]) == 1
    assert "take2.wav" in capsys.readouterr().err
    assert fake.calls == [] and not AppPaths.default().db_path.exists()


# --- end to end: real speech, the bundled model ---------------------------------------------

SPOKEN = [
    (
        2.0,
        "At my last job I looked after the billing service. I had to cut our cloud bill by a "
        "third. I moved the batch jobs to cheaper machines and I removed two unused databases. "
        "In the end the bill fell by forty percent.",
    ),
    (1.0, "We checked the numbers again after a month and they held."),
    (3.0, "Our release process took a whole day. My task was to make it faster. I wrote a "
     "script that ran the checks in parallel. As a result a release now takes one hour."),
    (12.0, "I would start with the tests, because they were the slowest part."),
    (1.5, "Two teams wanted the same engineer. I had to decide who got her. I asked both leads "
     "for their deadlines and I gave her to the earlier one. Both projects shipped on time."),
    (2.5, "I would write the rule down so that the next choice is faster."),
]  # fmt: skip


@pytest.mark.e2e
def test_interview_on_synthesized_speech_with_the_bundled_model(tmp_path, data, capsys):
    """Six spoken files through tiny.en: every answer heard, thinking time measured, run saved."""
    from tests.fixtures.synth import OUT_RATE_HZ, _resample, _speak, _voice, _write_wav

    rate = _voice().config.sample_rate
    files = []
    rng = np.random.default_rng(1)
    for i, (lead_s, text) in enumerate(SPOKEN):
        voice = _resample(_speak(text, 1.2), rate, OUT_RATE_HZ)
        audio = np.concatenate(
            [np.zeros(int(lead_s * OUT_RATE_HZ)), voice, np.zeros(OUT_RATE_HZ)]
        ).astype(np.float32)
        audio += (1e-3 * rng.normal(size=len(audio))).astype(np.float32)  # a quiet room
        files.append(tmp_path / f"spoken{i + 1}.wav")
        _write_wav(files[-1], audio)
    out = tmp_path / "out"
    assert cli.main([*ARGS, "--json", str(out), *map(str, files)]) == 0
    capsys.readouterr()
    summary = json.loads((out / "summary.json").read_text())
    rows = summary["rows"]
    assert all(r["figures"] and r["follow_up"]["figures"] for r in rows)
    thinking = [x["thinking_s"] for r in rows for x in (r["figures"], r["follow_up"]["figures"])]
    expected = [min(lead, 10.0) for lead, _ in SPOKEN]
    assert thinking == pytest.approx(expected, abs=0.3)
    a1 = json.loads((out / "01-answer.json").read_text())
    # the first file's words land in the first answer (tiny.en may mishear a word or two:
    # "cloud bill" came out as "club bill" once, so only distinctive, robust words are checked)
    assert "billing service" in a1["transcript"] and "bill fell" in a1["transcript"]
    assert len(a1["sections"]) >= 2
    f1 = json.loads((out / "01-follow-up.json").read_text())
    assert f1["sections"] == [] and f1["words"][0]["start_s"] < 0.3  # thinking cut off
    f2 = json.loads((out / "02-follow-up.json").read_text())  # 12 s of silence, 10 s cut off
    assert f2["words"][0]["start_s"] == pytest.approx(2.0, abs=0.3)
    with History(AppPaths.default().db_path) as h:
        [run] = InterviewStore(h).list()
        assert run.status == "finished"


def test_a_model_failure_mid_run_keeps_what_was_said(tmp_path, data, monkeypatch, capsys):
    """The model fails on answer 2: one clear line, answer 1 stays saved in a run ended early."""
    from voicecoach.domain import ModelError

    fake = use(monkeypatch, [spoken(ANSWER, 1.0)])
    real = fake.transcribe

    def second_fails(audio, **kw):
        if len(fake.calls) == 1:
            fake.calls.append(audio)
            raise ModelError("The speech model could not be loaded.")
        return real(audio, **kw)

    monkeypatch.setattr(fake, "transcribe", second_fails)
    assert cli.main([*ARGS, "--no-follow-ups", *map(str, wavs(tmp_path, 3))]) == 1
    assert "speech model could not be loaded" in capsys.readouterr().err
    with History(AppPaths.default().db_path) as h:
        store = InterviewStore(h)
        [run] = store.list()
        assert run.status == "ended_early" and store.unfinished() == []
        assert summary_from_json(run.summary).totals.answered == 1
        assert [t.take.status for t in store.get(run.id).takes] == ["analysed", "failed"]
