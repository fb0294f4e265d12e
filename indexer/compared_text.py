"""The compared form of a text: what questions and facts are matched on.

Half-width (NFKC), simplified Chinese, lower-case, without quotation marks and whitespace
(one space kept between two English words). The index stores the compared forms of every
fact (:mod:`indexer.fact_forms`), so the QA engine reads them instead of recomputing them.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import zhconv

_QUOTES = re.compile(r"[“”\"'‘’「」『』《》〈〉]")
_SPACE = re.compile(r"\s+")
_ASCII_GAP = re.compile(r"(?<=[a-z0-9])\s+(?=[a-z])")


@lru_cache(maxsize=131072)
def normalize(text: str) -> str:
    """Half-width, simplified, lower-case, without quotes and whitespace: the compared form."""
    text = unicodedata.normalize("NFKC", text)
    text = zhconv.convert(text, "zh-cn")
    text = _QUOTES.sub("", text).lower()
    text = _ASCII_GAP.sub("\x00", text)  # keep one space between two English words
    return _SPACE.sub("", text).replace("\x00", " ")
