"""course_lib.text: the shipped 90 % of the corpus, and its vocabulary."""

from pathlib import Path

import numpy as np
import pytest

from course_lib import text

HELDOUT = Path(__file__).parents[2] / "autograder" / "checks" / "unit08" / "heldout_shakespeare.txt"


def test_the_corpus_ships_without_its_held_out_tenth():
    shipped, heldout = text.corpus(), HELDOUT.read_text("utf-8")
    assert len(shipped) == 1_003_857 and len(heldout) == 111_537
    assert shipped.endswith("\n\n") and heldout.startswith("GREMIO:")
    # The held-out text is the corpus's continuation, not a sample of the shipped part.
    assert heldout[:200] not in shipped


def test_every_held_out_character_is_in_the_shipped_vocabulary():
    vocab = text.Vocabulary.of(text.corpus())
    assert vocab.size == 65
    assert set(HELDOUT.read_text("utf-8")) <= set(vocab.chars)


def test_encode_and_decode_round_trip():
    vocab = text.Vocabulary.of("abcab")
    ids = vocab.encode("cab")
    assert ids.dtype == np.int32 and ids.tolist() == [2, 0, 1]
    assert vocab.decode(ids) == "cab"


def test_an_unknown_character_is_named():
    with pytest.raises(ValueError, match="'z'"):
        text.Vocabulary.of("abc").encode("az")
