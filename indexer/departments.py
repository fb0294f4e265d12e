"""Departments named the way people name them.

A department's full name, as a report prints it, is read as
``<party prefix?><regions><body?><organ>`` and its short names are derived by the general
rules of Chinese administrative naming kept in ``department_names.json`` (no entry there
names one department)::

    上海市普陀区司法局 → regions 上海市 › 普陀区, organ 司法局, level 区县;
                         普陀区司法局, 区司法局, 普陀司法局, 司法局
    中共江苏省委办公厅 → region 江苏省, body 委 (a party committee), organ 办公厅, level 省;
                         江苏省委办公厅, 省委办公厅, 省委办
    江苏省高级人民法院 → 江苏省高院, 省高院, 江苏高院, 高院

Each short name remembers how many of the department's regions it leaves unnamed, so a
router can tell 区司法局 after 普陀 (this department) from 区司法局 after 黄浦 (another one).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path

from indexer.numbers import squash

RULES_PATH = Path(__file__).with_name("department_names.json")
MAX_ABBREVIATION_ROUNDS = 3  # abbreviations applied on top of each other at most this often
LEVELS = ("省", "市", "区县", "街道")
_CJK = re.compile(r"^[\u3400-\u9fff]+$")


@dataclass(frozen=True)
class RegionSuffix:
    """A region word's last part (省, 区, 街道) and how short names may use it."""

    suffix: str
    level: str  # 省 | 市 | 区县 | 街道
    suffix_form: bool  # 区司法局: the suffix alone stands for the region
    stem_form: bool  # 普陀司法局: the stem alone stands for the region


@dataclass(frozen=True)
class Body:
    """What may stand between the regions and the organ: 委 (party), 人民政府, 政协 ..."""

    name: str
    stem_form: bool  # 江苏政协 is said; 江苏委办公厅 is not
    bare: str  # without any region keep the "body" (政府办公室) or only the "organ" (社工部)
    party: bool = False


@dataclass(frozen=True)
class NamingRules:
    """The naming rules of ``department_names.json``; validated on construction."""

    version: int
    rewrites: tuple[tuple[str, str], ...]
    party_prefix: str
    suffixes: tuple[RegionSuffix, ...]  # longest first
    municipalities: frozenset[str]
    municipality_level: str
    stem_min: int
    stem_max: int
    stem_forbidden_chars: str
    not_regions: tuple[str, ...]
    region_connector: str
    bodies: tuple[Body, ...]  # longest first
    abbreviations: tuple[tuple[str, tuple[str, ...]], ...]
    standalone: frozenset[str]
    short_organs: tuple[str, ...]  # 局, 办 …: how 区司法局, 区外办 end
    short_body_max: int  # characters between the region suffix and that end
    generic: frozenset[str]
    min_bare_length: int
    organ_suffixes: tuple[str, ...]
    not_region_chars: str  # never in a region's stem as a question writes it (请问, 2024年)
    not_organ_words: tuple[str, ...]  # never in an organ's name (部门预算, 经费)

    def __post_init__(self) -> None:
        if not 1 <= self.stem_min <= self.stem_max:
            raise ValueError(f"region_stem_length: need 1 <= min <= max, got {self.stem_min}, "
                             f"{self.stem_max}")  # fmt: skip
        for s in self.suffixes:
            if s.level not in LEVELS:
                raise ValueError(f"region_suffixes: unknown level {s.level!r} of {s.suffix!r}")
        for b in self.bodies:
            if b.bare not in ("body", "organ"):
                raise ValueError(f"bodies: bare must be 'body' or 'organ', got {b.bare!r}")
        for pattern, _ in self.rewrites:
            re.compile(pattern)

    @classmethod
    def load(cls, path: Path = RULES_PATH) -> NamingRules:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        suffixes = [RegionSuffix(**{k: v for k, v in s.items() if not k.startswith("_")})
                    for s in data["region_suffixes"]]  # fmt: skip
        bodies = [Body(**{k: v for k, v in b.items() if not k.startswith("_")})
                  for b in data["bodies"]]  # fmt: skip
        return cls(
            version=data["version"],
            rewrites=tuple((r["pattern"], r["replace"]) for r in data["rewrites"]),
            party_prefix=data["party_prefix"],
            suffixes=tuple(sorted(suffixes, key=lambda s: -len(s.suffix))),
            municipalities=frozenset(data["municipalities"]["stems"]),
            municipality_level=data["municipalities"]["level"],
            stem_min=data["region_stem_length"]["min"],
            stem_max=data["region_stem_length"]["max"],
            stem_forbidden_chars=data["stem_forbidden_chars"],
            not_regions=tuple(data["not_regions"]),
            region_connector=data["region_connector"],
            bodies=tuple(sorted(bodies, key=lambda b: -len(b.name))),
            abbreviations=tuple((a["full"], tuple(a["short"])) for a in data["abbreviations"]),
            standalone=frozenset(data["standalone_short_names"]),
            short_organs=tuple(data["short_organ_suffixes"]["suffixes"]),
            short_body_max=int(data["short_organ_suffixes"]["max_body"]),
            generic=frozenset(data["generic_names"]),
            min_bare_length=data["min_bare_length"],
            organ_suffixes=tuple(data["organ_suffixes"]),
            not_region_chars=data["not_region_chars"],
            not_organ_words=tuple(data["not_organ_words"]),
        )

    def suffix(self, suffix: str) -> RegionSuffix:
        return next(s for s in self.suffixes if s.suffix == suffix)

    def body(self, name: str) -> Body | None:
        return next((b for b in self.bodies if b.name == name), None)


