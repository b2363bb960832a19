"""The Clearinghouse as a process: public submissions, a moderation queue, and full-text search with facets.

Search runs on the database's own engine over `reg_search_docs` (one row per resource and language):
- SQLite: an FTS5 table (`fts_reg_search`, tokenizer `porter unicode61`). English goes in as words and FTS5's porter
  stemmer stems it; every other language is stemmed here with Snowball (`snowballstemmer`) before it is written, and
  a query goes through the same steps, so "écoles" finds "école" and "Schulen" finds "Schule".
- PostgreSQL: a `fts_vector` column, `to_tsvector(<the language's regconfig>, text)`, queried with
  `plainto_tsquery` in the same regconfig (french, spanish, arabic, turkish, german, english...).
A query without a language is tried in every language the index holds, each with its own stemming.

Facets (theme, region, kind, year) are counted over the matching resources. A submission approved by a moderator
becomes a `create` command on `registry.commands` (through the outbox), the same path as the console's forms; the
index follows the entry in the transaction that stores it (`index_resource`, called by `handlers._store`).
"""

from __future__ import annotations

import re
import unicodedata
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache

import snowballstemmer
from sqlalchemy import delete, select, text
from sqlalchemy.orm import Session

from bus.records import RegistryCommand, utcnow
from db.outbox import add_to_outbox
from mail.ledger import queue_mail
from mail.ports import OutgoingMessage

from . import model
from . import tables as t
from . import tables_public as tp
from .programmes import record_step

#: Snowball stemmers for the languages we stem ourselves (English is stemmed by FTS5's porter on SQLite).
SNOWBALL = {"fr": "french", "es": "spanish", "ar": "arabic", "tr": "turkish", "de": "german", "pt": "portuguese",
            "it": "italian", "ru": "russian", "nl": "dutch", "sv": "swedish", "el": "greek", "fa": "persian",
            "id": "indonesian", "hi": "hindi", "ro": "romanian", "hu": "hungarian", "fi": "finnish", "da": "danish",
            "no": "norwegian", "ca": "catalan", "lt": "lithuanian", "ta": "tamil", "ne": "nepali", "sr": "serbian"}
#: PostgreSQL text search configurations per language ("simple": no stemming).
REGCONFIG = {"en": "english", "fr": "french", "es": "spanish", "ar": "arabic", "tr": "turkish", "de": "german",
             "pt": "portuguese", "it": "italian", "ru": "russian", "nl": "dutch", "sv": "swedish", "el": "greek",
             "id": "indonesian", "hi": "hindi", "ro": "romanian", "hu": "hungarian", "fi": "finnish",
             "da": "danish", "no": "norwegian", "ca": "catalan", "lt": "lithuanian", "ta": "tamil", "ne": "nepali",
             "sr": "serbian"}
FACETS = ("theme", "region", "kind", "year")
KINDS = {"good_practice": "Good practice", "resource": "Resource", "project": "Project", "oped": "Op-ed"}
_WORD = re.compile(r"\w+", re.UNICODE)
MAX_QUERY_WORDS = 12


class SubmissionError(ValueError):
    """A submission or moderation step that cannot be done; the message says why."""


# --- text analysis ---------------------------------------------------------------------------------------------

@lru_cache(maxsize=64)
def _stemmer(lang: str):
    name = SNOWBALL.get(lang)
    return snowballstemmer.stemmer(name) if name else None


def fold(word: str) -> str:
    """A word without accents or Arabic vowel marks (after stemming: the stemmers want the accents)."""
    return "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c))


def words(value: str) -> list[str]:
    """The words of a text, case folded."""
    return _WORD.findall((value or "").casefold())


def analyse(value: str, lang: str) -> list[str]:
    """The terms SQLite's FTS5 stores for a text in `lang`: Snowball stems for the languages we stem, the words
    for English (porter runs inside FTS5), accents folded after stemming."""
    tokens = words(value)
    stemmer = _stemmer(lang)
    if stemmer is not None:
        tokens = stemmer.stemWords(tokens)
    return [fold(token) for token in tokens if token]


def regconfig(lang: str) -> str:
    """PostgreSQL's text search configuration for a language."""
    return REGCONFIG.get(lang, "simple")


# --- the index -------------------------------------------------------------------------------------------------

def _doc_text(row: t.ResourceTextRow, data: dict) -> str:
    return " ".join([row.title, row.summary, model.summary_of(row.body, 50_000), data.get("organization", ""),
                     data.get("region", "")])


