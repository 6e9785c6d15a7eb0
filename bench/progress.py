"""How long the Progress page takes to open with a long history.

    python bench/progress.py              # 500 takes (made in a temporary data dir)
    python bench/progress.py --takes 2000 --repeat 5
    python bench/progress.py --runs 0     # the same 500 takes with no interview run

Measured, as the app does it when the page is first shown: read every take from SQLite
(`History.list_figures`), rebuild each stored review (`app.export.take_report`, as History does) and
reduce it to its shown figures (`ProgressController`), hand the points to the page, and paint it
once (`QWidget.grab`); interview runs are read (`InterviewStore.list`) and reduced to points
(`ProgressController.runs`) in the load and compute stages. Printed per stage and in total,
best and median of --repeat repeats (each with a fresh controller, so nothing is cached).
Budget: 300 ms for 500 takes.

`make_history` writes varied, improving takes (the hand-built sample answer of tests/ui, its
times scaled and its sections, fillers, pace and checks shifted take by take) over several real
pack questions, some of them as mock interview runs with follow-ups;
`bench/progress_screenshots.py` uses it too.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

BUDGET_MS = 300.0


def _scaled(report, k: float):
    """The same answer spoken `k` times as long (every time stamp scaled)."""
    from voicecoach.domain import Filler, Pause, Sentence, Word

    tr = report.transcript
    words = tuple(Word(w.text, w.start_s * k, w.end_s * k, w.probability) for w in tr.words)
    return replace(
        report,
        duration_s=round(report.duration_s * k, 3),
        transcript=replace(tr, words=words, duration_s=tr.duration_s * k),
        sentences=tuple(
            Sentence(
                s.first_word, s.last_word, s.start_s * k, s.end_s * k, s.text, s.section, s.reason
            )
            for s in report.sentences
        ),
        fillers=tuple(
            Filler(f.text, f.kind, f.start_s * k, f.end_s * k, f.word_index, f.n_words)
            for f in report.fillers
        ),
        pauses=tuple(Pause(p.start_s * k, p.end_s * k, p.after_word) for p in report.pauses),
        speech_s=report.speech_s * k,
    )


def varied_report(f: float, rng: random.Random):
    """A take `f` of the way (0..1) from a first rambling attempt to a practised answer."""
    from tests.ui.sample_report import sample_report
    from voicecoach.domain import Section

    base = sample_report()
    noise = rng.uniform(-1, 1)
    length = 150 - 32 * f + 9 * noise  # seconds: over the 2-minute target, then near it
    r = _scaled(base, length / base.duration_s)
    d = r.duration_s
    setup = 0.42 - 0.2 * f + 0.04 * rng.uniform(-1, 1)
    task_part = 0.3 + 0.1 * rng.random()
    action = 0.36 + 0.2 * f + 0.04 * rng.uniform(-1, 1)
    t0, t4 = 0.6, d - 1.0
    span = t4 - t0
    b1 = t0 + span * setup * (1 - task_part)
    b2 = t0 + span * setup
    b3 = min(t4 - 4, b2 + span * action)
    tg = r.targets
    sections = (
        Section("situation", t0, b1, tg.situation_s),
        Section("task", b1, b2, tg.task_s),
        Section("action", b2, b3, tg.action_s),
        Section("result", b3, t4, tg.result_s),
    )
    keep = max(0, round(len(r.fillers) * (1.1 - 0.8 * f) + rng.uniform(-2, 2)))
    checks = tuple(
        c if c.passed or rng.random() > 0.25 + 0.6 * f else replace(c, passed=True)
        for c in r.checks
    )
    return replace(
        r,
        sections=sections,
        fillers=r.fillers[:keep],
        pace_wpm=round(172 - 24 * f + 6 * rng.uniform(-1, 1), 1),
        checks=checks,
    )


def make_history(root: Path, n: int, seed: int = 7, days: float = 60.0, runs: int | None = None):
    """`n` analysed takes over `days` under data dir `root`; returns its AppPaths.

    `runs` of them (default: one per 40 takes, 1 to 12) are mock interviews of 5 questions
    (3 below 100 takes), each answer followed by a follow-up, saved through `InterviewStore`
    with the summary `interview.summarise` makes, as the app saves a run."""
    import numpy as np
    import soundfile as sf

    from voicecoach.interview import analyse_follow_up, plan_interview, summarise
    from voicecoach.packs import load_packs
    from voicecoach.report import to_json
    from voicecoach.settings import Settings
    from voicecoach.store.history import History
    from voicecoach.store.interviews import InterviewStore
    from voicecoach.store.paths import AppPaths

    rng = random.Random(seed)
    paths = AppPaths.at(root).ensure()
    packs = load_packs()
    qs = [q for q in packs.questions() if q.kind == "star"]
    # most practice goes on a few questions, the rest is spread thin
    favourites = [qs[i] for i in (3, 11, 20)]
    wav = paths.data_dir / "take.wav"
    sf.write(wav, np.zeros(1600, dtype=np.float32), 16000, subtype="PCM_16")
    start = datetime(2026, 9, 1, 18, 0, tzinfo=UTC)
    size = 5 if n >= 100 else 3
    n_runs = min(12, max(1, n // 40)) if runs is None else runs
    n_runs = min(n_runs, n // (2 * size))
    singles = n - n_runs * 2 * size
    # each run replaces one single take's slot in time, spread evenly
    run_at = {round((k + 0.5) * singles / n_runs) for k in range(n_runs)} if n_runs else set()
    settings = Settings()
    with History(paths.db_path) as h:
        store = InterviewStore(h)
        for k in range(singles):
            f = k / max(1, singles - 1)
            when = start + timedelta(days=days * f, minutes=rng.randint(0, 240))
            if k in run_at:
                _save_run(
                    h,
                    store,
                    packs,
                    plan_interview,
                    analyse_follow_up,
                    summarise,
                    settings,
                    rng,
                    f,
                    when,
                    size,
                    wav,
                    to_json,
                )
            q = rng.choice(favourites) if rng.random() < 0.7 else rng.choice(qs)
            report = replace(varied_report(f, rng), question_id=q.id)
            take = h.start_take(q.id, q.pack, q.prompt, wav, created_at=when)
            h.finish_recording(take, report.duration_s)
            h.save_report(take, to_json(report), report.transcript.model)
    return paths


def _save_run(
    h,
    store,
    packs,
    plan_interview,
    analyse_follow_up,
    summarise,
    settings,
    rng,
    f,
    when,
    size,
    wav,
    to_json,
) -> int:
    """One finished mock interview at `when`, its answers `f` of the way to practised."""
    from voicecoach.domain import Transcript
    from voicecoach.interview import InterviewAnswer

    plan = plan_interview(packs, "core_senior", questions=size, rng=rng)
    run = store.start(plan.to_json(), created_at=when)
    done = []
    t = when
    for pos, item in enumerate(plan.items):
        main = replace(varied_report(f, rng), question_id=item.question.id)
        words = main.transcript.words[: rng.randint(40, 110)]
        fu = analyse_follow_up(
            Transcript(words, words[-1].end_s + 0.5, (), main.transcript.model),
            item,
            settings,
            pos,
        )
        answers = (
            InterviewAnswer(
                pos,
                "answer",
                item.question.id,
                item.question.prompt,
                round(rng.uniform(0.5, 6.0), 1),
                main,
            ),
            replace(fu, thinking_s=round(rng.uniform(0.5, 4.0), 1)),
        )
        for a in answers:
            t += timedelta(minutes=3)
            take = store.start_take(
                run, pos, a.kind, item.question, wav, prompt=a.prompt, created_at=t
            )
            h.finish_recording(take, a.report.duration_s + a.thinking_s)
            h.save_report(take, to_json(a.report), a.report.transcript.model)
            store.set_thinking(take, a.thinking_s)
            done.append(replace(a, take_id=take))
    store.finish(run, summarise(plan, done, settings).to_json())
    return run


def _controller(view, packs, load, load_runs):
    from voicecoach.app.progress import ProgressController

    topics = {q.id: q.topic for q in packs.questions()}
    titles = {name: getattr(p, "title", name) for name, p in packs.packs.items()}
    return ProgressController(
        view, load, lambda qid: topics.get(qid, ""), lambda: titles, load_runs=load_runs
    )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--takes", type=int, default=500)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument(
        "--runs", type=int, help="how many of the takes are interview runs (default 1 per 40)"
    )
    args = ap.parse_args()

    from PySide6.QtWidgets import QApplication

    from voicecoach.packs import load_packs
    from voicecoach.store.history import History
    from voicecoach.store.interviews import InterviewStore
    from voicecoach.ui.progress_view import ProgressView
    from voicecoach.ui.style import apply_theme

    app = QApplication.instance() or QApplication([])
    apply_theme(app, "light")
    packs = load_packs()
    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        paths = make_history(Path(tmp), args.takes, runs=args.runs)
        print(f"made {args.takes} takes in {time.perf_counter() - t:.1f} s")
        view = ProgressView()
        view.resize(1100, 760)
        view.show()
        view.set_points([])
        app.processEvents()
        stages = ("load", "compute", "show", "paint")
        wall: dict[str, list[float]] = {k: [] for k in stages}
        cpu: dict[str, list[float]] = {k: [] for k in stages}
        with History(paths.db_path) as h:
            store = InterviewStore(h)
            n_all = h.query("SELECT count(*) AS n FROM takes")[0]["n"]
            n_fu = h.query("SELECT count(*) AS n FROM takes WHERE kind = 'follow_up'")[0]["n"]
            print(
                f"history: {n_all} takes, {len(store.list())} interview runs "
                f"({n_all - n_fu} answers and single takes, {n_fu} follow-ups)"
            )
            for _ in range(args.repeat):
                ctl = _controller(view, packs, h.list_figures, store.list)
                marks = [(time.perf_counter(), time.process_time())]
                records = h.list_figures()  # what the page's first showing does, in stages
                run_records = store.list()
                marks.append((time.perf_counter(), time.process_time()))
                points = ctl.points(records)
                runs = ctl.runs(points, run_records)
                marks.append((time.perf_counter(), time.process_time()))
                view.set_points(points, ctl._pack_titles(), runs)
                marks.append((time.perf_counter(), time.process_time()))
                view.grab()  # lays out and paints the charts, the table and the ladder
                marks.append((time.perf_counter(), time.process_time()))
                for i, key in enumerate(stages):
                    wall[key].append((marks[i + 1][0] - marks[i][0]) * 1000)
                    cpu[key].append((marks[i + 1][1] - marks[i][1]) * 1000)
        print(
            f"{len(points)} takes and {len(runs)} interview runs on the Progress page, "
            f"{args.repeat} repeats, ms "
            "(wall best / median; CPU of this process best / median):"
        )
        for key in stages:
            w, c = wall[key], cpu[key]
            print(
                f"  {key:<8} {min(w):7.1f} / {statistics.median(w):7.1f}"
                f"   {min(c):7.1f} / {statistics.median(c):7.1f}"
            )
        tw = [sum(wall[k][i] for k in stages) for i in range(args.repeat)]
        tc = [sum(cpu[k][i] for k in stages) for i in range(args.repeat)]
        med = statistics.median(tw)
        print(
            f"  {'total':<8} {min(tw):7.1f} / {med:7.1f}   "
            f"{min(tc):7.1f} / {statistics.median(tc):7.1f}"
        )
        load = os.getloadavg()[0]
        verdict = "within" if med <= BUDGET_MS else "OVER"
        print(
            f"median wall {med:.0f} ms: {verdict} the {BUDGET_MS:.0f} ms budget "
            f"(load average {load:.1f} on {os.cpu_count()} cores)"
        )
    return 0 if med <= BUDGET_MS else 1


if __name__ == "__main__":
    raise SystemExit(main())
