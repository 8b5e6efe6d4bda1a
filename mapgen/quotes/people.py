"""People's names in an article: the capitalised words that are someone, not somewhere.

An editor reads ``Andrew Jordan`` as a person because ``Andrew`` is a given name,
``Mayor Sergei Sobyanin`` because ``Mayor`` is a title, and ``Jordan said`` later on as the
same person.  :func:`person_tokens` marks the words of a sentence that such a rule makes a
person's; :mod:`mapgen.quotes.mentions` reads no place in them.

The given names are the most common English ones (:mod:`mapgen.quotes.firstnames`, from
the US Census Bureau's name frequencies); the titles below are the honorifics and offices
English news writes before a name, listed here because they are the language's, not a
data set's.
"""

from __future__ import annotations

from collections.abc import Callable

from ..geo.countries import fold
from .firstnames import FIRST_NAMES, SURNAMES
from .tokens import Token, runs

__all__ = ["FIRST_NAMES", "TITLES", "person_tokens", "surnames_of"]


def _words(text: str) -> list[str]:
    return text.split()


#: Words written before a person's name (folded): honorifics, offices, ranks, clergy.
TITLES = frozenset(
    fold(w)
    for w in _words(
        "Mr Mrs Ms Miss Mx Dr Prof Professor Sir Dame Lord Lady Madam Mme Mlle Herr Frau"
        " President Vice Premier Chancellor Minister Secretary Governor Gov Mayor Senator Sen"
        " Representative Rep Congressman Congresswoman Councillor Councilman Councilwoman"
        " Ambassador Envoy Spokesman Spokeswoman Spokesperson Judge Justice Magistrate"
        " Commissioner Inspector Detective Sheriff Deputy Constable Officer Agent Chairman"
        " Chairwoman Chair Director CEO Coach Captain Capt General Gen Colonel Col Lieutenant"
        " Lt Major Maj Sergeant Sgt Corporal Cpl Private Pvt Admiral Adm Commander Cmdr"
        " Marshal Brigadier King Queen Prince Princess Emperor Empress Sultan Emir Sheikh"
        " Crown Duke Duchess Count Countess Baron Baroness Pope Cardinal Archbishop Bishop"
        " Reverend Rev Father Fr Pastor Rabbi Imam Ayatollah Mullah Patriarch Cleric Doctor"
        " Nurse Dean Headmaster Warlord Tsar Czar Prosecutor Attorney Solicitor Counsel"
    )
)


def person_tokens(
    sentence: list[Token], is_place: Callable[[str], bool], is_area: Callable[[str], bool]
) -> set[int]:
    """Indexes of the tokens of ``sentence`` that are people's names: in a run of
    capitalised words, every word after a title (``President Vladimir Putin``) or from a
    given name on (``Andrew Jordan``), unless those words from the title or given name on
    are themselves a place's full name (``Prince Edward Island``, ``Virginia Beach``)
    (``is_place(words)``), or the given name is a country's or region's (``is_area(word)``)
    and no common surname follows it (``Jordan Valley``, ``Georgia Tech`` are not people,
    ``Georgia Stevens`` is)."""
    index = {id(t): k for k, t in enumerate(sentence)}
    out: set[int] = set()
    for run in runs(sentence):
        if len(run) < 2:
            continue
        k = 0
        while k < len(run) - 1:
            token = run[k]
            title = fold(token.word) in TITLES
            given = token.word in FIRST_NAMES and not token.acronym
            if given and is_area(token.word) and run[k + 1].word not in SURNAMES:
                given = False  # "Jordan Valley", "Georgia Tech"; but "Georgia Stevens"
            if not (title or given):
                k += 1
                continue
            place = next(
                (
                    end
                    for end in range(len(run), k + 1, -1)
                    if is_place(" ".join(t.word for t in run[k:end]))
                ),
                None,
            )
            if place is not None:  # "Santa Clara County", "Prince Edward Island"
                k = place
                continue
            first = k + 1 if title else k
            out.update(index[id(t)] for t in run[first:])
            break
    return out


def surnames_of(sentences: list[list[Token]], people: list[set[int]]) -> set[str]:
    """The last words of the people's names found, and their given names (folded):
    ``Andrew Jordan`` makes a later ``Jordan said`` the same person, ``Georgia Stevens`` a
    later ``Georgia began skating``."""
    out = set()
    for sentence, marked in zip(sentences, people, strict=True):
        for k in marked:
            if k + 1 not in marked:
                out.add(fold(sentence[k].word))
            if k - 1 not in marked and sentence[k].word in FIRST_NAMES:
                out.add(fold(sentence[k].word))
    return out
