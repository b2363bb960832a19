"""The judgement: sentences with hits in, a score with its reasons and categories out (pure).

Each sentence is judged on its own: an *act* next to a *target* it can hurt (BURN + QURAN, ATTACK + MOSQUE,
BAN + DRESS) scores high; a charged term (Islamophobia, blasphemy) scores on its own; an extremist label scores with
violence; an act alone or a group alone scores low. Sport, leisure and public-health contexts damp violent, mocking
and banning words (a striker's "attack", a lockdown's "ban"). The article's score is its best sentence, a little
more when several sentences agree, or a weaker score for an act and a target that only meet across sentences.

`rule_features` gives the same analysis as numbers, for the learned classifier.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property

from . import patterns as P
from .lexicon import KIND_OF_CONCEPT as _KIND_OF_CONCEPT
from .lexicon import normalize
from .matching import Hit, Sentence, clean_text, lead, proper_names, sentences_of
from .structure import (
    MONUMENT_WORDS,
    ROLE_ACTOR,
    ROLE_CEMETERY,
    ROLE_INSIDE,
    ROLE_LOCATION,
    ROLE_MONUMENT,
    damp_for_settings,
    sentence_settings,
    settings_of,
    target_role,
)

#: How strongly an act kind combines with a target kind (act weight x compatibility = sentence score).
COMPAT: dict[str, dict[str, float]] = {
    "violence": {"place": 0.95, "site": 0.95, "group": 0.85, "figure": 0.7, "object": 0.7, "dress": 0.8,
                 "faith": 0.45},
    "terror": {"place": 0.95, "site": 0.9, "group": 0.85, "faith": 0.8, "figure": 0.6},
    "desecrate": {"object": 0.95, "place": 0.9, "site": 0.9, "figure": 0.8, "group": 0.6, "faith": 0.6},
    "mock": {"figure": 0.9, "faith": 0.8, "object": 0.8, "group": 0.6, "site": 0.5},
    "ban": {"dress": 0.9, "place": 0.85, "group": 0.85, "faith": 0.7, "object": 0.7, "site": 0.7},
    "convert": {"place": 0.75, "site": 0.9},
    "remove": {"dress": 0.8},
    "hostility": {"group": 0.8, "faith": 0.75, "place": 0.85, "object": 0.8, "figure": 0.7, "dress": 0.75,
                  "site": 0.7},
    "harm": {"place": 0.45, "site": 0.45},
    "protest": {"figure": 0.35, "object": 0.35, "site": 0.35},
}

#: Context kinds that damp some act kinds (factor applied when the context is in the sentence).
DAMPING: dict[str, tuple[frozenset[str], float]] = {
    "sport": (frozenset({"violence", "harm", "desecrate", "terror", "mock"}), 0.3),
    "leisure": (frozenset({"mock", "protest", "harm", "ban", "desecrate"}), 0.5),
    "health": (frozenset({"ban", "convert"}), 0.4),
}

CATEGORY: dict[tuple[str, str], str] = {
    ("violence", "place"): "attack_on_place_of_worship", ("terror", "place"): "attack_on_place_of_worship",
    ("harm", "place"): "attack_on_place_of_worship", ("violence", "site"): "attack_on_place_of_worship",
    ("violence", "group"): "attack_on_community", ("terror", "group"): "attack_on_community",
    ("desecrate", "object"): "desecration", ("desecrate", "place"): "desecration",
    ("desecrate", "site"): "desecration", ("mock", "figure"): "blasphemy_row", ("mock", "faith"): "blasphemy_row",
    ("mock", "object"): "blasphemy_row", ("ban", "dress"): "religious_dress_ban",
    ("ban", "place"): "religious_building_ban", ("ban", "group"): "discriminatory_ban",
    ("ban", "faith"): "religious_practice_ban", ("ban", "occasion"): "religious_practice_ban",
    ("convert", "place"): "holy_site_conversion", ("convert", "site"): "holy_site_conversion",
    ("remove", "dress"): "religious_dress_violation",
}


@dataclass(frozen=True)
class Scored:
    """An article's judgement: score in [0, 1], whether it is polarizing, categories, reasons and the concepts and
    names that clustering uses."""

    score: float
    polarizing: bool
    categories: tuple[str, ...]
    reasons: tuple[str, ...]
    concepts: tuple[str, ...]
    names: tuple[str, ...]


@dataclass
class _Candidate:
    score: float
    category: str
    reason: str


def _best(cands: Iterable[_Candidate]) -> _Candidate | None:
    return max(cands, key=lambda c: c.score, default=None)


def _describe(h: Hit) -> str:
    return f"{h.concept} '{h.text}'"


def _has_motive(live: list[Hit]) -> bool:
    """A hateful motive is named: racist, hatred, hate crime, anti-X, Islamophobia (an extremist label alone is
    not a motive: "Nazi" in a wartime story is history)."""
    return any(h.kind == "hate" or (h.kind == "hostility" and normalize(h.text).startswith(P.HATE_MOTIVE))
               for h in live)


def score_sentence(sentence: Sentence, settings: frozenset[str] = frozenset()) -> list[_Candidate]:
    """Every rule that fires in one sentence, with its score; `settings` are the article's (`structure.py`)."""
    live = [h for h in sentence.hits if not h.negated]
    kinds = {h.kind for h in live}
    acts = [h for h in live if h.kind in P.ACT_KINDS]
    targets = [h for h in live if h.kind in P.TARGET_KINDS or h.kind == "occasion" or h.kind == "worship"]
    charged = [h for h in live if h.kind in P.CHARGED_KINDS]
    out: list[_Candidate] = []

    negated_acts = any(h.negated for h in sentence.hits)
    concepts = {h.concept for h in live}

    motive = _has_motive(live)
    far_right = "FAR_RIGHT" in concepts
    bans = [h.position for h in live if h.kind in ("ban", "remove")]
    words = sentence.words

    def countered(h: Hit) -> bool:
        """A rule *against* hate ("ban Nazi flags", "remove Holocaust denial posts") is not a hateful act; nor is
        hate named as a kind of content that a ban or removal in the sentence acts on ("posts", "contenus")."""
        if any(0 < h.position - b <= 5 for b in bans):
            return True
        near = words[max(0, h.position - 2):h.position] + words[h.position + 1:h.position + 4]
        return bool(bans) and not P.CONTENT_NOUNS.isdisjoint(near)
    notes: list[str] = []

    def damp(act_kind: str) -> float:
        factor = 0.5 if negated_acts and act_kind == "harm" else 1.0
        for ctx, (affected, f) in DAMPING.items():
            if ctx in kinds and act_kind in affected:
                factor = min(factor, f)
        if settings:
            # an extremist label does not vouch for itself: far-right actors lift other acts' damping, not their own
            f, why = damp_for_settings(settings, act_kind, motive, far_right and act_kind != "extremist")
            if f < 1.0:
                factor = min(factor, f)
                if why not in notes:
                    notes.append(why)
        return factor

    where = "title" if sentence.is_title else f"sentence {sentence.index + 1}"
    for a in acts:
        for t in targets:
            kind_t = t.kind
            compat = COMPAT.get(a.kind, {}).get(kind_t, 0.0)
            if a.kind == "ban" and kind_t in ("occasion", "worship"):
                compat = 0.75
            if a.kind == "convert" and kind_t == "place" and (
                    sum(1 for x in targets if x.kind in ("place", "site")) >= 2 or "museum" in sentence.words):
                compat = 0.9
            if compat <= 0:
                continue
            if a.concept == "FIRE" or (a.kind == "harm" and "FIRE" in concepts and "violence" not in kinds):
                compat = min(compat, 0.45)  # most fires in places of worship are accidents: a fire alone never flags
            if t.concept == "MIGRANT":  # migration policy and migrants as perpetrators are everyday news
                compat = min(compat, P.MIGRANT_CAP.get(a.kind, compat))
            role = target_role(sentence, a, t, motive, far_right, settings)
            s = compat * role.factor * damp(a.kind)
            cat = CATEGORY.get((a.kind, kind_t), "hate_crime" if a.kind == "hostility" else "attack_on_community")
            why = f" ({role.why})" if role.why else ""
            out.append(_Candidate(s, cat, f"{_describe(a)} + {_describe(t)} in {where}{why}"))
    extremists = [h for h in charged if h.kind == "extremist"]
    # a violent act called racist or hateful is a hate crime even when the target is no term ("targeted Black
    # shoppers, racist manifesto")
    hostile = [h for h in acts if h.kind == "hostility" and normalize(h.text).startswith(P.HATE_MOTIVE)]
    violent = [h for h in acts if h.kind in ("violence", "terror")]
    if hostile and violent and not out:
        # racist violence against a person is a crime; against a community (far right, mass violence) a flashpoint
        # (arson with no place named is against a person or a house: a crime, unless a community is named)
        mass = far_right or any(h.concept in ("SHOOTING", "BOMB") for h in violent)
        out.append(_Candidate((0.6 if mass else 0.45) * damp(violent[0].kind), "hate_crime",
                              f"{_describe(hostile[0])} + {_describe(violent[0])} in {where}"))
    real_targets = [h for h in targets if h.kind in P.TARGET_KINDS]
    for h in charged:
        if h.kind == "hate":
            # anti-<faith or group> is hate speech; anti-<nationality> ("anti-French") only with violence
            s = 0.45 if h.anti and _KIND_OF_CONCEPT.get(h.concept[5:]) == "nation" else 0.85
            if h.anti and any(a.kind in ("violence", "hostility", "terror") for a in acts):
                s = 0.85
            if h.concept == "XENOPHOBIA" and normalize(h.text).startswith(("xenophob", "racial")) and not (
                    real_targets or any(a.kind in ("violence", "terror", "desecrate") for a in acts)):
                s = 0.45  # "xenophobia" with no act and no community named is a general debate
            if countered(h):
                s = min(s, 0.45)
            f, why = damp_for_settings(settings, "hate", False, far_right)
            s *= min(damp("hate"), f)
            if f < 1.0 and why not in notes:
                notes.append(why)
            out.append(_Candidate(s, "hate_speech", f"{_describe(h)} in {where}"))
        elif h.kind == "blasphemy":
            out.append(_Candidate(0.8 * min(damp("mock"), damp("blasphemy")), "blasphemy_row",
                                  f"{_describe(h)} in {where}"))
    for h in extremists:
        cat = "islamist_attack" if h.concept == "ISLAMIST" else "far_right_violence"
        violent = [a for a in acts if a.kind in ("violence", "terror", "hostility", "harm", "desecrate")]
        if violent:
            a = max(violent, key=lambda x: (x.kind != "harm", x.kind == "violence" or " " in x.text))
            # a death next to an extremist label is no attack by itself ("75 years after his death"), unless a
            # community is named as the victim ("far-right man injures refugees")
            harm = 0.75 if any(t.kind == "group" for t in real_targets) else 0.45
            s = (0.9 if a.kind != "harm" else harm) * min(damp(a.kind), damp("extremist"))
            if a.kind == "terror" and " " not in a.text.strip() and not real_targets:
                s = min(s, 0.45)  # "terrorism charge", "anti-terror police": a legal story, no attack told
            if countered(h):
                s = min(s, 0.45)
            recalled = ""
            if "justice" in settings and not sentence.is_title and not real_targets and s > 0.45:
                # under a headline of proceedings against a person (arrested, charged, extradited, renounces), an
                # attack the lead recalls with no community named is that person's past: a justice story
                s, recalled = 0.45, " (recalled under a headline of proceedings against a person)"
            out.append(_Candidate(s, cat, f"{_describe(h)} + {_describe(a)} in {where}{recalled}"))
        elif real_targets:
            out.append(_Candidate(0.6 * damp("extremist"), cat,
                                  f"{_describe(h)} + {_describe(real_targets[0])} in {where}"))
        else:
            out.append(_Candidate(0.4, cat, f"{_describe(h)} alone in {where}"))
    sites = [h for h in live if h.kind == "site"]
    if sites and any(h.kind in ("worship", "group", "place") for h in live):
        # a contested holy site changing hands ("first prayers in 86 years", "opens again to Muslim prayer")
        other = next(h for h in live if h.kind in ("worship", "group", "place"))
        change = next((w for w in sentence.words if w in P.CHANGE_WORDS), "")
        s = 0.6 if change else 0.4
        why = f"{_describe(sites[0])} + {_describe(other)}" + (f" + change '{change}'" if change else "")
        out.append(_Candidate(s, "holy_site_conversion", f"{why} in {where}"))
    if sentence.index >= 3:  # headlines and leads carry the story; deep mentions are background
        for c in out:
            c.score *= 0.8
    if notes:
        for c in out:
            c.reason += f" (setting: {', '.join(notes)})"
    if not out:
        if acts:
            a = max(acts, key=lambda x: x.kind in ("violence", "terror"))
            out.append(_Candidate(0.3 if a.kind == "terror" else 0.2, "", f"act only: {_describe(a)} in {where}"))
        elif targets:
            out.append(_Candidate(0.05, "", f"target only: {_describe(targets[0])} in {where}"))
    return out


