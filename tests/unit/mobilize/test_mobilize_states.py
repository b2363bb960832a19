"""The states of a mobilization and its draft, pure: the allowed moves, and a clear refusal of the others."""

from __future__ import annotations

import pytest

from mobilize.model import (
    DRAFT_MOVES,
    MOBILIZATION_MOVES,
    OPEN_STATUSES,
    DraftStatus,
    IllegalTransition,
    MobilizationStatus,
    brief_data,
    draft_move,
    mobilization_move,
)

M = MobilizationStatus


@pytest.mark.parametrize(("current", "to"), [
    ("paging", M.DRAFTING), ("paging", M.STOPPED), ("drafting", M.REVIEW), ("review", M.DRAFTING),
    ("review", M.APPROVED), ("review", M.REJECTED), ("review", M.STOPPED), ("drafting", M.STOPPED),
])
def test_a_mobilization_makes_the_moves_of_its_life(current, to):
    """Paging, drafting, review and the three endings are each reachable from where they should be."""
    assert mobilization_move(current, to) == to


@pytest.mark.parametrize("closed", ["approved", "rejected", "stopped"])
def test_a_closed_mobilization_moves_nowhere(closed):
    """An approved, rejected or stopped mobilization cannot be reopened, and the error says why."""
    with pytest.raises(IllegalTransition, match=f"'{closed}' cannot become 'paging'.*closed"):
        mobilization_move(closed, M.PAGING)


def test_paging_cannot_skip_to_approval():
    """A mobilization still paging cannot be approved (there is no draft yet); the error names what is allowed."""
    with pytest.raises(IllegalTransition, match="drafting, stopped"):
        mobilization_move("paging", M.APPROVED)


def test_an_unknown_state_is_refused():
    """A status the machine does not know is refused rather than guessed."""
    with pytest.raises(IllegalTransition, match="unknown state 'lost'"):
        mobilization_move("lost", M.STOPPED)


def test_a_draft_is_decided_only_once_submitted():
    """An editing draft cannot be approved; a submitted one can; an approved one moves no more."""
    with pytest.raises(IllegalTransition):
        draft_move("editing", DraftStatus.APPROVED)
    assert draft_move("submitted", DraftStatus.APPROVED) == DraftStatus.APPROVED
    with pytest.raises(IllegalTransition):
        draft_move("approved", DraftStatus.CHANGES_REQUESTED)


def test_every_state_has_its_moves_and_the_open_ones_can_stop():
    """The tables name every state; each open state of a mobilization can be stopped by the officer."""
    assert set(MOBILIZATION_MOVES) == set(MobilizationStatus) and set(DRAFT_MOVES) == set(DraftStatus)
    assert all(M.STOPPED in MOBILIZATION_MOVES[s] for s in OPEN_STATUSES)


def test_states_compare_equal_to_the_stored_strings():
    """Rows store the plain value, and comparisons with it hold (`"paging" == MobilizationStatus.PAGING`)."""
    assert M.PAGING == "paging" and "review" in OPEN_STATUSES


def test_a_brief_has_one_shape_whatever_it_came_from():
    """A brief from an escalation (evidence only) and one from a command (summary, topics) have the same keys."""
    escalated = brief_data(evidence={"spread": 5})
    command = brief_data(summary="A mosque attacked", categories=["religion"], opened_by="Officer")
    assert escalated.keys() == command.keys()
    assert escalated["evidence"] == {"spread": 5} and escalated["categories"] == []
    assert command["summary"] == "A mosque attacked" and command["categories"] == ["religion"]
