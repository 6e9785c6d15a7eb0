"""How often the story suggestion (voicecoach.stories.suggest_story) is right, wrong or silent.

    python bench/story_suggest.py [--bank 8] [--note-words 12] [--paraphrase 0.5] [--seed 1]

Built from the STAR text corpus (train and dev authors only; the heldout authors' files are
never opened). Each answer becomes a story whose one-line notes are the first `--note-words`
words of each of its labelled sections (title: the answer id, so it adds no words). Then:

- told: the answer's whole text against a bank of `--bank` stories by the same author (its own
  story and others), so the bank is about one person's life, as a user's is;
- unrelated: the same answer against a bank of another author's stories, none of which it
  tells: every suggestion there is a false one.

Notes cut from the answer share its exact words, which no user's notes do; `--paraphrase P`
replaces each note word, with probability P, by a made-up word the answer never says (a note
worded differently from how the story is told). With P = 0 "told" is an upper bound.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
CORPUS = ROOT / "corpus" / "star"
_MARK = re.compile(r"\[([STAR])\]")
_NAMES = {"S": "situation", "T": "task", "A": "action", "R": "result"}


def allowed_authors() -> list[str]:
    doc = tomllib.loads((CORPUS / "authors.toml").read_text(encoding="utf-8"))
    return sorted(a for a, v in doc["author"].items() if v["split"] != "heldout")


def load(
    author: str, note_words: int, paraphrase: float = 0.0, rng: random.Random | None = None
) -> list[tuple[object, str]]:
    from voicecoach.stories import Story

    doc = tomllib.loads((CORPUS / f"{author}.toml").read_text(encoding="utf-8"))
    out = []
    for ans in doc["answer"]:
        parts = _MARK.split(ans["text"])
        notes = {}
        for label, body in zip(parts[1::2], parts[2::2], strict=True):
            words = body.split()[:note_words]
            if paraphrase and rng is not None:
                words = [
                    w if rng.random() >= paraphrase else f"zq{rng.randrange(10**6)}x" for w in words
                ]
            notes[_NAMES[label]] = " ".join(words)
        story = Story(title=ans["id"], **notes)
        out.append((story, " ".join(_MARK.sub(" ", ans["text"]).split())))
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bank", type=int, default=8)
    ap.add_argument("--note-words", type=int, default=12)
    ap.add_argument("--paraphrase", type=float, default=0.5)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    from voicecoach.stories import MIN_SCORE, MIN_SHARED_WORDS, suggest_story

    rng = random.Random(args.seed)
    authors = allowed_authors()
    data = {a: load(a, args.note_words, args.paraphrase, rng) for a in authors}
    right = wrong = silent = false_pos = n = 0
    for i, a in enumerate(authors):
        other = authors[(i + 1) % len(authors)]
        for k, (story, text) in enumerate(data[a]):
            n += 1
            rest = [s for j, (s, _t) in enumerate(data[a]) if j != k]
            bank = [story, *rng.sample(rest, args.bank - 1)]
            rng.shuffle(bank)
            got = suggest_story(text, bank)
            if got is None:
                silent += 1
            elif got.story is story:
                right += 1
            else:
                wrong += 1
            foreign = rng.sample([s for s, _t in data[other]], args.bank)
            if suggest_story(text, foreign) is not None:
                false_pos += 1
    print(
        f"authors {', '.join(authors)}; {n} answers; bank of {args.bank}; notes of "
        f"{args.note_words} words, {args.paraphrase:.0%} reworded; "
        f"threshold {MIN_SHARED_WORDS} words and score {MIN_SCORE}"
    )
    print(
        f"told:      right {right} ({right / n:.1%})  wrong {wrong} ({wrong / n:.1%})  "
        f"no suggestion {silent} ({silent / n:.1%})"
    )
    print(f"unrelated: suggested anyway {false_pos} ({false_pos / n:.1%})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
