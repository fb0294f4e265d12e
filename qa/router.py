"""Route a question to the reports it is about: the departments it names (in full, in
part, abbreviated, with a year glued on), then the reports of those departments, year, kind
and scope, through the registry's dictionaries (no report is scored).

    mentions = find_departments("江苏高院2019年三公经费", registry)
    refs = select_reports(registry, [d for m in mentions for d in m.departments], 2019, "预算")

A name that fits several departments (区司法局 in a city of many districts) is one mention
with several departments; a department named but not indexed (黄浦区司法局) is a mention
with none, and :func:`missing` says which departments and years the index does hold.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from indexer.departments import Department, NamingRules, default_rules
from indexer.registry import AliasEntry, Registry, ReportRef
from qa.vocabulary import chinese_names, normalize

MIN_MENTION_LENGTH = 2  # the shortest alias looked up (高院)
STEM_LENGTH = 2  # the usual length of a region stem (普陀, 黄浦) when none is known


@dataclass(frozen=True)
class Mention:
    """A span of the (normalised) question naming a department. ``departments``: the
    canonical names it may mean, several when ambiguous, none when it names a department
    the index does not hold."""

    start: int
    end: int
    text: str
    departments: tuple[str, ...]

    @property
    def ambiguous(self) -> bool:
        return len(self.departments) > 1

    @property
    def indexed(self) -> bool:
        return bool(self.departments)

    def __repr__(self) -> str:
        where = "、".join(self.departments) or "未索引"
        return f"Mention({self.text} [{self.start}:{self.end}] → {where})"


@dataclass(frozen=True)
class Missing:
    """What a question asked for that the index does not hold, and what it does hold:
    data for a Chinese not_found message."""

    departments: tuple[str, ...]  # named in the question, not indexed (as written)
    year: int | None  # asked year with no report of the named departments (or none at all)
    kind: str | None  # asked kind (预算/决算) with no report for the rest of the request
    indexed_years: tuple[int, ...]  # years indexed for the named departments (or for all)
    indexed_departments: tuple[str, ...]  # departments indexed for the asked year (or all)


@dataclass(frozen=True)
class Route:
    """A question's departments, the reports to answer from, and what is missing."""

    mentions: tuple[Mention, ...]
    reports: tuple[ReportRef, ...]
    missing: Missing | None

    @property
    def ambiguous(self) -> tuple[Mention, ...]:
        return tuple(m for m in self.mentions if m.ambiguous)


def find_departments(
    question: str, registry: Registry, rules: NamingRules | None = None
) -> list[Mention]:
    """The spans of ``question`` that name departments, leftmost-longest, in order.

    Spans index the normalised question (:func:`qa.vocabulary.normalize`). A short name is
    checked against the region word just before it: 区司法局 after 普陀 is 普陀区司法局,
    after 黄浦 it is a department the index does not hold.
    """
    rules = rules or default_rules()
    q = chinese_names(normalize(question))
    mentions: list[Mention] = []
    i = 0
    while i < len(q):
        hit = _longest_alias(q, i, registry)
        if hit is None:
            i += 1
            continue
        mentions.append(_resolve(q, i, hit, registry, rules))
        i += len(hit)
    mentions += _unindexed_organisations(q, mentions, rules)
    mentions += _unindexed_short_names(q, mentions, rules)
    mentions += _unindexed_suffix_forms(q, mentions, rules)
    return sorted(mentions, key=lambda m: m.start)


def _unindexed_short_names(q: str, found: list[Mention], rules: NamingRules) -> list[Mention]:
    """A short name that stands alone in speech (高院, 中院) after a place word, with no
    indexed department behind it (江苏高院 in an index without the court)."""
    out = []
    for name in rules.standalone:
        for m in re.finditer(re.escape(name), q):
            start = max(0, m.start() - STEM_LENGTH)
            if _overlaps(start, m.end(), found):
                continue
            if _CJK_RUN.fullmatch(q[start : m.start()] or "x"):
                out.append(Mention(start, m.end(), q[start : m.end()], ()))
    return out


