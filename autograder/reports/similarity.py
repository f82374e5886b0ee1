"""Near-identical answer cells across submissions: evidence for an instructor, never a penalty.

Each answer cell becomes a stream of normalised tokens: local names become one symbol
(renaming a variable changes nothing), numbers and strings another, comments and layout
vanish; attribute names (``np.matmul``) and builtins stay, since they say which operation
the code performs. The cell's fingerprints are hashes of every ``k`` consecutive tokens,
winnowed as MOSS does (Schleimer, Wilkerson and Aiken, SIGMOD 2003): of each window of
``w`` consecutive hashes only the smallest is kept, so every shared run of at least
``w + k - 1`` tokens is still found while a fraction of the hashes is stored. Reordering
independent lines moves fingerprints around but keeps almost all of them.

Code that follows the release's skeleton is expected to look alike: fingerprints the
release's own cell has (signatures, docstrings, given lines) are removed first, and the
reference solution's similarity to each submission is reported beside every pair, so an
instructor can tell "both wrote the obvious thing" from "one copied the other".
"""

from __future__ import annotations

import builtins
import hashlib
import io
import itertools
import keyword
import tokenize
from dataclasses import dataclass, field

# Long enough that a shared run means shared code, short enough for a one-line answer.
K_GRAM = 5
WINDOW = 4
_BUILTINS = frozenset(dir(builtins))
_SKIPPED = {tokenize.COMMENT, tokenize.NL, tokenize.ENCODING, tokenize.ENDMARKER}


def normalised_tokens(source: str) -> list[str]:
    """The tokens of ``source`` with local names, numbers and strings made anonymous.

    Source that does not tokenize (an unfinished answer) falls back to whitespace-split
    words, so a broken cell still has fingerprints.
    """
    tokens: list[str] = []
    previous = ""
    try:
        for token in tokenize.generate_tokens(io.StringIO(source).readline):
            if token.type in _SKIPPED:
                continue
            text = token.string
            if token.type == tokenize.NAME:
                keep = keyword.iskeyword(text) or text in _BUILTINS or previous == "."
                text = text if keep else "<name>"
            elif token.type == tokenize.NUMBER:
                text = "<number>"
            elif token.type == tokenize.STRING or tokenize.tok_name[token.type].startswith("FSTRING"):
                text = "<string>"  # Python 3.12 splits f-strings into several tokens
            elif token.type == tokenize.NEWLINE:
                text = "<newline>"
            elif token.type in (tokenize.INDENT, tokenize.DEDENT):
                text = tokenize.tok_name[token.type]
            tokens.append(text)
            previous = token.string
    except (tokenize.TokenError, IndentationError, SyntaxError):
        return source.split()
    return tokens


def _hash(gram: tuple[str, ...]) -> int:
    # Stable across processes (Python's hash() is salted per run).
    return int.from_bytes(hashlib.blake2b("\x1f".join(gram).encode(), digest_size=8).digest())


def fingerprints(tokens: list[str], *, k: int = K_GRAM, w: int = WINDOW) -> set[int]:
    """The winnowed hashes of the ``k``-grams of ``tokens`` (all of them if fewer than ``w``)."""
    hashes = [_hash(tuple(tokens[i : i + k])) for i in range(max(len(tokens) - k + 1, 0))]
    if len(hashes) <= w:
        return set(hashes)
    return {min(hashes[i : i + w]) for i in range(len(hashes) - w + 1)}


def jaccard(a: set[int], b: set[int]) -> float:
    """Shared fingerprints over all fingerprints of the two (0 when both are empty)."""
    union = len(a | b)
    return len(a & b) / union if union else 0.0


@dataclass(frozen=True)
class CellMatch:
    """How alike two submissions' answers to one cell are."""

    grade_id: str
    similarity: float
    shared: int  # fingerprints both have (after the skeleton's are removed)


@dataclass(frozen=True)
class Pair:
    """Two submissions, their similarity over all answer cells, and the reference baseline."""

    first: str
    second: str
    similarity: float
    cells: list[CellMatch] = field(default_factory=list)
    # The reference solution's similarity to each of the two: alike because both are
    # close to the expected answer, or alike to each other only.
    reference: tuple[float, float] = (0.0, 0.0)


def answer_prints(
    answers: dict[str, str], skeleton: dict[str, str] | None = None
) -> dict[str, set[int]]:
    """grade_id → fingerprints of the answer, without those of the release's cell."""
    skeleton = skeleton or {}
    return {
        grade_id: fingerprints(normalised_tokens(source))
        - fingerprints(normalised_tokens(skeleton.get(grade_id, "")))
        for grade_id, source in answers.items()
    }


def compare(a: dict[str, set[int]], b: dict[str, set[int]]) -> tuple[float, list[CellMatch]]:
    """Similarity over the cells both answered: shared fingerprints over all of them."""
    cells = [
        CellMatch(gid, jaccard(a[gid], b[gid]), len(a[gid] & b[gid]))
        for gid in sorted(set(a) & set(b))
        if a[gid] or b[gid]
    ]
    union = sum(len(a[c.grade_id] | b[c.grade_id]) for c in cells)
    return (sum(c.shared for c in cells) / union if union else 0.0), cells


def similar_pairs(
    submissions: dict[str, dict[str, str]],
    *,
    skeleton: dict[str, str] | None = None,
    reference: dict[str, str] | None = None,
    at_least: float = 0.0,
) -> list[Pair]:
    """Every pair of submissions at least ``at_least`` alike, most alike first.

    Args:
        submissions: student → grade_id → the source of their answer cell.
        skeleton: grade_id → the release's cell (what every student was given).
        reference: grade_id → the instructor's answer, for each pair's baseline.
    """
    prints = {student: answer_prints(cells, skeleton) for student, cells in submissions.items()}
    ref = answer_prints(reference, skeleton) if reference else {}
    pairs = []
    for first, second in itertools.combinations(sorted(prints), 2):
        similarity, cells = compare(prints[first], prints[second])
        if similarity >= at_least:
            baseline = (compare(ref, prints[first])[0], compare(ref, prints[second])[0])
            pairs.append(Pair(first, second, similarity, cells, baseline))
    return sorted(pairs, key=lambda pair: (-pair.similarity, pair.first, pair.second))
