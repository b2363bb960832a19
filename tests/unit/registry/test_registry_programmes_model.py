"""The programmes' pure parts: state moves, eligibility, weighted scores, tranches, fund lines, file sniffing."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from registry import ambassadors as amb
from registry import publicforms as pf
from registry import trustfund as vtf
from registry import youthfund as ysf
from registry.programmes import IllegalStep, ProgrammeError, move


def test_a_step_out_of_order_names_what_may_come_next():
    """Appointing a nominee is refused, and the message says the next step is the shortlist."""
    with pytest.raises(IllegalStep, match=r"cannot become appointed \(next: shortlisted, withdrawn\)"):
        move(amb.MOVES, "nominated", "appointed", "Rania")
    assert move(ysf.MOVES, "eligible", "granted", "The application") == "granted"


def test_eligibility_lists_every_rule_broken():
    """An over-age applicant of an organisation not youth-led asking too much gets three reasons."""
    answers = {"age": "36", "amount": "30000", "youth_led": False}
    assert ysf.ineligibility(answers, ysf.DEFAULT_RULES) == [
        "The applicant is over 35.", "The amount requested is over the call's ceiling of 25,000.",
        "The organisation does not say it is youth-led."]
    assert ysf.ineligibility({"age": "20", "amount": "25000", "youth_led": True}, ysf.DEFAULT_RULES) == []


def test_the_weighted_total_is_a_percentage_of_the_best_possible():
    """All fives is 100; the criteria weights decide how much each score counts."""
    assert ysf.weighted_total(ysf.DEFAULT_CRITERIA, {c["key"]: 5 for c in ysf.DEFAULT_CRITERIA}) == 100.0
    assert ysf.weighted_total(ysf.DEFAULT_CRITERIA, {"relevance": 5, "feasibility": 0, "youth": 0, "reach": 0}) == 30.0
    with pytest.raises(ProgrammeError, match="whole number from 0 to 5"):
        ysf.check_scores(ysf.DEFAULT_CRITERIA, {"relevance": "6", "feasibility": "1", "youth": "1", "reach": "1"})


def test_a_grant_splits_into_tranches_that_add_up_exactly():
    """10,000.01 in 60/40 gives 6,000.01 and 4,000.00; the interim report comes before the second tranche."""
    tranches, reports = ysf.tranche_plan(Decimal("10000.01"), date(2027, 1, 1), 12)
    assert sum(a for a, _ in tranches) == Decimal("10000.01")
    assert reports[0][1] < tranches[1][1] and reports[1][0] == "Final report"


def test_fund_lines_give_outstanding_and_state_per_year():
    """Pledged and partly received, fulfilled, and received without a pledge are told apart."""
    lines = vtf.year_lines([("pledge", 2026, Decimal(100)), ("receipt", 2026, Decimal(40)),
                            ("pledge", 2027, Decimal(50)), ("receipt", 2027, Decimal(60)),
                            ("receipt", 2028, Decimal(10))])
    assert [(x.year, x.outstanding, x.state) for x in lines] == [
        (2026, Decimal(60), "partly received"), (2027, Decimal(0), "fulfilled"),
        (2028, Decimal(0), "received without pledge")]


def test_files_are_recognised_by_their_first_bytes():
    """A PDF, a PNG and a JPEG are known; an executable renamed .pdf is not."""
    assert pf.sniff(b"%PDF-1.7 ...") == "application/pdf"
    assert pf.sniff(b"\x89PNG\r\n\x1a\n....") == "image/png"
    assert pf.sniff(b"\xff\xd8\xff\xe0JFIF") == "image/jpeg"
    assert pf.sniff(b"MZ\x90\x00") == ""


def test_a_renewal_is_due_ninety_days_before_the_term_ends():
    """A term ending in 90 days is due; in 91 days it is not yet."""
    assert amb.renewal_due(date(2027, 4, 1), date(2027, 1, 1))
    assert not amb.renewal_due(date(2027, 4, 2), date(2027, 1, 1))