@dataclass
class Analysis:
    """Everything the rules found in one article: its sentences with hits, every rule that fired, the best one and
    the article's score (what `score_article` reports and `rule_features` turns into numbers)."""

    sentences: list[Sentence]
    candidates: list[_Candidate]
    per_sentence: list[_Candidate]
    best: _Candidate | None
    cross: _Candidate | None
    score: float
    title: str = ""
    summary: str = ""

    @cached_property
    def settings(self) -> frozenset[str]:
        """The article's settings (`structure.settings_of`), worked out when first read: an article with nothing to
        judge needs them only for `rule_features`."""
        return settings_of(self.sentences)


#: The kinds of hit a rule can judge (acts, their targets, charged terms); sport, leisure and health only damp them.
_JUDGED_KINDS = P.ACT_KINDS | P.TARGET_KINDS | P.CHARGED_KINDS | {"occasion", "worship"}


def analyse(title: str, summary: str = "", lang: str = "en", threshold: float = 0.5) -> Analysis:
    """Match and judge one article (pure)."""
    title_c, summary_c = clean_text(title), lead(clean_text(summary))
    lang = (lang or "en").lower()[:2]
    sentences = sentences_of(title_c, summary_c, lang)
    if not any(s.hits for s in sentences):  # most news: nothing to judge
        found = Analysis(sentences, [], [], None, None, 0.0, title_c, summary_c)
        found.settings = frozenset()  # an article with no hit has no settings in its features (as the model learned)
        return found
    if not any(h.kind in _JUDGED_KINDS and not h.negated for s in sentences for h in s.hits):
        # context alone (a health story, a match report): no rule can fire, in any sentence or across them
        return Analysis(sentences, [], [], None, None, 0.0, title_c, summary_c)
    per_sentence: list[_Candidate] = []
    all_cands: list[_Candidate] = []
    settings = settings_of(sentences)
    for s in sentences:
        cands = score_sentence(s, settings | sentence_settings(s))
        all_cands.extend(cands)
        best = _best(cands)
        if best:
            per_sentence.append(best)
    best = _best(per_sentence)
    score = best.score if best else 0.0
    # cross-sentence: an act and a target it can hurt that only meet across sentences
    live = [h for s in sentences for h in s.hits if not h.negated]
    cross: _Candidate | None = None
    if score < threshold:
        for a in (h for h in live if h.kind in ("violence", "terror", "desecrate", "ban", "mock")):
            # migrants and cemeteries are victims only by what one sentence says of them (structure.target_role)
            for t in (h for h in live if h.kind in P.TARGET_KINDS and h.sentence != a.sentence
                      and h.concept not in ("MIGRANT", "CEMETERY")
                      and abs(h.sentence - a.sentence) == 1 and max(h.sentence, a.sentence) <= 2):
                compat = COMPAT.get(a.kind, {}).get(t.kind, 0.0) * 0.6 * damp_for_settings(settings, a.kind, False)[0]
                compat *= target_role(sentences[t.sentence], a, t, False, settings=settings).factor
                if compat > (cross.score if cross else 0.0):
                    cat = CATEGORY.get((a.kind, t.kind), "attack_on_community")
                    cross = _Candidate(compat, cat, f"{_describe(a)} + {_describe(t)} across sentences")
        if cross and cross.score > score:
            best, score = cross, cross.score
    strong = [c for c in per_sentence if c.score >= threshold]
    if len(strong) >= 2:
        score = min(1.0, score + 0.05 * (len(strong) - 1))
    found = Analysis(sentences, all_cands, per_sentence, best, cross, score, title_c, summary_c)
    found.settings = settings
    return found


