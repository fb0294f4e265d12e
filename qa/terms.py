"""The question's content words (:class:`Term`) and how they are shaped after segmentation:
Chinese amounts written out, glosses in brackets, examples, enumerations, contrasts and
the groups a sum or a list adds up.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from qa.clauses import CLAUSE
from qa.vocabulary import CONTENT_ROLES, FILLER, LABEL, OPERATION, Piece

_QUOTES = frozenset("“”「」『』‘’\"'")
ASCII_LETTERS_PER_CHARACTER = 4
_CONJUNCTION = re.compile(r"[和与及跟、加+]|以及|plus")
# words in which a conjunction character is no conjunction (涉及, 增加)
_NOT_CONJUNCTION = re.compile(
    r"涉及|及时|普及|危及|增加|追加|参加|附加|加强|更加|和平|跟踪|加起来|加在一起|加一起"
)


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


_CN_DIGITS = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
              "八": 8, "九": 9}  # fmt: skip
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}
_CN_AMOUNT = re.compile(r"[零一二两三四五六七八九十百千]+[多几余]?[十百千]?[多几余]?(?=万|亿)")


def chinese_amounts(text: str) -> str:
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


def literal_after_only(terms: list[Term], text: str, only: tuple[str, ...]) -> list[Term]:
    """A word right after 光/只 (光加油这一项) is asked as itself, not as the wider items the
    glossary maps it to (加油 → 公务用车运行维护费)."""
    return [
        replace(t, forms=(t.text,)) if t.start and text[t.start - 1] in only else t for t in terms
    ]


def glossed(terms: list[Term], text: str) -> list[Term]:
    """A phrase glossed in brackets ("养人的钱（人员经费）", "这些项目（其他社会工作事务支出）")
    is explained wherever its gloss is: the gloss's terms become forms of the words before."""
    out = list(terms)
    for m in _PAREN.finditer(text):
        inside = [t for t in terms if m.start() < t.start < m.end()]
        if not inside or any(t.negated for t in inside):  # "设备（不算车）": no gloss
            continue
        stop = max(text.rfind(ch, 0, m.start()) for ch in "，,。；;、：:?？")
        before = _glossed_phrase([t for t in terms if stop < t.start < m.start()], text, m.start())
        gloss = _gloss_forms(inside, text)
        total = _TOTAL_WORD.search(m.group(0))  # "（资产总计）": the gloss names a total
        if total and not any(total.group(0) in t.text for t in inside):
            gloss = tuple(f"{f}+{total.group(0)}" for f in gloss)
        for t in before:
            out[out.index(t)] = replace(t, forms=(*t.forms, *gloss))
        if before and len(inside) > 1 and _listed(inside, text):  # 政府采购（买东西、买服务）:
            out = [t for t in out if t not in inside]  # the parts of the whole asked
    return out


def _listed(terms: list[Term], text: str) -> bool:
    """Every two neighbouring terms are joined by a conjunction (买东西、买服务)."""
    return all(_joins(text[a.start + len(a.text) : b.start]) for a, b in itertools.pairwise(terms))


def _joins(gap: str) -> bool:
    """The text between two terms joins them (和, 与, 、 …; not 涉及, 增加, 加起来)."""
    return bool(_CONJUNCTION.search(_NOT_CONJUNCTION.sub("", gap)))


_TOTAL_WORD = re.compile(r"合计|总计|小计|总额")
_GLOSS_BREAK = re.compile(r"[占比和与及跟、]")  # a word before it is another subject


def _glossed_phrase(before: list[Term], text: str, end: int) -> list[Term]:
    """The words before a bracket, read back up to a word that relates another subject: the
    phrase the bracket glosses (差旅费占商品和服务支出（公用经费）: not 差旅费)."""
    phrase: list[Term] = []
    for t in reversed(before):
        if _GLOSS_BREAK.search(text[t.start + len(t.text) : end]):
            break
        phrase.insert(0, t)
        end = t.start
    return phrase


def _gloss_forms(inside: list[Term], text: str) -> tuple[str, ...]:
    """The forms a bracketed gloss gives: each listed word's (买东西、买服务), or one phrase
    whose words must all be named (罚没收入: 罚没+收入, not 收入 alone)."""
    joined = all(
        not text[a.start + len(a.text) : b.start].strip() for a, b in itertools.pairwise(inside)
    )
    if len(inside) > 1 and joined:
        return ("+".join(t.text for t in inside),)
    return tuple(f for t in inside for f in t.forms)


MIN_ENUMERATION = 3  # 北票、朝阳县、凌源…: a list of members, any one of which may be meant


_EXAMPLE_MARK = re.compile(r"这类|这些|那些|这种|之类的?|一类的?|等等|等")


