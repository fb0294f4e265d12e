"""Batch indexing on executors: the shipped PDFs (Shanghai and Jiangsu; the 154-page seed PDF
is indexed by other tests) parsed one task per file by a local process pool and by a local
Dask cluster of two worker processes give the same index; the registry of that index."""

from __future__ import annotations

import shutil
import sqlite3
import time
from pathlib import Path

import pytest

from indexer.executors import DaskExecutor, LocalExecutor
from indexer.index import current_build
from indexer.pipeline import build_index
from indexer.registry import Registry
from qa.router import find_departments, select_reports
from tests.conftest import DATA

SHIPPED_PDFS = sorted((DATA / "real").glob("*.pdf")) + sorted((DATA / "jiangsu").glob("*.pdf"))
# each Jiangsu department publishes a narrative PDF and a tables PDF: one report of two files
SHIPPED_REPORTS = len(SHIPPED_PDFS) - len(list((DATA / "jiangsu").glob("*.pdf"))) // 2
CONTENT = ("reports", "tables", "rows", "cells", "paragraphs", "unit_performance",
           "project_performance", "facts", "phrases", "report_registry", "departments")  # fmt: skip


@pytest.fixture(scope="module")
def corrupt_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    bad = tmp_path_factory.mktemp("bad") / "损坏的报告.pdf"
    bad.write_bytes(b"%PDF-1.7\n this is not a PDF body")
    return bad


@pytest.fixture(scope="module")
def pool_index(tmp_path_factory, vector_cache, corrupt_pdf) -> tuple[Path, object]:
    index_dir = tmp_path_factory.mktemp("pool") / "index"
    files = [*SHIPPED_PDFS, corrupt_pdf]
    result = build_index(files, index_dir, cache_dir=vector_cache, executor=LocalExecutor(2))
    return index_dir, result


def contents(index_dir: Path) -> dict[str, list[tuple]]:
    """Every row of every content table, in id order (the build date left out)."""
    db = sqlite3.connect(str(current_build(index_dir) / "store.sqlite"))
    out = {}
    for table in CONTENT:
        cols = [c[1] for c in db.execute(f"PRAGMA table_info({table})") if c[1] != "indexed_at"]
        out[table] = db.execute(f"SELECT {', '.join(cols)} FROM {table} ORDER BY 1").fetchall()
    db.close()
    return out


@pytest.mark.slow
def test_process_pool_indexes_every_file_and_reports_the_bad_one(pool_index) -> None:
    _, result = pool_index
    status = {Path(s.path).name: s.status for s in result.reports}
    assert [Path(s.path).name for s in result.reports][-1] == "损坏的报告.pdf"  # input order
    assert status.pop("损坏的报告.pdf") == "failed"
    assert set(status.values()) == {"indexed"} and len(status) == len(SHIPPED_PDFS)
    assert "文件已损坏" in result.reports[-1].error


@pytest.mark.slow
def test_dask_cluster_builds_the_same_index(
    pool_index, tmp_path_factory, vector_cache, corrupt_pdf
) -> None:
    from distributed import Client, LocalCluster

    pool_dir, pool_result = pool_index
    dask_dir = tmp_path_factory.mktemp("dask") / "index"
    with (
        LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                     dashboard_address=None) as cluster,
        Client(cluster) as client,
    ):  # fmt: skip
        result = build_index([*SHIPPED_PDFS, corrupt_pdf], dask_dir, cache_dir=vector_cache,
                             executor=DaskExecutor(client))  # fmt: skip
        assert len(client.scheduler_info()["workers"]) == 2
    assert [(s.path, s.status, s.tables, s.rows, s.facts) for s in result.reports] == [
        (s.path, s.status, s.tables, s.rows, s.facts) for s in pool_result.reports
    ]
    pool, dask = contents(pool_dir), contents(dask_dir)
    assert len(pool["reports"]) == SHIPPED_REPORTS and len(pool["cells"]) > 5_000
    for table in CONTENT:
        assert dask[table] == pool[table], table


@pytest.mark.slow
def test_registry_of_the_shipped_reports(pool_index) -> None:
    index_dir, _ = pool_index
    registry = Registry.open(index_dir)
    assert len(registry) == SHIPPED_REPORTS
    # 江苏省委办公厅 (the text file's cover) and 中共江苏省委办公厅 (the tables') are one
    assert "江苏省委办公厅" not in registry.departments
    assert select_reports(registry, ["中共江苏省委办公厅"], 2019)
    office = select_reports(registry, ["上海市普陀区人民政府办公室"], 2025, "预算")
    assert sorted(r.scope for r in office) == ["单位", "部门"]
    (m,) = find_departments("区府办2025年单位预算的收入是多少", registry)
    assert m.departments == ("上海市普陀区人民政府办公室",)
    (m,) = find_departments("万里街道2023年的三公经费", registry)
    assert [r.year for r in select_reports(registry, m.departments)] == [2023, 2024, 2025]


@pytest.mark.slow
def test_registry_loads_without_the_report_contents(pool_index, tmp_path) -> None:
    index_dir, _ = pool_index
    full = Registry.open(index_dir)
    copy = tmp_path / "store.sqlite"
    shutil.copyfile(current_build(index_dir) / "store.sqlite", copy)
    with sqlite3.connect(str(copy)) as db:
        for table in ("cells", "rows", "tables", "paragraphs", "facts"):
            db.execute(f"DROP TABLE {table}")
    registry = Registry.load(copy)
    assert registry.reports == full.reports and registry.departments == full.departments


@pytest.mark.slow
def test_an_index_built_before_the_registry_is_read_from_its_reports(pool_index, tmp_path) -> None:
    index_dir, _ = pool_index
    full = Registry.open(index_dir)
    old = tmp_path / "store.sqlite"
    shutil.copyfile(current_build(index_dir) / "store.sqlite", old)
    with sqlite3.connect(str(old)) as db:
        db.execute("DROP TABLE report_registry")
        db.execute("DROP TABLE departments")
    registry = Registry.load(old)
    assert registry.reports == full.reports
    assert registry.departments.keys() == full.departments.keys()


def test_local_executor_yields_every_position_once() -> None:
    items = [0.3, 0.0, 0.1, 0.2]
    got = dict(LocalExecutor(2).map(time.sleep, items))
    assert sorted(got) == [0, 1, 2, 3] and set(got.values()) == {None}


def test_local_executor_rejects_no_workers() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        LocalExecutor(0)
