"""The article scorer on sentences written for this project, in each language and for each hard case."""

from __future__ import annotations

import pytest

from detect.scoring import score_article

# (lang, title, summary) that report a polarizing event
POLARIZING = [
    ("en", "Man filmed burning a copy of the Quran outside Stockholm mosque", ""),
    ("en", "Synagogue in Halle targeted by gunman on Yom Kippur", "Two people were killed near the synagogue."),
    ("en", "Teacher suspended after showing cartoons of the Prophet Muhammad in class", ""),
    ("en", "Arsonists set fire to a mosque in a small town overnight", ""),
    ("en", "Government votes to ban the burqa in public places", ""),
    ("en", "Gravestones daubed with swastikas at Jewish cemetery", ""),
    ("en", "Mob attacks refugees in eastern town after rally", ""),
    ("en", "Far-right extremist charged with plotting attack on Muslims", ""),
    ("en", "Council rejects planning permission for minaret after campaign",
     "Critics called the campaign Islamophobic."),
    ("en", "Sikh temple worshippers shot dead by white supremacist", ""),
    ("en", "Church set alight in suspected hate crime", ""),
    ("en", "Pig's head left at the door of a mosque", ""),
    ("fr", "Un exemplaire du Coran brûlé devant une mosquée à Lyon", ""),
    ("fr", "La mosquée de Bayonne visée par une attaque, deux blessés", ""),
    ("fr", "Le Parlement vote l'interdiction du voile intégral dans l'espace public", ""),
    ("fr", "Des tombes profanées dans un cimetière juif d'Alsace", "Des croix gammées ont été peintes sur les tombes."),
    ("fr", "Caricatures du prophète : manifestations de colère dans plusieurs pays", ""),
    ("fr", "Attentat contre une église à Nice : l'assaillant se réclamait de l'État islamique", ""),
    ("es", "Queman un ejemplar del Corán frente a la embajada", ""),
    ("es", "Atacan una mezquita en Barcelona con pintadas racistas", ""),
    ("es", "Detenido un yihadista que planeaba un atentado contra una iglesia", ""),
    ("de", "Brandanschlag auf Moschee in Dortmund", ""),
    ("de", "Anschlag auf Synagoge: Täter wollte Juden töten", ""),
    ("de", "Landtag beschließt Kopftuchverbot für Lehrerinnen", ""),
    ("de", "Rechtsextremer greift Flüchtlinge an und verletzt drei Menschen", ""),
    ("pt", "Mesquita é alvo de ataque com bomba caseira em São Paulo", ""),
    ("pt", "Homem queima exemplar do Alcorão durante protesto", ""),
    ("tr", "İsveç'te Kur'an-ı Kerim yakıldı, Türkiye tepki gösterdi", ""),
    ("tr", "Almanya'da camiye saldırı: duvarlara gamalı haç çizildi", ""),
    ("tr", "Fransa'da başörtüsü yasağı okullarda genişletildi", ""),
    ("ar", "حرق نسخة من المصحف أمام مسجد في ستوكهولم", ""),
    ("ar", "هجوم مسلح على مسجد في نيوزيلندا يوقع عشرات القتلى", ""),
    ("ar", "غضب في العالم الإسلامي بعد نشر رسوم مسيئة للنبي محمد", ""),
    ("zh", "新西兰清真寺遭枪击 数十人遇难", ""),
    ("zh", "瑞典男子焚烧古兰经引发抗议", ""),
    ("en", "Anti-Muslim rhetoric surges after election", ""),
    ("en", "Rise in antisemitic incidents reported across Europe", ""),
    ("en", "Court sentences man to death for blasphemy", ""),
    ("en", "Ancient cathedral to be converted into a mosque, court rules", ""),
]

# (lang, title, summary) that are ordinary, including the hard cases
ORDINARY = [
    ("en", "Ten Ramadan recipes for a quick and easy iftar", "Dates, lentil soup and a cardamom dessert."),
    ("en", "Ramadan Sobhi scores twice as Pyramids beat Zamalek",
     "The winger's attack down the left decided the match."),
    ("en", "Islam Makhachev defends his title in Abu Dhabi", ""),
    ("fr", "Voile : le skipper remporte la Route du Rhum après une course épique", ""),
    ("fr", "Vendée Globe : avarie de voile pour le navigateur en tête", ""),
    ("en", "Christchurch council approves new cycleway through the city centre", ""),
    ("en", "Christchurch woman wins lotto on her birthday", ""),
    ("en", "The holy grail of battery research may be within reach", ""),
    ("en", "Muslim charity raises funds for flood victims", ""),
    ("en", "Heart attack survivor runs the marathon a year later", ""),
    ("en", "Man killed in car crash on the motorway", ""),
    ("en", "Migrants rescued after boat capsizes off Lampedusa", "Twelve people died."),
    ("en", "Police say the fire at the church was not arson", ""),
    ("en", "Mosque opens its doors to neighbours for an open day", ""),
    ("en", "City bans cars from the old town on Sundays", ""),
    ("en", "Striker shoots Arsenal into the final with a late goal", ""),
    ("en", "Burn calories fast with this ten-minute workout", ""),
    ("fr", "Les fidèles se rassemblent pour la messe de Noël à Notre-Dame", ""),
    ("fr", "Recettes du ramadan : trois desserts faciles", ""),
    ("es", "El Real Madrid ataca con todo y gana el partido", ""),
    ("es", "Receta de dulces para el Ramadán", ""),
    ("de", "Kirche feiert ihr 800-jähriges Bestehen mit einem Gottesdienst", ""),
    ("pt", "Igreja recebe concerto de Natal com coro infantil", ""),
    ("tr", "Ramazan ayında iftar sofraları için pratik tarifler", ""),
    ("tr", "Galatasaray, Fenerbahçe derbisinde son dakika golüyle kazandı", ""),
    ("ar", "سقط إسلام طارق حارس مرمى الجونة في خطأ فادح", ""),
    ("ar", "وصفات رمضان: حلويات سهلة للإفطار", ""),
    ("zh", "北京今天天气晴朗", ""),
    ("en", "Mosque lockdown: Friday prayers banned as the virus spreads", "Coronavirus rules close places of worship."),
]


