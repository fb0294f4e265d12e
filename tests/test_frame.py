"""The question frame: slots filled from the glossary, content terms the report must explain."""

from __future__ import annotations

import pytest

from qa.frame import parse
from qa.vocabulary import base_vocabulary, chinese_names, normalize


@pytest.fixture(scope="module")
def vocab():
    return base_vocabulary().with_labels(["公务用车运行维护费", "人员经费", "收入总计", "基本支出"])


def test_normalize_traditional_full_width_and_quotes() -> None:
    assert normalize("２０２４年“三公”經費 Budget") == "2024年三公经费budget"


def test_measure_period_and_alias(vocab) -> None:
    f = parse("2024年车辆运行花了多少钱？", vocab)
    assert f.years == (2024,)
    assert f.measure == "spent"  # what was spent, or is planned in a budget
    assert [t.text for t in f.terms] == ["车辆运行"]
    assert "公务用车运行维护费" in f.terms[0].forms


def test_background_clause_is_not_required(vocab) -> None:
    f = parse("我老家亲戚在环保局上班，老说工资不高。我就想看看基本工资一共发了多少钱？", vocab)
    required = {t.text for t in f.required}
    assert "基本工资" in required
    assert not required & {"老家亲戚", "不高"}


def test_negated_clause_terms_are_excluded(vocab) -> None:
    f = parse("基本支出是多少？项目支出那部分我不要。", vocab)
    assert [t.text for t in f.required] == ["基本支出"]
    assert [t.text for t in f.terms if t.negated] == ["项目支出"]


def test_operations_and_count_unit(vocab) -> None:
    assert parse("哪个项目的绩效自评得分最低？", vocab).operation == "min"
    assert parse("水费和电费加在一起一共交了多少？", vocab).operation == "sum"
    f = parse("单位一共有多少辆车？", vocab)
    assert f.count_unit == "辆" and f.measure == "count"


def test_percent_and_english(vocab) -> None:
    f = parse("基本支出占 total expenditure 的 percentage 是多少？", vocab)
    assert f.wants_percent and f.measure == "share"
    assert any("支出总计" in t.forms for t in f.terms)


def test_department_names_are_taken_out(vocab) -> None:
    f = parse("社工部2024年出差一共花了多少钱？", vocab, departments=("社工部",))
    assert [t.text for t in f.terms] == ["出差"]


def test_head_is_the_asked_thing_not_the_scope_or_the_base() -> None:
    vocab = base_vocabulary().with_labels(
        ["一般公共预算基本支出", "培训费", "基本支出", "本年支出合计", "项目", "行政运行"]
    )
    assert parse("一般公共预算基本支出里的培训费是多少？", vocab).head.text == "培训费"
    assert parse("基本支出占本年支出合计的比重是多少？", vocab).head.text == "基本支出"
    assert parse("行政运行项目2019年预算是多少？", vocab).head.text == "行政运行"
    assert parse("2024年预算合计多少？", vocab).head is None  # names no thing of its own


def test_anaphora_points_back_only_when_the_asking_clause_names_nothing() -> None:
    vocab = base_vocabulary().with_labels(["基本工资", "工资福利支出", "政府采购", "项目"])
    f = parse("亲戚老说工资不高。光基本工资这一项一共发了多少钱？", vocab)
    assert [t.text for t in f.required] == ["基本工资"]
    f = parse("正文里说政府采购没按时完成，这个项目的预算是多少？", vocab)
    assert "政府采购" in {t.text for t in f.required}


def test_a_question_opener_makes_earlier_question_words_background() -> None:
    vocab = base_vocabulary().with_labels(["财政拨款收入"])
    f = parse("报告只说财政拨款收入比上年增加了多少，那上年财政拨款收入的执行数是多少？", vocab)
    assert f.measure == "executed"
    f = parse("那个项目的预算是多少？", vocab)  # 那个: a pointer, not an opener
    assert f.asking_clauses == (0,)


def test_a_negation_inside_an_asking_clause_excludes_only_what_follows_it() -> None:
    vocab = base_vocabulary().with_labels(["单价100万元以上设备", "车辆"])
    f = parse("单价一百万以上的贵重设备（不算车）有几台？", vocab)
    assert f.required and not any(t.negated for t in f.required)
    assert all("车辆" not in t.forms for t in f.required)  # the excluded word is no gloss
    assert [t.text for t in f.terms if t.negated] == ["车"]


