"""A question as a frame of named slots: what it is about, which measure, period, operation.

``parse(question, vocab)`` normalises the question, takes out years and department names,
segments the rest with the vocabulary and fills the slots; empty slots stay ``None``. The
content ``terms`` are what the report must explain before any figure is answered.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field, replace
from decimal import Decimal

from qa.clauses import (
    CLAUSE,
    asking_clauses,
    clause_index,
    compared_spans,
    inside,
    negated_spans,
    within,
)
from qa.vocabulary import (
    ALIAS,
    COMPARISON,
    CONTENT_ROLES,
    COUNT_UNIT,
    LABEL,
    MEASURE,
    OPERATION,
    PERCENT,
    PERIOD,
    TOTAL,
    UNKNOWN,
    Piece,
    Vocabulary,
    normalize,
    quoted,
    without_dates,
)

_BUDGET_VS_SPENT = re.compile(
    r"预算数?(比|较)(实际|决算|执行)|(实际|决算数?|执行数?)[^，,。？?]{0,6}(比|较)(年初|全年|调整后?)?预算"
)
COUNT_ASKS = ("几", "多少")  # 几辆, 多少人: a count asked in so many words
COUNT_NOUN_ENDS = ("数", "量")  # 车辆数, 保有量: a count named as a noun
_YEAR = re.compile(r"(?<!\d)(20\d{2})(?:\s*年度?|(?=\D|$))")
_NUMBER = re.compile(r"(\d+(?:\.\d+)?)\s*(%|万元|元|亿元|分|辆|台|个|人)?")
_CONJUNCTION = re.compile(r"[和与及跟、加+]|以及|plus")
_RATE_MEASURES = ("completion_rate", "change_rate", "share")
_MEASURE_ORDER = (
    "completion_rate", "change_rate", "share", "average", "score", "change", "count",
    "executed", "actual", "budget",
)  # fmt: skip
_OPERATION_ORDER = ("difference", "sum", "max", "min", "list", "which")
_BASE_YEAR = re.compile(  # 比2023年, 与2023年相比: the year compared with, not the year asked
    r"(?<=[比较])\s*(?=20\d{2})|(?<=[跟与同和])\s*"
    r"(?=20\d{2}\s*年?度?\s*(?:预算执行数|预算数?|决算数?|执行数)?\s*(?:相?比|对比))"
)
_QUOTES = frozenset("“”「」『』‘’\"'")
MAX_UNKNOWN_ONE_CHAR = 1  # one-character unknown pieces are fragments, not content
ASCII_LETTERS_PER_CHARACTER = 4
MIN_QUOTED_CHARS = 4  # shorter quoted words (“三公”) are ordinary words


@dataclass(frozen=True)
class Term:
    """A content word of the question and the report terms that would explain it."""

    text: str
    forms: tuple[str, ...]  # the word itself and its glossary expansions
    clause: int  # which clause of the question it stands in
    negated: bool = False  # "不算津贴": named only to be excluded
    asked: bool = True  # in a clause that asks for the figure (not a clause of background)
    start: int = 0  # offset in the question

    @property
    def weight(self) -> float:
        """How much of the question the word is: its Chinese characters, an English word
        about as much as a two-character Chinese word."""
        letters = sum(1 for ch in self.text if ch.isascii() and ch.isalpha())
        return len(self.text) - letters + letters / ASCII_LETTERS_PER_CHARACTER

    def __repr__(self) -> str:
        more = f"→{'/'.join(self.forms[1:])}" if len(self.forms) > 1 else ""
        return f"{'¬' if self.negated else ''}{self.text}{more}"


@dataclass(frozen=True)
class Frame:
    """The filled slots of one question."""

    text: str  # the normalised question
    terms: tuple[Term, ...] = ()
    measures: tuple[str, ...] = ()  # every measure named, strongest first
    period: str | None = None  # current | previous | spoken_previous (去年)
    years: tuple[int, ...] = ()
    operation: str | None = None  # sum | difference | max | min | list | which
    count_unit: str | None = None
    percent: bool = False
    numbers: tuple[tuple[Decimal, str | None], ...] = ()
    groups: tuple[tuple[Term, ...], ...] = ()  # terms split at 和/与 (for sums and lists)
    comparison: str | None = None  # lt | gt | zero | nonzero: a condition on the figures
    wants_total: bool = False  # 一共, 总共, 合计: the whole, not a part
    asking_clauses: tuple[int, ...] = ()  # clauses with a question word (多少, 几 …)
    departments: tuple[str, ...] = ()
    quoted: tuple[str, ...] = ()  # names the question quotes: to be found as written
    pieces: tuple[Piece, ...] = field(default=(), repr=False)
    head_at: int | None = None  # where the asked thing stands (see ``_head``)

    @property
    def measure(self) -> str | None:
        return self.measures[0] if self.measures else None

    @property
    def wants_percent(self) -> bool:
        return self.percent or self.measure in _RATE_MEASURES

    @property
    def required(self) -> tuple[Term, ...]:
        """The terms a fact must explain: those of the asking clauses, else those of the
        nearest clause before them that names something ("…也就是取暖费，花了多少？")."""
        asked = tuple(t for t in self.terms if t.asked and not t.negated)
        if asked:
            return asked
        named = [t for t in self.terms if not t.negated]
        if not named:
            return ()
        first_asked = min(self.asking_clauses, default=0)
        before = [t.clause for t in named if t.clause < first_asked]
        nearest = max(before) if before else min(t.clause for t in named)
        return tuple(t for t in named if t.clause == nearest)

    @property
    def head(self) -> Term | None:
        """The asked thing itself ("…里的培训费是多少": 培训费), when the question names one."""
        return next((t for t in self.required if t.start == self.head_at), None)

    @property
    def background(self) -> tuple[Term, ...]:
        """Terms of clauses that set the scene; they help rank but are not required."""
        required = set(self.required)
        return tuple(t for t in self.terms if not t.negated and t not in required)

    def __repr__(self) -> str:
        slots = {
            k: v
            for k, v in (
                ("terms", list(self.terms)), ("measures", list(self.measures)),
                ("period", self.period), ("years", list(self.years)),
                ("operation", self.operation), ("count_unit", self.count_unit),
                ("percent", self.percent or None), ("numbers", [str(n) for n, _ in self.numbers]),
                ("departments", list(self.departments)), ("comparison", self.comparison),
            )
            if v
        }  # fmt: skip
        return f"Frame({', '.join(f'{k}={v}' for k, v in slots.items())})"


def parse(question: str, vocab: Vocabulary, departments: tuple[str, ...] = ()) -> Frame:
    """Fill a frame from ``question``; ``departments`` are names the router found in it.

    Slot words (measure, period, year, unit) are read from the clauses that ask for the
    figure when those name any, so that background ("比上年减少了，那2023年的…是多少") and
    excluded clauses ("预算是多少我不关心") do not steer the answer.
    """
    text = normalize(question)
    rest = text
    for name in sorted(departments, key=len, reverse=True):
        rest = rest.replace(normalize(name), " " * len(normalize(name)))  # keep offsets
    rest = _chinese_amounts(rest)
    clause_of = clause_index(rest)
    exact: list[Term] = []  # quoted names ("“环保督察综合执法工作经费”") stay whole
    for name in quoted(question):
        at = rest.find(name)
        if at < 0 or len(name) < MIN_QUOTED_CHARS:
            continue
        exact.append(Term(name, (name, *vocab.expansions(name)), clause_of(at), False, False, at))
        rest = rest[:at] + " " * len(name) + rest[at + len(name) :]
    rest = without_dates(rest)
    based = {m.start() for m in _BASE_YEAR.finditer(rest)}  # 比2023年: what is compared with
    dated = [(int(m.group(1)), clause_of(m.start())) for m in _YEAR.finditer(rest)
             if m.start() not in based]  # fmt: skip
    rest = _YEAR.sub(lambda m: " " * len(m.group(0)), rest)  # keep offsets
    numbers = tuple((Decimal(m.group(1)), m.group(2)) for m in _NUMBER.finditer(rest) if m.group(2))
    pieces = vocab.segment(rest)
    named = {t.clause for t in exact} | {
        clause_of(p.start)
        for p in pieces
        if p.role in (ALIAS, LABEL) and _names_a_thing(p.text, vocab)
    }
    asking = asking_clauses(rest, vocab, named)
    exact = [replace(t, asked=t.clause in asking) for t in exact]
    negated = negated_spans(rest, pieces, asking, clause_of)
    ranked_kind = _ranked_kinds(pieces, rest, vocab.row_kinds)
    terms = [
        Term(
            p.text,
            (p.text, *p.expansions) if p.role == ALIAS else (p.text,),
            clause_of(p.start),
            within(p.start, negated),
            clause_of(p.start) in asking,
            p.start,
        )
        for p in pieces
        if (p.role in CONTENT_ROLES or p in ranked_kind)
        and not (p.role == UNKNOWN and (len(p.text) <= MAX_UNKNOWN_ONE_CHAR or p.text.isdigit()))
    ]
    terms = _glossed(sorted(exact + terms, key=lambda t: t.start), rest)
    groups = _groups(rest, terms)
    terms = _examples(_enumerations(terms, rest), rest, vocab.generic_words)
    slots = [p for p in pieces if p.role not in CONTENT_ROLES and not within(p.start, negated)]
    asked_slots = [p for p in slots if clause_of(p.start) in asking]

    # a background statement of a change ("比上年减少了，那2023年…") is not what is asked
    compared = compared_spans(rest, pieces)  # "比2023年执行数": a base, not the measure
    asked_slots = [p for p in asked_slots if not (p.role == MEASURE and inside(p, compared))]
    slots = [p for p in slots if not (p.role == MEASURE and inside(p, compared))]

    def meanings(role: str, slots_of: list[Piece] | None = None) -> list[str]:
        """Slot words of the asking clauses (a background clause's words do not steer)."""
        chosen = asked_slots if slots_of is None else slots_of
        return [p.meaning or p.text for p in chosen if p.role == role]

    measures = meanings(MEASURE) or [
        m for m in meanings(MEASURE, slots) if m not in ("change", "change_rate")
    ]
    if "share" in measures and not meanings(PERCENT) and any(w in rest for w in vocab.money_words):
        measures.remove("share")  # "服务类占了多少钱": an amount, not a share
    if "change" in measures and meanings(PERCENT):
        measures[measures.index("change")] = "change_rate"  # 涨了百分之多少
    count_units = meanings(COUNT_UNIT)
    counted = [p for p in asked_slots if p.role == COUNT_UNIT]
    amount_words = any(w in rest for w in vocab.money_words) or meanings(MEASURE)
    asked_count = any(p.text.startswith(COUNT_ASKS) or p.text.endswith(COUNT_NOUN_ENDS)
                      for p in counted)  # fmt: skip
    if amount_words and not asked_count:
        # "在职人员的住房公积金多少钱", "两辆车的运行费预算": an amount for them, not a count
        count_units = []
    if count_units and "count" not in measures:
        measures.append("count")
    years = [y for y, c in dated if c in asking] or [y for y, _ in dated]
    money = {"budget", "actual", "executed", "change", "change_rate"}
    if money & set(measures) and vocab.default_subject and not any(not t.negated for t in terms):
        subject = vocab.default_subject  # "2024年的预算是多少": the report's total
        terms.append(Term(subject[0], subject, min(asking), False, True, len(rest)))
    operations = meanings(OPERATION, slots)  # "水费和电费加在一起，一共交了多少"
    contrast = _contrast(rest, terms, pieces)
    if contrast and not operations:
        operations.append("difference")
    if _BUDGET_VS_SPENT.search(rest) and "difference" not in operations:
        operations.append("difference")  # 全年预算比实际支出多出多少: budget − what was spent
    if based and not contrast and "difference" in operations:  # 比2023年多花了多少: a change
        operations.remove("difference")
        measures.append("change")
    frame = Frame(
        text=text,
        terms=tuple(terms),
        measures=tuple(sorted(set(measures), key=_MEASURE_ORDER.index)),
        period=next(iter(meanings(PERIOD)), None),
        years=tuple(years),
        operation=min(operations, key=_OPERATION_ORDER.index) if operations else None,
        count_unit=next(iter(count_units), None),
        percent=bool(meanings(PERCENT)),
        numbers=numbers,
        groups=contrast or groups,
        comparison=next(iter(meanings(COMPARISON)), None),
        wants_total=bool(meanings(TOTAL)),
        asking_clauses=tuple(sorted(asking)),
        departments=tuple(departments),
        quoted=tuple(t.text for t in exact),
        pieces=tuple(pieces),
    )
    known = {t.start for t in exact} | {p.start for p in pieces if p.role in (ALIAS, LABEL)}
    return replace(frame, head_at=_head(frame.required, known, rest, vocab))


def _head(required: tuple[Term, ...], known: set[int], text: str, vocab: Vocabulary) -> int | None:
    """Where the asked thing stands: the last known word of the asking clause that names a
    thing (not only 项目, 支出, 合计 …) and stands before any base (A占B, A比B)."""
    things = [t for t in required if t.start in known and _names_a_thing(t.text, vocab)]
    if not things:
        return None
    clause_start = max(text.rfind(c, 0, things[0].start) for c in "，,。；;！!？? ") + 1
    bases = [text.find(m, clause_start) for m in vocab.base_markers]
    base = min((b for b in bases if b > things[0].start), default=len(text))
    return max(t.start for t in things if t.start < base)


def _names_a_thing(word: str, vocab: Vocabulary) -> bool:
    for generic in vocab.generic_words:
        word = word.replace(generic, "")
    return len(word) >= 2


_CN_DIGITS = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
              "八": 8, "九": 9}  # fmt: skip
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}
_CN_AMOUNT = re.compile(r"[零一二两三四五六七八九十百千]+[多几余]?[十百千]?[多几余]?(?=万|亿)")


