"""Reports published as several files: one department's budget for one year may come as a
narrative PDF and a tables PDF (公开01–12表). Files whose documents name the same
department, year, kind and scope, and that do not both print the same standard table, are
one report.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace

from indexer.model import Report
from indexer.numbers import squash
from indexer.report_meta import report_title


def same_report(a: Report, b: Report) -> bool:
    """True if ``a`` and ``b`` are parts of one report: the same key, and neither prints a
    table the other prints (the txt and the PDF of one report are not parts of it)."""
    return same_key(a, b) and not (_table_kinds(a) & _table_kinds(b))


def same_key(a: Report, b: Report) -> bool:
    """The same department, year, kind and scope as the documents print them.

    The department names must match or one must contain the other (中共江苏省委办公厅 and
    江苏省委办公厅); a part that prints no year matches any year.
    """
    return (
        a.kind == b.kind
        and a.scope == b.scope
        and (a.year == b.year or a.year is None or b.year is None)
        and same_department(a.department, b.department)
    )


def same_department(a: str, b: str) -> bool:
    a, b = squash(a), squash(b)
    return bool(a and b) and (a in b or b in a)


def _table_kinds(report: Report) -> set[str]:
    return {t.kind for t in report.tables if t.kind}


def group_reports(reports: list[Report]) -> list[list[Report]]:
    """Reports in groups of parts of one report, in input order."""
    groups: list[list[Report]] = []
    for report in reports:
        for group in groups:
            if all(same_report(report, other) for other in group):
                group.append(report)
                break
        else:
            groups.append([report])
    return groups


def combined_sha256(digests: list[str]) -> str:
    """The id-giving hash of a report of several files: the hash of their sorted hashes."""
    return hashlib.sha256("\n".join(sorted(digests)).encode()).hexdigest()


def merge_reports(parts: list[Report]) -> Report:
    """One report from its parts: the narrative's metadata, everyone's paragraphs and tables.

    The narrative is the part with the most paragraph text; its paragraphs come first.
    Each table and paragraph keeps the file it came from; table ids are renumbered.
    """
    if len(parts) == 1:
        return parts[0]
    main = max(parts, key=lambda r: sum(len(p.text) for p in r.paragraphs))
    ordered = [main, *sorted((p for p in parts if p is not main), key=lambda r: r.source_path)]
    department = main.department or next((p.department for p in ordered if p.department), "")
    year = main.year or next((p.year for p in ordered if p.year), None)
    merged = Report(
        department=department,
        year=year,
        kind=main.kind,
        title=report_title(department, year, main.scope, main.kind),
        source_path=main.source_path,
        sha256=combined_sha256([f.sha256 for p in parts for f in p.files]),
        format=main.format,
        page_count=sum(p.page_count or 0 for p in parts) or None,
        scope=main.scope,
        files=[f for p in ordered for f in p.files],
    )
    for part in ordered:
        merged.paragraphs += part.paragraphs
        for table in part.tables:
            merged.tables.append(replace(table, id=len(merged.tables) + 1))
    return merged
