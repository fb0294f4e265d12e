"""A cache of what the readers extracted, by file hash: re-indexing after an upgrade of the
later stages (structure, facts, phrases) does not read the PDF again.

Entries are pickles under ``cache_dir/documents/<reader version>/<sha256>.pkl``, written
atomically; a damaged or missing entry is read again from the file.
"""

from __future__ import annotations

import logging
import os
import pickle
from collections.abc import Callable
from pathlib import Path

from indexer.model import Document
from indexer.readers import read_report_file

log = logging.getLogger(__name__)
READER_VERSION = "5"  # bump when a reader's output changes


def read_cached(
    path: Path,
    sha256: str,
    cache_dir: Path | None,
    progress: Callable[[int, int], None] | None = None,
    page_workers: int | None = None,
) -> Document:
    """The reader's document for ``path``, from the cache when its hash was read before."""
    if cache_dir is None:
        return read_report_file(path, progress, page_workers)
    entry = cache_dir / "documents" / READER_VERSION / f"{sha256}.pkl"
    if entry.exists():
        try:
            with entry.open("rb") as f:
                doc = pickle.load(f)
            doc.source_path = str(path)
            return doc
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError) as e:
            log.warning("document cache entry %s unreadable (%s): reading again", entry, e)
    doc = read_report_file(path, progress, page_workers)
    entry.parent.mkdir(parents=True, exist_ok=True)
    tmp = entry.with_suffix(f".{os.getpid()}.tmp")
    with tmp.open("wb") as f:
        pickle.dump(doc, f, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(tmp, entry)
    return doc
