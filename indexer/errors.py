"""Errors the indexer raises for bad input; ``message`` is Chinese and meant for the user."""

from __future__ import annotations


class ReportError(Exception):
    """A file could not be indexed. ``message`` says which file and what to do, in Chinese."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}")
        self.path = path
        self.message = message


class UnsupportedFileError(ReportError):
    """Neither a PDF nor a plain-text extraction."""


class CorruptFileError(ReportError):
    """The file cannot be parsed (truncated, damaged, not really a PDF)."""


class EncryptedFileError(ReportError):
    """The PDF is password-protected."""


class NoTextLayerError(ReportError):
    """The PDF has no extractable text (a scan)."""