def score_article(title: str, summary: str = "", lang: str = "en", threshold: float = 0.5,
                  classifier: object = "configured", *, names: bool = False) -> Scored:
    """Score one article: the heart of detect/. ``classifier``: a `detect.classifier.Classifier`, None for the rules
    alone, or "configured" (the default) for what `RRM_DETECT__CLASSIFIER` says. ``names``: give the proper names
    of an ordinary article too (for linking follow-ups; polarizing articles always have them)."""
    lang = (lang or "en").lower()[:2]
    found = analyse(title, summary, lang, threshold)
    if not any(s.hits for s in found.sentences):
        return Scored(0.0, False, (), (), (), proper_names(found.title, found.summary, lang) if names else ())
    score, best, cross, sentences = found.score, found.best, found.cross, found.sentences
    live = [h for s in sentences for h in s.hits if not h.negated]
    polarizing = score >= threshold
    learned = None
    if classifier == "configured":
        from .classifier import configured, top_category

        classifier = configured()
    if classifier is not None and classifier.worth_asking(score, threshold):
        features = features_of(found, threshold)
        probability = classifier.probability(title, summary, lang, features)
        verdict = classifier.decide(score, threshold, probability, top_category(features))
        if verdict != polarizing:
            learned = f"classifier p={probability:.2f} {'raised' if verdict else 'vetoed'} rule score {score:.2f}"
            score = max(score, threshold) if verdict else min(score, round(threshold - 0.01, 4))
            polarizing = verdict
    ranked = sorted((c for c in [*found.candidates, *([cross] if cross else [])] if c.category),
                    key=lambda c: -c.score)
    categories = tuple(dict.fromkeys(c.category for c in ranked if c.score >= threshold * 0.8)) if polarizing else ()
    if polarizing and not categories and ranked:
        categories = (ranked[0].category,)
    reasons = [f"{c.reason} -> {c.category or 'weak'} {c.score:.2f}" for c in ranked[:6]]
    if not reasons and best is not None:
        reasons = [f"{best.reason} -> weak {best.score:.2f}"]
    negated = [h for s in sentences for h in s.hits if h.negated]
    reasons.extend(f"negated: {_describe(h)}" for h in negated[:3])
    if learned:
        reasons.insert(0, learned)
    concepts = tuple(sorted({h.concept for h in live if h.kind in P.TARGET_KINDS | P.ACT_KINDS | P.CHARGED_KINDS}))
    # names matter for clustering (polarizing articles) and for linking follow-ups (ordinary ones, when asked)
    names = proper_names(found.title, found.summary, lang) if polarizing or names else ()
    return Scored(round(score, 4), polarizing, categories, tuple(reasons), concepts, names)