def test_two_subjects_joined_or_compared_are_two_groups(vocab) -> None:
    f = parse("今年基本工资加上绩效工资一共预算多少？", vocab)
    assert [[t.text for t in g] for g in f.groups] == [["基本工资"], ["绩效工资"]]
    f = parse("行政运行和事业运行两个科目的预算加起来是多少？", vocab)
    assert [[t.text for t in g] for g in f.groups] == [["行政运行"], ["事业运行"]]
    f = parse("一般行政管理事务比「其他政府办公厅（室）及相关机构事务支出」多出多少钱？", vocab)
    assert f.operation == "difference" and len(f.groups) == 2
    assert parse("基本支出比上年多出多少钱？", vocab).operation is None  # a change, one subject


def test_a_calendar_date_is_not_the_year_asked(vocab) -> None:
    # budgets count cars "截至2024年8月31日": the day of a count, not the fiscal year
    assert parse("截至2024年8月31日，共有车辆多少辆？", vocab).years == ()
    assert parse("截至2023年底一共有几辆车？", vocab).years == ()
    assert parse("2024年基本支出是多少？", vocab).years == (2024,)


def test_an_asking_clause_opening_with_a_base_asks_about_the_clause_before(vocab) -> None:
    f = parse("社工部日常办公用的人员经费，大概占基本支出的百分之多少？", vocab)
    assert {t.text for t in f.required} >= {"人员经费", "基本支出"}


def test_a_clause_naming_an_area_scopes_the_question(vocab) -> None:
    f = parse("社保和就业方面，财政局2024年决算支出是多少", vocab, departments=("财政局",))
    assert "社保" in {t.text for t in f.required}


def test_those_few_is_not_how_many(vocab) -> None:
    assert parse("那几个项目的平均得分是多少？", vocab).count_unit is None
    assert parse("一共有几个项目？", vocab).count_unit == "个"


def test_a_label_word_with_a_unit_suffix_names_an_organisation(vocab) -> None:
    # 财政所 is a subordinate office, not 财政; "单独算" scopes the asking clause after it
    f = parse("下属的财政所单独算，2024年支出决算是多少？", vocab)
    assert "财政所" in [t.text for t in f.required]
    assert "财政" not in [t.text for t in f.terms]
    assert "所有" not in [t.text for t in parse("三公经费所有项目合计多少？", vocab).terms]


def test_which_row_ranks_rows_not_a_kind_named_row(vocab) -> None:
    f = parse("在项目支出里，哪个科目花钱最多？", vocab)
    assert f.operation == "max" and [t.text for t in f.required] == ["项目支出"]


def test_people_named_with_money_asked_is_an_amount_not_a_head_count(vocab) -> None:
    assert parse("在职人员的住房公积金今年一共预算了多少钱？", vocab).count_unit is None
    assert parse("在职人员有多少人？", vocab).count_unit == "人"


def test_examples_of_the_thing_asked_need_not_be_explained(vocab) -> None:
    f = parse("买电脑、打印机这类办公设备，预算打了多少？", vocab)
    assert "电脑" not in [t.text for t in f.terms] and "设备" in [t.text for t in f.required]
    f = parse("会议费、培训费等支出一共多少？", vocab)
    assert {"会议费", "培训费"} <= {t.text for t in f.required}
    assert parse("这两辆车的运行费用预算安排了多少？", vocab).count_unit is None
    assert parse("公车有几辆？", vocab).count_unit == "辆"


def test_a_year_compared_with_is_a_base_even_with_its_measure(vocab) -> None:
    f = parse("2025年的三公经费跟2024年预算比，是多了还是少了？差多少？", vocab)
    assert f.years == (2025,) and f.measure == "change" and f.operation is None


def test_a_negation_in_brackets_excludes_only_what_it_brackets(vocab) -> None:
    f = parse("单价一百万以上的大设备（不算车），他们局手里有几台？", vocab)
    assert [t.text for t in f.terms if t.negated] == ["车"]


def test_budget_against_what_was_spent_is_a_difference(vocab) -> None:
    assert parse("事业运行全年预算比实际支出多出多少？", vocab).operation == "difference"
    assert parse("公车运行费实际比预算少花了多少？", vocab).operation == "difference"


def test_a_file_numbers_year_is_not_the_year_asked(vocab) -> None:
    assert parse("燃煤锅炉淘汰项目（辽财指环〔2023〕686号）绩效自评几分？", vocab).years == ()


def test_working_back_from_a_change_asks_a_level(vocab) -> None:
    f = parse("报告只说了今年比上年增加多少，2023年的收入总计是多少？能帮我倒推一下吗？", vocab)
    assert "change" not in f.measures