@pytest.mark.parametrize(("lang", "title", "summary"), POLARIZING, ids=[t[:40] for _, t, _ in POLARIZING])
def test_detect_polarizing_sentences_are_flagged(lang: str, title: str, summary: str) -> None:
    """A sentence reporting a polarizing act against a target scores at or above the threshold, with reasons."""
    scored = score_article(title, summary, lang)
    assert scored.polarizing, (scored.score, scored.reasons)
    assert scored.reasons and scored.categories


@pytest.mark.parametrize(("lang", "title", "summary"), ORDINARY, ids=[t[:40] for _, t, _ in ORDINARY])
def test_detect_ordinary_sentences_are_not_flagged(lang: str, title: str, summary: str) -> None:
    """Ordinary news, including the hard cases, stays below the threshold."""
    scored = score_article(title, summary, lang)
    assert not scored.polarizing, (scored.score, scored.reasons)


MORE_ORDINARY = [
    ("en", "Priest arrested over child abuse allegations", ""),
    ("en", "Government to restrict migrant numbers next year", ""),
    ("en", "Thousands pray at Al-Aqsa on the last Friday of Ramadan", ""),
    ("en", "Christian Pulisic shoots Chelsea into the lead", ""),
    ("en", "Fire destroys historic church roof in Quebec", "Firefighters said the blaze started in the attic."),
    ("en", "Burning Man festival returns to the Nevada desert", ""),
    ("en", "Church of England synod votes on new prayers", ""),
    ("en", "Serial killer sentenced to life in prison", ""),
]


@pytest.mark.parametrize(("lang", "title", "summary"), MORE_ORDINARY, ids=[t[:40] for _, t, _ in MORE_ORDINARY])
def test_detect_everyday_religion_and_migration_news_is_not_flagged(lang: str, title: str, summary: str) -> None:
    """Clergy scandals, migration policy, routine worship at holy sites, names and accidents are not flashpoints."""
    scored = score_article(title, summary, lang)
    assert not scored.polarizing, (scored.score, scored.reasons)


def test_detect_a_holy_site_changing_hands_is_flagged() -> None:
    """A contested site opening again to another faith's prayers is flagged, with the change in the reasons."""
    scored = score_article("Hagia Sophia opens again to Friday prayers after court ruling", "", "en")
    assert scored.polarizing and "holy_site_conversion" in scored.categories


def test_detect_negation_and_reasons() -> None:
    """'Not arson' is not arson, and the reasons say which term was negated."""
    scored = score_article("Police say church fire was not arson", "", "en")
    assert not scored.polarizing and any("negated: ARSON" in r for r in scored.reasons)


MORE_POLARIZING = [
    ("en", "Charlie Hebdo republishes Muhammad cartoons", ""),
    ("en", "Mob lynches man over rumours he was carrying beef", "The victim was a Muslim labourer."),
    ("en", "Bulldozers demolish centuries-old mosque in the night", ""),
    ("en", "Province bars teachers from wearing religious symbols", ""),
    ("en", "Rohingya villages torched by soldiers, witnesses say", ""),
    ("en", "Anti-immigrant riots spread to three more towns", ""),
    ("en", "Attack on Sikh gurdwara in Kabul kills 25", ""),
    ("en", "Jewish cemetery vandalised for the second time this year", ""),
    ("en", "Officials turned the old church into a mosque overnight", ""),
]


@pytest.mark.parametrize(("lang", "title", "summary"), MORE_POLARIZING, ids=[t[:40] for _, t, _ in MORE_POLARIZING])
def test_detect_other_phrasings_of_the_categories_are_flagged(lang: str, title: str, summary: str) -> None:
    """Each category in other words than the dev titles: lynching, demolition, bans on symbols, conversions."""
    scored = score_article(title, summary, lang)
    assert scored.polarizing, (scored.score, scored.reasons)
