"""Articles read as composed text (NFC), with the way back to their offsets as written.

Text copied from a Mac or out of a PDF often spells ``ü`` as ``u`` and a combining diaeresis
(NFD).  The gazetteer's names are composed, and a combining mark is not a letter to the
word pattern, so ``Zürich`` written so was two words and no place.  Mentions are found in
the composed text; :class:`Composed` maps each offset back, so that a mention's offsets,
words and sentence are the article's own, as a quote must be.
"""

from __future__ import annotations

import unicodedata


class Composed:
    """``text`` composed (``.text``), and ``start``/``end`` to map offsets back to ``written``."""

    def __init__(self, written: str):
        self.written = written
        self._at: list[int] | None = None
        self.text = written
        if unicodedata.is_normalized("NFC", written):
            return
        parts: list[str] = []
        at: list[int] = []
        i, n = 0, len(written)
        while i < n:  # a starter and the combining marks after it compose together
            j = i + 1
            while j < n and unicodedata.combining(written[j]):
                j += 1
            part = unicodedata.normalize("NFC", written[i:j])
            parts.append(part)
            at.extend([i] * len(part))
            i = j
        text = "".join(parts)
        if text != unicodedata.normalize("NFC", written):
            return  # composition across starters (Hangul jamo): read it as written
        at.append(n)
        self.text, self._at = text, at

    def start(self, k: int) -> int:
        """The offset in the written text where composed character ``k`` begins."""
        return k if self._at is None else self._at[k]

    def end(self, k: int) -> int:
        """The written offset that composed offset ``k`` ends at (never inside what one
        written character and its marks became)."""
        if self._at is None or k == 0:
            return k
        at = self._at
        while k < len(at) - 1 and at[k] == at[k - 1]:
            k += 1
        return at[k]
