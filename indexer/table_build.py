"""Turn one table grid and the title lines printed with it into a typed :class:`Table`.

Header rows become column paths; side-by-side halves (收入 | 支出 功能分类 | 支出 支出用途)
become groups whose rows are separate logical rows; one label column, or a hierarchy of
them (一般公共预算资金 › 小计, a 政府采购 category › item), becomes each row's label; every
cell gets its exact Decimal value and unit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from indexer.model import PATH_SEP, Block, Cell, RawCell, RawTable, Row, Table
from indexer.numbers import is_amount, parse_amount, squash
from indexer.standard_tables import classify_table

CODE_TEXT = re.compile(r"^\d{3}(\s?\d{1,2}){0,3}$")
TOTAL_WORDS = ("合计", "总计")
# header leaves of the column that names a row (a side-by-side half starts with one)
LABEL_LEAVES = ("项目", "科目名称", "名称")
# header words of further label columns of a hierarchy (专项名称, 经济科目, 采购品目大类)
LABEL_WORDS = ("项目", "名称", "科目", "品目")
SKIP_LEAVES = ("行次",)
HEADER_OVERFLOW_CHARS = 2  # a header word wrapped into the first body row: "采购组织形" + "式"
LABEL_SEP = PATH_SEP


@dataclass
class TableMeta:
    """The lines printed with a table: title, 公开NN表 code, unit, department line."""

    title: str = ""
    code: str | None = None
    unit: str | None = None
    department_line: str | None = None
    lines: list[Block] = field(default_factory=list)


def cell_text(c: RawCell) -> str:
    return " ".join(c.text.split()) if c.text else ""


def build_table(
    raw: RawTable,
    meta: TableMeta,
    table_id: int,
    section: tuple[str, ...],
    source_path: str | None = None,
) -> Table | None:
    """A typed table, or None for an empty grid."""
    grid = [[cell_text(c) for c in row] for row in raw.grid]
    if not grid:
        return None
    width = max(len(r) for r in grid)
    grid = [r + [""] * (width - len(r)) for r in grid]
    kind = classify_table(meta.title, meta.code)
    pages = [c.page for row in raw.grid for c in row if c.page is not None]
    table = Table(
        id=table_id,
        title=meta.title,
        code=meta.code,
        unit=meta.unit,
        columns=[],
        rows=[],
        kind=kind,
        department_line=meta.department_line,
        page_start=min(pages) if pages else raw.page,
        page_end=max(pages) if pages else raw.page,
        section=section,
        source_path=source_path,
    )
    if kind in ("unit_perf", "project_perf"):
        table.rows = _form_rows(raw, grid)
        return table
    n_header = 0
    while n_header < len(grid) and not _is_data_row(grid[n_header]):
        n_header += 1
    header = [r for r in grid[:n_header] if squash(next((c for c in r if c), "")) != "栏次"]
    if header and n_header < len(grid):
        _lift_header_overflow(header[-1], grid[n_header])
    paths = _header_paths(header, width)
    table.columns = paths
    body = grid[n_header:]
    for g, (lo, hi) in enumerate(_groups(paths, body)):
        _add_group_rows(table, raw, grid, n_header, (g, lo, hi), paths)
    table.rows = _adopt_orphan_values(table.rows)
    return table


# ---------------------------------------------------------------- header


def _is_data_row(cells: list[str]) -> bool:
    first = next((c for c in cells if c), "")
    rest = cells[cells.index(first) + 1 :] if first else []
    if squash(first) in TOTAL_WORDS:
        # a total row, unless header words stand beside it (合计 | 因公出国(境)费 | …)
        return _has_amount(rest) or not any(c and not is_amount(c) for c in rest)
    if squash(first) == "栏次":
        return False
    return _has_amount(cells) or any(CODE_TEXT.match(c) for c in cells[:2])


def _has_amount(cells: list[str]) -> bool:
    return any(is_amount(c) and not CODE_TEXT.match(c) for c in cells)


def _lift_header_overflow(header: list[str], first_body: list[str]) -> None:
    """A header word that wrapped into the first body row (a total row) goes back up."""
    first = next((c for c in first_body if c), "")
    if squash(first) not in TOTAL_WORDS:
        return
    start = first_body.index(first) + 1
    for j in range(start, len(first_body)):
        text = first_body[j]
        if text and not is_amount(text) and len(text) <= HEADER_OVERFLOW_CHARS and header[j]:
            header[j] += text
            first_body[j] = ""


def _header_paths(header: list[list[str]], width: int) -> list[tuple[str, ...]]:
    """Column paths from multi-row headers; spanning labels fill right until the next label."""
    filled: list[list[str]] = []
    for r, row in enumerate(header):
        is_last = r == len(header) - 1
        cur: list[str] = []
        last, last_col = "", -1
        above = filled[r - 1] if r else None
        for j in range(width):
            t = squash(row[j]) if j < len(row) else ""
            if t:
                last, last_col = t, j
                cur.append(t)
            elif not is_last and last and (above is None or above[j] == above[last_col]):
                cur.append(last)  # a spanning label, within its parent's span
            else:
                cur.append("")
        filled.append(cur)
    paths: list[tuple[str, ...]] = []
    for j in range(width):
        segs: list[str] = []
        for r in range(len(filled)):
            t = filled[r][j]
            if t and (not segs or segs[-1] != t) and t != "栏次":
                segs.append(t)
        paths.append(tuple(segs))
    return paths


# ---------------------------------------------------------------- columns


def _leaf(path: tuple[str, ...]) -> str:
    return path[-1] if path else ""


def _is_code_column(path: tuple[str, ...]) -> bool:
    """科目编码 columns, including codes split into 类 | 款 | 项 columns."""
    leaf = _leaf(path)
    return "编码" in leaf or (leaf in ("类", "款", "项") and any("编码" in p for p in path))


def _is_text_column(body: list[list[str]], j: int) -> bool:
    texts = [r[j] for r in body if r[j]]
    return bool(texts) and sum(not is_amount(t) for t in texts) >= len(texts) / 2


def _is_figure_column(body: list[list[str]], j: int) -> bool:
    texts = [r[j] for r in body if r[j]]
    return bool(texts) and sum(is_amount(t) for t in texts) > len(texts) / 2


def _groups(paths: list[tuple[str, ...]], body: list[list[str]]) -> list[tuple[int, int]]:
    """Split side-by-side tables (项目|金额|功能科目名称|金额|项目名称|金额) into column ranges.

    A half starts where the first column's header leaf repeats, or where a naming column
    (…名称, 项目) follows a column of figures.
    """
    leaves = [_leaf(p) for p in paths]
    if not paths or not any(k in "".join(paths[0]) for k in ("项目", "科目", "编码", "名称")):
        return [(0, len(leaves))]  # only a label column repeats (not 预算数 | 决算数 pairs)
    code_cols = _code_columns(paths, body, 0, len(paths))
    starts = [0]
    for j in range(1, len(leaves)):
        leaf, prev = leaves[j], paths[j - 1]
        if not leaf or j - starts[-1] < 2:
            continue
        after_figures = (
            j - 1 not in code_cols
            and not any(w in _leaf(prev) for w in LABEL_WORDS)
            and _is_figure_column(body, j - 1)
        )
        if leaf == leaves[0] or (leaf.endswith(LABEL_LEAVES) and after_figures):
            starts.append(j)
    if len(starts) < 2:
        return [(0, len(leaves))]
    bounds = [*starts, len(leaves)]
    return [(bounds[k], bounds[k + 1]) for k in range(len(starts))]


def _code_columns(
    paths: list[tuple[str, ...]], body: list[list[str]], lo: int, hi: int
) -> list[int]:
    code_cols = [j for j in range(lo, hi) if _is_code_column(paths[j])]
    # codes split over columns whose header says nothing (类/款/项 printed in the body)
    for j in range(lo, hi):
        texts = [r[j] for r in body if r[j]]
        if (
            code_cols
            and j == code_cols[-1] + 1
            and texts
            and sum(bool(re.fullmatch(r"\d{2}", t)) for t in texts) >= 0.8 * len(texts)
        ):
            code_cols.append(j)
    return code_cols


def _label_and_code_columns(
    paths: list[tuple[str, ...]], body: list[list[str]], lo: int, hi: int
) -> tuple[list[int], list[int]]:
    """The code columns and the label columns (one, or a hierarchy left to right)."""
    code_cols = _code_columns(paths, body, lo, hi)
    label_col = next(
        (j for j in range(lo, hi) if j not in code_cols and _leaf(paths[j]).endswith(LABEL_LEAVES)),
        None,
    )
    if label_col is None:
        # the first column whose cells are mostly non-numeric text
        label_col = next(
            (j for j in range(lo, hi) if j not in code_cols and _is_text_column(body, j)), None
        )
    if label_col is None:
        return code_cols, []

    def naming(j: int) -> bool:
        leaf = _leaf(paths[j])
        return (
            j not in code_cols
            and leaf not in SKIP_LEAVES
            and (not leaf or any(w in leaf for w in LABEL_WORDS))
            and _is_text_column(body, j)
        )

    first, last = label_col, label_col
    while first - 1 >= lo and naming(first - 1) and _leaf(paths[first - 1]):
        first -= 1
    while last + 1 < hi and naming(last + 1):
        last += 1
    return code_cols, list(range(first, last + 1))


# ---------------------------------------------------------------- rows


def _add_group_rows(
    table: Table,
    raw: RawTable,
    grid: list[list[str]],
    n_header: int,
    span: tuple[int, int, int],
    paths: list[tuple[str, ...]],
) -> None:
    g, lo, hi = span
    body = grid[n_header:]
    code_cols, label_cols = _label_and_code_columns(paths, body, lo, hi)
    group = _group_name(paths, lo, hi, label_cols)
    carried: list[str] = [""] * len(label_cols)
    for i, row in enumerate(body, start=n_header):
        label = _row_label([row[j] for j in label_cols], carried)
        code_text = "".join(row[j] for j in code_cols)
        code = None
        if code_text and CODE_TEXT.match(code_text):
            code = re.sub(r"\s+", "", code_text)
        elif code_text and not label:
            label = code_text
        cells: list[Cell] = []
        for j in range(lo, hi):
            if j in code_cols or j in label_cols or _leaf(paths[j]) in SKIP_LEAVES:
                continue
            text = row[j]
            rc = raw.grid[i][j] if j < len(raw.grid[i]) else RawCell("")
            cells.append(
                Cell(
                    column=paths[j],
                    text=text,
                    value=parse_amount(text),
                    unit=_cell_unit(text, paths[j], table.unit),
                    page=rc.page,
                    bbox=rc.bbox,
                )
            )
        first = raw.grid[i][label_cols[0] if label_cols else lo]
        table.rows.append(
            Row(
                index=i * 10 + g,
                label=label,
                cells=cells,
                code=code,
                group=group,
                page=first.page,
                bbox=_row_bbox(raw.grid[i][lo:hi]),
            )
        )


def _group_name(
    paths: list[tuple[str, ...]], lo: int, hi: int, label_cols: list[int]
) -> str | None:
    """The header above a side-by-side half's naming column (收入; 支出 › 功能分类)."""
    if hi - lo == len(paths):
        return None
    label_path = paths[label_cols[0]] if label_cols else ()
    if len(label_path) > 1:
        return PATH_SEP.join(label_path[:-1])
    return paths[lo][0] if len(paths[lo]) > 1 else None


