"""`voicecoach` entry point: the desktop app by default, subcommands for headless work."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

from voicecoach.domain import VoiceCoachError

log = logging.getLogger(__name__)


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="voicecoach",
        description="Rehearse spoken interview answers. With no command, opens the app.",
    )
    sub = p.add_subparsers(dest="command")
    a = sub.add_parser("analyze", help="transcribe and measure a recorded answer")
    a.add_argument("file", type=Path, help="audio file (WAV, FLAC, OGG, MP3)")
    a.add_argument("--question", metavar="ID", help="question id, for its targets and hints")
    a.add_argument(
        "--target-seconds",
        metavar="N",
        type=float,
        help="total target length; section targets are scaled to it (default 120)",
    )
    a.add_argument("--model", metavar="M", help="faster-whisper model name or CTranslate2 dir")
    a.add_argument("--json", action="store_true", help="print one JSON object")
    q = sub.add_parser("questions", help="list questions from the packs")
    q.add_argument("--pack", metavar="P", help="only this pack")
    q.add_argument("--topic", metavar="T", help="only this topic")
    q.add_argument("--json", action="store_true", help="print JSON")
    e = sub.add_parser(
        "export",
        help="write a take or an interview as HTML or PDF, or the history as CSV or JSON",
        description="voicecoach export TAKE_ID --html FILE [--audio embed|beside] [--pdf FILE]"
        "  |  voicecoach export --interview RUN_ID --html FILE [--audio embed|beside] [--pdf FILE]"
        "  |  voicecoach export --history --csv FILE | --json FILE",
    )
    e.add_argument("take_id", nargs="?", type=int, metavar="TAKE_ID", help="the take's number")
    e.add_argument("--html", metavar="FILE", type=Path, help="one self-contained web page")
    e.add_argument("--pdf", metavar="FILE", type=Path, help="the same page as PDF")
    e.add_argument(
        "--audio",
        choices=("embed", "beside"),
        help="with --html: the recording inside the page, or copied beside it",
    )
    e.add_argument(
        "--interview",
        metavar="RUN_ID",
        type=int,
        help="a mock interview run, question by question (its number in History → Interviews)",
    )
    e.add_argument("--history", action="store_true", help="every analysed take")
    e.add_argument("--csv", metavar="FILE", type=Path, help="with --history: one row per take")
    e.add_argument("--json", metavar="FILE", type=Path, help="with --history: analyze --json keys")
    _interview_parser(sub)
    sub.add_parser("gui", help="open the desktop app (the default)")
    return p


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "analyze":
            return _cmd_analyze(args)
        if args.command == "questions":
            return _cmd_questions(args)
        if args.command == "export":
            return _cmd_export(args)
        if args.command == "interview":
            return _cmd_interview(args)
        from voicecoach.sysdeps import qt_platform_problem

        # Checked before Qt loads: a missing X11 library makes Qt abort without naming it.
        problem = qt_platform_problem(sys.argv[1:])
        if problem is not None:
            print(problem, file=sys.stderr)
            return 1
        from voicecoach.app.main import run_gui

        return run_gui(sys.argv[:1])
    except VoiceCoachError as exc:
        print(f"voicecoach: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("voicecoach: interrupted", file=sys.stderr)
        return 130


def _load_settings():
    from voicecoach.settings import Settings
    from voicecoach.store.paths import AppPaths

    return Settings.load(AppPaths.default().settings_path)


def _cmd_analyze(args: argparse.Namespace) -> int:
    from dataclasses import replace

    from voicecoach.packs import load_packs
    from voicecoach.pipeline import analyze_file
    from voicecoach.report import format_text, to_json

    if args.target_seconds is not None and not (10 <= args.target_seconds <= 1800):
        raise VoiceCoachError("--target-seconds must be between 10 and 1800.")
    settings = _load_settings()
    question = None
    if args.question:
        packs = load_packs()
        try:
            question = packs.get(args.question)
        except KeyError:
            raise VoiceCoachError(
                f"Unknown question id {args.question!r}. See `voicecoach questions`."
            ) from None
    tsettings = settings.transcriber
    if args.model:
        tsettings = replace(tsettings, model=args.model)
    targets = None
    if args.target_seconds is not None:
        base = question.targets if question else settings.analysis.targets
        targets = base.scaled_to(args.target_seconds)
    from voicecoach.analysis.sections import splitter_problem

    problem = splitter_problem()
    if problem:
        print(f"voicecoach: warning: {problem} Using the cue-rule splitter.", file=sys.stderr)
    transcriber = _make_transcriber(tsettings)
    progress = _stderr_progress() if sys.stderr.isatty() and not args.json else None
    report = analyze_file(
        args.file, transcriber, question, settings.analysis, targets, progress=progress
    )
    if progress:
        print("\r" + " " * 40 + "\r", end="", file=sys.stderr)
    if args.json:
        print(json.dumps(to_json(report), ensure_ascii=False))
    else:
        print(format_text(report, question.prompt if question else None))
    return 0


def _make_transcriber(tsettings):
    """The Whisper transcriber `analyze` and `interview` use (tests put a fake here)."""
    from voicecoach.speech.transcriber import WhisperTranscriber

    return WhisperTranscriber(tsettings)


def _interview_parser(sub) -> None:
    i = sub.add_parser(
        "interview",
        help="a mock interview on recorded answers: one audio file per answer",
        description="Plan a mock interview from a pack, then measure one audio file per answer, "
        "in the order spoken: answer 1, its follow-up, answer 2, its follow-up, ... "
        "(one file per question with --no-follow-ups). Use --plan to see the questions first.",
    )
    i.add_argument("audio", nargs="*", type=Path, metavar="AUDIO", help="the answers, in order")
    i.add_argument("--pack", metavar="P", help="the pack to ask from (default: every pack)")
    i.add_argument(
        "--topic", metavar="T", action="append", default=[], help="only this topic (repeatable)"
    )
    i.add_argument("--questions", metavar="N", type=int, help="3 to 8 (default: Settings, 5)")
    i.add_argument(
        "--follow-ups",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="ask a follow-up after each answer (default: Settings, on)",
    )
    i.add_argument("--seed", metavar="S", type=int, help="choose the same questions again")
    i.add_argument("--plan", action="store_true", help="print the questions and stop")
    i.add_argument("--json", metavar="DIR", type=Path, help="write one JSON per answer + summary")
    i.add_argument("--no-save", action="store_true", help="do not add the run to the history")
    i.add_argument("--model", metavar="M", help="faster-whisper model name or CTranslate2 dir")


def _cmd_interview(args: argparse.Namespace) -> int:
    import random
    from dataclasses import replace

    from voicecoach.interview import format_summary, plan_interview
    from voicecoach.interview_files import check_files, run_on_files, slots
    from voicecoach.packs import load_packs

    settings = _load_settings()
    packs = load_packs()
    for err in packs.errors:
        print(f"voicecoach: warning: {err}", file=sys.stderr)
    follow_ups = settings.interview.follow_ups if args.follow_ups is None else args.follow_ups
    plan = plan_interview(
        packs,
        pack=args.pack,
        topics=args.topic,
        questions=settings.interview.questions if args.questions is None else args.questions,
        follow_ups=follow_ups,
        settings=settings.interview,
        rng=random.Random(args.seed),
    )
    if args.plan:
        for n, slot in enumerate(slots(plan), start=1):
            print(f"{n}. {slot.label}: {slot.prompt}")
        return 0
    check_files(plan, args.audio)  # before the model loads: a wrong count fails at once
    if args.json is not None:
        try:
            args.json.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise VoiceCoachError(
                f"Cannot create the folder {args.json} ({exc.strerror or exc})."
            ) from exc
    tsettings = settings.transcriber
    if args.model:
        tsettings = replace(tsettings, model=args.model)
    transcriber = _make_transcriber(tsettings)
    store = history = None
    if not args.no_save:
        from voicecoach.store.history import History
        from voicecoach.store.interviews import InterviewStore
        from voicecoach.store.paths import AppPaths

        history = History(AppPaths.default().ensure().db_path)
        store = InterviewStore(history)
    try:
        run = run_on_files(
            plan,
            args.audio,
            transcriber,
            settings,
            store,
            on_file=lambda slot, path: print(f"{slot.label}: {path.name}", file=sys.stderr),
        )
    finally:
        if history is not None:
            history.close()
    for line in run.not_answered:
        print(f"voicecoach: not answered: {line}", file=sys.stderr)
    if args.json is not None:
        from voicecoach.report import to_json

        for a in run.answers:
            name = f"{a.position + 1:02d}-{a.kind.replace('_', '-')}.json"
            doc = {**to_json(a.report), "interview": a.to_json()}
            _write_json(args.json / name, doc)
        summary = {
            **run.summary.to_json(),
            "interview_id": run.interview_id,
            "plan": plan.to_json(),
        }
        _write_json(args.json / "summary.json", summary)
    print(format_summary(run.summary))
    if run.interview_id is not None:
        print(f"\nSaved in history as interview {run.interview_id}.")
    return 0


def _write_json(path: Path, doc: dict) -> None:
    try:
        path.write_text(json.dumps(doc, ensure_ascii=False, indent=1), encoding="utf-8")
    except OSError as exc:
        raise VoiceCoachError(f"Cannot write {path} ({exc.strerror or exc}).") from exc


def _stderr_progress():
    def show(fraction: float) -> None:
        print(f"\rTranscribing… {fraction * 100:3.0f}%", end="", file=sys.stderr, flush=True)

    return show


def _cmd_export(args: argparse.Namespace) -> int:
    if args.history:
        taken = (args.take_id, args.interview, args.html, args.pdf, args.audio)
        if any(x is not None and x is not False for x in taken):
            raise VoiceCoachError("--history takes --csv FILE or --json FILE, not a take.")
        if not (args.csv or args.json):
            raise VoiceCoachError("Say where: --history --csv FILE or --history --json FILE.")
    else:
        if args.csv or args.json:
            raise VoiceCoachError("--csv and --json export the history: add --history.")
        if args.take_id is not None and args.interview is not None:
            raise VoiceCoachError(
                "One at a time: a take (TAKE_ID) or an interview (--interview RUN_ID)."
            )
        if args.take_id is None and args.interview is None:
            raise VoiceCoachError(
                "Which take? `voicecoach export TAKE_ID --html FILE`, or an interview: "
                "`voicecoach export --interview RUN_ID --html FILE`."
            )
        if not (args.html or args.pdf):
            raise VoiceCoachError("Say where: --html FILE and/or --pdf FILE.")
        if args.audio and not args.html:
            raise VoiceCoachError("--audio goes with --html (a PDF cannot hold the recording).")
    from voicecoach.store.history import History
    from voicecoach.store.paths import AppPaths

    paths = AppPaths.default()
    if not paths.db_path.is_file():
        raise VoiceCoachError(f"No history yet ({paths.db_path} does not exist).")
    settings = _load_settings()
    with History(paths.db_path) as history:
        if args.history:
            from voicecoach.app.export import export_history

            for out, kind in ((args.csv, "csv"), (args.json, "json")):
                if out is not None:
                    n = export_history(history, out, settings.analysis, kind)
                    print(f"Wrote {out} ({n} takes)")
            return 0
        if args.pdf:
            from PySide6.QtGui import QGuiApplication

            # the PDF is laid out by Qt; no window is shown, so no display is needed
            _app = QGuiApplication.instance() or QGuiApplication(
                ["voicecoach", "-platform", "offscreen"]
            )
        from voicecoach.app.export import export_interview, export_take

        for out, audio, fmt in ((args.html, args.audio, "html"), (args.pdf, None, "pdf")):
            if out is None:
                continue
            if args.interview is not None:
                export_interview(
                    history,
                    args.interview,
                    out,
                    settings=settings,
                    audio=audio,
                    pack_titles=_pack_titles(),
                    fmt=fmt,
                )
            else:
                export_take(
                    history, args.take_id, out, settings=settings.analysis, audio=audio, fmt=fmt
                )
            print(f"Wrote {out}")
    return 0


def _pack_titles() -> dict[str, str]:
    """Each loaded pack's title by its name (a pack that fails to load keeps its name)."""
    from voicecoach.packs import load_packs

    return {name: getattr(p, "title", name) or name for name, p in load_packs().packs.items()}


def _cmd_questions(args: argparse.Namespace) -> int:
    from voicecoach.packs import load_packs

    packs = load_packs()
    for err in packs.errors:
        print(f"voicecoach: warning: {err}", file=sys.stderr)
    if args.pack and args.pack not in packs.packs:
        raise VoiceCoachError(
            f"Unknown pack {args.pack!r}. Packs: {', '.join(sorted(packs.packs))}."
        )
    questions = packs.questions(pack=args.pack, topic=args.topic)
    if args.json:
        print(
            json.dumps(
                [
                    {
                        "id": q.id,
                        "pack": q.pack,
                        "topic": q.topic,
                        "difficulty": q.difficulty,
                        "prompt": q.prompt,
                        "tags": list(q.tags),
                    }
                    for q in questions
                ],
                ensure_ascii=False,
                indent=2,
            )
        )
        return 0
    if not questions:
        print("No questions match.", file=sys.stderr)
        return 1
    current = None
    for q in questions:
        if (q.pack, q.topic) != current:
            current = (q.pack, q.topic)
            print(f"\n[{q.pack}] {q.topic}")
        print(f"  {q.id:<28} {q.prompt}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
