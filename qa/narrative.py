"""Figures stated only in the narrative: find the sentence whose subject and metric match the
question and extract the figure with its unit; the sentence is the quote."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from qa.answer import Citation, Figure
from qa.candidates import Candidate
from qa.knowledge import ParagraphRec, ReportKnowledge
from qa.matching import coverage, subject_named
from qa.understand import Intent, normalize

_FIGURE = re.compile(
    r"(-?\d[\d,]*(?:\.\d+)?)\s*(万元|亿元|元|%|辆|批次|人次|人|台（套）|台\(套\)|台|个|分|家|次|项)"
)
_SENTENCE = re.compile(r"[^。；;！？]+[。；;！？]?")
_CHANGE_WORDS = ("增加", "减少", "增长", "降低", "下降", "上升", "减", "增")
_ZERO = re.compile(r"无([\u4e00-\u9fa5“”]{2,20}?)(支出|收入|经费|费用)")


@dataclass
class Mention:
    """A figure in a sentence with the text that leads up to it."""

    value: Decimal
    text: str
    unit: str
    lead: str  # the clause before the figure
    sentence: str
    para: ParagraphRec
    head: str  # the paragraph's opening clause, where a subject-less clause finds its subject


_MENTIONS: dict[int, list[Mention]] = {}


def mentions(kb: ReportKnowledge) -> list[Mention]:
    """Every figure with a unit in the report's paragraphs (computed once per report)."""
    if id(kb) not in _MENTIONS:
        _MENTIONS[id(kb)] = _find_mentions(kb)
    return _MENTIONS[id(kb)]


def _find_mentions(kb: ReportKnowledge) -> list[Mention]:
    out = []
    for p in kb.paragraphs:
        opening = re.split(r"[，,。；]", p.text)[0]
        for sent in _SENTENCE.findall(p.text):
            head = opening
            for m in _FIGURE.finditer(sent):
                unit = m.group(2)
                unit = "台" if unit.startswith("台") else unit
                num = m.group(1).replace(",", "")
                try:
                    value = Decimal(num)
                except ArithmeticError:
                    continue
                text = m.group(1) + ("%" if unit == "%" else "")
                lead = _lead(sent[: m.start()])
                out.append(Mention(value, text, unit, lead, sent.strip(), p, head))
    return out


_ENUMERATOR = re.compile(
    r"^\s*(其中[:：]?)?\s*([（(]?([一二三四五六七八九十]+|\d+)[)）、.．]\s*)*(20\d{2}\s*年度?)?\s*"
)
_METRIC_WORDS = re.compile(
    r"与上年相比|比上年|较上年|同比|增加|减少|增长|降低|下降|持平|占|完成|今年|年初预算|预算|的"
)
_BUDGET_LEAD = re.compile(r"预算数|年初预算(?!的)|预算金额|全年预算|预算安排|预算为|预算是")
_METRIC_START = ("占", "比", "完成", "增长", "增加", "减少", "降低", "下降", "其中")


def _lead(before: str) -> str:
    """The clause before a figure; with the previous clause when this one only states the
    metric (``项目支出 3820.96 万元，占支出总计的`` → subject and metric together)."""
    clauses = re.split(r"[，,：:；]", before)
    lead = clauses[-1]
    if len(clauses) > 1 and (len(lead.strip()) < 8 or lead.strip().startswith(_METRIC_START)):
        lead = clauses[-2] + "，" + lead
    return lead


def _direction(text: str) -> str | None:
    """'up' for 增加/增长/多, 'down' for 减少/降低/下降/少, else None."""
    down = re.search(r"减少|降低|下降|少了|少花|节约|节省", text)
    up = re.search(r"增加|增长|上升|多了|多花|超支", text)
    if up and not down:
        return "up"
    if down and not up:
        return "down"
    return None


def _unit_ok(m: Mention, intent: Intent) -> bool:
    if intent.count_unit:
        want = intent.count_unit
        return m.unit == want or (want == "人" and m.unit == "人次")
    if intent.metrics & {"share", "completion", "rate", "percent"}:
        return m.unit == "%"
    if intent.wants("change") and any(
        w in intent.text for w in ("百分", "幅度", "%", "率", "增幅")
    ):
        return m.unit == "%"
    if intent.wants("average") or intent.wants("score"):
        return m.unit == "分"
    return m.unit in ("万元", "亿元", "元")