def test_a_measure_named_to_exclude_it_is_not_asked(vocab) -> None:
    f = parse("2022年行政运行的预算数（不是执行数）是多少？", vocab)
    assert f.measures == ("budget",)
    assert parse("在编工作人员一共有多少？", vocab).count_unit == "人"


def test_english_proper_names_and_field_terms_read_as_the_report_prints_them(vocab) -> None:
    assert chinese_names("jiangsu cppcc office 2019") == "江苏政协office 2019"
    assert chinese_names("wanli subdistricts 2023") == "万里街道2023"
    f = parse("general public budget 拨款支出, the gap between 年初预算 and actual?", vocab)
    assert f.operation == "difference" and "一般公共预算" in [t.text for t in f.terms]


def test_words_holding_a_conjunction_or_a_unit_character_stay_words(vocab) -> None:
    f = parse("设了绩效目标的那些项目，total 涉及多少项目 budget 资金？", vocab)
    assert len(f.groups) <= 1 and f.count_unit is None
    labelled = vocab.with_labels(["总评价得分", "预算执行率"])  # labels ending in a measure
    assert parse("凌源分局的总评价得分是多少？", labelled).measures == ("score",)
    assert parse("公务用车更新项目预算执行率是多少？", labelled).measure == "completion_rate"


def test_a_bracketed_phrase_glosses_as_one_phrase_and_a_base_period_is_no_period(vocab) -> None:
    f = parse("一共收了多少环保罚款（罚没收入）？", vocab)
    fine = next(t for t in f.terms if t.text == "环保罚款")
    assert "罚没+收入" in fine.forms and "收入" not in fine.forms
    f = parse("机关运行经费比上一年多花了多少？", vocab)
    assert f.period is None and f.measure == "change" and f.operation is None
    assert parse("从国有资产占用情况看一共有几辆车？", vocab).measures == ("count",)


def test_fueling_named_alone_is_its_own_item_and_examples_with_nei_xie(vocab) -> None:
    f = parse("公车光加油这一项（不含维修保养）花了多少？", vocab)
    assert "加油" in [t.text for t in f.required]
    f = parse("公车日常跑起来（油费维修那些）一年预算多少？", vocab)
    assert "油费" not in [t.text for t in f.terms]
    kept = parse("机关本级（不算各分局、执法队那些）总评价得分多少？", vocab)
    assert {"分局", "执法队"} <= {t.text for t in kept.terms if t.negated}


def test_only_a_word_asks_it_alone_and_a_partitive_points_back(vocab) -> None:
    f = parse("公车光加油这一项花了多少？", vocab)
    assert next(t for t in f.terms if t.text == "加油").forms == ("加油",)
    f = parse("政协每年接待港澳台侨同胞和国际友人，这部分接待具体花了多少钱？", vocab)
    assert "国际友人" in [t.text for t in f.required]
    assert parse("单价20万以上的那几台设备总共值多少钱？", vocab).count_unit is None


def test_which_with_a_measure_after_it_names_no_kind(vocab) -> None:
    f = parse("一般公共预算财政拨款支出按功能类别分，哪一类花钱最多？", vocab)
    assert f.operation == "max" and "花钱" not in [t.text for t in f.terms]


def test_a_yes_no_question_after_the_asked_figure_adds_no_words(vocab) -> None:
    f = parse("24年政府采购一共花了多少钱？工程和服务有没有？", vocab)
    assert [t.text for t in f.terms] == ["政府采购"]


def test_a_restating_clause_keeps_the_side_that_names_a_report_label() -> None:
    vocab = base_vocabulary().with_labels(["取暖费", "基本支出", "行政单位医疗", "事业单位医疗"])
    f = parse("冬天供暖交的那笔钱，就是取暖费，在基本支出里花了多少？", vocab)
    assert {t.text for t in f.required} == {"取暖费", "基本支出"}
    f = parse("机关公务员看病报销那块，也就是行政单位医疗，预算了多少？", vocab)
    assert [t.text for t in f.required] == ["行政单位医疗"]
    f = parse("事业单位医疗 2024 how much？就是给下属事业单位的人交医保那块", vocab)
    assert [t.text for t in f.required] == ["事业单位医疗"]
    # a clause that names a label among other words is no restatement: both stay
    f = parse("公务用车运行维护费预算是多少？就是决算里那张三公经费表上的预算数。", vocab)
    assert "公务用车运行维护费" in {t.text for t in f.terms}


def test_a_gloss_that_names_a_total_asks_for_the_total() -> None:
    f = parse("社工部的国有资产总额（资产总计）有多少？", base_vocabulary())
    owned = next(t for t in f.terms if t.text == "国有资产")
    assert "资产+总计" in owned.forms and "资产" not in owned.forms[1:]