#: Every kind a lexicon concept can have, in a fixed order (feature names are stable).
KINDS: tuple[str, ...] = ("group", "faith", "place", "object", "figure", "dress", "site", "occasion", "worship",
                          "violence", "harm", "desecrate", "mock", "ban", "convert", "remove", "hostility", "terror",
                          "protest", "hate", "blasphemy", "extremist", "sport", "leisure", "health")

#: Every category a rule can give, in a fixed order.
CATEGORIES: tuple[str, ...] = tuple(dict.fromkeys([*CATEGORY.values(), "attack_on_community", "hate_crime",
                                                   "hate_speech", "blasphemy_row", "islamist_attack",
                                                   "far_right_violence", "holy_site_conversion"]))


def rule_features(title: str, summary: str = "", lang: str = "en", threshold: float = 0.5) -> dict[str, float]:
    """What the rules compute about one article, as numbers for a learned classifier (pure; same keys for every
    article, so a `DictVectorizer` or a fixed column order works).

    Keys: ``rule_score``, ``rule_polarizing``, ``cross_sentence``; ``sentences``, ``hits``, ``negated``, ``anti``;
    per concept kind ``kind_<kind>`` (hits in the article) and ``title_<kind>`` (hits in the title); per category
    ``cat_<category>`` (best score of a rule giving it); ``best_in_title`` and ``strong_sentences``; the structure
    roles ``role_*`` (see `structure_features`).
    """
    return features_of(analyse(title, summary, lang, threshold), threshold)