def _chinese_amounts(text: str) -> str:
    """Amounts written in Chinese numerals: exact ones as digits (一百万 → 100万, as labels
    print them), approximate ones (五千多万, 一千多万) blanked out — a hint, not a subject."""

    def replace(m: re.Match) -> str:
        words = m.group(0)
        if any(ch in words for ch in "多几余"):
            return " " * len(words)
        total, digit = 0, 0
        for ch in words:
            if ch in _CN_DIGITS:
                digit = _CN_DIGITS[ch]
            else:
                total += (digit or 1) * _CN_UNITS[ch]
                digit = 0
        value = str(total + digit)
        return value + " " * (len(words) - len(value)) if len(value) <= len(words) else value

    return _CN_AMOUNT.sub(replace, text)


_PAREN = re.compile(r"\(([^()]{2,40})\)")


def _glossed(terms: list[Term], text: str) -> list[Term]:
    """A phrase glossed in brackets ("养人的钱（人员经费）", "这些项目（其他社会工作事务支出）")
    is explained wherever its gloss is: the gloss's terms become forms of the words before."""
    out = list(terms)
    for m in _PAREN.finditer(text):
        inside = [t for t in terms if m.start() < t.start < m.end()]
        if not inside or any(t.negated for t in inside):  # "设备（不算车）": no gloss
            continue
        stop = max(text.rfind(ch, 0, m.start()) for ch in "，,。；;、：:?？")
        before = [t for t in terms if stop < t.start < m.start()]
        gloss = tuple(f for t in inside for f in t.forms)
        for t in before:
            out[out.index(t)] = replace(t, forms=(*t.forms, *gloss))
    return out


