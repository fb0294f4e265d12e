"""The plain-text reader on the real Chaoyang EEB 2024 extraction, and on bad input."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest

from indexer.errors import CorruptFileError, UnsupportedFileError
from indexer.model import Block, Document, RawTable
from indexer.readers import read_report_file
from indexer.text_reader import read_text

REPORTS = Path(__file__).parent.parent / "data" / "reports"
TXT = REPORTS / "chaoyang-eeb-2024-final-accounts.txt"

UNIT_TITLE = "部门（单位）整体绩效自评表"
PROJECT_TITLE = "预算项目(政策)绩效自评表 (2024 年度)"


@pytest.fixture(scope="module")
def doc() -> Document:
    return read_text(TXT)


def texts(table: RawTable) -> list[list[str]]:
    return [[c.text or "" for c in row] for row in table.grid]


def tables(doc: Document) -> list[RawTable]:
    return [i for i in doc.items if isinstance(i, RawTable)]


def blocks(doc: Document) -> list[str]:
    return [i.text for i in doc.items if isinstance(i, Block)]


def table_after(doc: Document, code: str) -> tuple[int, RawTable]:
    """The first table after the Block reading ``code`` (e.g. '公开 07 表')."""
    start = next(i for i, it in enumerate(doc.items) if isinstance(it, Block) and it.text == code)
    index = next(i for i in range(start, len(doc.items)) if isinstance(doc.items[i], RawTable))
    return index, doc.items[index]


def test_document_fields(doc: Document) -> None:
    assert doc.source_path == str(TXT)
    assert doc.sha256 == hashlib.sha256(TXT.read_bytes()).hexdigest()
    assert doc.format == "txt"
    assert doc.page_count is None and doc.meta_title is None
    for item in doc.items:
        assert item.page is None and item.bbox is None
        if isinstance(item, RawTable):
            assert all(c.page is None and c.bbox is None for row in item.grid for c in row)


def test_counts(doc: Document) -> None:
    assert len(tables(doc)) == 9 + 20 + 74
    assert len(blocks(doc)) == 423


def test_nine_public_tables_in_order(doc: Document) -> None:
    indexes = [table_after(doc, f"公开 {n:02d} 表")[0] for n in range(1, 10)]
    assert indexes == sorted(indexes)
    assert len(set(indexes)) == 9
    # the nine public tables are the first nine tables of the document
    first_nine = [i for i, it in enumerate(doc.items) if isinstance(it, RawTable)][:9]
    assert indexes == first_nine


def test_sangong_table_07(doc: Document) -> None:
    index, table = table_after(doc, "公开 07 表")
    assert [b.text for b in doc.items[index - 5 : index]] == [
        "财政拨款“三公”经费支出决算表",
        "公开 07 表",
        "部门：辽宁省朝阳市生态环境局",
        "2024 年度",
        "金额单位：万元",
    ]
    assert texts(table) == [
        ["项 目", "预算数", "决算数"],
        ["合 计", "104.77", "100.44"],
        ["1、因公出国（境）费", "", ""],
        ["2、公务接待费", "2.13", "2.10"],
        ["3、公务用车购置及运行费", "102.64", "98.34"],
        ["其中：（1）公务用车运行维护费", "84.64", "80.35"],
        ["（2）公务用车购置费", "18.00", "17.99"],
    ]


def test_table_01_spans_page_break(doc: Document) -> None:
    _, table = table_after(doc, "公开 01 表")
    rows = texts(table)
    assert len(rows) == 3 + 31
    assert all(len(row) == 6 for row in rows)
    assert rows[0][0] == "收入" and rows[1][:3] == ["项目", "行次", "金额"]
    lines = [row[1] for row in rows[3:]]
    assert lines == [str(n) for n in range(1, 32)]
    # rows on both sides of the blank line in the middle
    assert rows[3 + 21] == ["", "22", "", "二十二、灾害防治及应急管理支出", "53", ""]
    assert rows[3 + 22] == ["", "23", "", "二十三、其他支出", "54", ""]
    assert rows[-1] == ["总计", "31", "9,491.05", "总计", "62", "9,491.05"]


def test_rows_padded_to_same_width(doc: Document) -> None:
    for table in tables(doc):
        widths = {len(row) for row in table.grid}
        assert len(widths) == 1


def test_performance_tables_preceded_by_titles(doc: Document) -> None:
    units = projects = 0
    for i, item in enumerate(doc.items):
        if not isinstance(item, RawTable) or i < 2:
            continue
        before = [it.text for it in doc.items[i - 2 : i] if isinstance(it, Block)]
        if before == [UNIT_TITLE, "2024 年年度"]:
            units += 1
        elif before[-1:] == [PROJECT_TITLE]:
            projects += 1
    assert (units, projects) == (20, 74)
    assert blocks(doc).count(UNIT_TITLE) == 20
    assert blocks(doc).count(PROJECT_TITLE) == 74


def test_no_tags_survive(doc: Document) -> None:
    cells = [c.text or "" for t in tables(doc) for row in t.grid for c in row]
    assert not any(re.search(r"</?p>", s) for s in blocks(doc) + cells)
    assert "<=" in cells  # comparison operators are not tags
    # the tagged cell keeps its text
    assert any(
        s.startswith("一、完成全年绩效目标任务。") and s.endswith("降低运行成本。") for s in cells
    )


def test_page_break_paragraph_merged(doc: Document) -> None:
    merged = [b for b in blocks(doc) if "监督指导农业面源污染治理工作。负责应对气候变化工作。" in b]
    assert len(merged) == 1
    assert merged[0].startswith("（五）负责环境污染防治的监督管理。")
    assert "污染治理工作。负责应对气候变化工作。" not in blocks(doc)
    # a sentence split in the middle of a number-free phrase, across a blank line
    assert any("根据年初设定的绩效目标，项目自评得分 99.81 分" in b for b in blocks(doc))


def test_titles_never_merged(doc: Document) -> None:
    all_blocks = blocks(doc)
    for title in [
        "第四部分 2024 年度部门决算表",
        "收入支出决算总表",
        "公开 01 表",
        "部门：辽宁省朝阳市生态环境局",
        "2024 年度",
        "一、主要职责",
        "二、部门决算单位构成",
        "第五部分 附件",
        UNIT_TITLE,
        PROJECT_TITLE,
    ]:
        assert title in all_blocks
    assert "1. 辽宁省朝阳市生态环境局（本级）" in all_blocks


def test_page_numbers_dropped_and_gb18030(tmp_path: Path) -> None:
    path = tmp_path / "报告.txt"
    lines = ["一、总体情况", "本年度一般公共预算财政拨款支出总计 100.00 万元，", "- 3 -"]
    lines += ["较上年增长 5%。", "项目\t金额"]
    text = "\n\n".join(lines) + "\n"
    path.write_bytes(text.encode("gb18030"))
    doc = read_text(path)
    assert [i.text for i in doc.items if isinstance(i, Block)] == [
        "一、总体情况",
        "本年度一般公共预算财政拨款支出总计 100.00 万元，较上年增长 5%。",
    ]
    assert texts(tables(doc)[0]) == [["项目", "金额"]]


def test_undecodable_bytes(tmp_path: Path) -> None:
    path = tmp_path / "broken.txt"
    path.write_bytes(b"\x80\xff\x80\xff" * 10)
    with pytest.raises(CorruptFileError) as err:
        read_text(path)
    assert "broken.txt" in err.value.message and "编码" in err.value.message


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    with pytest.raises(CorruptFileError) as err:
        read_report_file(path)
    assert "empty.txt" in err.value.message and "文件为空" in err.value.message


def test_unsupported_extension(tmp_path: Path) -> None:
    path = tmp_path / "report.docx"
    path.write_bytes(b"PK\x03\x04 not a report")
    with pytest.raises(UnsupportedFileError) as err:
        read_report_file(path)
    assert err.value.message == (
        "不支持的文件类型：report.docx。请提供 PDF 或纯文本（.txt）格式的报告。"
    )


def test_dispatch_txt(doc: Document) -> None:
    assert read_report_file(TXT).sha256 == doc.sha256
