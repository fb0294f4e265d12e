"""One vocabulary for every step: the glossary (``glossary.json``) plus the reports' own labels.

``Vocabulary.segment`` cuts a normalised question into pieces by forward maximum matching
over one lexicon: each piece is an alias (with the report terms it stands for), a report
label, a slot word (measure, period, operation, count unit, percent, negation, level marker),
a filler, or an unknown run of characters — the words the report must explain.
"""

from __future__ import annotations

import json
import logging
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

import zhconv

from indexer.compared_text import normalize

GLOSSARY_PATH = Path(__file__).with_name("glossary.json")

ALIAS, LABEL, FILLER, UNKNOWN = "alias", "label", "filler", "unknown"
MEASURE, PERIOD, OPERATION, COUNT_UNIT = "measure", "period", "operation", "count_unit"
LABEL_END_MEASURES = ("completion_rate", "change_rate", "score")  # 执行率, 得分 end labels
PERCENT, NEGATION, LEVEL, COMPARISON = "percent", "negation", "level", "comparison"
TOTAL = "total"
CONTENT_ROLES = (ALIAS, LABEL, UNKNOWN)
MAX_LABEL_CHARS = 40


_QUOTED = re.compile(
    r"“([^”]{2,60})”|\"([^\"]{2,60})\"|「([^」]{2,60})」|『([^』]{2,60})』|‘([^’]{2,60})’"
)


def quoted(text: str) -> list[str]:
    """Spans the asker put in quotation marks (a project's exact name), normalised."""
    text = zhconv.convert(unicodedata.normalize("NFKC", text), "zh-cn")
    return [normalize(next(g for g in m.groups() if g)) for m in _QUOTED.finditer(text)]


@dataclass(frozen=True)
class Piece:
    """A span of the question and what it is: a role and, for slot words, their meaning."""

    text: str
    role: str
    meaning: str = ""  # measure/period/operation name, count unit
    expansions: tuple[str, ...] = ()  # report terms an alias stands for
    start: int = 0

    def __repr__(self) -> str:
        extra = f"={self.meaning}" if self.meaning else ""
        more = f"→{'/'.join(self.expansions)}" if self.expansions else ""
        return f"{self.text}<{self.role}{extra}{more}>"