def index_resource(session: Session, resource_id: str) -> int:
    """(Re)build the search rows of one resource from its stored texts; a retired resource leaves the index.

    Call it in the transaction that changes the resource. Returns the number of rows indexed.
    """
    dialect = session.get_bind().dialect.name
    old = list(session.scalars(select(tp.SearchDocRow.doc_no).where(tp.SearchDocRow.resource_id == resource_id)))
    if old and dialect == "sqlite":
        for doc_no in old:
            session.execute(text("DELETE FROM fts_reg_search WHERE rowid = :n"), {"n": doc_no})
    session.execute(delete(tp.SearchDocRow).where(tp.SearchDocRow.resource_id == resource_id))
    resource = session.get(t.ResourceRow, resource_id)
    if resource is None or resource.status != "active":
        session.flush()
        return 0
    data = resource.data or {}
    year = int(data.get("year") or resource.created_at.year)
    texts = session.scalars(select(t.ResourceTextRow).where(t.ResourceTextRow.resource_id == resource_id))
    count = 0
    for row in texts:
        raw = _doc_text(row, data)
        doc = tp.SearchDocRow(resource_id=resource_id, lang=row.lang, regconfig=regconfig(row.lang),
                              title=row.title[:300], summary=row.summary[:2000], theme=resource.theme,
                              region=(data.get("region") or "")[:100], kind=resource.kind, year=year,
                              text=" ".join(analyse(raw, row.lang)) if dialect == "sqlite" else fold(raw.casefold()))
        session.add(doc)
        session.flush()
        if dialect == "sqlite":
            session.execute(text("INSERT INTO fts_reg_search(rowid, text) VALUES (:n, :t)"),
                            {"n": doc.doc_no, "t": doc.text})
        elif dialect == "postgresql":
            session.execute(text("UPDATE reg_search_docs SET fts_vector = to_tsvector(CAST(:cfg AS regconfig), text) "
                                 "WHERE doc_no = :n"), {"cfg": doc.regconfig, "n": doc.doc_no})
        count += 1
    return count


def reindex_all(session: Session) -> int:
    """Rebuild the whole index (after a change of stemming); returns the rows indexed."""
    ids = list(session.scalars(select(t.ResourceRow.id)))
    if session.get_bind().dialect.name == "sqlite":
        session.execute(text("DELETE FROM fts_reg_search"))
    session.execute(delete(tp.SearchDocRow))
    return sum(index_resource(session, resource_id) for resource_id in ids)


# --- search ----------------------------------------------------------------------------------------------------

@dataclass
class Hit:
    """A resource found, in the language it matched in (the asked one first, else English, else the first)."""

    resource_id: str
    lang: str
    title: str
    summary: str
    theme: str
    region: str
    kind: str
    year: int
    languages: list[str] = field(default_factory=list)
    rank: float = 0.0


@dataclass
class SearchPage:
    """The hits of a search and the facet counts over every matching resource."""

    hits: list[Hit]
    total: int
    facets: dict[str, list[tuple[str, int]]]


def _fts_query(terms: list[str]) -> str:
    return " ".join('"' + term.replace('"', '""') + '"' for term in terms)


def _matching(session: Session, query: str, langs: list[str]) -> dict[tuple[str, str], float]:
    """(resource_id, lang) -> rank (lower is better) of the documents matching every word of `query`."""
    dialect = session.get_bind().dialect.name
    found: dict[tuple[str, str], float] = {}
    for lang in langs:
        if dialect == "sqlite":
            terms = analyse(query, lang)[:MAX_QUERY_WORDS]
            if not terms:
                continue
            rows = session.execute(text(
                "SELECT d.resource_id, d.lang, bm25(fts_reg_search) FROM fts_reg_search "
                "JOIN reg_search_docs d ON d.doc_no = fts_reg_search.rowid "
                "WHERE fts_reg_search MATCH :q AND d.lang = :lang"), {"q": _fts_query(terms), "lang": lang})
        else:
            q = " ".join(fold(w) for w in words(query)[:MAX_QUERY_WORDS])
            if not q:
                continue
            rows = session.execute(text(
                "SELECT resource_id, lang, -ts_rank(fts_vector, plainto_tsquery(CAST(:cfg AS regconfig), :q)) "
                "FROM reg_search_docs WHERE lang = :lang "
                "AND fts_vector @@ plainto_tsquery(CAST(:cfg AS regconfig), :q)"),
                {"cfg": regconfig(lang), "q": q, "lang": lang})
        for resource_id, doc_lang, rank in rows:
            found[(resource_id, doc_lang)] = float(rank)
    return found