@cache
def default_rules() -> NamingRules:
    return NamingRules.load()


@dataclass(frozen=True)
class Region:
    name: str  # 普陀区
    stem: str  # 普陀
    suffix: str  # 区


@dataclass(frozen=True)
class Alias:
    """One name of a department. ``unnamed``: how many of its regions, from the top, the
    name leaves out (0 for 上海市普陀区司法局, 1 for 普陀区司法局, 2 for 区司法局 and 司法局);
    ``suffix_only``: the own region is named by its suffix alone (区司法局)."""

    text: str
    unnamed: int
    suffix_only: bool = False


@dataclass(frozen=True)
class Department:
    """A department: canonical full name, where it sits, and every name that names it."""

    name: str
    regions: tuple[Region, ...]
    body: str  # "" | 委 | 人民政府 | 政协 | 人大常委会
    organ: str  # 司法局, 办公厅, 办事处 ...
    level: str | None  # 省 | 市 | 区县 | 街道; None when no region could be read
    aliases: tuple[Alias, ...]  # longest first

    @property
    def region(self) -> str:
        """The region the department belongs to, in full: 上海市普陀区."""
        return "".join(r.name for r in self.regions)

    @property
    def parent_region(self) -> str:
        """The region above its own: 上海市 for 上海市普陀区司法局."""
        return "".join(r.name for r in self.regions[:-1])

    def __repr__(self) -> str:
        short = ", ".join(a.text for a in self.aliases[:6])
        return f"Department({self.name} | {self.level} | {self.region} | {short}…)"


def merge_departments(a: Department, b: Department) -> Department:
    """One department printed two ways (江苏省委办公厅, 中共江苏省委办公厅): ``a`` with the
    names of both."""
    found = {x.text: x for x in b.aliases} | {x.text: x for x in a.aliases}
    return replace(a, aliases=_sorted(found))


def canonical_name(name: str, rules: NamingRules | None = None) -> str:
    """The one spelling of a department name that every printed variant maps to."""
    return parse_department(name, rules).name


def parse_department(name: str, rules: NamingRules | None = None) -> Department:
    """Read a department's full name into regions, body and organ, and derive its aliases."""
    rules = rules or default_rules()
    printed = squash(name)
    s = printed
    for pattern, replacement in rules.rewrites:
        s = re.sub(pattern, replacement, s)
    party = s.startswith(rules.party_prefix)
    if party:
        s = s[len(rules.party_prefix) :]
    regions: list[Region] = []
    pos = 0
    while True:
        after = pos + len(rules.region_connector)
        if regions and s.startswith(rules.region_connector, pos) and _region_at(s, after, rules):
            pos = after  # 普陀区人民政府万里街道: the street is an agency of the district
        region = _region_at(s, pos, rules)
        if region is None:
            break
        regions.append(region)
        pos += len(region.name)
    rest = s[pos:]
    body = ""
    if regions:
        body = next((b.name for b in rules.bodies if _starts_with_body(rest, b.name, rules)), "")
    organ = rest[len(body) :]
    body_rule = rules.body(body)
    party = party or bool(body_rule and body_rule.party)
    canonical = (rules.party_prefix if party else "") + s
    level = None
    if regions:
        own = regions[-1]
        level = rules.suffix(own.suffix).level
        if own.suffix == "市" and own.stem in rules.municipalities:
            level = rules.municipality_level
    aliases = _aliases(printed, canonical, tuple(regions), body, organ, party, rules)
    return Department(canonical, tuple(regions), body, organ, level, aliases)


def _starts_with_body(rest: str, body: str, rules: NamingRules) -> bool:
    """``rest`` opens with the body and an organ follows; a longer word of the abbreviation
    table that merely begins with it (委 of 委员会) is not the body."""
    if not rest.startswith(body) or len(rest) == len(body):
        return False
    return not any(
        len(full) > len(body) and full.startswith(body) and rest.startswith(full)
        for full, _ in rules.abbreviations
    )