@dataclass
class Vocabulary:
    """The lexicon: normalised entry → (role, meaning, expansions); longest match wins."""

    entries: dict[str, tuple[str, str, tuple[str, ...]]] = field(default_factory=dict)
    max_len: int = 1
    separators: frozenset[str] = frozenset()  # single characters that always end a word
    edge_fillers: frozenset[str] = frozenset()  # single characters trimmed off unknown words
    question_words: tuple[str, ...] = ()  # 多少, 几, 哪 …: a clause that asks for a figure
    question_openers: tuple[str, ...] = ()  # 请问, 想问一下 …: the question proper starts here
    default_subject: tuple[str, ...] = ()  # what a question naming only a measure is about
    money_words: tuple[str, ...] = ()  # 多少钱, 万元 …: the question asks for an amount
    scope_markers: tuple[str, ...] = ()  # 里, 中 …: a clause narrowing the next one
    anaphora: tuple[str, ...] = ()  # 这个, 该 …: the asking clause points back
    generic_words: tuple[str, ...] = ()  # 项目, 支出, 合计 …: words that name no thing
    base_markers: tuple[str, ...] = ()  # 占, 比 …: what follows is a base, not what is asked
    clarifiers: tuple[str, ...] = ()  # 我是说 …: the clause restates what is asked
    restatements: tuple[str, ...] = ()  # 就是 …: the clause says the one before in other words
    strict_words: frozenset[str] = frozenset()  # 全区 …: an answer must explain them fully
    strict_scopes: dict[str, tuple[str, ...]] = field(default_factory=dict)  # 采购: 买 …
    derive_words: tuple[str, ...] = ()  # 倒推: a figure worked out from a change is asked
    yes_no_words: tuple[str, ...] = ()  # 有没有, 是否: a yes-or-no question
    partitive_anaphora: tuple[str, ...] = ()  # 这部分: always the clause before
    only_words: tuple[str, ...] = ()  # 光, 只: the word itself, not its glossary items
    unit_not_before: dict[str, str] = field(default_factory=dict)  # 项 before 目: 项目
    own_unit_words: tuple[str, ...] = ()  # 本级: the department's own unit among its units
    row_kinds: frozenset[str] = frozenset()  # 科目, 明细: 哪个科目 ranks any row
    unit_suffixes: tuple[str, ...] = ()  # 所, 站, 队: a word before one names an organisation
    not_unit_suffixes: tuple[str, ...] = ()  # 所有, 队伍 …: words a suffix character starts

    def add(self, word: str, role: str, meaning: str = "", expansions: Iterable[str] = ()) -> None:
        key = normalize(word)
        if not key or (key in self.entries and _PRIORITY[self.entries[key][0]] >= _PRIORITY[role]):
            return
        self.entries[key] = (role, meaning, tuple(normalize(e) for e in expansions))
        self.max_len = max(self.max_len, len(key))

    def with_labels(self, labels: Iterable[str], normalized: bool = False) -> Vocabulary:
        """A copy that also knows a report's own labels (row names, project names …);
        ``normalized``: the labels are in compared form already (as the index stores them)."""
        vocab = replace(self, entries=dict(self.entries))
        rates = tuple(
            k for k, (r, m, _) in self.entries.items() if r == MEASURE and m in LABEL_END_MEASURES
        )
        for label in labels:
            key = label if normalized else normalize(label)
            if 2 <= len(key) <= MAX_LABEL_CHARS and key not in vocab.entries:
                if key.endswith(rates) and not key.startswith(rates):
                    continue  # 预算执行率, 总评价得分: the measure word stays a measure
                vocab.add(key, LABEL)  # a glossary word keeps its role (单位 stays a filler)
        return vocab

    def segment(self, text: str) -> list[Piece]:
        """Forward maximum matching; runs of unmatched characters become UNKNOWN pieces."""
        pieces: list[Piece] = []
        unknown_start = None
        i = 0
        while i < len(text):
            hit = None
            for n in range(min(self.max_len, len(text) - i), 0, -1):
                entry = self.entries.get(text[i : i + n])
                if (
                    entry is not None
                    and _whole_word(text, i, i + n)
                    and not (
                        entry[0] == COUNT_UNIT
                        and text[i + n : i + n + 1] in self.unit_not_before.get(text[i + n - 1], "")
                    )
                ):  # 多少项目: not 多少项
                    hit = (n, entry)
                    break
            if hit is None:
                unknown_start = i if unknown_start is None else unknown_start
                i += 1
                continue
            if unknown_start is not None:
                pieces.append(Piece(text[unknown_start:i], UNKNOWN, start=unknown_start))
                unknown_start = None
            n, (role, meaning, expansions) = hit
            if role in (LABEL, ALIAS) and self._unit_suffix_at(text, i + n):
                # 财政所, 监测站: an organisation named by a label word, not the label
                pieces.append(Piece(text[i : i + n + 1], UNKNOWN, start=i))
                i += n + 1
                continue
            pieces.append(Piece(text[i : i + n], role, meaning, expansions, i))
            i += n
        if unknown_start is not None:
            pieces.append(Piece(text[unknown_start:], UNKNOWN, start=unknown_start))
        return self._split_unknown(pieces)

    def _unit_suffix_at(self, text: str, at: int) -> bool:
        return (
            at < len(text)
            and text[at] in self.unit_suffixes
            and not text.startswith(self.not_unit_suffixes, at)
        )

    def _split_unknown(self, pieces: list[Piece]) -> list[Piece]:
        """Unknown runs split at punctuation and separators (的, 和 …), edge fillers trimmed."""
        out = []
        for p in pieces:
            if p.role != UNKNOWN:
                out.append(p)
                continue
            for m in _WORD.finditer(p.text):
                part, start = m.group(0), p.start + m.start()
                for word, offset in _cut(part, self.separators):
                    lead = len(word) - len(word.lstrip("".join(self.edge_fillers)))
                    core = word.strip("".join(self.edge_fillers))
                    for kept, at in _content_words(core):
                        out.append(Piece(kept, UNKNOWN, start=start + offset + lead + at))
        return out

    def expansions(self, word: str) -> tuple[str, ...]:
        entry = self.entries.get(normalize(word))
        return entry[2] if entry else ()


