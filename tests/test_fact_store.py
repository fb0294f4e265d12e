"""The fact store on the seed's real index: a report's facts read in one blob are the facts
the store holds row by row, with the compared forms computed afresh, and the word lookups
agree with a plain scan of every fact; the LRU keeps at most its budget of facts."""

from __future__ import annotations

from pathlib import Path

import pytest

from indexer.fact_forms import fact_forms, fact_labels
from indexer.index import load_index
from indexer.store import ReportInfo
from qa.fact_store import FactStore, ReportFacts

WORDS = ["公务用车运行维护费", "三公", "收入总计", "基本支出", "费", "人员经费", "不存在的词", ""]


@pytest.fixture(scope="module")
def loaded(seed_txt_index: Path) -> tuple[FactStore, ReportFacts]:
    index = load_index(seed_txt_index)
    store = FactStore(index.store)
    (report_id,) = store.infos
    return store, store.report(report_id)


def test_blob_holds_every_fact_with_its_forms(loaded) -> None:
    store, facts = loaded
    rows = store.store.facts(facts.info.id)
    assert len(rows) > 1000 and len(facts.views) == len(rows)
    for i, (view, fact) in enumerate(zip(facts.views, rows, strict=True)):
        assert view.fact == fact and view.index == i
        forms = fact_forms(fact)
        assert (view.subject, view.leaf, view.context, view.scope) == (
            forms.subject, forms.leaf, forms.context, forms.scope,
        )  # fmt: skip
    assert facts.labels == fact_labels(rows)


def test_word_lookups_agree_with_a_scan(loaded) -> None:
    _, facts = loaded
    views = list(facts.views)
    for word in WORDS:
        scan = {v.index for v in views if word in v.subject or word in v.context}
        assert facts.containing(word) == scan, word
        grams = {word[i : i + 2] for i in range(len(word) - 1)}
        shared = {v.index for v in views if any(g in v.subject or g in v.context for g in grams)}
        assert facts.mentioning([word]) == shared, word
    assert facts.views[-1] is views[-1] and facts.views[:3] == views[:3]


def test_lru_keeps_its_budget_of_facts(loaded) -> None:
    store, facts = loaded
    info = facts.info
    small = FactStore(store.store, max_facts=10)
    other = ReportInfo("other", "某局", 2024, "决算", "t", "", "", "pdf", 1, 0, 0)
    small.infos[other.id] = other  # a report with no facts at all
    assert len(small.report(info.id).views) == len(facts.views)  # the report in use stays
    assert len(small.report(other.id).views) == 0
    assert list(small._loaded) == [other.id]  # the big one was dropped to keep the budget
