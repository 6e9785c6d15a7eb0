"""A hand-built, realistic Report for UI tests and screenshots (no engine needed).

A scripted answer of about two minutes: a Situation that runs long, a short Task, an Action a
little under target and a Result with a number in it; fillers, a voiced "hmm" the recogniser
dropped, a few long pauses and the usual content checks.
"""

from __future__ import annotations

import re

from voicecoach.domain import (
    Check,
    Filler,
    Pause,
    Question,
    Report,
    Section,
    SectionName,
    SectionTargets,
    Sentence,
    Transcript,
    VoicedGap,
    Word,
)
from voicecoach.report import fmt_time

QUESTION = Question(
    id="core-conflict-01",
    pack="core",
    topic="Conflict",
    prompt="Tell me about a time you disagreed with a colleague about how to solve a problem.",
    probing="Can you disagree without damaging the relationship, and do you change your mind "
    "when the evidence says so?",
    key_points=(
        "Name the disagreement in one line",
        "Show you listened before arguing",
        "End with what was decided and what it achieved",
    ),
    structure_hint="Situation 15 s · Task 15 s · Action 60 s · Result 20 s",
)

# (section, reason, text, pause after in seconds)
SCRIPT: list[tuple[SectionName, str, str, float]] = [
    (
        "situation",
        "first sentence",
        "So, um, last year I was working as a backend engineer at a logistics company.",
        0.45,
    ),
    (
        "situation",
        'cue "we had" → situation',
        "We had, like, a nightly billing job that was taking almost six hours to run.",
        0.4,
    ),
    (
        "situation",
        "follows the previous sentence",
        "And it was, you know, blocking the morning reports for the finance team, "
        "which they really needed before nine.",
        0.5,
    ),
    (
        "situation",
        "follows the previous sentence",
        "The job had grown over about five years and nobody really owned it anymore, "
        "so every team added a little bit of logic to it.",
        1.4,
    ),
    (
        "situation",
        "follows the previous sentence",
        "Um, a colleague of mine, Priya, who was the tech lead on the data side, "
        "thought the right fix was to rewrite the whole thing in Spark.",
        0.6,
    ),
    (
        "task",
        'cue "my job was" → task',
        "My job was to get the job under one hour without breaking the invoices.",
        0.5,
    ),
    (
        "task",
        "follows the previous sentence",
        "And I had about six weeks to do it.",
        0.8,
    ),
    (
        "action",
        'cue "I decided" → action',
        "I decided to measure first, because I didn't think we knew where the time was going.",
        0.4,
    ),
    (
        "action",
        "follows the previous sentence",
        "I added timing to every step and, uh, ran it against a copy of production data "
        "for a week.",
        0.45,
    ),
    (
        "action",
        "follows the previous sentence",
        "It turned out that about eighty percent of the time was spent in one query "
        "that loaded every customer one by one.",
        1.2,
    ),
    (
        "action",
        'cue "I showed" → action',
        "I showed Priya the numbers and, like, we sat down together to go through them.",
        0.4,
    ),
    (
        "action",
        "follows the previous sentence",
        "She still had a fair point that the job was hard to change, so we agreed on a plan "
        "with two steps.",
        0.5,
    ),
    (
        "action",
        "follows the previous sentence",
        "First I would batch the slow query and add an index, and then we would move the "
        "report part to Spark later.",
        0.45,
    ),
    (
        "action",
        "follows the previous sentence",
        "For example, instead of fifty thousand small queries we made about fifty big ones.",
        1.6,
    ),
    (
        "action",
        "follows the previous sentence",
        "I wrote the change behind a flag and ran both versions side by side for two weeks "
        "to compare the invoices line by line.",
        0.5,
    ),
    (
        "result",
        'number "forty minutes" → result',
        "In the end the job went from six hours to forty minutes, and the invoices matched "
        "exactly.",
        0.45,
    ),
    (
        "result",
        "follows the previous sentence",
        "The finance team got their reports by seven, and Priya and I, um, later did the Spark "
        "move together.",
        0.5,
    ),
    (
        "result",
        'cue "I learned" → result',
        "What I learned is to bring data to a disagreement before bringing opinions.",
        0.3,
    ),
]

FILLER_TEXTS = {"um": "filled_pause", "uh": "filled_pause", "like": "discourse", "so": "discourse"}


def _word_len_s(text: str) -> float:
    letters = len(re.sub(r"[^A-Za-z0-9]", "", text))
    return 0.11 + 0.042 * letters


def build_words() -> tuple[tuple[Word, ...], list[tuple[int, int, float, float]]]:
    """Words with plausible timings, and per sentence (first, last, start_s, end_s)."""
    words: list[Word] = []
    spans: list[tuple[int, int, float, float]] = []
    t = 0.6
    for _section, _reason, text, pause_after in SCRIPT:
        first = len(words)
        start = t
        for token in text.split():
            d = _word_len_s(token)
            words.append(Word(token, round(t, 3), round(t + d, 3), 0.93))
            t += d + (0.14 if token.endswith(",") else 0.06)
        spans.append((first, len(words) - 1, start, words[-1].end_s))
        t = words[-1].end_s + pause_after
    return tuple(words), spans