# when one word has two roles, the higher priority keeps it
_PRIORITY = {FILLER: 0, UNKNOWN: 0, LEVEL: 1, TOTAL: 1, LABEL: 2, COUNT_UNIT: 3, PERCENT: 3,
             PERIOD: 4, MEASURE: 5, COMPARISON: 6, OPERATION: 6, NEGATION: 6, ALIAS: 7}  # fmt: skip
_WORD = re.compile(r"[^\s,.，。、；;：:？?！!（）()\[\]【】\-—~～…/]+")


# part-of-speech tags of words that carry no subject: prepositions, adverbs, pronouns,
# particles, conjunctions, modal words, locality and time words, numerals and classifiers
_FUNCTION_TAGS = frozenset("pdrucyfmqeoxt")  # first letters; "eng" (an English word) is kept


@lru_cache(maxsize=65536)
def _content_words(text: str) -> tuple[tuple[str, int], ...]:
    """A run of unknown characters without its function words (jieba's part-of-speech
    tags), as runs of the words kept: 给退休人员发 → 退休人员; 北票分局自己 → 北票分局; a
    unit suffix stays with its word (财政所)."""
    if not text:
        return ()
    runs: list[tuple[str, int]] = []
    at, current, current_at = 0, "", 0
    for pair in _pos_cut(text):
        word, flag = pair.word, pair.flag
        drop = (flag != "eng" and flag[:1] in _FUNCTION_TAGS) or (
            len(word) == 1 and flag[:1] in ("v", "a")
        )
        if current and word in glossary()["unit_suffixes"]:
            drop = False  # 财政所: the organisation, not 财政
        if drop:
            if current:
                runs.append((current, current_at))
            current = ""
        else:
            if not current:
                current_at = at
            current += word
        at += len(word)
    if current:
        runs.append((current, current_at))
    return tuple(runs)


_DATE = re.compile(
    r"(?<!\d)20\d{2}\s*年\s*(?:\d{1,2}\s*月(?:\s*\d{1,2}\s*日)?|底)"
    r"|[\[〔（(【]\s*20\d{2}\s*[\]〕）)】](?=\s*\d+\s*号)"  # 辽财指环〔2023〕686号: a file number
)


_CJK_GAP = re.compile(r"\s+(?=[\u3400-\u9fff])|(?<=[\u3400-\u9fff])\s+")


@lru_cache(maxsize=1)
def _english_names() -> re.Pattern:
    names = sorted(glossary()["english_names"], key=len, reverse=True)
    return re.compile(r"(?<![a-z])(" + "|".join(re.escape(n) for n in names) + r")s?(?![a-z])")


def chinese_names(text: str) -> str:
    """The compared question with English proper names and field terms in the Chinese a
    report prints (jiangsu cppcc office → 江苏政协office): routed and parsed as Chinese."""
    names = glossary()["english_names"]
    out = _english_names().sub(lambda m: names[m.group(1)], text)
    return out if out == text else _CJK_GAP.sub("", out)


def without_dates(text: str) -> str:
    """``text`` with calendar dates and the years of file numbers blanked out (offsets kept):
    截至2024年8月31日 names the day a stock (车辆, 资产) is counted, 〔2023〕686号 a document,
    not the year a figure is for."""
    return _DATE.sub(lambda m: " " * len(m.group(0)), text)


@lru_cache(maxsize=1)
def load_segmenter() -> None:
    """Load jieba's dictionary and tagger now (≈ 2 s) rather than on the first question
    that needs them."""
    import jieba
    import jieba.posseg

    jieba.setLogLevel(logging.WARNING)
    jieba.posseg.lcut("预算")