def _region_at(s: str, pos: int, rules: NamingRules) -> Region | None:
    """The region word (stem + suffix) starting at ``pos``, if one does and a name follows."""
    for length in range(rules.stem_min, rules.stem_max + 1):
        stem = s[pos : pos + length]
        if len(stem) < length or not _CJK.match(stem):
            return None
        if any(c in rules.stem_forbidden_chars for c in stem) or rules.region_connector in stem:
            return None
        for suf in rules.suffixes:
            if not s.startswith(suf.suffix, pos + length):
                continue
            name = stem + suf.suffix
            if any(name.endswith(nr) for nr in rules.not_regions):
                continue
            if pos + len(name) < len(s):
                return Region(name, stem, suf.suffix)
    return None


def abbreviations(text: str, rules: NamingRules) -> set[str]:
    """``text`` and every form the abbreviation table makes of it (人民政府办公室 →
    政府办公室, 政府办, 府办). Where two long forms overlap, the one starting first (or the
    longer) is shortened, so 人民政府办公室 never becomes 人民府办."""
    out = {text}
    frontier = {text}
    for _ in range(MAX_ABBREVIATION_ROUNDS):
        new = {
            t[:start] + short + t[end:]
            for t in frontier
            for start, end, shorts in _abbreviation_sites(t, rules)
            for short in shorts
        } - out
        if not new:
            break
        out |= new
        frontier = new
    return out


def _abbreviation_sites(text: str, rules: NamingRules) -> list[tuple[int, int, tuple[str, ...]]]:
    sites = [
        (m.start(), m.start() + len(full), shorts)
        for full, shorts in rules.abbreviations
        for m in re.finditer(re.escape(full), text)
    ]
    return [
        (s, e, shorts)
        for s, e, shorts in sites
        if not any(s2 < s < e2 or (s2 == s and e2 > e) for s2, e2, _ in sites)
    ]


def _aliases(
    printed: str,
    canonical: str,
    regions: tuple[Region, ...],
    body: str,
    organ: str,
    party: bool,
    rules: NamingRules,
) -> tuple[Alias, ...]:
    found: dict[str, Alias] = {}

    def add(text: str, unnamed: int, suffix_only: bool = False) -> None:
        if text and (text not in found or found[text].unnamed > unnamed):
            found[text] = Alias(text, unnamed, suffix_only)

    add(printed, 0)
    add(canonical, 0)
    n = len(regions)
    if n == 0:
        for t in abbreviations(canonical, rules):
            add(t, 0)
        return _sorted(found)
    own, higher = regions[-1], regions[:-1]
    own_rule = rules.suffix(own.suffix)
    body_rule = rules.body(body)
    prefixes = (rules.party_prefix, "") if party else ("",)
    for k in range(1, len(higher)):  # the highest regions dropped: 普陀区人民政府万里街道办事处
        dropped = "".join(r.name for r in higher[:k])
        if printed.startswith(dropped):
            add(printed[len(dropped) :], k)
    for tail in abbreviations(own.suffix + body + organ, rules):
        for p in prefixes:
            for k in range(len(higher) + 1):  # the k highest regions left unnamed
                rest = higher[k:]
                for h in {"".join(r.name for r in rest), "".join(r.stem for r in rest)}:
                    add(p + h + own.stem + tail, k)  # 上海普陀区司法局, 普陀区司法局
        if own_rule.suffix_form and tail.startswith(own.suffix) and len(tail) > len(own.suffix):
            add(tail, n, suffix_only=True)  # 区司法局, 省委办
            for p in prefixes:
                add(p + own.name + tail, n - 1)  # 普陀区区府办: the region, then its short name
    if own_rule.stem_form and (body_rule is None or body_rule.stem_form):
        for t in abbreviations(body + organ, rules):
            add(own.stem + t, n - 1)  # 普陀司法局, 江苏高院
    bare = organ if body_rule and body_rule.bare == "organ" else body + organ
    for t in abbreviations(bare, rules):
        if t not in rules.generic and (len(t) >= rules.min_bare_length or t in rules.standalone):
            add(t, n)  # 司法局, 高院, 社工部
    return _sorted(found)


def _sorted(found: dict[str, Alias]) -> tuple[Alias, ...]:
    return tuple(sorted(found.values(), key=lambda a: (-len(a.text), a.text)))


def department_to_dict(d: Department) -> dict:
    """A department as JSON-ready data (the ``departments`` table of the store)."""
    return {
        "name": d.name,
        "regions": [[r.name, r.stem, r.suffix] for r in d.regions],
        "body": d.body,
        "organ": d.organ,
        "level": d.level,
        "aliases": [[a.text, a.unnamed, a.suffix_only] for a in d.aliases],
    }


def department_from_dict(data: dict) -> Department:
    return Department(
        name=data["name"],
        regions=tuple(Region(*r) for r in data["regions"]),
        body=data["body"],
        organ=data["organ"],
        level=data["level"],
        aliases=tuple(Alias(t, u, bool(s)) for t, u, s in data["aliases"]),
    )
