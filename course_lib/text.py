"""The course's text corpus for character-level language models, available offline.

The corpus is the public-domain "tiny Shakespeare" collection (about 1.1 million
characters of the plays, 65 distinct characters). The student package ships its first
90 % (cut at a blank line); the rest is held out by the grader, so a language model's
perplexity is measured on text the notebook never had.

Example:
    >>> from course_lib import text
    >>> corpus = text.corpus()          # str, 1,003,857 characters
    >>> vocab = text.Vocabulary.of(corpus)
    >>> vocab.size                      # 65
    >>> vocab.decode(vocab.encode("To be"))
    'To be'
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from importlib import resources

import numpy as np


@functools.lru_cache(maxsize=1)
def corpus() -> str:
    """The shipped part of the corpus as one string."""
    return resources.files("course_lib.data").joinpath("files/shakespeare.txt").read_text("utf-8")


@dataclass(frozen=True)
class Vocabulary:
    """Characters <-> integer ids, ids in sorted character order."""

    chars: str

    @classmethod
    def of(cls, text: str) -> Vocabulary:
        """The vocabulary of every distinct character in ``text``."""
        return cls("".join(sorted(set(text))))

    @property
    def size(self) -> int:
        return len(self.chars)

    @functools.cached_property
    def _ids(self) -> dict[str, int]:
        return {c: i for i, c in enumerate(self.chars)}

    def encode(self, text: str) -> np.ndarray:
        """int32 ids of ``text``; a character outside the vocabulary is a ValueError."""
        ids = self._ids
        unknown = sorted(set(text) - ids.keys())
        if unknown:
            raise ValueError(f"characters outside the vocabulary: {''.join(unknown)!r}")
        return np.fromiter((ids[c] for c in text), dtype=np.int32, count=len(text))

    def decode(self, ids) -> str:
        """The text of a sequence of ids."""
        return "".join(self.chars[int(i)] for i in np.asarray(ids).ravel())
