"""Structure rules: who did what to whom, and in what setting (pure, word sets only: no event, person or place).

An act and a target in one sentence are not yet an attack on a community. These rules read the sentence's shape
and the article's setting and say when the pair is something else:

- **Role of the target.** A place of worship after *near / outside / opposite* is where something happened, not
  what was hit ("blast near a mosque"); after *in / at / inside*, only mass violence (shooting, bomb, arson,
  terror) or a named worshipper makes it an attack on the faithful ("student attacked in a church" is a crime in a
  building). A cemetery is a religious place only when a faith or community is named with it, or when it is
  desecrated. Migrants are victims when the act comes first ("attacks on refugees", "attacked migrants") or when the
  act is passive after them ("migrants beaten"); otherwise they are actors or bystanders, and that is everyday news.
  Clergy alone (a priest, a vicar) are people, not a community a rule can single out.
- **Statues and monuments** toppled or defaced near a church are a row about history, not desecration of a holy
  place, unless a community is named.
- **Setting of the article** (title or lead): public health (rules for churches and mosques in a pandemic), armed
  conflict (air strikes, troops, militants: an armed group's name is not an attack on a community, though
  soldiers burning a minority's villages still are), commemoration
  (anniversaries, wartime: recalled violence, though a planned burning on an anniversary is still a burning),
  history (archaeology, ancient and medieval times), living conditions (camps, shelters, storms), entertainment and
  sport (hosts, comedians, films, matches). Each damps the acts it explains. A sentence's own setting words count
  for that sentence wherever it stands, and a sentence naming the Third Reich's armed forces ("a Nazi warship") is
  wartime history for that sentence only.
- **Hate motive** (racist, hatred, hate crime, anti-X, Islamophobia) keeps an attack an attack in any setting but
  history and armed conflict.
"""

from __future__ import annotations

from dataclasses import dataclass

from .lexicon import normalize
from .matching import Hit, Sentence

#: Prepositions that make a place the *setting* of an act, not its target.
NEAR = frozenset({"near", "outside", "beside", "behind", "opposite", "nearby", "across", "close", "next", "front",
                  "pres", "devant", "cerca", "frente", "neben", "vor", "perto", "yakininda", "onunde", "قرب", "امام"})
#: Prepositions that put an act *inside* a place.
INSIDE = frozenset({"in", "at", "inside", "within", "dans", "a", "en", "im", "am", "no", "na", "em", "في", "داخل"})
#: Acts that, inside a place of worship, strike the faithful gathered there.
MASS_VIOLENCE = frozenset({"SHOOTING", "BOMB", "ARSON", "TERROR"})
#: Words before a migrant term that make them the object of the act.
TOWARD = frozenset({"on", "against", "targeting", "targeted", "toward", "towards", "contre", "contra", "gegen",
                    "على", "ضد"})