def examples(terms: list[Term], text: str, generic: tuple[str, ...]) -> list[Term]:
    """Words listed as examples of the thing asked (买电脑、打印机这类办公设备): dropped, the
    figure need not name them; the thing after the marker is asked. Not before a generic word
    (会议费、培训费等支出: they are what is asked)."""
    examples: set[int] = set()
    for m in _EXAMPLE_MARK.finditer(text):
        clause = _clause_at(terms, m)
        kind = [t for t in terms if t.start >= m.end() and t.clause == clause]
        bracketed = text[m.end() : m.end() + 1] in (")", "）")  # 公车（油费维修那些）
        if clause is None or (not bracketed and (not kind or all(t.text in generic for t in kind))):
            continue
        examples |= {
            i for i, t in enumerate(terms)
            if t.clause == clause and t.start + len(t.text) <= m.start() and not t.negated
            and not _between_terms(text, t, m.start(), terms)
        }  # fmt: skip
    return [t for i, t in enumerate(terms) if i not in examples]


def _clause_at(terms: list[Term], m: re.Match) -> int | None:
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


def enumerations(terms: list[Term], text: str) -> list[Term]:
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


def ranked_kinds(pieces: list[Piece], text: str, row_kinds: frozenset[str]) -> set[Piece]:
    """The word right after 哪个/which, in its clause, names the kind of thing ranked
    (哪个单位得分最高): it is content there even where it is otherwise a filler; but for
    words that name any row (哪个科目, 哪个具体科目)."""
    out = set()
    for before, after in itertools.pairwise(pieces):
        if before.role != OPERATION or before.meaning != "which" or len(after.text) < 2:
            continue
        if after.text in row_kinds or after.role not in (*CONTENT_ROLES, FILLER):
            continue  # 哪一类花钱最多: 花钱 asks the measure, it names no kind
        if not CLAUSE.search(text[before.start : after.start]):
            out.add(after)
    return out


def contrasted(text: str, terms: list[Term], pieces: list[Piece]) -> tuple | None:
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


MAX_MARKER = 3  # a scope marker (里, 当中) with at most a particle or 表: 里的, 表里


def scope_cut(text: str, terms: Sequence[Term], markers: tuple[str, ...]) -> int:
    """How many of ``terms`` stand before a scope marker right after one of them (三公经费里
    | 出国费, 政府采购里，货物和服务): the whole, the rest its parts; 0 when none does."""
    for i, t in enumerate(terms[:-1], start=1):
        after = text[t.start + len(t.text) : terms[i].start].strip(" 的，,").removeprefix("表")
        if after and after.startswith(markers) and len(after) <= MAX_MARKER:
            return i
    return 0


def joined_groups(
    text: str, terms: list[Term], markers: tuple[str, ...] = ()
) -> tuple[tuple[Term, ...], ...]:
    """Content terms split where the question joins subjects (水费和电费, 货物、服务); the
    scope named before them (政府采购里，货物和服务) belongs to every subject."""
    cut = scope_cut(text, terms, markers)
    if cut:
        parts = _joined(text, terms[cut:], terms[cut - 1].start)
        if len(parts) >= 2:
            return tuple((*terms[:cut], *p) for p in parts)
    return _joined(text, terms, 0)


def _joined(text: str, terms: list[Term], position: int) -> tuple[tuple[Term, ...], ...]:
    if not terms:
        return ()
    ends = {t.start + len(t.text) for t in terms}
    glosses = [m.span() for m in _PAREN.finditer(text) if m.start() in ends]  # 公车（买车加运行）
    groups: list[list[Term]] = [[]]
    for term in terms:
        at = text.find(term.text, position)
        between = text[position:at] if at >= 0 else ""
        in_gloss = any(a < position and at < b for a, b in glosses)  # parts of the one glossed
        joined = _joins(_PAREN.sub("", between))  # a 、 in brackets joins nothing outside
        if groups[-1] and not in_gloss and joined:
            groups.append([])
        groups[-1].append(term)
        position = at + len(term.text) if at >= 0 else position
    return tuple(tuple(g) for g in groups if g)


def clarified(
    terms: list[Term], pieces: list[Piece], text: str, restatements: tuple[str, ...]
) -> list[Term]:
    """A clause that restates the one before it ("看病报销那块，也就是行政单位医疗", "事业单位
    医疗多少？就是给下属事业单位的人交医保那块"): where only one side names a report label,
    it is what is asked, the other side's words a paraphrase the figure need not explain."""
    labels = {p.start for p in pieces if p.role == LABEL}
    clauses = CLAUSE.split(text)
    out = list(terms)
    for i, clause in enumerate(clauses[1:], start=1):
        if not clause.strip().startswith(restatements):
            continue
        before = [t for t in out if t.clause == i - 1]
        after = [t for t in out if t.clause == i]
        named_before = any(t.start in labels for t in before)
        named_after = any(t.start in labels for t in after) and _only_names(clause, after)
        if not before or not after or named_before == named_after:
            continue
        dropped = after if named_before else before
        out = [replace(t, asked=True) if t in after and named_after else t
               for t in out if t not in dropped]  # fmt: skip
    return out


MIN_NAMED_SHARE = 0.6  # "就是取暖费": the restating clause is (mostly) the name itself


def _only_names(clause: str, terms: list[Term]) -> bool:
    """The clause is mostly the words of ``terms`` (也就是行政单位医疗), not a description
    that also names something (就是…决算里那张三公经费表上的预算数)."""
    named = sum(len(t.text) for t in terms)
    return named >= MIN_NAMED_SHARE * len(clause.strip())
