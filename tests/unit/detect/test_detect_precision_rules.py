"""Structure rules for the held-out error kinds of docs/detect.md: war-zone bombings of places of worship, hate
crimes with no community named, rules against hate content, legal claims of assault, recent anniversaries. Text
written for the project (places and people invented), in English and another language where the rule applies."""

from __future__ import annotations

import pytest

from detect.scoring import score_article


def _flagged(title: str, summary: str = "", lang: str = "en") -> bool:
    return score_article(title, summary, lang, classifier=None).polarizing


@pytest.mark.parametrize(("title", "lang"), [
    ("Bomb attack on mosque kills 12 as Taliban and government forces clash", "en"),
    ("Bomb attack on mosque kills 12 as army and militants clash nearby", "en"),
    ("Attentat à la bombe contre une mosquée : douze morts, l'armée et les rebelles s'affrontent", "fr"),
])
def test_a_bombing_at_a_place_of_worship_in_an_armed_conflict_is_war_news(title, lang):
    """Where armed groups fight, a bombing at a mosque with no faith named as the target is not flagged."""
    assert not _flagged(title, lang=lang)


@pytest.mark.parametrize(("title", "lang"), [
    ("Bomb attack on mosque kills 12 Shia worshippers as army and militants clash", "en"),
    ("Bomb attack on Vellmoor mosque kills 12", "en"),
    ("Attentat à la bombe contre une mosquée de Brévanne : douze morts", "fr"),
])
def test_the_faithful_named_or_no_war_keeps_a_bombing_an_attack_on_worship(title, lang):
    """Worshippers of one faith named as the target, or no armed conflict at all: still an attack on worship."""
    assert _flagged(title, lang=lang)


@pytest.mark.parametrize(("title", "lang", "expected"), [
    ("Woman set on fire, police open hate crime investigation", "en", False),
    ("Muslim woman set on fire in hate crime, police say", "en", True),
    ("Mujer quemada, la policía investiga un delito de odio", "es", False),
    ("Mujer musulmana quemada en un delito de odio", "es", True),
])
def test_a_hate_crime_needs_a_religious_migrant_or_cultural_target(title, lang, expected):
    """"Hate crime" with violence against one person and no community named is a crime, not a flashpoint."""
    assert _flagged(title, lang=lang) is expected


@pytest.mark.parametrize(("title", "lang", "expected"), [
    ("Facebook will now ban Holocaust denial posts", "en", False),
    ("Regulator orders platforms to remove Holocaust denial posts", "en", False),
    ("Senator's Holocaust denial sparks outrage", "en", True),
    ("Facebook verbietet künftig Holocaustleugnung in Beiträgen", "de", False),
    ("Abgeordneter wegen Holocaustleugnung angezeigt", "de", True),
    ("Facebook va interdire les contenus antisémites", "fr", False),
    ("Les propos antisémites d'un député font scandale", "fr", True),
])
def test_a_platform_s_ban_on_hate_content_is_no_hateful_act(title, lang, expected):
    """A ban or removal of hate content is a rule against hate; a public figure's hateful words stay a row."""
    assert _flagged(title, lang=lang) is expected


def test_assault_allegations_against_a_church_are_a_legal_claim():
    """"Church sued for covering up assault allegations" is a legal story; an attack on worshippers is not."""
    assert not _flagged("Church sued for covering up assault allegations")
    assert _flagged("Church sued after attack on worshippers")


@pytest.mark.parametrize(("title", "lang", "expected"), [
    ("A decade on from the neo-Nazi attack on the synagogue, survivors speak", "en", True),
    ("Five years since the attack on the synagogue, anniversary marked", "en", True),
    ("75 years since the attack on the synagogue, historians look back", "en", False),
    ("Dix ans après l'attentat d'extrême droite contre la mosquée, anniversaire sous tension", "fr", True),
    ("Quatre-vingts ans après, anniversaire de l'attaque néonazie contre la synagogue", "fr", False),
])
def test_an_anniversary_of_a_recent_attack_is_a_follow_up_an_old_one_history(title, lang, expected):
    """Ten years or less since the attack: its consequences are news; eighty years on: history."""
    assert _flagged(title, lang=lang) is expected


@pytest.mark.parametrize(("title", "summary", "lang", "expected"), [
    # a headline of proceedings against a person: the attacks its lead recalls, with no community named, are his past
    ("Former militant flown to Norland to face terrorism charge",
     "He was part of an Islamist group whose propaganda celebrated the bombings and beheadings of hostages.",
     "en", False),
    ("Jihadist preacher extradited from Vellmoor",
     "Prosecutors say he took part in the jihadist bombing of a market in 2015 that killed nine people.", "en", False),
    ("Islamist convict renounces violence",
     "The man was jailed for his role in the Islamist bombings that killed 30 people in 2016.", "en", False),
    ("Un ancien djihadiste extradé vers la France",
     "Il a participé à l'attentat djihadiste qui a tué neuf personnes sur un marché en 2015.", "fr", False),
    # a community named as the victim, or the attack told in the headline itself: still a flashpoint
    ("Trial opens of the Brévanne synagogue attackers",
     "The jihadists are accused of the Islamist attack on a synagogue that killed four worshippers.", "en", True),
    ("Police arrest suspect after Islamist stabbing kills two in Vellmoor",
     "The attacker shouted slogans before stabbing passers-by.", "en", True),
])
def test_an_attack_recalled_under_a_headline_of_proceedings_is_a_justice_story(title, summary, lang, expected):
    """Arrests, charges, extraditions and renunciations of an extremist whose past attacks the lead recalls (no
    community named) are justice stories; an attack on a community, or told in the headline, is not."""
    assert _flagged(title, summary, lang) is expected
