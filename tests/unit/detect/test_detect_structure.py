"""Structure rules (detect/structure.py): who did what to whom, and in what setting. Sentences written for the
project, one kind of false alarm or one kind of flashpoint each."""

from __future__ import annotations

import pytest

from detect.scoring import rule_features, score_article

ORDINARY = [
    # a place of worship as the setting of an ordinary crime or a political scene
    ("Student dies after brutal assault in a church hall, police say", ""),
    ("Two injured as car bomb explodes near a mosque in the capital", ""),
    ("Mayor's rally outside the cathedral ends with tear gas and arrests", "Protesters were tear-gassed."),
    ("Parish priest's death mourned as church cancels Sunday mass", ""),
    ("Gunman opens fire at a funeral in the town cemetery", "One man was wounded."),
    # pandemic rules for churches and mosques
    ("Mosques to stay closed as the coronavirus threat persists", "The ban on gatherings was extended."),
    ("State eases coronavirus restrictions on churches, allows half capacity", ""),
    # military operations against armed groups abroad
    ("Air strikes kill Islamic State commanders in desert hideout, army says", ""),
    ("Troops raid jihadist camp after militants ambush convoy", "Islamist fighters were killed."),
    ("Anti-terror police raid flat of jihadist suspect", ""),
    ("Explosion rips through crowd at a market; a mosque nearby was damaged", ""),
    # anniversaries and history
    ("Archaeologists find medieval graves of Jews who were banned from the city", ""),
    ("Town evacuated while divers defuse wartime bomb",
     "The device was dropped in an attack on a Nazi warship in the harbour."),
    # refugees' living conditions, migrants as actors
    ("Refugees in flooded camp say conditions are worse than ever", "A storm hit the camp overnight."),
    ("Asylum seeker charged after stabbing at a bus station", ""),
    # statues and monuments
    ("Protesters topple statue of colonial governor outside the cathedral", ""),
    # sport and entertainment rows
    ("Late-night comedians mock senator's Bible photo", ""),
    # a setting stated in the sentence itself counts, even past the lead
    ("Candidates trade blows in the last debate", "The debate ran long. Voters were split. Pollsters were busy. "
     "Late-night hosts mock the senator for waving a Bible at a rally."),
    # clergy are people, not a community
    ("Vicar banned from preaching after affair", ""),
    ("Man kicked out of church choir sues for discrimination", ""),
]

FLASHPOINTS = [
    ("Mosque set on fire overnight in suspected hate attack", ""),
    ("Gunman opens fire in synagogue during Sabbath prayers", ""),
    ("Far-right mob attacks hotel housing asylum seekers", ""),
    ("Masked men beat migrants in racist attack outside a shelter", ""),
    ("Attacks on refugees rise after anti-migrant rally", ""),
    ("Armed men storm church service, killing worshippers", ""),
    ("Islamist attacker stabs teacher after Prophet cartoon lesson", ""),
    ("Preacher plans to burn Koran on anniversary of the attacks", ""),
    ("Soldiers torch Rohingya villages as families flee", ""),
    ("Parliament bans the burqa in public places", ""),
    ("Police storm holy site compound, dozens of worshippers injured at Al-Aqsa", ""),
    ("Neo-Nazi gang attacks worshippers outside a mosque", "The men shouted slogans from the Nazi era."),
]


@pytest.mark.parametrize(("title", "summary"), ORDINARY, ids=[t[:40] for t, _ in ORDINARY])
def test_detect_structure_keeps_ordinary_news_below_threshold(title: str, summary: str):
    """Acts and targets that share a sentence but not an attack on a community are not flagged."""
    scored = score_article(title, summary, "en")
    assert not scored.polarizing, (scored.score, scored.reasons)


@pytest.mark.parametrize(("title", "summary"), FLASHPOINTS, ids=[t[:40] for t, _ in FLASHPOINTS])
def test_detect_structure_keeps_flashpoints_flagged(title: str, summary: str):
    """A hostile act against a community, its people, symbols or places, or a rule singling one out, still flags."""
    scored = score_article(title, summary, "en")
    assert scored.polarizing, (scored.score, scored.reasons)


def test_detect_structure_reason_names_the_setting():
    """A damped judgement says why, so a duty officer can read it."""
    scored = score_article("Churches must stay closed under new coronavirus ban", "")
    assert any("setting: health" in r for r in scored.reasons), scored.reasons


def test_detect_rule_features_have_the_same_keys_for_every_article():
    """The classifier gets one fixed set of numeric features, whatever the article."""
    a = rule_features("Mosque set on fire in hate attack", "", "en")
    b = rule_features("Stocks rise on strong earnings", "", "en")
    assert a.keys() == b.keys()
    assert all(isinstance(v, float) for v in a.values())
    assert a["rule_polarizing"] == 1.0 and b["rule_polarizing"] == 0.0
    assert a["kind_place"] == 1.0 and a["title_violence"] >= 1.0


def test_detect_rule_features_report_the_structure_roles():
    """Settings and roles the rules found are features too."""
    f = rule_features("Air strikes hit Islamic State hideout, army says", "", "en")
    assert f["role_armed_conflict"] == 1.0
    g = rule_features("Two injured as bomb explodes near a mosque", "", "en")
    assert g["role_place_as_location"] == 1.0