MIN_ENUMERATION = 3  # 北票、朝阳县、凌源…: a list of members, any one of which may be meant


_EXAMPLE_MARK = re.compile(r"这类|这些|这种|之类的?|一类的?|等等|等")


def _examples(terms: list[Term], text: str, generic: tuple[str, ...]) -> list[Term]:
    """Words listed as examples of the thing asked (买电脑、打印机这类办公设备): dropped, the
    figure need not name them; the thing after the marker is asked. Not before a generic word
    (会议费、培训费等支出: they are what is asked)."""
    examples: set[int] = set()
    for m in _EXAMPLE_MARK.finditer(text):
        clause = clause_at(terms, m)
        kind = [t for t in terms if t.start >= m.end() and t.clause == clause]
        if clause is None or not kind or all(t.text in generic for t in kind):
            continue
        examples |= {
            i for i, t in enumerate(terms)
            if t.clause == clause and t.start + len(t.text) <= m.start()
            and not _between_terms(text, t, m.start(), terms)
        }  # fmt: skip
    return [t for i, t in enumerate(terms) if i not in examples]


def clause_at(terms: list[Term], m: re.Match) -> int | None:
    """The clause of the terms that stand right before a match, if any."""
    before = [t for t in terms if t.start + len(t.text) <= m.start()]
    return before[-1].clause if before else None