def _pos_cut(text: str):
    import jieba.posseg

    load_segmenter()
    return jieba.posseg.lcut(text)


def _whole_word(text: str, start: int, end: int) -> bool:
    """An English entry matches whole words only ("a" is not the a of "headcount")."""
    if not text[start].isascii() or not text[start].isalpha():
        return True
    before = text[start - 1] if start else " "
    after = text[end] if end < len(text) else " "
    return not (before.isascii() and before.isalpha()) and not (after.isascii() and after.isalpha())


def _cut(text: str, separators: frozenset[str]) -> list[tuple[str, int]]:
    """``text`` cut at separator characters, with each part's offset."""
    parts, start = [], 0
    for i, ch in enumerate(text):
        if ch in separators:
            if i > start:
                parts.append((text[start:i], start))
            start = i + 1
    if start < len(text):
        parts.append((text[start:], start))
    return parts


@lru_cache(maxsize=1)
def glossary() -> dict:
    return json.loads(GLOSSARY_PATH.read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def base_vocabulary() -> Vocabulary:
    """The glossary's words; report labels are added per index (``with_labels``)."""
    g = glossary()
    v = Vocabulary(
        separators=frozenset(g["separators"]),
        edge_fillers=frozenset(g["edge_fillers"]),
        question_words=tuple(normalize(w) for w in g["question_words"]),
        question_openers=tuple(normalize(w) for w in g["question_openers"]),
        default_subject=tuple(normalize(w) for w in g["default_subject"]),
        money_words=tuple(normalize(w) for w in g["money_words"]),
        scope_markers=tuple(g["scope_markers"]),
        anaphora=tuple(normalize(w) for w in g["anaphora"]),
        generic_words=tuple(sorted((normalize(w) for w in g["generic_words"]), key=len)[::-1]),
        base_markers=tuple(normalize(w) for w in g["base_markers"]),
        clarifiers=tuple(normalize(w) for w in g["clarifiers"]),
        restatements=tuple(normalize(w) for w in g["restatements"]),
        strict_words=frozenset(normalize(w) for w in g["strict_words"]),
        strict_scopes={normalize(k): tuple(v) for k, v in g["strict_scopes"].items()},
        row_kinds=frozenset(normalize(w) for w in g["row_kinds"]),
        own_unit_words=tuple(normalize(w) for w in g["own_unit_words"]),
        unit_not_before=dict(g["count_unit_not_before"]),
        derive_words=tuple(normalize(w) for w in g["derive_words"]),
        yes_no_words=tuple(normalize(w) for w in g["yes_no_words"]),
        partitive_anaphora=tuple(normalize(w) for w in g["partitive_anaphora"]),
        only_words=tuple(g["only_words"]),
        unit_suffixes=tuple(g["unit_suffixes"]),
        not_unit_suffixes=tuple(g["not_unit_suffixes"]),
    )
    for word in g["strict_words"]:  # a whole region's total: a word of its own
        v.add(word, LABEL)
    for word in (*g["fillers"], *g["derive_words"]):
        v.add(word, FILLER)
    for word in g["total_words"]:
        v.add(word, TOTAL)
    for word in g["level_markers"]:
        v.add(word, LEVEL)
    for unit, words in g["count_units"].items():
        for word in words:
            v.add(word, COUNT_UNIT, unit)
    for word in g["percent_words"]:
        v.add(word, PERCENT)
    for word in g["negations"]:
        v.add(word, NEGATION)
    for period, words in g["periods"].items():
        for word in words:
            v.add(word, PERIOD, period)
    for measure, words in g["measures"].items():
        for word in words:
            v.add(word, MEASURE, measure)
    for op, words in g["operations"].items():
        for word in words:
            v.add(word, OPERATION, op)
    for kind, words in g["comparisons"].items():
        for word in words:
            v.add(word, COMPARISON, kind)
    for word, expansions in g["aliases"].items():
        v.add(word, ALIAS, "", expansions)
        for report_term in expansions:
            for part in report_term.split("+"):
                if normalize(part) not in v.entries:
                    v.add(part, LABEL)
    return v
