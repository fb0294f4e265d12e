"""The wording of budget-report sentences, compiled once, and the pure functions that read it.

Every Chinese word lives in ``sentence_words.json`` beside this module; this module only turns
those lists into patterns and offers the small steps ``indexer.sentences`` walks a paragraph
with: ``find_mentions`` (figures printed with a unit), ``bracket_depths``, ``split_sentences``,
``split_clauses``, ``read_lead`` (measure, sign, base and label from the text before a figure),
``clean_label``, ``counted_noun``, ``paragraph_topic`` and ``heading_label``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

W = json.loads(Path(__file__).with_name("sentence_words.json").read_text(encoding="utf-8"))
QUANTITY_UNITS = tuple(W["quantity_units"])  # 平方米, 亩, 吨: a physical quantity, read as a count
LIMITS = W["limits"]
MASK = "□"  # stands for deeper bracketed text while cue words are searched


def alt(words: list[str] | dict[str, str]) -> str:
    """A regex alternation of ``words``, longest first."""
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


def chars(words: list[str] | str) -> str:
    return re.escape("".join(words))


def _unit(unit: str) -> str:
    stop = W["unit_not_before"].get(unit)
    body = r"\s*".join(re.escape(c) for c in unit)
    return body + (rf"(?!\s*[{re.escape(stop)}])" if stop else "")


_UNITS = "|".join(_unit(u) for u in sorted(W["units"], key=len, reverse=True))
_NUMBER = r"(?<![\d.,])([-−]?)(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
_TO = f"(?:{alt(W['cue_copulas'])})?$"
_YEAR, _MONTH, _DAY = W["year_word"], W["month_word"], W["day_word"]
_ZERO_WORDS = alt(W["zero_change"])
_CHANGE_WORDS = W["change_up"] + W["change_down"]
_MAX_COMPARED = LIMITS["max_comparison_chars"]
_STOPS = r"，,；;：:。"
_WITH_CLOSE, _WITH_ZERO = chars(W["comparison_with_close"]), chars(W["comparison_with_zero"])

FIGURE = re.compile(rf"{_NUMBER}\s*({_UNITS})")
QUALIFIER = re.compile(rf"\s*(?:{alt(W['qualifier_remark'])})?\s*(?:{alt(W['qualifier_after'])})")
COMPARISON = re.compile(
    rf"[{_WITH_CLOSE}](?P<b1>[^{_STOPS}{_WITH_CLOSE}]{{1,{_MAX_COMPARED}}}?)"
    rf"(?:{alt(W['comparison_close'])})"
    rf"|[{chars(W['comparison_with_change'])}](?![{chars(W['comparison_not_before'])}])"
    rf"(?P<b2>[^{_STOPS}]{{1,{_MAX_COMPARED}}}?)"
    rf"(?=(?:{alt([*_CHANGE_WORDS, *W['zero_change'], W['completion_word']])}))"
    rf"|[{_WITH_ZERO}](?P<b3>[^{_STOPS}{_WITH_ZERO}]{{1,{_MAX_COMPARED}}}?)(?=(?:{_ZERO_WORDS}))"
    rf"|(?P<same>{alt(W['same_period'])})"
)
ZERO = re.compile("".join(f"(?<!{w})" for w in W["zero_change_not_after"]) + f"(?:{_ZERO_WORDS})")
CHANGE_TAIL = re.compile(rf"(?P<word>{alt(_CHANGE_WORDS)})(?:{alt(W['change_fillers'])}|{MASK})*$")
SHARE_TAIL = re.compile(
    rf"{W['share_word']}(?![{chars(W['share_not_before'])}])"
    rf"(?P<base>[^{W['share_word']}]*?)(?:{alt(W['share_tails'])})?{_TO}"
)
COMPLETION_TAIL = re.compile(
    rf"{W['completion_word']}(?P<base>[^{W['completion_word'][0]}]*?){W['of_word']}?{_TO}"
)
RATE_TAIL = re.compile(rf"(?:{alt(W['completion_rate_nouns'])}){_TO}")
COPULAS = re.compile(f"(?:{alt(W['trailing_fillers'])})+$")
ACTUAL_END = re.compile(rf"(?:{alt(W['actual_cues'])})$")
EXECUTED_END = re.compile(rf"(?:{alt(W['executed_cues'])})$")
BUDGET_END = re.compile(
    "".join(f"(?<!{p})" for p in W["budget_fund_prefixes"]) + rf"(?:{alt(W['budget_cues'])})$"
)
AVERAGE = re.compile(alt(W["average_cues"]))
YEAR_MARK = re.compile(
    rf"(?<!\d)((?:19|20)\d{{2}})\s*{_YEAR}\s*{W['year_suffix']}?"
    rf"(?!\s*\d{{1,2}}\s*{_MONTH})(?!{alt(W['year_not_before'])})"
)
WORD_MARK = re.compile(
    rf"(?P<prev>{alt(W['period_previous'])})(?!{alt(W['previous_not_before'])})"
    rf"|(?:{alt(W['period_current'])})(?!{alt(W['current_not_before'])})"
)
NEUTRAL_MARK = re.compile(alt(W["period_neutral"]))
DATE = re.compile(
    rf"(?:{alt(W['date_open'])})?\d{{4}}{_YEAR}\d{{1,2}}{_MONTH}(?:\d{{1,2}}{_DAY})?"
    rf"|{alt(W['date_words'])}"
)
DATE_REACH = max(len(w) for w in W["date_open"])  # how far before a year a date may start
ORG = re.compile(  # a leading organisation name: 上海市普陀区人民政府万里街道办事处（部门）
    rf"(?:^|(?<=[{_YEAR}{W['year_suffix']}]))(?:{alt(W['org_prefixes'])})?"
    rf"[\u4e00-\u9fff]{{2,6}}[{W['org_places']}](?:[\u4e00-\u9fff]{{1,6}}?[{W['org_districts']}])?"
    rf"[^，。]{{0,20}}?(?:{alt(W['org_suffixes'])})(?:[（(][^）)]{{1,6}}[）)])?"
)
ORDINAL = re.compile("^(?:" + "|".join(W["ordinal_patterns"]) + ")")
OPENER = re.compile(rf"(?:{alt(W['enumeration_openers'])})[：:]?")
CLOSING_OPENER = re.compile(rf"(?:{OPENER.pattern})$")
RESPECTIVE = re.compile(alt(W["respective_words"]))
RESPECTIVE_SPLIT = re.compile(f"[{chars(W['respective_separators'])}]")
SUBJECT_VERB = re.compile(alt(W["subject_verbs"]))
LEADING = re.compile(
    rf"^(?:{alt(W['leading_fillers'])}|{OPENER.pattern}"
    rf"|(?:{alt(W['leading_verb_modifiers'])})*(?:{alt(W['leading_verbs'])}))"
)
THRESHOLD_REMARK = re.compile(  # 单价 100 万元（含）以上 → 单价 100 万元以上
    rf"\s*(?:{alt(W['qualifier_remark'])})\s*(?=(?:{alt(W['qualifier_after'])}))"
)
TRAILING = re.compile(f"(?:{alt(W['trailing_fillers'] + W['measure_nouns'] + W['score_nouns'])})+$")
REMARK = re.compile(rf"[（(][^（()）]*(?:{alt(W['label_remark_words'])})[^（()）]*[)）]$")
REASON = re.compile(alt(W["reason_words"]))
TOPIC_END = re.compile(f"[{chars(W['topic_ends'])}]")
TOPIC_SUFFIX = re.compile(rf"(?:{alt(W['topic_suffixes'])})$")
CLAUSE_ONLY = re.compile(f"[{chars(W['clause_delims'])}]")
CLAUSE_DELIM = re.compile(f"[{chars(W['clause_delims'])}{chars(W['sentence_ends'])}]")
NOUN_STOP = re.compile(alt(W["counted_noun_stops"]))
NOUN_END = re.compile(rf"{alt(W['counted_noun_ends'])}|[^\u4e00-\u9fff{W['noun_marks']}]")
SENTENCE_END = re.compile(f"[{chars(W['sentence_ends'])}]")
LIST_GAP = re.compile(rf"\s*[{chars(W['respective_separators'])}{chars(W['clause_delims'])}]?\s*")
REMARK_IN_BASE = re.compile(r"[（(][^（()）]*[)）]")
SPACE = re.compile(r"\s")


@dataclass(frozen=True)
class Mention:
    """A printed figure (``value`` set) or a 持平 word (``value`` None) in a paragraph."""

    start: int
    end: int  # end of the printed figure (with its % sign)
    unit_end: int
    value: Decimal | None
    unit: str | None


def find_mentions(text: str) -> list[Mention]:
    """Every number printed with a unit that states a figure (not a threshold, range, ordinal)."""
    out = []
    for m in FIGURE.finditer(text):
        before = text[: m.start()].rstrip()
        is_range = before[-1:] in W["range_marks"] and before[:-1].rstrip()[-1:].isdigit()
        if is_range or before.endswith(W["ordinal_before"]) or QUALIFIER.match(text, m.end()):
            continue
        unit = W["units"][SPACE.sub("", m.group(3))]
        value = Decimal(m.group(2).replace(",", ""))
        end = m.end() if unit == "%" else m.end(2)
        out.append(Mention(m.start(), end, m.end(), -value if m.group(1) else value, unit))
    return out


def bracket_depths(text: str) -> list[int]:
    """Nesting depth of each character; brackets count only when matched within a sentence."""
    depth, stack = [0] * len(text), []
    for i, ch in enumerate(text):
        if ch in W["brackets"]:
            stack.append((i, W["brackets"][ch]))
        elif stack and ch == stack[-1][1]:
            start, _ = stack.pop()
            depth[start : i + 1] = [d + 1 for d in depth[start : i + 1]]
        elif SENTENCE_END.match(ch):
            stack = []
    return depth


def split_sentences(text: str, start: int) -> list[tuple[int, int]]:
    """(start, end) of each sentence from ``start`` on; the end mark stays with its sentence."""
    out, s = [], start
    for m in SENTENCE_END.finditer(text, start):
        out.append((s, m.end()))
        s = m.end()
    return [*out, (s, len(text))] if text[s:].strip() else out


def split_clauses(
    text: str, depth: list[int], s: int, e: int, level: int, figure_ends: set[int]
) -> list[tuple[int, int, str]]:
    """(start, end, delimiter before) of each clause at bracket ``level`` in ``[s, e)``: a clause
    ends at ，；： (not a digit-grouping comma), and at 、 right after a figure."""
    out, cs, delim = [], s, ""
    for i in range(s, e):
        ch = text[i]
        if depth[i] != level:
            continue
        is_list = ch == W["list_delim"] and len(text[:i].rstrip()) in figure_ends
        grouping = ch == "," and text[i - 1 : i].isdigit() and text[i + 1 : i + 2].isdigit()
        if (ch in W["clause_delims"] and not grouping) or is_list:
            out.append((cs, i, delim))
            cs, delim = i + 1, ch
    out.append((cs, e, delim))
    return [c for c in out if text[c[0] : c[1]].strip()]


def squash_span(text: str, depth: list[int], s: int, e: int, level: int) -> tuple[str, str]:
    """``text[s:e]`` without whitespace, as printed and with deeper brackets masked."""
    keep = [i for i in range(s, e) if not text[i].isspace()]
    printed = "".join(text[i] for i in keep)
    return printed, "".join(text[i] if depth[i] <= level else MASK for i in keep)


def _base(text: str) -> tuple[str, ...]:
    """A comparison base or share denominator, without remarks in brackets."""
    text = REMARK_IN_BASE.sub("", text)
    for filler in W["comparison_base_fillers"]:
        text = text.replace(filler, "")
    return (text,) if text else ()


def comparison_base(m: re.Match) -> tuple[str, ...]:
    """What a COMPARISON match compares with: ``与 2023 年度相比`` → ("2023年度",)."""
    if m.group("same"):
        return (W["same_period"][m.group("same")],)
    return _base(m.group("b1") or m.group("b2") or m.group("b3") or "")


def _tidy(label: str) -> str:
    """Strip enumerators, fillers, copulas, measure nouns and remarks from both ends."""
    before = None
    while label and label != before:
        before = label
        label = LEADING.sub("", TRAILING.sub("", ORDINAL.sub("", label)))
        label = THRESHOLD_REMARK.sub("", REMARK.sub("", label)).strip("：:，,、 ")
    quotes = W["quotes"]
    if label[:1] in quotes and label[-1:] in quotes and not any(q in label[1:-1] for q in quotes):
        label = label[1:-1]
    return label if len(label) >= LIMITS["min_label_chars"] else ""


def clean_label(text: str, masked: str, drop: list[tuple[int, int]] | None = None) -> str:
    """The label in a lead: without comparisons, periods, markers, fillers and measure nouns.

    A period, a date, an organisation name or a verb such as 共有 separates who speaks from
    what is counted (``财政局 2024 年度政府采购金额`` → 政府采购金额), unless nothing
    specific follows it.
    """
    keep, cut = [True] * len(text), 0
    for a, b in (drop or []) + [m.span() for m in COMPARISON.finditer(masked)]:
        keep[a:b] = [False] * (min(b, len(text)) - a)
    for rx in (DATE, YEAR_MARK, WORD_MARK, NEUTRAL_MARK, SUBJECT_VERB, ORG):
        for m in rx.finditer(text):
            if keep[m.start()]:
                keep[m.start() : m.end()] = [False] * (m.end() - m.start())
                cut = max(cut, m.end())
    kept = [c if k else "" for c, k in zip(text, keep, strict=True)]
    tail = _tidy("".join(kept[cut:]))
    return tail if tail and tail not in W["generic_labels"] else _tidy("".join(kept))


@dataclass(frozen=True)
class Lead:
    """What the text before a figure says about it."""

    label: str
    measure: str
    sign: int = 1
    base: tuple[str, ...] = ()
    measure_word: str = ""  # 年初预算, 全年预算, 决算, 执行数 … as printed before the figure


def read_lead(text: str, masked: str, unit: str | None, zero: bool = False) -> Lead:
    """Measure, sign, base and label from the text leading up to a figure (whitespace removed;
    ``masked`` is the same text with deeper brackets masked). ``zero``: the lead ends with a
    持平 word, which is the figure."""
    comparisons = list(COMPARISON.finditer(masked))
    base = comparison_base(comparisons[-1]) if comparisons else ()
    cut, sign, tail, word = len(masked), 1, None, ""
    if zero:
        measure, cut = "change", ZERO.search(masked).start()
    elif tail := CHANGE_TAIL.search(masked):
        measure = "change_rate" if unit == "%" else "change"
        sign = -1 if tail.group("word") in W["change_down"] else 1
    elif unit == "%" and (tail := SHARE_TAIL.search(masked)):
        measure, base = "share", _base(text[tail.start("base") : tail.end("base")])
    elif unit == "%" and (tail := COMPLETION_TAIL.search(masked)):
        measure, base = "completion_rate", _base(tail.group("base")) or base
    elif unit == "%" and (tail := RATE_TAIL.search(masked)):
        measure = "completion_rate"
    elif unit == "%":
        measure = "share"  # a rate with no cue (自评覆盖率达到 100%)
    elif unit in W["score_units"]:
        measure = "average" if AVERAGE.search(masked) else "score"
    elif unit in W["count_units"] or unit in QUANTITY_UNITS:
        measure = "count"  # a number of things or a physical quantity (建筑面积13459平方米)
    else:
        measure, word = level_measure(text, masked)
    cut = tail.start() if tail else cut
    if measure not in ("change", "change_rate", "completion_rate", "share"):
        base = ()
    drop = [m.span() for m in comparisons if m.start() < cut]
    return Lead(clean_label(text[:cut], masked[:cut], drop), measure, sign, base, word)


def level_measure(text: str, masked: str) -> tuple[str, str]:
    """The measure a level is stated in, from the words that end its lead, and those words
    as printed: ``年初预算为`` → ("budget", "年初预算"); none → ("amount", "")."""
    stem = COPULAS.sub("", masked)
    for measure, rx in (("executed", EXECUTED_END), ("actual", ACTUAL_END),
                        ("budget", BUDGET_END)):  # fmt: skip
        if m := rx.search(stem):
            return measure, text[m.start() : m.end()]
    return ("average" if AVERAGE.search(stem) else "amount"), ""


def counted_noun(text: str) -> str:
    """The noun a count is of when it follows the unit: ``5 家预算单位的`` → 预算单位; a
    generic noun keeps its verb phrase: ``20 个单位开展整体绩效自评`` → the whole phrase."""
    squashed = SPACE.sub("", text)
    end = NOUN_END.search(squashed)
    phrase = squashed[: end.start() if end else len(squashed)]
    stop = NOUN_STOP.search(phrase)
    noun = phrase[: stop.start() if stop else len(phrase)]
    noun = (phrase if noun in W["generic_labels"] else noun)[: LIMITS["max_counted_noun_chars"]]
    return noun if len(noun) >= LIMITS["min_label_chars"] else ""


def paragraph_topic(text: str, mentions: list[Mention]) -> tuple[tuple[str, ...], int]:
    """A figure-less one-clause title opening the paragraph (``（3）X 项目自评综述：``, ``1、
    社会保障和就业支出（类）…（项）。``) and where it ends; ``((), 0)`` when there is none."""
    m = TOPIC_END.search(text)
    head = text[: m.start()] if m else ""
    if not m or any(x.start < m.start() for x in mentions) or OPENER.search(head):
        return (), 0
    if CLAUSE_ONLY.search(head):  # a title is one clause
        return (), 0
    label = TOPIC_SUFFIX.sub("", ORDINAL.sub("", SPACE.sub("", head)))
    if not LIMITS["min_label_chars"] <= len(label) <= LIMITS["max_topic_chars"]:
        return (), 0
    return (label,), m.end()


def heading_label(heading: tuple[str, ...]) -> tuple[str, ...]:
    """The innermost heading as a subject: ``（一）机关运行经费支出情况`` → 机关运行经费支出."""
    if not heading:
        return ()
    head = CLAUSE_DELIM.split(FIGURE.split(heading[-1])[0])[0]
    label = TOPIC_SUFFIX.sub("", ORDINAL.sub("", SPACE.sub("", head))).rstrip(W["of_word"])
    return (label,) if len(label) >= LIMITS["min_label_chars"] else ()


def unit_family(unit: str | None) -> str | None:
    """Items of one enumeration share a family: money, or one count unit; % fits any."""
    if unit is None or unit == "%":
        return None
    return "money" if unit in W["money_units"] else unit