def features_of(found: Analysis, threshold: float = 0.5) -> dict[str, float]:
    """`rule_features` of an article already analysed (so scoring need not analyse it twice)."""
    feats: dict[str, float] = dict.fromkeys(
        ["rule_score", "rule_polarizing", "cross_sentence", "sentences", "hits", "negated", "anti", "best_in_title",
         "strong_sentences"], 0.0)
    for kind in KINDS:
        feats[f"kind_{kind}"] = 0.0
        feats[f"title_{kind}"] = 0.0
    for cat in CATEGORIES:
        feats[f"cat_{cat}"] = 0.0
    feats.update(structure_features(found))
    feats["rule_score"] = float(found.score)
    feats["rule_polarizing"] = float(found.score >= threshold)
    feats["cross_sentence"] = float(found.cross is not None and found.best is found.cross)
    feats["sentences"] = float(len(found.sentences))
    for s in found.sentences:
        for h in s.hits:
            feats["hits"] += 1
            feats["negated"] += h.negated
            feats["anti"] += h.anti
            if h.negated:
                continue
            if f"kind_{h.kind}" in feats:
                feats[f"kind_{h.kind}"] += 1
                if s.is_title:
                    feats[f"title_{h.kind}"] += 1
    for c in found.candidates:
        key = f"cat_{c.category}"
        if c.category and key in feats:
            feats[key] = max(feats[key], round(c.score, 4))
    feats["best_in_title"] = float(found.best is not None and found.best.reason.endswith("in title"))
    feats["strong_sentences"] = float(sum(1 for c in found.per_sentence if c.score >= threshold))
    return feats


