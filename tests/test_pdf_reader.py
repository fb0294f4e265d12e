"""Tests for indexer.pdf_reader on the seed report, the real reports and broken files."""

from __future__ import annotations

import functools
import hashlib
import re
from pathlib import Path

import pytest

from indexer.errors import CorruptFileError, EncryptedFileError, NoTextLayerError, ReportError
from indexer.model import Block, Document, RawTable
from indexer.pdf_reader import clean_cell_text, join_wrapped, read_pdf
from tests.pdf_samples import build_pdf, encrypted_pdf, image_only_pdf, page_objects

REPORTS = Path(__file__).parent.parent / "data" / "reports"
SEED = REPORTS / "chaoyang-eeb-2024-final-accounts.pdf"
REAL = sorted((REPORTS / "real").glob("*.pdf"))
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def seed() -> Document:
    return read_pdf(SEED)


@functools.cache
def _real(name: str) -> Document:
    return read_pdf(REPORTS / "real" / name)


def _tables(doc: Document, page: int | None = None) -> list[RawTable]:
    return [t for t in doc.items if isinstance(t, RawTable) and page in (None, t.page)]


def _blocks(doc: Document) -> list[Block]:
    return [b for b in doc.items if isinstance(b, Block)]


def _texts(table: RawTable) -> list[list[str | None]]:
    return [[c.text for c in row] for row in table.grid]


# ---------------------------------------------------------------- seed report


def test_seed_document_metadata(seed: Document) -> None:
    assert seed.format == "pdf"
    assert seed.page_count == 154
    assert seed.source_path == str(SEED)
    assert seed.sha256 == hashlib.sha256(SEED.read_bytes()).hexdigest()
    assert seed.meta_title == "辽宁省朝阳市生态环境局2024年度部门决算"


def test_seed_items_in_page_order(seed: Document) -> None:
    pages = [item.page for item in seed.items]
    assert all(isinstance(p, int) and 1 <= p <= 154 for p in pages)
    assert pages == sorted(pages)


def test_sangong_table_on_page_29(seed: Document) -> None:
    (table,) = _tables(seed, 29)
    rows = _texts(table)
    assert rows[0] == ["项 目", "预算数", "决算数"]
    assert ["合 计", "104.77", "100.44"] in rows
    assert ["其中：（1）公务用车运行维护费", "84.64", "80.35"] in rows
    assert table.page == 29
    x0, top, x1, bottom = table.bbox
    assert 0 <= x0 < x1 <= 595.3 and 0 <= top < bottom <= 841.9
    for row in table.grid:
        assert len(row) == 3
        for cell in row:
            assert cell.page == 29
            cx0, ctop, cx1, cbottom = cell.bbox
            assert x0 - 1 <= cx0 < cx1 <= x1 + 1 and top - 1 <= ctop < cbottom <= bottom + 1


def test_title_code_and_unit_lines_precede_the_table(seed: Document) -> None:
    index = seed.items.index(_tables(seed, 29)[0])
    before = seed.items[index - 3 : index]
    assert all(isinstance(b, Block) and b.page == 29 for b in before)
    assert [b.text for b in before] == [
        "财政拨款“三公”经费支出决算表",
        "公开 07 表",
        "部门：辽宁省朝阳市生态环境局 2024 年度 金额单位：万元",
    ]


def test_all_standard_tables_are_found(seed: Document) -> None:
    codes = [b.text for b in _blocks(seed) if re.fullmatch(r"公开 0\d 表", b.text)]
    assert codes == [f"公开 0{i} 表" for i in range(1, 10)]
    for page in (19, 20, 22, 24, 26, 27, 29, 30, 31):
        assert _tables(seed, page), page


def test_cell_line_breaks_are_joined(seed: Document) -> None:
    texts = {c.text for t in _tables(seed, 20) for row in t.grid for c in row if c.text}
    assert {"本年收入合计", "附属单位上缴收入", "机关事业单位基本养老保险缴费"} <= texts
    assert not any("\n" in t for t in texts)


def test_grids_are_rectangular(seed: Document) -> None:
    for table in _tables(seed):
        width = len(table.grid[0])
        assert all(len(row) == width for row in table.grid)


def test_no_page_numbers_or_running_footers(seed: Document) -> None:
    page_number = re.compile(r"^[-—\s]*\d+[-—\s]*$|^第\s*\d+\s*页")
    assert not [b.text for b in _blocks(seed) if page_number.match(b.text)]
    assert not [b for b in _blocks(seed) if b.bbox[1] > 800 and b.page < 32]


def test_wide_landscape_performance_tables(seed: Document) -> None:
    wide = [t for t in _tables(seed) if t.page >= 32]
    assert len(wide) > 100
    assert all(t.bbox[2] > 600 for t in wide)  # landscape pages are 842 points wide
    assert max(len(t.grid[0]) for t in wide) >= 17
    first = _texts(wide[0])
    assert first[0][0] == "部门（单位）名称"


def test_narrative_paragraph_is_one_block(seed: Document) -> None:
    hits = [b for b in _blocks(seed) if "公务用车运行维护费 80.35 万元" in b.text]
    assert len(hits) == 1
    (block,) = hits
    assert block.text.startswith("其中：公务用车购置费 17.99 万元")
    assert block.text.endswith("公务用车保有量 41 辆。")
    assert isinstance(block.page, int) and block.bbox is not None
    assert "\n" not in block.text