def sample_report(*, drop_task: bool = False) -> Report:
    """A full Report; with `drop_task` the Task sentences count as Situation (Task missing)."""
    words, spans = build_words()
    duration = round(words[-1].end_s + 1.2, 3)
    sentences: list[Sentence] = []
    for (section, reason, text, _p), (first, last, start, end) in zip(SCRIPT, spans, strict=True):
        if drop_task and section == "task":
            section, reason = "situation", "follows the previous sentence"
        sentences.append(Sentence(first, last, start, end, text, section, reason))
    word_sections: list[SectionName | None] = [None] * len(words)
    for s in sentences:
        for i in range(s.first_word, s.last_word + 1):
            word_sections[i] = s.section
    # Sections run from their first sentence's start to the next section's start.
    sections: list[Section] = []
    targets = SectionTargets()
    order: list[tuple[SectionName, float]] = []
    for s in sentences:
        if not order or order[-1][0] != s.section:
            order.append((s.section, s.start_s))
    for k, (name, start) in enumerate(order):
        end = order[k + 1][1] if k + 1 < len(order) else sentences[-1].end_s
        sections.append(Section(name, round(start, 3), round(end, 3), targets.for_section(name)))
    missing = ("task",) if drop_task else ()

    fillers: list[Filler] = []
    i = 0
    while i < len(words):
        w = re.sub(r"[^a-z']", "", words[i].text.lower())
        nxt = re.sub(r"[^a-z']", "", words[i + 1].text.lower()) if i + 1 < len(words) else ""
        if w == "you" and nxt == "know" and words[i + 1].text.endswith(","):
            fillers.append(
                Filler("you know", "discourse", words[i].start_s, words[i + 1].end_s, i, 2)
            )
            i += 2
            continue
        is_filler = (
            w in FILLER_TEXTS
            and (w != "so" or i == 0)
            and (w != "like" or words[i].text.endswith(","))
        )
        if is_filler:
            fillers.append(Filler(w, FILLER_TEXTS[w], words[i].start_s, words[i].end_s, i))  # type: ignore[arg-type]
        i += 1
    # A voiced "hmm" between two sentences of the Action that Whisper left out.
    gap_after = spans[9][1]
    g_start = round(words[gap_after].end_s + 0.35, 3)
    gap = VoicedGap(g_start, g_start + 0.5)
    fillers.append(Filler("(voiced pause)", "unlabelled", gap.start_s, gap.end_s, None))
    fillers.sort(key=lambda f: f.start_s)

    pauses = tuple(
        Pause(words[i].end_s, words[i + 1].start_s, i)
        for i in range(len(words) - 1)
        if words[i + 1].start_s - words[i].end_s >= 1.0
    )
    n_i = sum(1 for w in words if re.sub(r"[^a-z]", "", w.text.lower()) == "i")
    n_we = sum(1 for w in words if re.sub(r"[^a-z]", "", w.text.lower()) == "we")
    speech_s = round(words[-1].end_s - words[0].start_s - sum(p.duration_s for p in pauses), 3)
    pace = round(len(words) / (speech_s / 60.0), 1)

    def at(sentence: int) -> float:
        return sentences[sentence].start_s

    checks = (
        Check("headline", False, "The first sentence sets the scene; lead with the point.", at(0)),
        Check(
            "quantified_result",
            True,
            "Result has a number: “six hours to forty minutes”.",
            at(15),
            2.0,
        ),
        Check("learning", True, "You said what you learned.", at(17)),
        Check("because", True, "You gave a reason (“because”).", at(7), 1.0),
        Check("for_example", True, "You gave an example (“for example”).", at(13), 1.0),
        Check("but", False, "No contrast (“but”, “however”): say what was hard.", None, 0.0),
        Check(
            "i_vs_we",
            True,
            f"“I” {n_i}×, “we” {n_we}× — your part is clear.",
            None,
            n_i / max(1, n_we),
        ),
    )
    by_name = {s.name: s for s in sections}
    verdicts: list[str] = []
    for name in ("situation", "task", "action", "result"):
        s = by_name.get(name)
        if s is None:
            verdicts.append(f"No {name.title()} found — say what you had to achieve.")
        elif s.over_s >= 5:
            verdicts.append(
                f"{name.title()} ran {s.duration_s:.0f} s, {s.over_s:.0f} s over its "
                f"{s.target_s:.0f} s target."
            )
    over_total = duration - targets.total_s
    if over_total > 0:
        verdicts.append(
            f"The whole answer ran {fmt_time(duration)}, {over_total:.0f} s over the "
            f"{fmt_time(targets.total_s)} target."
        )
    return Report(
        question_id=QUESTION.id,
        duration_s=duration,
        transcript=Transcript(words, duration, (gap,), model="tiny.en"),
        word_sections=tuple(word_sections),
        sentences=tuple(sentences),
        sections=tuple(sections),
        missing_sections=missing,
        targets=targets,
        fillers=tuple(fillers),
        speech_s=speech_s,
        pace_wpm=pace,
        pauses=pauses,
        pronouns={"i": n_i, "we": n_we},
        checks=checks,
        verdicts=tuple(verdicts),
    )


if __name__ == "__main__":
    r = sample_report()
    print(f"{len(r.transcript.words)} words, {r.duration_s:.1f} s, {r.pace_wpm} wpm")
    for s in r.sections:
        print(f"  {s.name:<10} {s.start_s:6.1f} {s.end_s:6.1f} {s.duration_s:5.1f}")
    print(f"  fillers {len(r.fillers)}: {[f.text for f in r.fillers]}")
    print("  ", r.verdicts)
