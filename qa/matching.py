"""Lexical matching between a question's terms and report text (labels, names, clauses)."""

from __future__ import annotations

import re
from functools import lru_cache

from qa.understand import Intent

# words that say nothing about *what* is asked
_STOP = (
    "是多少", "多少钱", "多少", "是什么", "有几", "几个", "花了", "请问",
    "今年", "本年", "本部门", "我们", "具体", "情况", "金额", "数额", "怎么样", "如何",
    "的", "了", "吗", "呢", "是", "?", "？", "。", "，",
)  # fmt: skip


@lru_cache(maxsize=4096)
def strip_stopwords(text: str) -> str:
    """The text with question words (多少, 是多少, 的, …) replaced by spaces."""
    for w in _STOP:
        text = text.replace(w, " ")
    return text


def longest_common(a: str, b: str) -> int:
    """Length of the longest common substring of ``a`` and ``b``."""
    if not a or not b:
        return 0
    if not any(ch in b for ch in a):
        return 0
    best = 0
    prev = [0] * (len(b) + 1)
    for ca in a:
        cur = [0] * (len(b) + 1)
        for j, cb in enumerate(b, start=1):
            if ca == cb:
                cur[j] = prev[j - 1] + 1
                if cur[j] > best:
                    best = cur[j]
        prev = cur
    return best


def contained(key: str, intent: Intent) -> bool:
    """``key`` appears verbatim in the question or one of its glossary expansions."""
    return bool(key) and any(key in t for t in intent.terms)


_BRACKETED = re.compile(r"[(（][^)）]{1,4}[)）]")
_LOOSE = re.compile(r"20\d{2}年?|[()（）\[\]【】、，,\s]")


def loose(text: str) -> str:
    """Names compared without years, brackets and list punctuation."""
    return _LOOSE.sub("", text)


def key_match(key: str, intent: Intent) -> float:
    """How well a label/name ``key`` is named by the question: 0 (not) … len(key) (fully).

    Full containment scores the key's length; otherwise the longest common part counts
    when it covers most of the key.
    """
    if not key:
        return 0.0
    if contained(key, intent):
        return float(len(key))
    bare = _BRACKETED.sub("", key)  # 维修(护)费 → 维修费, 因公出国(境)费 → 因公出国费
    if bare != key and len(bare) >= 2 and contained(bare, intent):
        return float(len(bare))
    best = max(longest_common(key, t) for t in intent.terms)
    if best >= 2 and best >= (0.66 if len(key) <= 3 else 0.75) * len(key):  # 取暖 ~ 取暖费
        return best * 0.8
    return 0.0


def coverage(text: str, intent: Intent, min_len: int = 2) -> int:
    """Characters of the question (without stopwords) found in ``text`` as runs ≥ min_len."""
    q = strip_stopwords(intent.text)
    covered = 0
    i = 0
    while i < len(q):
        if q[i] == " ":
            i += 1
            continue
        n = 0
        while i + n < len(q) and q[i + n] != " " and q[i : i + n + 1] in text:
            n += 1
        if n >= min_len:
            covered += n
            i += n
        else:
            i += 1
    extra = sum(len(t) for t in intent.terms[1:] if len(t) >= 2 and t in text)
    return covered + extra


_METRIC_ONLY = re.compile(
    r"预算数|年初预算|预算|决算数|决算|实际|执行率|执行数|执行|完成|花了|花费|支出了|得分|平均|比例|占比|"
    r"比上年|与上年|上年|去年|增加|减少|增长|下降|今年|本年|20\d\d年度?|多少|是多少|几|一共|总共|"
    r"支出|收入|经费|费用|资金|金额|情况|百分之|百分比|百分|比重|幅度|变化|增减"
)


def subject_named(text: str, intent: Intent) -> bool:
    """Some of what the question is *about* (not only its metric words) appears in ``text``.

    "火星预算？" names no subject the report has, so a sentence mentioning 预算 is no answer.
    """
    subject = _METRIC_ONLY.sub(" ", strip_stopwords(intent.text))
    parts = [p for p in subject.split() if len(p) >= 2]
    if not parts:
        return True  # the question is only a metric ("三公"-less totals): let scores decide
    probe = Intent(" ".join(parts), [" ".join(parts), *intent.terms[1:]])
    return coverage(text, probe) >= 2
