"""The clauses of a question: which ones ask for the figure, which set the scene, and what a
negation or a comparison covers. Offsets index the normalised question text."""

from __future__ import annotations

import re
from collections.abc import Callable

from qa.vocabulary import MEASURE, NEGATION, Piece, Vocabulary

CLAUSE = re.compile(r"[，,。；;！!？?：:]")
CHANGE_MEASURES = ("change", "change_rate")
MAX_LEAD_CHARS = 2  # an adverb (大概, 又) before the base marker that opens a clause


def compared_spans(text: str, pieces: list[Piece]) -> list[tuple[int, int]]:
    """Spans from 比/较/与 to the change word after it: what a change is compared with."""
    spans = []
    for m in re.finditer("比|较|与", text):
        changes = (
            p.start for p in pieces
            if p.start > m.start() and p.role == MEASURE and p.meaning in CHANGE_MEASURES
        )  # fmt: skip
        end = next(changes, None)
        if end is not None:
            spans.append((m.start(), end))
    return spans


def inside(piece: Piece, spans: list[tuple[int, int]]) -> bool:
    return any(a < piece.start < b for a, b in spans)


def negated_spans(
    text: str, pieces: list[Piece], asking: set[int], clause_of: Callable[[int], int]
) -> list[tuple[int, int]]:
    """What a negation excludes: its whole clause ("项目支出那部分我不要"), but inside a
    clause that asks, or inside brackets, only the words after it, to the end of its
    brackets ("设备（不算车）有几台")."""
    spans = []
    for p in pieces:
        if p.role != NEGATION:
            continue
        clause = clause_of(p.start)
        start = max((m.end() for m in CLAUSE.finditer(text, 0, p.start)), default=0)
        end = next((m.start() for m in CLAUSE.finditer(text, p.start)), len(text))
        close = next((m.start() for m in re.finditer("[)）]", text[p.start : end])), None)
        opened = max(text.rfind("(", start, p.start), text.rfind("（", start, p.start))
        bracketed = opened >= 0 and close is not None
        if clause in asking or bracketed:  # "大设备（不算车），…有几台": only what it brackets
            start, end = p.start, end if close is None else p.start + close
        spans.append((start, end))
    return spans


def within(offset: int, spans: list[tuple[int, int]]) -> bool:
    return any(a <= offset < b for a, b in spans)


def clause_index(text: str) -> Callable[[int], int]:
    """A function from a character offset to the index of its clause."""
    ends = [m.start() for m in CLAUSE.finditer(text)]

    def index(offset: int) -> int:
        return sum(1 for e in ends if e < offset)

    return index


def scope_clauses(text: str, vocab: Vocabulary) -> set[int]:
    """Indexes of the clauses that end in a scope marker ("X的支出里，"): they narrow the
    clause after them."""
    return {i for i, c in enumerate(CLAUSE.split(text)) if c.strip().endswith(vocab.scope_markers)}


def asking_clauses(text: str, vocab: Vocabulary, named: set[int]) -> set[int]:
    """Indexes of the clauses that ask for a figure (多少, 几, 哪 …; from the last question
    opener on, 请问/那么, when one precedes an asking clause), with a clause ending in
    a scope marker right before one ("X的支出里，") and, when the asking clause names nothing
    known and points back ("这个项目的预算是多少"), the clause before it; all when none asks."""
    clauses = CLAUSE.split(text)
    scoped = scope_clauses(text, vocab)
    asking = {i for i, c in enumerate(clauses) if any(w in c for w in vocab.question_words)}
    # "养人的钱到底多少？我是说…人员经费合计": a clarifying clause restates what is asked
    asking |= {i for i, c in enumerate(clauses) if c.strip().startswith(vocab.clarifiers)}
    opened = [i for i, c in enumerate(clauses) if _opens_question(c.strip(), vocab)]
    if opened and any(i >= opened[-1] for i in asking):  # "…增加了多少，那么2024年的是多少"
        asking = {i for i in asking if i >= opened[-1]}
    for i in sorted(asking):
        j = i - 1
        while (
            j >= 0
            and j in scoped
            and not _opens_question(clauses[j].strip(), vocab)  # 想了解一下，
        ):
            asking.add(j)
            j -= 1
        if j >= 0 and i not in named and any(w in clauses[i] for w in vocab.anaphora):
            asking.add(j)
        elif j >= 0 and any(w in clauses[i] for w in vocab.partitive_anaphora):
            asking.add(j)  # "…接待港澳台侨同胞，这部分接待花了多少": that part of it
        if i > 0 and _opens_with_base(clauses[i].strip(), vocab):
            asking.add(i - 1)  # "…的公用经费，大概占基本支出的百分之多少": its subject before
    return asking or set(range(len(clauses)))


def yes_no_follow_ups(text: str, asking: set[int], vocab: Vocabulary) -> set[int]:
    """Clauses after the last one asking for a figure that only ask yes or no (…一共多少？
    外事接待有没有？): a second question, not what the figure is about."""
    clauses = CLAUSE.split(text)
    last = max(asking, default=-1)
    return {
        i for i, c in enumerate(clauses)
        if i > last and any(w in c for w in vocab.yes_no_words)
        and not any(w in c for w in vocab.question_words)
    }  # fmt: skip


def _opens_with_base(clause: str, vocab: Vocabulary) -> bool:
    """The clause opens with a base marker (占, 比 …) after at most a short adverb (大概)."""
    at = min((i for w in vocab.base_markers if (i := clause.find(w)) >= 0), default=-1)
    return 0 <= at <= MAX_LEAD_CHARS


def _opens_question(clause: str, vocab: Vocabulary) -> bool:
    """The clause holds a question opener (请问; ^那 at its start, not 那个/那笔)."""
    for w in vocab.question_openers:
        if not w.startswith("^"):
            if w in clause:
                return True
        elif clause.startswith(w[1:]) and not clause.startswith(vocab.anaphora):
            return True
    return False
