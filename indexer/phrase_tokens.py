"""The jieba tokens of a text's compared form: what BM25 matches questions and fact phrases on.

The index stores each fact phrase's tokens (:mod:`indexer.fact_table`), so the QA engine
tokenises only the question.
"""

from __future__ import annotations

import logging

import jieba

from indexer.compared_text import normalize

jieba.setLogLevel(logging.WARNING)
SEPARATOR = "\x1f"  # joins stored tokens; never inside a token (normalize keeps no control chars)


def tokenize(text: str) -> list[str]:
    """jieba tokens of the normalised text, without single punctuation marks."""
    return [t for t in jieba.lcut(normalize(text)) if t.strip() and (len(t) > 1 or t.isalnum())]


def join_tokens(tokens: list[str]) -> str:
    return SEPARATOR.join(tokens)


def split_tokens(stored: str | None) -> list[str]:
    return stored.split(SEPARATOR) if stored else []
