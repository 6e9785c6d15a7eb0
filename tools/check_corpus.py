"""Check STAR corpus files (corpus/star/*.toml) against corpus/star/FORMAT.md.

    python tools/check_corpus.py corpus/star/a07.toml      # one file: errors + counts
    python tools/check_corpus.py                            # every file

Prints one line per problem (file, answer id, what is wrong) and, per file, the number of
answers and words per style. Exits 1 when any problem is found.
"""

from __future__ import annotations

import re
import sys
import tomllib
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus" / "star"
STYLES = {
    "prep",
    "skeleton",
    "rambling",
    "manager_we",
    "nonnative",
    "formal",
    "headline",
    "nocue",
    "reflection",
    "technical",
    "nonengineering",
}
MARKER = re.compile(r"\[([STAR])\]")
ORDER = "STAR"


def check_file(path: Path) -> tuple[list[str], Counter, Counter]:
    problems: list[str] = []
    n_by_style: Counter = Counter()
    words_by_style: Counter = Counter()
    try:
        data = tomllib.loads(path.read_text("utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as e:
        return [f"{path.name}: cannot read: {e}"], n_by_style, words_by_style
    author = data.get("author", {})
    if author.get("id") != path.stem:
        problems.append(f"{path.name}: [author] id must be {path.stem!r}")
    seen: set[str] = set()
    for i, a in enumerate(data.get("answer", [])):
        aid = a.get("id", f"#{i + 1}")
        where = f"{path.name}: {aid}"
        if not re.fullmatch(rf"{re.escape(path.stem)}-\d\d", str(aid)):
            problems.append(f"{where}: id must look like {path.stem}-01")
        if aid in seen:
            problems.append(f"{where}: duplicate id")
        seen.add(aid)
        style = a.get("style")
        if style not in STYLES:
            problems.append(f"{where}: unknown style {style!r}")
        if not str(a.get("question", "")).strip():
            problems.append(f"{where}: question is empty")
        text = str(a.get("text", ""))
        marks = MARKER.findall(text)
        if not marks:
            problems.append(f"{where}: no [S]/[T]/[A]/[R] marker")
        elif text.strip()[:3] != f"[{marks[0]}]":
            problems.append(f"{where}: text must start with a marker")
        if len(set(marks)) != len(marks):
            problems.append(f"{where}: a marker appears twice")
        if [ORDER.index(m) for m in marks] != sorted(ORDER.index(m) for m in marks):
            problems.append(f"{where}: markers out of S, T, A, R order")
        for m, part in zip(marks, MARKER.split(text)[2::2], strict=False):
            if not part.strip():
                problems.append(f"{where}: [{m}] has no words")
        if "[" in MARKER.sub("", text) or "]" in MARKER.sub("", text):
            problems.append(f"{where}: stray bracket (only [S] [T] [A] [R] are allowed)")
        n_by_style[style] += 1
        words_by_style[style] += len(MARKER.sub(" ", text).split())
    return problems, n_by_style, words_by_style


def main(argv: list[str]) -> int:
    paths = [Path(p) for p in argv] or sorted(
        p for p in CORPUS.glob("*.toml") if p.name != "authors.toml"
    )
    bad = 0
    for path in paths:
        problems, n, w = check_file(path)
        for p in problems:
            print(p)
        bad += len(problems)
        summary = ", ".join(f"{s} {n[s]} ({w[s] // max(n[s], 1)} words avg)" for s in sorted(n))
        print(f"{path.name}: {sum(n.values())} answers: {summary}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
