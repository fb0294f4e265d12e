"""Question understanding as data: normalisation, glossary terms, metric words, years.

Nothing here knows a particular question: the glossary (``glossary.json``) maps everyday
wordings to the reports' own terms, and metric words map to what is asked (预算数, 决算数,
执行率, 得分, change against last year, share, count with a unit, average, max/min).
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import zhconv

MAX_QUESTION_CHARS = 500
_GLOSSARY_PATH = Path(__file__).with_name("glossary.json")
_YEAR = re.compile(r"(20\d{2})\s*年")


class QuestionError(ValueError):
    """A question that cannot be asked (empty, too long); ``message`` is Chinese."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@lru_cache(maxsize=1)
def glossary() -> dict:
    """The curated glossary: aliases, metric words, count units."""
    return json.loads(_GLOSSARY_PATH.read_text(encoding="utf-8"))


@lru_cache(maxsize=65536)
def normalize(text: str) -> str:
    """Half-width, simplified Chinese, no whitespace: the form every comparison uses."""
    text = unicodedata.normalize("NFKC", text)
    text = zhconv.convert(text, "zh-cn")
    text = text.replace("“", "").replace("”", "").replace('"', "")
    return re.sub(r"\s+", "", text)


def validate(question: str) -> str:
    """The question stripped, or QuestionError for empty / over-long input."""
    if question is None or not str(question).strip():
        raise QuestionError("问题为空，请输入您想了解的内容，例如：公务用车运行维护费是多少？")
    q = str(question).strip()
    if len(q) > MAX_QUESTION_CHARS:
        raise QuestionError(
            f"问题过长（{len(q)} 个字符），请精简到 {MAX_QUESTION_CHARS} 个字符以内后再提问。"
        )
    return q


@dataclass
class Intent:
    """What a question asks, read from its words."""

    text: str  # normalised question
    terms: list[str]  # the question plus glossary expansions, normalised
    metrics: set[str] = field(default_factory=set)
    count_unit: str | None = None
    years: list[int] = field(default_factory=list)

    @property
    def expanded(self) -> str:
        return "".join(self.terms)

    def wants(self, metric: str) -> bool:
        return metric in self.metrics


def understand(question: str) -> Intent:
    """Normalise the question and read its metric, count unit, years and glossary terms."""
    q = normalize(question)
    g = glossary()
    terms = [q]
    compact = re.sub(r"[的了呢吗?？]|是多少|多少钱|多少|是什么", "", q)
    if compact != q:
        terms.append(compact)  # 节能环保的支出 → 节能环保支出
    for key, values in g["aliases"].items():
        if normalize(key) in q:
            terms += [normalize(v) for v in values]
    metrics = {m for m, words in g["metrics"].items() if any(normalize(w) in q for w in words)}
    if "completion" in metrics:
        metrics -= {"budget", "share"}
    if "rate" in metrics or "score" in metrics:
        metrics.discard("actual")
    if "budget" in metrics and "actual" in metrics and "执行" in q:
        metrics.discard("budget")
    count_unit = None
    for unit, words in g["count_units"].items():
        if any(normalize(w) in q for w in words):
            count_unit = unit
            break
    if count_unit == "个" and not metrics & {"count"}:
        metrics.add("count")
    if re.search(r"率|百分|比例|比重|占比", q):
        metrics.add("percent")  # the figure asked for is a percentage
    years = [int(y) for y in _YEAR.findall(q)]
    return Intent(q, terms, metrics, count_unit, years)