def _between_terms(text: str, term: Term, end: int, terms: list[Term]) -> bool:
    """Something other than listed terms and list marks stands between ``term`` and ``end``."""
    gap = text[term.start + len(term.text) : end]
    for t in terms:
        if term.start < t.start < end:
            gap = gap.replace(t.text, "")
    return bool(gap.strip(" 、,，和及与"))


def _enumerations(terms: list[Term], text: str) -> list[Term]:
    """Three or more words listed with 、 name members of a set (七个分局（北票、朝阳县…）
    里…最少): one term that any member explains, not each a word to explain."""
    out: list[Term] = []
    run: list[Term] = []

    def flush() -> None:
        if len(run) >= MIN_ENUMERATION:
            forms = tuple(f for t in run for f in t.forms)
            out.append(replace(run[0], text="、".join(t.text for t in run), forms=forms))
        else:
            out.extend(run)
        run.clear()

    for t in terms:
        if run:
            prev = run[-1]
            between = text[prev.start + len(prev.text) : t.start]
            if between.strip() in ("、", ",", "，") and t.clause == prev.clause:
                run.append(t)
                continue
            flush()
        run.append(t)
    flush()
    return out


def _ranked_kinds(pieces: list[Piece], text: str, row_kinds: frozenset[str]) -> set[Piece]:
    """The word right after 哪个/which, in its clause, names the kind of thing ranked
    (哪个单位得分最高): it is content there even where it is otherwise a filler; but for
    words that name any row (哪个科目, 哪个具体科目)."""
    out = set()
    for before, after in itertools.pairwise(pieces):
        if before.role != OPERATION or before.meaning != "which" or len(after.text) < 2:
            continue
        if after.text in row_kinds:
            continue
        if not CLAUSE.search(text[before.start : after.start]):
            out.add(after)
    return out


