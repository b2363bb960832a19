"""`rrm detect-file FILE.jsonl`: run the detector over a file of articles as a stream, one JSON line out per line in.

"flagged" is the article-level judgement: the item reports a polarizing event (score at or above the threshold,
`"via": "article"`), or it follows up a flagged story by the distinctive names they share (`"via": "story"`, the
names in `reasons`). Whether its *story* is flagged on the bus depends on spread as well (sources, countries,
languages); the line says so in `story_severity`. Bad lines get a clear message on stderr and an output line with
an `error`, never a traceback.
"""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import click

from config.settings import get_settings

from .entities import EntityTagger, load_entity_tagger, people_of
from .matching import clean_text, event_handles, full_names, hint_words, lead, opening_names, role_names
from .scoring import score_article
from .tracking import StoryTracker, view_of

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def parse_published(value: object) -> datetime | None:
    """An ISO-8601 date or date-time (``Z`` allowed), as aware UTC; None if absent or unreadable."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip().replace("Z", "+00:00")
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        try:
            import dateparser

            when = dateparser.parse(value)
        except Exception:  # any parser failure means "unreadable date"
            when = None
        if when is None:
            return None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def read_items(lines: list[str]) -> tuple[list[tuple[int, dict]], list[tuple[int, str]]]:
    """Parse JSON lines: (index, item) for good ones, (index, error) for bad ones."""
    items, errors = [], []
    for index, line in enumerate(lines):
        if not line.strip():
            errors.append((index, "empty line"))
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            errors.append((index, f"not JSON ({exc.msg} at column {exc.colno})"))
            continue
        if not isinstance(item, dict):
            errors.append((index, "not a JSON object"))
            continue
        if not isinstance(item.get("title") or "", str) or not isinstance(item.get("summary") or "", str):
            errors.append((index, "title and summary must be strings"))
            continue
        if not (item.get("title") or item.get("summary")):
            errors.append((index, "no title and no summary"))
            continue
        items.append((index, item))
    return items, errors


def run_stream(items: list[tuple[int, dict]], threshold: float, window_minutes: int,
               min_sources: int, entities: EntityTagger | None = None) -> dict[int, dict]:
    """Process items in `published` order (undated ones last, in input order); results by input index.
    ``entities``: a trained pipeline's tagger (`entities.load_entity_tagger`), asked only for polarizing articles
    (their names and people join the story) and for an ordinary article a person tie would link (to confirm the
    person is named there too)."""
    tracker = StoryTracker(window=timedelta(minutes=window_minutes), min_sources=min_sources)
    dated = [(parse_published(item.get("published")), index, item) for index, item in items]
    order = sorted(dated, key=lambda x: (x[0] is None, x[0] or _EPOCH, x[1]))
    results: dict[int, dict] = {}
    last_time = _EPOCH
    for published, index, item in order:
        when = published or last_time
        last_time = max(last_time, when)
        lang = str(item.get("lang") or "en")
        title, summary = str(item.get("title") or ""), str(item.get("summary") or "")
        scored = score_article(title, summary, lang, threshold,
                               names=tracker.wants_names())  # an ordinary article's names, to link follow-ups
        names, handles, people, candidates = scored.names, (), (), ()
        tagged: tuple[tuple[str, str], ...] | None = None
        title_c, lead_c, code = "", "", lang[:2].lower()
        clusterer = tracker.clusterer
        if scored.polarizing:
            title_c, lead_c = clean_text(title), lead(clean_text(summary))
            words = hint_words(title_c, lead_c)
            handles, people = event_handles(title_c, lead_c, code, words), role_names(title_c, lead_c, code, words)
        elif clusterer.handle_words or clusterer.person_words:  # an ordinary article: a follow-up by name?
            words = {*names, *opening_names(title, summary, code)}  # a first look, the text read only if needed
            event, person = clusterer.may_name_an_event(words), clusterer.may_name_a_person(words)
            if event or person:
                title_c, lead_c = clean_text(title), lead(clean_text(summary))
                handles = event_handles(title_c, lead_c, code) if event else ()
                candidates = full_names(title_c, lead_c, code) if person else ()
        if scored.polarizing and entities is not None:
            tagged = entities(f"{title_c}. {lead_c}", lang)
            names = tuple(dict.fromkeys([*names, *(n for n, _ in tagged)]))
            people = tuple(dict.fromkeys([*people, *people_of(tagged)]))
        view = view_of(f"line-{index}", title, when, scored, source=str(item.get("source") or ""), lang=lang,
                       country=str(item.get("country") or ""), handles=handles, people=people, names=names,
                       full_names=candidates)
        if view.names:
            tracker.clusterer.count_names(view.names)
        link = tracker.link_target(view)
        if link is not None and link.tie in ("event", "person"):  # its people are carried forward: read them
            title_c, lead_c = clean_text(title), lead(clean_text(summary))
            people = role_names(title_c, lead_c, code)
            view = view_of(view.article_id, title, when, scored, source=view.source, lang=lang, country=view.country,
                           handles=handles, people=people, names=names, full_names=candidates)
        if link is not None and entities is not None and link.tie in ("event", "person"):
            tagged = entities(f"{title_c}. {lead_c}", lang)
            found = people_of(tagged)
            if link.tie == "person" and not set(link.names) & set(found) and not set(link.names) & set(people):
                link = None  # the words of the name are there, but the pipeline sees no such person
            elif link.tie in ("event", "person"):
                view = view_of(view.article_id, title, when, scored, source=view.source, lang=lang,
                               country=view.country, handles=handles, people=tuple(dict.fromkeys([*people, *found])),
                               names=names, full_names=candidates)
        outcome = tracker.track(view, link, looked_up=True)
        reasons = list(scored.reasons)
        categories = list(scored.categories)
        if outcome.link is not None:
            reasons.insert(0, outcome.link.reason())
            categories = [c for c, _ in outcome.story.categories.most_common(2)]
        results[index] = {
            "index": index,
            "flagged": outcome.via != "" or scored.polarizing,
            "score": scored.score,
            "story": outcome.story.story_id if outcome.story else None,
            "categories": categories,
            "reasons": reasons,
            "story_severity": outcome.story.severity if outcome.story else "",
            "via": outcome.via or None,
        }
    return results


@click.command("detect-file")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--threshold", type=float, default=None, help="Article score that counts as polarizing.")
def detect_file(path: Path, threshold: float | None) -> None:
    """Score, cluster and escalate the articles of a JSON-lines FILE; one JSON line out per line in."""
    settings = get_settings()
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise click.ClickException(f"{path}: no such file") from None
    except UnicodeDecodeError as exc:
        raise click.ClickException(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except OSError as exc:
        raise click.ClickException(f"{path}: cannot read ({exc.strerror})") from None
    items, errors = read_items(lines)
    for index, error in errors:
        click.echo(f"line {index + 1}: {error}; skipped", err=True)
    results = run_stream(items, threshold if threshold is not None else settings.detect.threshold,
                         settings.detect.window_minutes, settings.detect.min_sources,
                         load_entity_tagger(settings.detect.spacy_model, quiet=True))
    for index, error in errors:
        results[index] = {"index": index, "flagged": False, "score": 0.0, "story": None, "categories": [],
                          "reasons": [], "via": None, "error": error}
    out = sys.stdout
    for index in range(len(lines)):
        out.write(json.dumps(results[index], ensure_ascii=False) + "\n")


@click.command("detect-export-labels")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write to this file instead of standard output.")
def detect_export_labels(output: Path | None) -> None:
    """Write duty officers' decisions on stories as labeled examples, one JSON line each, in the training format
    {"title", "summary", "lang", "label", "category"} (`benchmarks/train_detect.py --extra FILE`)."""
    from db.engine import make_engine, session_factory

    from .queries import labeled_examples

    settings = get_settings()
    engine = make_engine(settings.database_url)
    try:
        with session_factory(engine)() as session:
            lines = [json.dumps(e, ensure_ascii=False) + "\n" for e in labeled_examples(session)]
    finally:
        engine.dispose()
    if output is None:
        sys.stdout.writelines(lines)
    else:
        output.write_text("".join(lines), encoding="utf-8")
    click.echo(f"{len(lines)} labeled examples", err=True)


commands = [detect_file, detect_export_labels]