SETTINGS: dict[str, frozenset[str]] = {
    "health": frozenset({"covid", "covid-19", "coronavirus", "pandemic", "lockdown", "lockdowns", "virus",
                         "quarantine", "distancing", "vaccine", "vaccines", "vaccination", "outbreak", "infections",
                         "pandemie", "confinement", "pandemia", "cuarentena", "corona", "salgin", "كورونا",
                         "reopen", "reopening", "reopens", "capacity", "gatherings", "social distancing"}),
    "armed_conflict": frozenset({"airstrike", "airstrikes", "air strike", "air strikes", "troops", "army", "soldiers",
                                 "military", "militants", "militant", "insurgents", "insurgency", "rebels",
                                 "fighters", "drone strike", "drone strikes", "coalition", "battlefield", "warplanes",
                                 "ceasefire", "shelling", "artillery", "war-torn", "civil war", "war zone", "warring",
                                 "frontline", "front line", "guerrillas", "paramilitary", "paramilitaries",
                                 # the armed parties of today's insurgencies: where they act, a bombing is war
                                 "taliban", "al-shabaab", "al shabaab", "boko haram", "houthi", "houthis",
                                 "talibans", "guerrilla", "rebelles", "guérilla",
                                 "armee", "militaires", "soldats", "ejercito", "militares", "soldaten",
                                 "exercito", "ordu", "asker", "جيش", "الجيش", "مسلحين", "غارات", "军队"}),
    "commemoration": frozenset({"anniversary", "anniversaries", "commemorate", "commemorates", "commemoration",
                                "commemorated", "decade on", "years on", "years ago", "years since", "wartime",
                                "world war", "ww2", "wwii", "anniversaire", "aniversario", "jahrestag", "yildonumu",
                                "ذكرى"}),
    "history": frozenset({"ancient", "archaeologists", "archaeological", "archaeology", "historian", "historians",
                          "medieval", "century-old", "centuries-old", "skeleton", "excavation", "excavated"}),
    "living_conditions": frozenset({"conditions", "camp", "camps", "homeless", "hunger", "cyclone", "flood",
                                    "floods", "earthquake", "displaced", "nomads", "overcrowded", "squalid",
                                    "stranded", "border closure"}),
    "entertainment": frozenset({"comedian", "comedians", "comedy", "late-night", "sitcom", "podcast", "netflix",
                                "hosts", "actor", "actress", "celebrity", "celebrities", "singer", "rapper",
                                "album", "concert", "viewers", "episode", "hollywood", "oscars", "tv",
                                "premier league", "footballer", "footballers", "striker"}),
}
#: What each setting explains away (act kinds damped, and the factor).
SETTING_DAMPS: dict[str, tuple[frozenset[str], float]] = {
    "health": (frozenset({"ban", "hostility", "harm", "remove", "extremist"}), 0.4),
    "armed_conflict": (frozenset({"extremist"}), 0.45),
    "commemoration": (frozenset({"extremist", "violence", "terror", "harm"}), 0.45),
    # a massacre of the last ten years recalled is a follow-up: its survivors, its trial, the hatred still there
    "recent_commemoration": (frozenset(), 1.0),
    # a headline about proceedings against a person (`JUSTICE`): read by the extremist rule alone (`scoring`)
    "justice": (frozenset(), 1.0),
    "history": (frozenset({"extremist", "violence", "terror", "harm", "hostility", "ban", "hate", "mock"}), 0.45),
    "living_conditions": (frozenset({"harm", "hostility", "ban"}), 0.5),
    "entertainment": (frozenset({"mock", "hostility", "protest", "ban", "hate", "blasphemy"}), 0.5),
}
#: Settings that a hate motive does not override (history stays history, a battle stays a battle).
MOTIVE_PROOF = frozenset({"history", "armed_conflict"})
#: Settings that a far-right actor does not override (a wartime "Nazi" is history; a far-right massacre's tenth
#: anniversary is not: `recent_commemoration`).
FAR_RIGHT_PROOF = frozenset({"history", "armed_conflict", "commemoration"})


#: The Third Reich's state and armed forces: in the sentence that names them, "Nazi" is wartime history, not a
#: movement (only the sentence: a lead recalling Nazi troops does not make a neo-Nazi attack in the title history).
WARTIME_NAZI = ("nazi germany", "nazi warship", "nazi warships", "nazi troops", "nazi forces", "nazi army",
                "nazi occupation", "nazi soldiers", "nazi submarine", "nazi invasion", "nazi germans")

_SINGLE = {name: frozenset(m for m in markers if " " not in m) for name, markers in SETTINGS.items()}
_PAIRS = {name: tuple(m for m in markers if " " in m) for name, markers in SETTINGS.items()}
_PAIR_FIRSTS: dict[str, list[tuple[str, str]]] = {}
for _name, _pairs in _PAIRS.items():
    for _pair in _pairs:
        _PAIR_FIRSTS.setdefault(_pair.split()[0], []).append((_name, _pair))
#: Each one-word marker and the settings it marks (a sentence's words are looked up, not every setting's markers).
_SETTINGS_OF: dict[str, tuple[str, ...]] = {}
for _name, _words in _SINGLE.items():
    for _word in _words:
        _SETTINGS_OF[_word] = (*_SETTINGS_OF.get(_word, ()), _name)


#: Words of proceedings against a person (arrest, charge, trial, sentence, extradition, renunciation): a headline
#: made of them tells of justice done to someone, and an attack its lead recalls is background. Folded as the
#: sentence's words are (`lexicon.normalize`: no accents, Arabic ة as ه).
JUSTICE = frozenset(normalize(w) for w in {
    "arrested", "arrest", "arrests", "detained", "charged", "charge", "charges", "convicted", "convict", "conviction",
    "sentenced", "jailed", "jail", "imprisoned", "extradited", "extradition", "deported", "deportation", "trial",
    "indicted", "indictment", "pleads", "pleaded", "acquitted", "prosecuted", "renounces", "renounced", "renouncing",
    "inculpe", "inculpes", "condamne", "condamnes", "proces", "interpelle", "extrade", "expulse",
    "acusado", "condenado", "condenados", "juicio", "detenido", "detenidos", "extraditado",
    "angeklagt", "verurteilt", "prozess", "festgenommen", "ausgeliefert", "abgeschoben",
    "tutuklandı", "yargılandı", "محاكمة", "اعتقال", "ادانة"})


