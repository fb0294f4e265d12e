"""Exact figures: parse printed amounts into Decimal without rounding, and normalise text."""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation

_AMOUNT = re.compile(r"^[-−]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?%?$")
_WS = re.compile(r"\s+")


def normalize_text(text: str) -> str:
    """Collapse runs of whitespace; every other character stays as printed."""
    return _WS.sub(" ", text).strip()


def squash(text: str) -> str:
    """Text with all whitespace removed, NFKC-normalised: for comparing labels and titles."""
    return _WS.sub("", unicodedata.normalize("NFKC", text))


def is_amount(text: str | None) -> bool:
    """True when ``text`` is a printed number such as ``9,491.05``, ``-44``, ``52.27%``."""
    if not text:
        return False
    return bool(_AMOUNT.match(squash(text)))


def parse_amount(text: str | None) -> Decimal | None:
    """The exact value printed in ``text`` (``'9,491.05'`` → ``Decimal('9491.05')``), else None.

    A trailing ``%`` is dropped (the unit says it); nothing is rounded.
    """
    if not is_amount(text):
        return None
    s = squash(text or "").replace(",", "").replace("−", "-").rstrip("%")
    try:
        return Decimal(s)
    except InvalidOperation:
        return None


def format_decimal(value: Decimal) -> str:
    """A Decimal as the plain string it was printed with, minus grouping commas."""
    return format(value, "f")