def _metric_ok(m: Mention, intent: Intent) -> bool:
    lead = m.lead
    tail = lead[-6:]
    is_change = any(w in tail for w in _CHANGE_WORDS) or "比上年" in lead
    if intent.wants("change"):
        asked, stated = _direction(intent.text), _direction(tail)
        return is_change and not (asked and stated and asked != stated)
    if is_change:
        return False
    if intent.wants("share") and "占" not in lead:
        return False
    if intent.wants("completion") and not ("完成" in lead and "预算" in lead):
        return False
    if intent.wants("budget") and not _BUDGET_LEAD.search(lead[-12:]):
        return False  # "完成年初预算的 75%" is no budget figure
    return not (intent.wants("average") and "平均" not in lead)


def narrative_candidates(
    kb: ReportKnowledge, intent: Intent, boost: dict[str, float]
) -> list[Candidate]:
    """Figures in sentences, scored by how much of the question their clause names.

    ``boost`` maps sentence text to a retrieval bonus (dense + BM25) for that passage.
    """
    out = []
    for m in mentions(kb):
        if not _unit_ok(m, intent) or not _metric_ok(m, intent):
            continue
        if not subject_named(normalize(m.head + m.sentence), intent):
            continue
        lead_cov = coverage(normalize(m.lead), intent)
        if m.head and coverage(normalize(_METRIC_WORDS.sub("", m.lead)), intent) < 2:
            # "比上年增加 10.19 万元" names its subject in the paragraph's opening clause
            lead_cov += int(0.75 * coverage(normalize(m.head), intent))
        if lead_cov < 2:
            continue
        sent_cov = coverage(normalize(m.sentence), intent)
        score = 2 * lead_cov + 0.5 * sent_cov + boost.get(m.para.text, 0.0)
        out.append(_candidate(kb, m, score, lead_cov))
    out += _zero_statements(kb, intent)
    out.sort(key=lambda c: -c.score)
    return out


def _candidate(kb: ReportKnowledge, m: Mention, score: float, cov: int) -> Candidate:
    subject = _ENUMERATOR.sub("", m.lead).strip() or m.lead
    section = " › ".join(m.para.section)
    locator = f"{section} › {subject}" if section else subject
    cit = Citation(kb.info.title, m.para.page, locator, m.sentence, kb.info.id, m.para.bbox,
                   "paragraph")  # fmt: skip
    answer = f"报告中写明：{m.sentence}"
    label = subject[-30:]
    unit = None if m.unit == "%" else m.unit
    return Candidate(score, "text", m.value, m.unit if m.unit != "%" else "%", label, answer,
                     [cit], [Figure(label, m.value, unit or "%")], subject,
                     coverage=cov)  # fmt: skip


def _zero_statements(kb: ReportKnowledge, intent: Intent) -> list[Candidate]:
    """ "本部门 2024 年度无政府性基金预算财政拨款支出" answers such a question with 0."""
    if intent.metrics & {"share", "change", "budget", "rate", "score"} or intent.count_unit:
        return []
    out = []
    for p in kb.paragraphs:
        for sent in _SENTENCE.findall(p.text):
            for z in _ZERO.finditer(sent):
                subject = z.group(1) + z.group(2)
                cov = coverage(normalize(subject), intent)
                if cov < 4 or not subject_named(normalize(subject), intent):
                    continue
                cit = Citation(kb.info.title, p.page, " › ".join(p.section) or subject,
                               sent.strip(), kb.info.id, p.bbox, "paragraph")  # fmt: skip
                answer = f"报告中写明：{sent.strip()}即{subject}为 0 万元。"
                out.append(Candidate(2 * cov, "text", Decimal(0), "万元", subject, answer, [cit],
                                     [Figure(subject, Decimal(0), "万元")], subject,
                                     coverage=cov))  # fmt: skip
    return out
