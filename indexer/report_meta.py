"""Report metadata read from the document itself: department, year, kind and scope.

Sources, most reliable first: a ``部门：`` line on the first page, the department lines of
the tables, the cover (the lines before ``2019年度部门预算``), and, for a narrative without
a cover, the organisation its sentences name before a year (``江苏省政协办公厅 2019 年度…``).
"""

from __future__ import annotations

import re
from collections import Counter

from indexer.model import Report
from indexer.numbers import squash

DEPT_LINE = re.compile(r"(?:预算主管部门|预算单位|编制部门|编制单位|部门)\s*[：:]\s*(.+)")
YEAR = re.compile(r"(20\d{2})\s*年")
REPORT_YEAR = re.compile(r"(20\d{2})\s*年度?[\u4e00-\u9fff]{0,8}?(?:预算|决算)")
# how organisation names end (a sentence's subject before a year names the department)
ORG_SUFFIXES = (
    "厅", "局", "委员会", "委", "办公室", "办", "院", "部", "中心", "办事处", "政府", "会",
    "所", "站", "馆", "队", "社", "校", "处", "署",
)  # fmt: skip
_SUBJECT = re.compile(r"([\u4e00-\u9fff（）()]{2,30})\s*20\d{2}\s*年")
_MAX_NAME_LEN = 40
_NOT_A_NAME = ("目录", "部分", "、")  # a table of contents is not a cover
_COVER_LINES = 8
_EARLY_PARAGRAPHS = 12
_MIN_SUBJECT_COUNT = 2


def fill_metadata(report: Report) -> None:
    """Set department, year, kind, scope and title from what the document prints."""
    first_lines = [p.text for p in report.paragraphs if p.page in (None, 1)][:_COVER_LINES]
    if report.format != "pdf":
        first_lines = [p.text for p in report.paragraphs[:_COVER_LINES]][:6]
    early = " ".join(p.text for p in report.paragraphs[:_EARLY_PARAGRAPHS])
    cover = squash(" ".join(first_lines))
    all_titles = squash(" ".join(t.title for t in report.tables))
    report.kind = "决算" if "决算" in (cover or all_titles) or "决算" in all_titles else "预算"
    report.year = _year(cover, squash(early), all_titles)
    report.scope = "单位" if re.search(r"单位(预算|决算)", cover) else "部门"
    report.department = _department(first_lines, report)
    report.title = report_title(report.department, report.year, report.scope, report.kind)


def report_title(department: str, year: int | None, scope: str, kind: str) -> str:
    """``江苏省政协办公厅 2019年度部门预算``."""
    return f"{department} {f'{year}年度' if year else ''}{scope}{kind}".strip()


def _year(cover: str, early: str, titles: str) -> int | None:
    sources = ((REPORT_YEAR, cover), (YEAR, cover), (REPORT_YEAR, early), (YEAR, titles))
    for pattern, text in sources:
        if m := pattern.search(text):
            return int(m.group(1))
    return None


def _department(first_lines: list[str], report: Report) -> str:
    for text in first_lines:
        if m := DEPT_LINE.match(text):
            return clean_department(m.group(1))
    for t in report.tables:
        if t.department_line and (m := DEPT_LINE.match(t.department_line)):
            return clean_department(m.group(1))
    name = _cover_name(first_lines)
    if name and len(name) <= _MAX_NAME_LEN and not any(w in name for w in _NOT_A_NAME):
        return name
    return _subject_name(report) or name


def _cover_name(first_lines: list[str]) -> str:
    """The cover: the lines before the one that says which year's report it is."""
    name = ""
    for text in first_lines:
        s = squash(text)
        if re.search(r"(年度|年).*(决算|预算)|^(决算|预算)|^年度", s) or YEAR.fullmatch(s):
            head = re.split(r"20\d{2}", s)[0]
            name += head if not re.search(r"(决算|预算)", head) else ""
            break
        if re.fullmatch(r"20\d{2}", s):
            continue
        name += s
    return clean_department(name)


def _subject_name(report: Report) -> str:
    """The organisation most often named right before a year (``XX厅 2019 年度收入…``)."""
    names: Counter[str] = Counter()
    for p in report.paragraphs:
        for m in _SUBJECT.finditer(p.text):
            if m.group(1).endswith(ORG_SUFFIXES):
                names[m.group(1)] += 1
    best = names.most_common(1)
    return best[0][0] if best and best[0][1] >= _MIN_SUBJECT_COUNT else ""


def clean_department(text: str) -> str:
    s = squash(text)
    s = re.split(r"20\d{2}年|金额单位|单位[：:]", s)[0]
    return s.strip("：: ")