def justice_headline(sentences: list[Sentence]) -> bool:
    """Whether the title tells of proceedings against a person ("... flown to U.S. to face terrorism charge",
    "convict now says he renounces terrorism")."""
    return any(s.is_title and not JUSTICE.isdisjoint(s.words) for s in sentences)


def settings_of(sentences: list[Sentence]) -> frozenset[str]:
    """The article's settings, read from the title and the first two sentences of the lead. A commemoration of
    an event at most ten years old is `recent_commemoration` (`recalls_recent`)."""
    found: set[str] = set()
    for s in sentences:
        if s.is_title or s.index <= 2:
            found |= _stated(s)
    if "commemoration" in found and recalls_recent([s for s in sentences if s.is_title or s.index <= 2]):
        found = (found - {"commemoration"}) | {"recent_commemoration"}
    if justice_headline(sentences):
        found.add("justice")
    return frozenset(found)


#: Number words up to ten, and the ordinals of anniversaries up to the tenth.
_SMALL_NUMBERS = {w: n for n, ws in enumerate((
    (), ("one", "a", "an", "un", "une", "uno", "ein", "einem", "bir"), ("two", "deux", "dos", "zwei", "iki"),
    ("three", "trois", "tres", "drei", "uc"), ("four", "quatre", "cuatro", "vier"), ("five", "cinq", "cinco", "funf"),
    ("six", "seis", "sechs"), ("seven", "sept", "siete", "sieben"), ("eight", "huit", "ocho", "acht"),
    ("nine", "neuf", "nueve", "neun"), ("ten", "dix", "diez", "zehn", "on")), start=0) for w in ws}
_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
             "ninth": 9, "tenth": 10, "premier": 1, "dixieme": 10, "decimo": 10, "zehnten": 10, "zehnte": 10}
_YEARS = frozenset({"year", "years", "ans", "an", "anos", "jahre", "jahren", "jahrestag", "yil", "yillik"})
_ANNIVERSARY = frozenset({"anniversary", "anniversaire", "aniversario", "jahrestag", "yildonumu"})


def recalls_recent(sentences: list[Sentence]) -> bool:
    """Whether a commemoration recalls an event of the last ten years ("a decade on", "five years since", "the
    tenth anniversary"): its consequences are current news (a massacre's survivors, the hatred still out there),
    while an older one is history (`settings_of`)."""
    for s in sentences:
        words = s.words
        for i, w in enumerate(words):
            before = words[i - 1] if i else ""
            if w in ("decade", "decennie", "decada", "jahrzehnt"):
                return True
            if w in _YEARS and (before.isdigit() and int(before) <= 10 or before in _SMALL_NUMBERS):
                return True
            if w in _ANNIVERSARY and (_ORDINALS.get(before, 99) <= 10 or (
                    before[:-2].isdigit() and int(before[:-2]) <= 10)):
                return True
    return False


def sentence_settings(sentence: Sentence) -> frozenset[str]:
    """The settings one sentence states itself, wherever it stands ("late-night hosts mock …" in the fourth
    sentence of a politics round-up is entertainment even when the article's lead is not), and wartime history
    (`WARTIME_NAZI`)."""
    found = _stated(sentence)
    if "commemoration" in found and recalls_recent([sentence]):
        found = (found - {"commemoration"}) | {"recent_commemoration"}
    if "history" not in found and "nazi" in sentence.words:
        text = " ".join(sentence.words)
        if any(p in text for p in WARTIME_NAZI):
            found |= {"history"}
    return found


def _stated(sentence: Sentence) -> frozenset[str]:
    """The settings whose markers one sentence contains."""
    words = set(sentence.words)
    found = {name for word in words if word in _SETTINGS_OF for name in _SETTINGS_OF[word]}
    firsts = words & _PAIR_FIRSTS.keys()  # a multi-word marker is looked for only when its first word is there
    if firsts:
        text = " ".join(sentence.words)
        found |= {name for w in firsts for name, pair in _PAIR_FIRSTS[w] if name not in found and pair in text}
    return frozenset(found)


ROLE_LOCATION = "place of worship only as a location"
ROLE_INSIDE = "a crime inside a building, not against the faithful"
ROLE_CEMETERY = "a cemetery with no community named is a setting"
ROLE_ACTOR = "migrants as actors or bystanders"
ROLE_ORGANISATION = "an organisation's name is not a community"
#: Nouns after a community word that make it an organisation's name ("Muslim campaign group", "Jewish council").
ORGANISATION = frozenset({"group", "council", "organisation", "organization", "association", "party", "charity",
                          "body", "league", "network", "brotherhood", "campaign", "federation", "union", "foundation"})