def _unindexed_suffix_forms(q: str, found: list[Mention], rules: NamingRules) -> list[Mention]:
    """A short name made of a region suffix and an organ (区司法局, 区外办, 市委宣传部),
    standing after a boundary (the start, a non-CJK character or a function word such as
    那/的/由), that no indexed alias matched: a department the index does not hold."""
    out = []
    for m in _suffix_form_pattern(rules).finditer(q):
        start, end = m.start(1), m.end(1)
        before = q[start - 1] if start else ""
        if before and _CJK_RUN.fullmatch(before) and before not in rules.not_region_chars:
            continue  # 社区服务中心, 上海市财政局: not a short name standing alone
        text = q[start:end]
        if _overlaps(start, end, found):
            continue
        words = rules.not_organ_words  # 区财政部门: a word running past the organ's end
        if any(c in rules.not_region_chars for c in text[1:]) or any(
            q.startswith(w, p) for w in words for p in range(start, end)
        ):
            continue
        out.append(Mention(start, end, text, ()))
    return out


@cache
def _suffix_form_pattern(rules: NamingRules) -> re.Pattern:
    levels = "".join(sorted({s.suffix for s in rules.suffixes if len(s.suffix) == 1}))
    organs = "|".join(re.escape(o) for o in rules.short_organs)
    body = rf"[\u3400-\u9fff]{{1,{rules.short_body_max}}}?"
    return re.compile(rf"(?=([{levels}]{body}(?:{organs})))")


def select_reports(
    registry: Registry,
    departments: Iterable[str] | None = None,
    year: int | Iterable[int] | None = None,
    kind: str | None = None,
    scope: str | None = None,
) -> list[ReportRef]:
    """The reports of ``departments`` (canonical names; None or empty: every department)
    for ``year`` (one or several; None: every year), ``kind`` (预算/决算) and ``scope``
    (部门/单位), each None for any. Costs the size of the answer, not of the index."""
    years = None if year is None else ({year} if isinstance(year, int) else set(year))
    names = list(dict.fromkeys(departments or ()))
    refs: list[ReportRef] = []
    if names and years and kind:
        for d in names:
            for y in sorted(years):
                refs += registry.by_slot.get((d, y, kind), ())
    elif names:
        refs = [r for d in names for r in registry.by_department.get(d, ())]
    elif years:
        refs = [r for y in sorted(years) for r in registry.by_year.get(y, ())]
    else:
        refs = list(registry.reports.values())
    return [
        r
        for r in refs
        if (years is None or r.year in years)
        and (kind is None or r.kind == kind)
        and (scope is None or r.scope == scope)
    ]


def missing(
    registry: Registry,
    mentions: Iterable[Mention],
    year: int | None = None,
    kind: str | None = None,
    scope: str | None = None,
) -> Missing | None:
    """What the question names that the index lacks (None when its reports exist)."""
    mentions = list(mentions)
    unknown = tuple(m.text for m in mentions if not m.indexed)
    named = [d for m in mentions for d in m.departments]
    if not unknown and select_reports(registry, named, year, kind, scope):
        return None
    years = tuple(registry.years(named or None))
    no_year = year if year is not None and year not in years else None
    no_kind = None
    if kind is not None and not select_reports(registry, named, None if no_year else year, kind):
        no_kind = kind
    return Missing(
        departments=unknown,
        year=no_year,
        kind=no_kind,
        indexed_years=years,
        indexed_departments=tuple(registry.departments_in(None if no_year else year)),
    )


def route(
    question: str,
    registry: Registry,
    year: int | None = None,
    kind: str | None = None,
    scope: str | None = None,
) -> Route:
    """Mentions, selected reports and what is missing, for a question whose year, kind and
    scope the caller has read (the question frame)."""
    mentions = find_departments(question, registry)
    if any(not m.indexed for m in mentions):
        return Route(tuple(mentions), (), missing(registry, mentions, year, kind, scope))
    named = [d for m in mentions for d in m.departments]
    refs = select_reports(registry, named, year, kind, scope)
    gap = None if refs else missing(registry, mentions, year, kind, scope)
    return Route(tuple(mentions), tuple(refs), gap)


# ---------------------------------------------------------------- helpers


def _longest_alias(q: str, i: int, registry: Registry) -> str | None:
    for end in range(min(len(q), i + registry.max_alias_length), i + MIN_MENTION_LENGTH - 1, -1):
        if q[i:end] in registry.aliases:
            return q[i:end]
    return None


