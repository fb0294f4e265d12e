"""Typed errors of the QA side; their Chinese text comes from :mod:`qa.messages`."""

from __future__ import annotations

from qa import messages

MAX_QUESTION_CHARS = 500


class QuestionError(ValueError):
    """A question that cannot be asked: ``kind`` is empty | too_long; ``message`` is Chinese."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message


def validate(question: str | None) -> str:
    """The question stripped, or QuestionError for empty or over-long input."""
    if question is None or not str(question).strip():
        raise QuestionError("empty", messages.EMPTY_QUESTION)
    q = str(question).strip()
    if len(q) > MAX_QUESTION_CHARS:
        raise QuestionError("too_long", messages.too_long(len(q), MAX_QUESTION_CHARS))
    return q
