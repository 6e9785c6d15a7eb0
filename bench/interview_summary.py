"""How long the interview summary takes once the last answer's transcript is ready.

    python bench/interview_summary.py               # 5 questions with follow-ups, 20 repeats
    python bench/interview_summary.py --questions 8 --repeat 50

Measured, as the app does it after the last follow-up ends (budget: the summary on screen
≤ 1.0 s after the answer ends, transcription of the last seconds included, which is the
streaming transcriber's part and not measured here):

- `analyse`: `interview.analyse_follow_up` on the last answer's transcript and its audio
  (thinking time from the samples, then `analysis.analyze`: sections, fillers, checks);
- `summarise`: `interview.summarise` over every answer and follow-up of the run;
- `save`: the last take's report and thinking time, and the run's summary, written to a
  history database in a temporary folder (`History`, `InterviewStore`);
- `json`: `InterviewSummary.to_json` + `json.dumps` + `summary_from_json`;
- `text`: `format_summary`.

The transcripts are canned (evenly timed words of answers written for this bench, about
2 minutes each; follow-ups about 30 s), so the figures do not depend on the speech model.
Printed: median and worst of --repeat runs per stage and in total, with the load average.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.fakes.transcriber import words_from_text  # noqa: E402
from voicecoach.domain import Transcript  # noqa: E402
from voicecoach.interview import (  # noqa: E402
    analyse_answer,
    analyse_follow_up,
    format_summary,
    plan_interview,
    summarise,
    summary_from_json,
)
from voicecoach.packs import load_packs  # noqa: E402
from voicecoach.report import to_json  # noqa: E402
from voicecoach.settings import Settings  # noqa: E402
from voicecoach.store.history import History  # noqa: E402
from voicecoach.store.interviews import InterviewStore  # noqa: E402

ANSWER = (
    "So the short version is that I turned a failing release process into one the team trusts. "
    "Two years ago I joined a team of six that shipped a mobile banking app, and releases were "
    "painful, um, every one of them took two days and about one in four was rolled back. "
    "My job as the new lead was to make releases boring without slowing the roadmap. "
    "First I looked at the last twenty releases and I wrote down where the time went. "
    "Most of it was manual testing on devices and waiting for sign-off from three people. "
    "So I proposed, you know, a smaller change each week instead of a big one each month. "
    "I set up automated tests on real devices in the cloud and I asked the testers to write "
    "the checks with us, because they knew the fragile screens better than anyone. "
    "Then I replaced the three sign-offs with one checklist that anyone on the team could run. "
    "There was pushback from the product manager, who worried we would ship half-finished work, "
    "so we agreed on feature flags and a rule that nothing unflagged goes out on a Friday. "
    "I paired with each engineer on their first flagged release so nobody felt left alone. "
    "After three months a release took forty minutes instead of two days, and rollbacks fell "
    "from one in four to one in thirty. The product manager now asks for weekly releases "
    "herself. What I learned is that people accept a new process when they helped build it, "
    "and I start every change like that by asking the people who do the work."
)
FOLLOW_UP = (
    "Yes, there was one release we had to pull back, uh, a flag was on by default. "
    "We found it within ten minutes from the crash reports and switched it off. "
    "Since then the checklist has a line for flag defaults and a second person checks it."
)


def canned(text: str, thinking_s: float) -> tuple[Transcript, np.ndarray]:
    words = words_from_text(text, start_s=thinking_s)
    duration = round(words[-1].end_s + 1.0, 3)
    rng = np.random.default_rng(0)
    samples = (1e-3 * rng.normal(size=int(duration * 16000))).astype(np.float32)
    for w in words:  # sound where the words are, a quiet room elsewhere
        a, b = int(w.start_s * 16000), int(w.end_s * 16000)
        samples[a:b] += 0.2 * np.sin(np.arange(b - a) * 0.1).astype(np.float32)
    return Transcript(words, duration, model="canned"), samples


def one_run(questions: int, seed: int, db_dir: Path) -> dict[str, float]:
    settings = Settings()
    packs = load_packs()
    plan = plan_interview(packs, pack="core_senior", questions=questions, rng=random.Random(seed))
    answer, answer_audio = canned(ANSWER, 2.0)
    follow, follow_audio = canned(FOLLOW_UP, 1.5)
    answers = []
    for i, item in enumerate(plan.items):
        answers.append(analyse_answer(answer, item.question, settings, i, answer_audio))
        if i < len(plan.items) - 1:
            answers.append(analyse_follow_up(follow, item, settings, i, follow_audio))
    with History(db_dir / f"history-{seed}.sqlite3") as history:
        store = InterviewStore(history)
        run_id = store.start(plan.to_json())
        last_item = plan.items[-1]
        take_id = store.start_take(
            run_id, len(plan.items) - 1, "follow_up", last_item.question, db_dir / "x.wav"
        )
        history.finish_recording(take_id, follow.duration_s)

        t = {"start": time.perf_counter()}
        last = analyse_follow_up(follow, last_item, settings, len(plan.items) - 1, follow_audio)
        t["analyse"] = time.perf_counter()
        summary = summarise(plan, [*answers, last], settings)
        t["summarise"] = time.perf_counter()
        history.save_report(take_id, to_json(last.report), "canned")
        store.set_thinking(take_id, last.thinking_s)
        store.finish(run_id, summary.to_json())
        t["save"] = time.perf_counter()
        again = summary_from_json(json.loads(json.dumps(summary.to_json())))
        t["json"] = time.perf_counter()
        format_summary(again)
        t["text"] = time.perf_counter()
    assert again == summary
    keys = list(t)
    out = {k: t[k] - t[prev] for prev, k in zip(keys, keys[1:], strict=False)}
    out["total"] = t["text"] - t["start"]
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--questions", type=int, default=5)
    ap.add_argument("--repeat", type=int, default=20)
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        one_run(args.questions, 0, Path(tmp))  # warm-up: lexicons, model file, imports
        runs = [one_run(args.questions, i + 1, Path(tmp)) for i in range(args.repeat)]
    print(
        f"interview summary, {args.questions} questions with follow-ups, "
        f"{args.repeat} runs (load average {os.getloadavg()[0]:.2f})"
    )
    for stage in runs[0]:
        xs = [r[stage] * 1000 for r in runs]
        print(f"  {stage:<10} median {statistics.median(xs):7.1f} ms   worst {max(xs):7.1f} ms")
    print("  budget: summary shown <= 1000 ms after the last answer ends")
    return 0


if __name__ == "__main__":
    sys.exit(main())