def structure_features(found: Analysis) -> dict[str, float]:
    """The structure roles and settings the rules found, as 0/1 (or counts): `structure.py` says what each means."""
    reasons = " ".join(c.reason for c in found.candidates)
    live = [h for s in found.sentences for h in s.hits if not h.negated]
    victim = sum(1 for c in found.candidates if c.category and " + " in c.reason and "(" not in c.reason
                 and c.score >= 0.5)
    return {
        "role_victim_community": float(victim),
        "role_actor_community": float(reasons.count(ROLE_ACTOR)),
        "role_place_as_location": float(ROLE_LOCATION in reasons or ROLE_INSIDE in reasons),
        "role_cemetery_setting": float(ROLE_CEMETERY in reasons),
        "role_armed_conflict": float("armed_conflict" in found.settings),
        "role_commemoration": float("commemoration" in found.settings or "history" in found.settings),
        "role_health": float("health" in found.settings),
        "role_living_conditions": float("living_conditions" in found.settings),
        "role_monument": float(ROLE_MONUMENT in reasons or any(w in MONUMENT_WORDS for s in found.sentences
                                                                for w in s.words)),
        "role_entertainment": float("entertainment" in found.settings),
        "role_rule_singles_out": float(any(c.category.endswith("_ban") for c in found.candidates if c.score >= 0.5)),
        "role_hate_motive": float(_has_motive(live)),
        "role_far_right": float(any(h.concept == "FAR_RIGHT" for h in live)),
    }
