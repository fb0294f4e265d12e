"""Which reports a question is asked of: a report id, the departments it names (through the
index's registry of departments and their short names), then its year."""

from __future__ import annotations

import re
from dataclasses import dataclass

from indexer.registry import Registry, ReportRef
from indexer.store import ReportInfo
from qa.router import find_departments, select_reports
from qa.vocabulary import normalize, without_dates

UNIT_WORDS = ("单位预算", "单位决算", "本单位")
_YEAR = re.compile(r"(?<!\d)(20\d{2})(?!\d)")
_YEAR_RANGE = re.compile(r"(?<!\d)(20\d{2})\s*年?\s*(?:到|至|-|~|—|～)\s*(20\d{2})(?!\d)")


@dataclass(frozen=True)
class Route:
    reports: tuple[ReportInfo, ...]
    department_names: tuple[str, ...] = ()  # the names the question used, to take out
    refusal: str | None = None  # why no report fits (a not_found reason)
    missing: tuple[str, ...] = ()  # what the question named that the index lacks


def route(
    question: str,
    infos: dict[str, ReportInfo],
    registry: Registry,
    report_id: str | None = None,
    units_of=lambda name: set(),
) -> Route:
    """The reports to answer from: a report id, then the named departments, then the year
    (a year no selected report is of is kept for the question: last year's figure).
    ``units_of(name)`` gives the reports that list a unit of that name (their 绩效 records)."""
    if report_id:
        hit = [r for r in infos.values() if r.id == report_id or r.id.startswith(report_id)]
        if not hit:
            return Route((), refusal="unknown_report", missing=(report_id,))
        return Route(tuple(hit), _names_of(question, registry))
    mentions = find_departments(question, registry)
    inside = {m.text: units_of(m.text) for m in mentions if not m.indexed}
    unknown = tuple(text for text, reports in inside.items() if not reports)
    if unknown:
        return Route((), (), refusal="unknown_department", missing=unknown)
    # a unit inside an indexed report (朝阳县分局) selects that report and stays in the question
    mentions = [m for m in mentions if m.indexed]
    names = tuple(m.text for m in mentions)
    if not mentions and inside:
        ids = {rid for reports in inside.values() for rid in reports}
        return Route(tuple(r for r in infos.values() if r.id in ids))
    named = [d for m in mentions for d in m.departments]
    refs = _one_scope(select_reports(registry, named or None), normalize(question))
    picked = [infos[r.id] for r in refs if r.id in infos]
    years = asked_years(question)
    in_year = [r for r in picked if r.year in years]
    # a year no report is of, nor the year before one (a report states last year's figures)
    stated = {r.year for r in picked if r.year} | {r.year - 1 for r in picked if r.year}
    if years and picked and not in_year and not years & stated:
        known = sorted({r.year for r in picked if r.year})
        return Route(
            (),
            names,
            refusal="unknown_year",
            missing=tuple(f"{y}年" for y in sorted(years)) + tuple(map(str, known)),
        )
    next_year = [r for r in picked if r.year and r.year - 1 in years]  # states last year's
    return Route(tuple(in_year or next_year or picked), names)


def asked_years(question: str) -> set[int]:
    """The years a question names, a range (2023到2025年) with the years inside it."""
    text = without_dates(normalize(question))
    years = {int(y) for y in _YEAR.findall(text)}
    for a, b in _YEAR_RANGE.findall(text):
        years |= set(range(int(a), int(b) + 1)) if int(a) < int(b) else set()
    return years


def _one_scope(refs: list[ReportRef], text: str) -> list[ReportRef]:
    """A department's consolidated report (部门) where it also publishes a unit report (单位)
    for the same year and kind, unless the question asks for the unit report."""
    wanted = "单位" if any(w in text for w in UNIT_WORDS) else "部门"
    slots: dict[tuple, list[ReportRef]] = {}
    for r in refs:
        slots.setdefault((r.department, r.year, r.kind), []).append(r)
    out = []
    for group in slots.values():
        preferred = [r for r in group if r.scope == wanted]
        out += preferred or group
    return out


def _names_of(question: str, registry: Registry) -> tuple[str, ...]:
    return tuple(m.text for m in find_departments(question, registry) if m.indexed)