def index_languages(session: Session) -> list[str]:
    """Languages the index holds."""
    return sorted(session.scalars(select(tp.SearchDocRow.lang).distinct()))


def search(session: Session, query: str = "", *, lang: str = "", theme: str = "", region: str = "", kind: str = "",
           year: int | None = None, subject: str = "", limit: int = 50) -> SearchPage:
    """Active resources matching every word of `query` (stemmed in each language), narrowed by the facets (and by
    one of the plan's seven subjects, if given).

    Without words every resource matches (a browse by facets). Each resource appears once.
    """
    langs = [lang] if lang else index_languages(session)
    matched: dict[tuple[str, str], float] | None = _matching(session, query, langs) if words(query) else None
    D = tp.SearchDocRow
    stmt = select(D)
    if lang:
        stmt = stmt.where(D.lang == lang)
    if subject:
        stmt = stmt.where(D.resource_id.in_(select(t.ResourceRow.id).where(
            t.ResourceRow.subjects.contains(f" {subject} "))))
    if matched is not None:
        if not matched:
            return SearchPage([], 0, {name: [] for name in FACETS})
        stmt = stmt.where(D.resource_id.in_({resource_id for resource_id, _ in matched}))
    docs = list(session.scalars(stmt))
    by_resource: dict[str, list[tp.SearchDocRow]] = {}
    for doc in docs:
        if matched is None or (doc.resource_id, doc.lang) in matched:
            by_resource.setdefault(doc.resource_id, []).append(doc)
    all_langs: dict[str, list[str]] = {}
    for resource_id, doc_lang in session.execute(select(D.resource_id, D.lang).where(
            D.resource_id.in_(list(by_resource)))):
        all_langs.setdefault(resource_id, []).append(doc_lang)
    hits = []
    for resource_id, found in by_resource.items():
        found.sort(key=lambda d: (d.lang != (lang or "en"), d.lang))
        doc = found[0]
        rank = min((matched or {}).get((resource_id, d.lang), 0.0) for d in found)
        hits.append(Hit(resource_id, doc.lang, doc.title, doc.summary, doc.theme, doc.region, doc.kind, doc.year,
                        sorted(all_langs.get(resource_id, [])), rank))
    facets = _facets(hits)
    chosen = {"theme": theme, "region": region, "kind": kind, "year": str(year) if year else ""}
    hits = [h for h in hits if all(not want or str(getattr(h, name)) == want for name, want in chosen.items())]
    hits.sort(key=lambda h: (h.rank, -h.year, h.title.casefold()))
    return SearchPage(hits[:limit], len(hits), facets)


def _facets(hits: list[Hit]) -> dict[str, list[tuple[str, int]]]:
    out = {}
    for name in FACETS:
        counts = Counter(str(getattr(h, name)) for h in hits if getattr(h, name))
        key = (lambda kv: (-int(kv[0]), kv[1])) if name == "year" else (lambda kv: (-kv[1], kv[0]))
        out[name] = sorted(counts.items(), key=key)
    return out


def partners_of(session: Session, resource_data: dict) -> list[dict]:
    """The partner entries a resource links to (retired or unknown ids are left out)."""
    ids = [i for i in resource_data.get("partners", []) if i]
    if not ids:
        return []
    rows = session.scalars(select(t.PartnerRow).where(t.PartnerRow.id.in_(ids), t.PartnerRow.status == "active"))
    return [{"id": r.id, "name": r.title, "country": r.data.get("country", ""), "website": r.data.get("website", "")}
            for r in rows]


def partner_choices(session: Session) -> list[tuple[str, str]]:
    """(id, name) of the active partners, for a form's choice list."""
    return [(r.id, r.title) for r in session.scalars(select(t.PartnerRow).where(t.PartnerRow.status == "active")
                                                     .order_by(t.PartnerRow.title))]


# --- submissions and moderation --------------------------------------------------------------------------------