def _contrast(text: str, terms: list[Term], pieces: list[Piece]) -> tuple | None:
    """ "A比B多多少": two subjects compared (not A against a year or a measure, 比上年)."""
    for m in re.finditer("比", text):
        before = [t for t in terms if t.start + len(t.text) <= m.start() and not t.negated]
        after_piece = next((p for p in pieces if p.start >= m.end()), None)
        after_quoted = next((t for t in terms if t.start >= m.end()), None)
        if after_quoted is not None and _QUOTES.issuperset(text[m.end() : after_quoted.start]):
            start = after_quoted.start  # A比「B」: the quoted name right after 比
        elif (after_piece is None or after_piece.start > m.end() + 1
              or after_piece.role not in CONTENT_ROLES):  # fmt: skip
            continue
        else:
            start = after_piece.start
        if not before:
            continue
        clause = before[-1].clause
        a = tuple(t for t in before if t.clause == clause)
        b = tuple(t for t in terms if t.start >= start and t.clause == clause)
        if a and b:
            return (a, b)
    return None


def _groups(text: str, terms: list[Term]) -> tuple[tuple[Term, ...], ...]:
    """Content terms split where the question joins subjects (水费和电费, 货物、服务)."""
    if not terms:
        return ()
    groups: list[list[Term]] = [[]]
    position = 0
    for term in terms:
        at = text.find(term.text, position)
        between = text[position:at] if at >= 0 else ""
        if groups[-1] and _CONJUNCTION.search(between):
            groups.append([])
        groups[-1].append(term)
        position = at + len(term.text) if at >= 0 else position
    return tuple(tuple(g) for g in groups if g)