ROLE_MONUMENT = "a statue or monument is history's row, not a holy place"
#: Statues and monuments: toppling one is a row about history, not an attack on a community's holy place.
MONUMENT_WORDS = frozenset({"statue", "statues", "monument", "monuments", "memorial", "plaque", "bust", "obelisk",
                            "statue's", "statuen", "denkmal", "estatua", "estatuas", "monumento", "heykel", "تمثال"})


@dataclass(frozen=True)
class Role:
    """Why a target is not (or less) the victim of an act: a factor and a reason, or 1.0 and ''."""

    factor: float
    why: str = ""


KEEP = Role(1.0)


ROLE_WAR_ZONE = "a place of worship in an armed conflict, no faith named as the target"


def target_role(sentence: Sentence, act: Hit, target: Hit, motive: bool, far_right: bool = False,
                settings: frozenset[str] = frozenset()) -> Role:
    """How much an act in a sentence is directed at a target, from the words around them (a named hate motive or
    a far-right actor makes the target a victim) and the article's `settings` (a bombing at a mosque where armed
    groups fight is war, unless the sentence names the faithful of one faith as the target)."""
    motive = motive or far_right
    words = sentence.words
    p = target.position
    before = words[max(0, p - 3):p]
    if ("armed_conflict" in settings and target.kind == "place" and act.kind in ("violence", "terror", "harm")
            and not motive and not any(h.kind in ("group", "occasion") or h.concept == "WORSHIPPER"
                                       for h in sentence.hits)):
        return Role(0.5, ROLE_WAR_ZONE)
    if target.kind in ("place", "site", "figure") and act.kind in ("desecrate", "remove", "violence", "protest") \
            and not MONUMENT_WORDS.isdisjoint(words) and not any(h.kind in ("group", "faith") for h in sentence.hits):
        return Role(0.5, ROLE_MONUMENT)
    if target.kind == "place":
        if act.kind == "hostility" and act.text.lower().startswith("discriminat"):
            return Role(0.5, "discrimination is against people, not buildings")
        if target.concept == "CEMETERY" and act.kind != "desecrate" and not any(
                h.kind in ("group", "faith") for h in sentence.hits):
            return Role(0.45, ROLE_CEMETERY)
        if act.kind in ("violence", "harm", "terror"):
            if not NEAR.isdisjoint(before):
                return Role(0.5, ROLE_LOCATION)
            if (not INSIDE.isdisjoint(before[-2:]) and act.concept not in MASS_VIOLENCE and not motive
                    and not any(h.concept == "WORSHIPPER" for h in sentence.hits)):
                return Role(0.5, ROLE_INSIDE)
    if target.kind == "object" and act.kind == "violence" and abs(act.position - target.position) > 5:
        return Role(0.6, "violence far from a scripture is no attack on it")
    if target.concept == "MIGRANT" and act.kind in ("violence", "terror", "hostility") and not motive:
        q = act.position
        object_role = (q < p and (not TOWARD.isdisjoint(before) or p - q <= 2)) or (
            q > p and q - p <= 3 and words[q].endswith(("ed", "en")))
        if not object_role:
            return Role(0.6, ROLE_ACTOR)
    if act.kind == "hostility" and act.text.lower().startswith("discriminat") and target.kind == "faith" \
            and target.position == act.position - 1:
        return Role(0.55, "'religious discrimination' names a kind of claim, not a community")
    if act.kind == "hostility" and act.text.lower().startswith("discriminat") and target.concept == "WORSHIPPER":
        return Role(0.5, "discrimination against one cleric is a dispute, not against a community")
    if act.kind == "ban" and target.kind == "group" and not ORGANISATION.isdisjoint(words[p + 1:p + 3]):
        return Role(0.5, ROLE_ORGANISATION)
    if target.concept == "WORSHIPPER" and act.kind == "ban":
        return Role(0.5, "a ban on clergy is no rule against a community")
    return KEEP


def damp_for_settings(settings: frozenset[str], kind: str, motive: bool,
                      far_right: bool = False) -> tuple[float, str]:
    """The factor the article's settings put on an act (or charged term) of this kind, with the setting's name."""
    factor, why = 1.0, ""
    for name in settings:
        affected, f = SETTING_DAMPS[name]
        if kind in affected and f < factor and (not motive or name in MOTIVE_PROOF) and (
                not far_right or name in FAR_RIGHT_PROOF):
            factor, why = f, name
    return factor, why
