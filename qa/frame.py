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
    asking_clauses,
    clause_index,
    compared_spans,
    inside,
    negated_spans,
    scope_clauses,
    within,
    yes_no_follow_ups,
)
from qa.terms import (
    Term,
    chinese_amounts,
    clarified,
    contrasted,
    enumerations,
    examples,
    glossed,
    joined_groups,
    literal_after_only,
    ranked_kinds,
    scope_cut,
)
from qa.vocabulary import (
    ALIAS,
    COMPARISON,
    CONTENT_ROLES,
    COUNT_UNIT,
    FILLER,
    LABEL,
    MEASURE,
    OPERATION,
    PERCENT,
    PERIOD,
    TOTAL,
    UNKNOWN,
    Piece,
    Vocabulary,
    chinese_names,
    normalize,
    quoted,
    without_dates,
)

_BASE_PERIOD = re.compile(r"(比|较|跟|与|同)(上一?年度?|去年|前一年)(?!的|度的)")
_BUDGET_VS_SPENT = re.compile(
    r"预算数?(比|较)(实际|决算|执行)|(实际|决算数?|执行数?)[^，,。？?]{0,6}(比|较)(年初|全年|调整后?)?预算"
)
COUNT_ASKS = ("几", "多少")  # 几辆, 多少人: a count asked in so many words
COUNT_NOUN_ENDS = ("数", "量")  # 车辆数, 保有量: a count named as a noun
_YEAR = re.compile(r"(?<!\d)(20\d{2})(?:\s*年度?|(?=\D|$))")
_NUMBER = re.compile(r"(\d+(?:\.\d+)?)\s*(%|万元|元|亿元|万|分|辆|台|个|人)?")
_RATE_MEASURES = ("completion_rate", "change_rate", "share")
_MEASURE_ORDER = (
    "completion_rate", "change_rate", "share", "average", "score", "change", "count",
    "executed", "actual", "spent", "budget",
)  # fmt: skip
_OPERATION_ORDER = ("difference", "sum", "max", "min", "list", "which")
_BASE_YEAR = re.compile(  # 比2023年, 与2023年相比: the year compared with, not the year asked
    r"(?<=[比较])\s*(?=20\d{2})|(?<=[跟与同和])\s*"
    r"(?=20\d{2}\s*年?度?\s*(?:预算执行数|预算数?|决算数?|执行数)?\s*(?:相?比|对比))"
)
_INDEFINITE = re.compile(r"好几[个项家笔类]?|几乎")  # no question: "分了好几个项目"
_LEVEL = re.compile(  # 项级, “项”级, (项), 哪一类功能科目, 大类
    r"[\"“”']?([类款项])[\"“”']?级|[(（]([类款项])[)）]|哪一?(类)(?=功能|经济|科目)|大(类)"
)
LEVEL_DEPTH = {"类": 1, "款": 2, "项": 3}  # a classification level: its row's depth
MAX_UNKNOWN_ONE_CHAR = 1  # one-character unknown pieces are fragments, not content
MIN_QUOTED_CHARS = 4  # shorter quoted words (“三公”) are ordinary words


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
    level: int | None = None  # a classification level named (项级科目: 3)

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
    text = chinese_names(normalize(question))
    rest = text
    for name in sorted(departments, key=len, reverse=True):
        rest = rest.replace(normalize(name), " " * len(normalize(name)))  # keep offsets
    rest = chinese_amounts(rest)
    rest = _INDEFINITE.sub(lambda m: " " * len(m.group(0)), rest)  # 好几个: several, not 几
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
    for m in _BASE_PERIOD.finditer(rest):  # 比上一年多花了多少: a change, not last year's figure
        based.add(m.start())
        rest = rest[: m.start(2)] + " " * len(m.group(2)) + rest[m.end(2) :]
    numbers = tuple((Decimal(m.group(1)), m.group(2)) for m in _NUMBER.finditer(rest) if m.group(2))
    pieces = vocab.segment(rest)
    named = {t.clause for t in exact} | {
        clause_of(p.start)
        for p in pieces
        if p.role in (ALIAS, LABEL) and _names_a_thing(p.text, vocab)
    }
    asking = asking_clauses(rest, vocab, named)
    follow_ups = yes_no_follow_ups(rest, asking, vocab)  # "…多少？外事接待有没有？"
    exact = [replace(t, asked=t.clause in asking) for t in exact]
    negated = negated_spans(rest, pieces, asking, clause_of)
    ranked_kind = ranked_kinds(pieces, rest, vocab.row_kinds) | _counted_nouns(pieces)
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
    terms = [t for t in terms if t.clause not in follow_ups]
    terms = literal_after_only(terms, rest, vocab.only_words)
    terms = glossed(sorted(exact + terms, key=lambda t: t.start), rest)
    groups = joined_groups(rest, terms, vocab.scope_markers)
    terms = examples(enumerations(terms, rest), rest, vocab.generic_words)
    terms = clarified(terms, pieces, rest, vocab.restatements)
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
    if any(w in rest for w in vocab.derive_words):  # 按增加额倒推上年: a level, from a change
        measures = [m for m in measures if m not in ("change", "change_rate")]
    # "按功能分类的几个大类里，哪一类最多": a count in a scope clause describes the scope
    scoped = scope_clauses(rest, vocab)
    counted = [p for p in asked_slots if p.role == COUNT_UNIT and clause_of(p.start) not in scoped]
    count_units = [p.meaning or p.text for p in counted]
    amount_words = any(w in rest for w in vocab.money_words) or meanings(MEASURE)
    asked_count = any(p.text.startswith(COUNT_ASKS) or p.text.endswith(COUNT_NOUN_ENDS)
                      for p in counted)  # fmt: skip
    if amount_words and not asked_count:
        # "在职人员的住房公积金多少钱", "两辆车的运行费预算": an amount for them, not a count
        count_units = []
    if count_units and "count" not in measures:
        measures.append("count")
    years = [y for y, c in dated if c in asking] or [y for y, _ in dated]
    money = {"budget", "actual", "spent", "executed", "change", "change_rate"}
    if money & set(measures) and vocab.default_subject and not any(not t.negated for t in terms):
        subject = vocab.default_subject  # "2024年的预算是多少": the report's total
        terms.append(Term(subject[0], subject, min(asking), False, True, len(rest)))
    operations = meanings(OPERATION, slots)  # "水费和电费加在一起，一共交了多少"
    contrast = contrasted(rest, terms, pieces)
    shared = scope_cut(rest, contrast[0], vocab.scope_markers) if contrast else 0
    if shared:  # "政府采购里，服务类比货物类多多少": the scope belongs to both sides
        contrast = (contrast[0], (*contrast[0][:shared], *contrast[1]))
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
        level=_level(rest),
    )
    known = {t.start for t in exact} | {p.start for p in pieces if p.role in (ALIAS, LABEL)}
    return replace(frame, head_at=_head(frame.required, known, rest, vocab))


def _counted_nouns(pieces: list[Piece]) -> set[Piece]:
    """The word counted right after 几个/几家 (几家单位): content even where it is a filler."""
    return {
        after for before, after in itertools.pairwise(pieces)
        if before.role == COUNT_UNIT and before.text.startswith(COUNT_ASKS)
        and after.role == FILLER and len(after.text) >= 2
        and after.start == before.start + len(before.text)
    }  # fmt: skip


def _level(text: str) -> int | None:
    """The classification level the question names (项级科目: 3), if any."""
    m = _LEVEL.search(text)
    return LEVEL_DEPTH[next(g for g in m.groups() if g)] if m else None


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