def _resolve(q: str, i: int, alias: str, registry: Registry, rules: NamingRules) -> Mention:
    """The departments an alias at ``i`` can mean, given the region word before it."""
    kept: list[str] = []
    foreign = ""
    for entry in registry.aliases[alias]:
        dept = registry.departments[entry.department]
        before = _region_before(q, i, entry, dept, registry, rules)
        if before is None:
            kept.append(entry.department)
        else:
            foreign = max(foreign, before, key=len)
    if kept:
        return Mention(i, i + len(alias), alias, tuple(sorted(set(kept))))
    return Mention(i - len(foreign), i + len(alias), foreign + alias, ())


def _region_before(
    q: str, i: int, entry: AliasEntry, dept: Department, registry: Registry, rules: NamingRules
) -> str | None:
    """A region word just before ``i`` that contradicts ``dept`` (None when nothing does):
    the alias leaves ``entry.unnamed`` regions unnamed, and a region word before it must be
    the nearest of them (its stem, where the alias starts with the suffix: 普陀 + 区司法局)."""
    if entry.unnamed == 0:
        return None
    expected = dept.regions[entry.unnamed - 1]
    head = q[:i]
    if head.endswith(expected.stem) or (not entry.suffix_only and head.endswith(expected.name)):
        return None
    known = _known_word_at_end(head, registry)
    if known:
        return known
    plausible = (
        _plausible_stem(head, rules) if entry.suffix_only else _plausible_region(head, rules)
    )
    return plausible or None


def _known_word_at_end(head: str, registry: Registry) -> str:
    """The longest region word (普陀区, 普陀) of any indexed department ending ``head``."""
    for n in range(min(len(head), 10), 1, -1):
        if head[-n:] in registry.region_words:
            return head[-n:]
    return ""


def _plausible_stem(head: str, rules: NamingRules) -> str:
    """Two CJK characters that could be a region's stem (黄浦, not 查询 or 2024年)."""
    tail = head[-STEM_LENGTH:]
    if len(tail) == STEM_LENGTH and _is_name(tail, rules):
        return tail
    return ""


def _plausible_region(head: str, rules: NamingRules) -> str:
    """A region word (stem + 区/市/省/街道 …) that ``head`` ends with."""
    for s in rules.suffixes:
        if head.endswith(s.suffix):
            stem = _plausible_stem(head[: -len(s.suffix)], rules)
            if stem:
                return stem + s.suffix
    return ""


def _is_name(text: str, rules: NamingRules) -> bool:
    return bool(_CJK_RUN.fullmatch(text)) and not any(c in rules.not_region_chars for c in text)


_CJK_RUN = re.compile(r"[\u3400-\u9fff]+")


def _overlaps(start: int, end: int, found: list[Mention]) -> bool:
    """The span [start, end) overlaps a mention already found."""
    return any(m.start < end and start < m.end for m in found)


def _unindexed_organisations(q: str, found: list[Mention], rules: NamingRules) -> list[Mention]:
    """Departments named in full that no alias matched (北京市教育局): a region word and an
    organ ending (局, 委员会, 办公室 …) outside every mention already found."""
    out = []
    for m in _organisation_pattern(rules).finditer(q):
        start, end = m.start(), m.end()
        while start < end and not _starts_region(q, start, end, rules):
            start += 1
        text = q[start:end]
        if start >= end or _overlaps(start, end, found):
            continue
        if any(c in rules.not_region_chars for c in text):
            continue  # 普陀区哪个部门: a question about the region, not a department
        if any(w in text for w in rules.not_organ_words):
            continue
        out.append(Mention(start, end, text, ()))
    return out


def _starts_region(q: str, start: int, end: int, rules: NamingRules) -> bool:
    """A region word (its stem a plausible name) starts at ``start``."""
    for s in rules.suffixes:
        for n in range(rules.stem_min, rules.stem_max + 1):
            stem = q[start : start + n]
            if start + n > end or not _is_name(stem, rules):
                break
            if q.startswith(s.suffix, start + n):
                return True
    return False


@cache
def _organisation_pattern(rules: NamingRules) -> re.Pattern:
    suffixes = "|".join(re.escape(s.suffix) for s in rules.suffixes)
    organs = "|".join(re.escape(o) for o in sorted(rules.organ_suffixes, key=len, reverse=True))
    return re.compile(
        rf"(?:[\u3400-\u9fff]{{{rules.stem_min},{rules.stem_max}}}?(?:{suffixes}))+"
        rf"(?![级的])[\u3400-\u9fff]{{1,12}}?(?:{organs})"
    )
