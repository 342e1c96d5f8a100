"""scene.shorten's fast path (text left as it is) gives what collapsing every white-space run gives."""

from __future__ import annotations

import random
import sys

from paperlens.display.scene import shorten

SPACES = [chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace()]


def reference(text: str, limit: int) -> str:
    text = " ".join(text[: 2 * limit + 40].split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return (cut if len(cut) > limit // 2 else text[:limit]).rstrip(" ,.;:") + "…"


def test_every_white_space_but_space_is_unprintable():
    assert [c for c in SPACES if c.isprintable()] == [" "]


def test_shorten_equals_collapsing_first():
    rng = random.Random(0)
    alphabet = [*"abcdefghij,.;:", " ", " ", *SPACES, "é", "\u200b"]
    for _ in range(3000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 90)))
        for limit in (5, 12, 40, 320):
            assert shorten(text, limit) == reference(text, limit), (text, limit)