def submit(session: Session, data: dict, *, name: str, email: str, now: datetime | None = None,
           submission_id: str | None = None) -> str:
    """Keep a public submission for moderation (validated as a Clearinghouse entry); returns its id.

    Raises `model.RegistryError` naming each bad field; nothing is stored then.
    """
    now = now or utcnow()
    entry = model.validate_entry("clearinghouse", data)
    unknown = set(entry.partners) - {pid for pid, _ in partner_choices(session)}
    if unknown:
        raise model.RegistryError(f"partners: unknown partner entries {', '.join(sorted(unknown))}")
    submission_id = submission_id or f"sub-{uuid.uuid4().hex[:16]}"
    row = session.get(tp.SubmissionRow, submission_id)
    if row is None:
        row = tp.SubmissionRow(id=submission_id, status="pending", created_at=now)
        session.add(row)
    elif row.status != "pending":
        raise SubmissionError("This submission has already been moderated: it can no longer be changed.")
    first = row.data is None
    row.data, row.submitter_name, row.submitter_email = model.stored(entry), name[:200], email[:254]
    row.updated_at = now
    session.flush()
    record_step(session, "clearinghouse", submission_id, "submitted" if first else "submission_changed",
                actor=email[:254], text=entry.label(), now=now)
    return submission_id


def send_receipt(session: Session, submission_id: str, edit_url: str, now: datetime | None = None) -> None:
    """Queue the submitter's email with the link to change the submission (once per submission)."""
    row = session.get(tp.SubmissionRow, submission_id)
    if row is None or not row.submitter_email:
        return
    title = model.Resource.model_validate(row.data).label()
    text = (f"Dear {row.submitter_name},\n\nThank you: “{title}” has been received by the Clearinghouse of the "
            f"Alliance of Civilizations. A moderator reads it before it is published.\n\nUntil then you can change it"
            f" with this link (keep it to yourself):\n{edit_url}\n\nAoC Secretariat")
    queue_mail(session, OutgoingMessage(to=row.submitter_email, subject=f"Your Clearinghouse submission “{title}”",
                                        text=text), purpose="clearinghouse.submission", attempt_key=submission_id,
               ref=submission_id, now=now)


def queue(session: Session, status: str = "pending", limit: int = 200) -> list[dict]:
    """Submissions in one status, oldest first (the moderation queue)."""
    rows = session.scalars(select(tp.SubmissionRow).where(tp.SubmissionRow.status == status)
                           .order_by(tp.SubmissionRow.created_at).limit(limit))
    return [_submission(r) for r in rows]


def submission(session: Session, submission_id: str) -> dict | None:
    """One submission, or None."""
    row = session.get(tp.SubmissionRow, submission_id)
    return _submission(row) if row is not None else None


def _submission(row: tp.SubmissionRow) -> dict:
    entry_title = model.Resource.model_validate(row.data).label()
    return {"id": row.id, "status": row.status, "data": row.data, "title": entry_title, "name": row.submitter_name,
            "email": row.submitter_email, "reason": row.reason, "moderated_by": row.moderated_by,
            "resource_id": row.resource_id, "created_at": row.created_at}


def approve(session: Session, submission_id: str, *, moderator: str, now: datetime | None = None) -> str:
    """Publish a pending submission: a `create` command for the Clearinghouse goes out through the outbox; returns
    the new resource's id."""
    row = _pending(session, submission_id)
    resource_id = f"pub-{submission_id.removeprefix('sub-')}"[:64]
    command = RegistryCommand(registry="clearinghouse", action="create", entity_id=resource_id,
                              request_id=f"moderation:{submission_id}", data=row.data, actor=moderator)
    add_to_outbox(session, "registry.commands", command)
    row.status, row.moderated_by, row.moderated_at = "approved", moderator, now or utcnow()
    row.resource_id, row.updated_at = resource_id, row.moderated_at
    record_step(session, "clearinghouse", submission_id, "published", actor=moderator,
                data={"resource_id": resource_id}, now=row.moderated_at)
    return resource_id


def reject(session: Session, submission_id: str, *, moderator: str, reason: str, now: datetime | None = None) -> None:
    """Decline a pending submission with a reason (kept, not deleted)."""
    reason = (reason or "").strip()
    if not reason:
        raise SubmissionError("Say why the submission is declined: the reason is kept with it.")
    row = _pending(session, submission_id)
    row.status, row.moderated_by, row.moderated_at = "rejected", moderator, now or utcnow()
    row.reason, row.updated_at = reason[:2000], row.moderated_at
    record_step(session, "clearinghouse", submission_id, "declined", actor=moderator, text=row.reason,
                now=row.moderated_at)


def _pending(session: Session, submission_id: str) -> tp.SubmissionRow:
    row = session.get(tp.SubmissionRow, submission_id)
    if row is None:
        raise SubmissionError("There is no such submission.")
    if row.status != "pending":
        raise SubmissionError(f"This submission was already {row.status}.")
    return row
