"""Pure rules for pieces and officers: members proposed per piece, and one label per mobilization state."""

from __future__ import annotations

from mobilize.model import Candidate, MobilizationStatus, propose_pieces, status_label


def _c(member_id: str, score: float, community: str) -> Candidate:
    return Candidate(member_id, member_id.title(), score, community, (f"score {score}",))


RANKED = [_c("ana", 9, "a"), _c("ben", 8, "a"), _c("cem", 7, "b"), _c("dia", 6, "c"), _c("eli", 5, "b")]


def test_a_pair_and_a_solo_piece_get_different_members_the_pair_across_communities():
    """The pair is the best member with the best partner from another community; the solo piece the next best."""
    pair, solo = propose_pieces(RANKED, ["pair", "solo"])
    assert [c.member_id for c in pair] == ["ana", "cem"]
    assert [c.member_id for c in solo] == ["ben"]


def test_pieces_nobody_is_left_for_are_empty():
    """Three pairs from five members: the third pair has one member only, the officer sees it is incomplete."""
    proposals = propose_pieces(RANKED, ["pair", "pair", "pair"])
    assert [len(p) for p in proposals] == [2, 2, 1]
    assert len({c.member_id for p in proposals for c in p}) == 5


def test_every_state_has_one_label_in_words():
    """Each mobilization state reads as words, the same wherever it is shown."""
    labels = {s: status_label(s) for s in MobilizationStatus}
    assert labels[MobilizationStatus.REVIEW] == "Waiting for review"
    assert all(label and "_" not in label for label in labels.values())
    assert len(set(labels.values())) == len(labels)
