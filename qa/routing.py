"""Which reports a question is asked of: a report id, the department it names, its year."""

from __future__ import annotations

import re
from dataclasses import dataclass

from indexer.store import ReportInfo
from qa.vocabulary import glossary, normalize

_PREFIX = re.compile(r"^(中共)?(.{2,3}?省|.{2,3}?市|.{2,3}?自治区)?(.{2,3}?(市|区|县))?")
_YEAR = re.compile(r"(?<!\d)(20\d{2})(?!\d)")


@dataclass(frozen=True)
class Route:
    reports: tuple[ReportInfo, ...]
    department_names: tuple[str, ...] = ()  # the names the question used, to take out
    refusal: str | None = None  # why no report fits (a not_found reason)


def short_names(department: str) -> set[str]:
    """A department's name as written and without its province/city/district prefix."""
    full = normalize(department)
    out = {full}
    stripped = _PREFIX.sub("", full)
    if len(stripped) >= 3:
        out.add(stripped)
    return out


_ORG_END = "局委办部院厅处队所站道会心室"
MAX_NAME_CHARS = 16


def _abbreviates(word: str, name: str) -> bool:
    """``word`` could be a short name of ``name``: its characters in the name's order, ending
    like an organisation (区府办 ~ 区人民政府办公室, 社工部 ~ 区委社会工作部)."""
    if len(word) < 3 or word[-1] not in _ORG_END or word[0] not in name:
        return False
    at = 0
    for ch in word:
        at = name.find(ch, at)
        if at < 0:
            return False
        at += 1
    return True


def department_mentions(text: str, names: set[str]) -> list[str]:
    """The longest spans of ``text`` that name one of ``names`` in full or in short."""
    found: list[str] = []
    i = 0
    while i < len(text):
        best = ""
        for n in range(min(MAX_NAME_CHARS, len(text) - i), 1, -1):
            span = text[i : i + n]
            whole = span in names or (span[-1] in _ORG_END and any(span in nm for nm in names))
            if whole or any(_abbreviates(span, name) for name in names):
                best = span
                break
        if len(best) >= 3:
            found.append(best)
            i += len(best)
        else:
            i += 1
    return found


def _names(department: str) -> set[str]:
    """A department's names: as written, without prefixes, and with the everyday word for
    its kind in place of the official one (朝阳市生态环境局 → 朝阳市环保局, 环保局)."""
    names = {normalize(department)} | short_names(department)
    for everyday, official in glossary()["department_words"].items():
        for name in list(names):
            if official in name:
                names.add(name.replace(official, everyday))
    return names


def route(question: str, reports: list[ReportInfo], report_id: str | None = None) -> Route:
    """The reports to answer from; a report id, then named departments, then the year."""
    text = normalize(question)
    if report_id:
        hit = [r for r in reports if r.id == report_id or r.id.startswith(report_id)]
        if not hit:
            return Route((), refusal="unknown_report")
        reports = hit
    named = {r.id: department_mentions(text, _names(r.department)) for r in reports}
    if any(named.values()):
        picked = [r for r in reports if named[r.id]]
        names = tuple(sorted({n for r in picked for n in named[r.id]}, key=len, reverse=True))
    else:
        picked, names = list(reports), ()
    years = {int(y) for y in _YEAR.findall(text)}
    in_year = [r for r in picked if r.year in years]
    if in_year:
        picked = in_year
    return Route(tuple(picked), names)