def _row_label(texts: list[str], carried: list[str]) -> str:
    """The row's label; in a hierarchy of label columns, blank parents repeat the last row's.

    ``carried`` holds the hierarchy as of the previous row and is updated in place.
    """
    if len(texts) <= 1:
        return texts[0] if texts else ""
    deepest = max((k for k, t in enumerate(texts) if t), default=None)
    if deepest is None:
        return ""
    parts = [t or carried[k] for k, t in enumerate(texts[: deepest + 1])]
    carried[:] = parts + [""] * (len(texts) - deepest - 1)
    return LABEL_SEP.join(p for p in parts if p)


def _adopt_orphan_values(rows: list[Row]) -> list[Row]:
    """Side-by-side rows whose values drifted into the next group join the labelled row.

    E.g. ``公用经费合计 | | | … | 458.52``: the label sits in group 2, the figure in group 3.
    Rows with neither label nor code are dropped after that.
    """
    rows.sort(key=lambda r: r.index)
    out: list[Row] = []
    for row in rows:
        if row.label or row.code:
            out.append(row)
            continue
        filled = [c for c in row.cells if c.text]
        prev = out[-1] if out else None
        if filled and (prev is None or prev.index // 10 != row.index // 10):
            out.append(row)  # an unlabelled figures-only row (e.g. a one-line 三公 table)
            continue
        if filled and prev is not None:
            empty = [c for c in prev.cells if not c.text]
            for src, dst in zip(filled, empty[-len(filled) :], strict=False):
                dst.text, dst.value, dst.unit = src.text, src.value, src.unit
                dst.page, dst.bbox = src.page, src.bbox
            prev.group = _common_group(prev.group, row.group)  # 当年支出小计 spans both 支出 halves
    return out


def _common_group(a: str | None, b: str | None) -> str | None:
    if a is None or b is None or a == b:
        return a
    common = []
    for x, y in zip(a.split(PATH_SEP), b.split(PATH_SEP), strict=False):
        if x != y:
            break
        common.append(x)
    return PATH_SEP.join(common) or None


def _form_rows(raw: RawTable, grid: list[list[str]]) -> list[Row]:
    """Performance tables are forms: a row is its first text and the texts after it."""
    rows = []
    for i, row in enumerate(grid):
        texts = [(j, t) for j, t in enumerate(row) if t]
        if not texts:
            continue
        label = texts[0][1]
        cells = [
            Cell(
                column=(f"第{j + 1}列",),
                text=t,
                value=parse_amount(t),
                unit="%" if t.endswith("%") else None,
                page=raw.grid[i][j].page,
                bbox=raw.grid[i][j].bbox,
            )
            for j, t in texts[1:]
        ]
        rows.append(
            Row(
                i * 10,
                label,
                cells,
                page=raw.grid[i][texts[0][0]].page,
                bbox=_row_bbox(raw.grid[i]),
            )
        )
    return rows


def _row_bbox(cells: list[RawCell]):
    boxes = [c.bbox for c in cells if c.bbox]
    if not boxes:
        return None
    return (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )


def _cell_unit(text: str, path: tuple[str, ...], table_unit: str | None) -> str | None:
    if not text:
        return None
    if text.endswith("%"):
        return "%"
    leaf = _leaf(path)
    if "得分" in leaf or "分值" in leaf:
        return "分"
    if "率" in leaf or "比例" in leaf or "占比" in leaf:
        return "%"
    return table_unit