def test_wrapped_list_items_and_headings_stay_apart(seed: Document) -> None:
    texts = [b.text for b in _blocks(seed) if b.page == 4]
    assert "二、部门决算单位构成" in texts
    assert "1. 辽宁省朝阳市生态环境局（本级）" in texts
    assert any(t.startswith("（十四）职能转变。") and t.endswith("建设美丽中国。") for t in texts)


# ---------------------------------------------------------------- real reports


@pytest.mark.parametrize("path", REAL, ids=[p.stem for p in REAL])
def test_real_report_reads(path: Path) -> None:
    doc = _real(path.name)
    assert doc.page_count and doc.page_count > 0
    tables = _tables(doc)
    assert tables
    for table in tables:
        assert len(table.grid[0]) >= 2
        assert len({len(row) for row in table.grid}) == 1
    assert any(CJK.search(b.text) for b in _blocks(doc))


def test_real_pdf_toc_table_becomes_blocks() -> None:
    doc = _real("上海市普陀区人民政府万里街道办事处_2024_部门预算.pdf")
    assert not _tables(doc, 2)
    toc = [b.text for b in _blocks(doc) if b.page == 2]
    assert "目 录" in toc
    assert any(t.startswith("一、部门主要职能") and "……" in t for t in toc)


def test_progress_is_reported_per_page() -> None:
    calls: list[tuple[int, int]] = []
    read_pdf(
        REPORTS / "real" / "上海市普陀区社会福利院_2024_单位预算.pdf",
        progress=lambda done, total: calls.append((done, total)),
    )
    assert calls == [(i, 16) for i in range(1, 17)]


def test_page_with_table_but_no_text_is_skipped() -> None:
    doc = _real("上海市普陀区财政局_2024_部门决算.pdf")
    assert doc.page_count == 25
    assert not [item for item in doc.items if item.page == 14]
    assert _tables(doc, 13) and _tables(doc, 15)


def test_merged_cells_are_none() -> None:
    doc = _real("上海市普陀区财政局_2024_部门决算.pdf")
    (table,) = _tables(doc, 8)
    assert _texts(table)[0][:5] == ["项目", None, None, None, "本年收入合计"]
    assert table.grid[0][1].bbox is None and table.grid[0][1].page == 8
    assert _texts(table)[3][:5] == ["类", "款", "项", "合计", "2,946.25"]


# ---------------------------------------------------------------- helpers


def test_clean_cell_text() -> None:
    assert clean_cell_text("项目(政策)名\n称") == "项目(政策)名称"
    assert (
        clean_cell_text("306001 朝阳市生态环\n境局-211300000")
        == "306001 朝阳市生态环境局-211300000"
    )
    assert clean_cell_text("ABC\nDEF") == "ABC DEF"
    assert clean_cell_text("  合   计 \n") == "合 计"
    assert clean_cell_text("1,234.50") == "1,234.50"
    assert clean_cell_text("１００％") == "１００％"


def test_join_wrapped() -> None:
    assert join_wrapped("收入", "合计") == "收入合计"
    assert join_wrapped("total", "2024") == "total 2024"
    assert join_wrapped("收入", "9491.05 万元") == "收入9491.05 万元"
    assert join_wrapped("收入", "9491.05 万元", spaced_numbers=True) == "收入 9491.05 万元"


# ---------------------------------------------------------------- bad input


def _assert_error(path: Path, error: type[ReportError], phrase: str) -> None:
    with pytest.raises(error) as caught:
        read_pdf(path)
    assert caught.value.path == str(path)
    assert path.name in caught.value.message
    assert phrase in caught.value.message
    assert CJK.search(caught.value.message)


def test_hand_built_pdf_helper_makes_readable_pdfs(tmp_path: Path) -> None:
    path = tmp_path / "hello.pdf"
    font = b"<< /Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >> >>"
    path.write_bytes(build_pdf(page_objects(b"BT /F1 12 Tf 72 720 Td (Hello report) Tj ET", font)))
    doc = read_pdf(path)
    assert [b.text for b in _blocks(doc)] == ["Hello report"]


def test_random_bytes_are_corrupt(tmp_path: Path) -> None:
    path = tmp_path / "随机数据.pdf"
    path.write_bytes(bytes((i * 7919) % 256 for i in range(5000)))
    _assert_error(path, CorruptFileError, "已损坏")


def test_truncated_pdf_is_corrupt(tmp_path: Path) -> None:
    data = (REPORTS / "real" / "上海市普陀区社会福利院_2024_单位预算.pdf").read_bytes()
    path = tmp_path / "truncated.pdf"
    path.write_bytes(data[: len(data) // 2])
    _assert_error(path, CorruptFileError, "已损坏")


def test_pdf_header_with_garbage_is_corrupt(tmp_path: Path) -> None:
    path = tmp_path / "garbage.pdf"
    path.write_bytes(b"%PDF-1.7\n" + b"\x00garbage" * 200)
    _assert_error(path, CorruptFileError, "已损坏")


def test_non_pdf_is_corrupt(tmp_path: Path) -> None:
    path = tmp_path / "report.pdf"
    path.write_text("部门决算\n这不是 PDF 文件。\n", encoding="utf-8")
    _assert_error(path, CorruptFileError, "不是有效的 PDF")


def test_encrypted_pdf(tmp_path: Path) -> None:
    path = tmp_path / "加密.pdf"
    path.write_bytes(encrypted_pdf(b"secret", b"owner-secret"))
    _assert_error(path, EncryptedFileError, "密码")


def test_image_only_pdf_has_no_text_layer(tmp_path: Path) -> None:
    path = tmp_path / "scan.pdf"
    path.write_bytes(image_only_pdf())
    _assert_error(path, NoTextLayerError, "OCR")
