"""The High Representative's yearly report: figures of one year from registry/'s own tables (its registries and the
summaries it keeps from the bus), charts drawn with matplotlib as SVG, one HTML document, and its PDF (weasyprint).

`figures(session, year, live=None)` is pure reading; `render_html(figures)` and `render_pdf(html)` turn them into
documents; `write_report(sessions, year, out_dir)` writes `report-<year>.html` and `report-<year>.pdf` (`rrm report`).

Every figure is a count from a store, never an estimate. What registry's own tables cannot count (editors reached per
language, placements per outlet, the console's count of urgent mobilizations) comes in `live` (a `Live`), filled by
the web route from the other stages' queries; without it the report says the figure is not counted here instead of
guessing. PDF: WeasyPrint (HTML+CSS to PDF, pure pip install plus Debian's pango, which the Dockerfile installs);
chosen because the report is one HTML document and WeasyPrint prints it as it is, with page numbers from CSS.
"""

from __future__ import annotations

import base64
import io
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlalchemy import extract, func, select
from sqlalchemy.orm import Session, sessionmaker

from . import ambassadors as amb
from . import fora, friends, model, newsletter, review, trustfund
from . import tables as t
from . import tables_programmes as tg
from . import tables_public as tp

HERE = Path(__file__).resolve().parent
_env = Environment(loader=FileSystemLoader(str(HERE / "templates")), autoescape=select_autoescape(["html"]))


def _bounds(year: int) -> tuple[datetime, datetime]:
    return datetime(year, 1, 1, tzinfo=UTC), datetime(year + 1, 1, 1, tzinfo=UTC)


def _minutes(delta) -> float:  # timedelta
    return round(delta.total_seconds() / 60, 1)


def _stats(values: list[float]) -> dict:
    if not values:
        return {"count": 0, "median": None, "mean": None, "p90": None, "max": None}
    ordered = sorted(values)
    p90 = ordered[min(len(ordered) - 1, int(round(0.9 * (len(ordered) - 1))))]
    return {"count": len(values), "median": round(statistics.median(values), 1),
            "mean": round(statistics.fmean(values), 1), "p90": p90, "max": ordered[-1]}


def _aware(value: datetime | None) -> datetime | None:
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


@dataclass
class Live:
    """Counts other stages keep, read by the web route through their queries (None: not available)."""

    mobilizations: int | None = None
    urgent_mobilizations: int | None = None
    editors_per_language: dict[str, int] | None = None
    placements_per_outlet: dict[str, int] | None = None
    placed_opeds: int | None = None
    sources: list[str] = field(default_factory=list)


def release_ids(session: Session, year: int) -> list[str]:
    """Ids of the distributions released in `year` (for the web route to ask distribute for their real counts)."""
    start, end = _bounds(year)
    return list(session.scalars(select(t.ReleaseRow.distribution_id).where(t.ReleaseRow.released_at >= start,
                                                                           t.ReleaseRow.released_at < end)))


def figures(session: Session, year: int, live: Live | None = None) -> dict:
    """Every figure of the report for `year`."""
    live = live or Live()
    start, end = _bounds(year)
    mobs = list(session.scalars(select(t.MobilizationRow).where(t.MobilizationRow.started_at >= start,
                                                                t.MobilizationRow.started_at < end)))
    per_month = Counter(_aware(m.started_at).month for m in mobs)
    opeds = list(session.scalars(select(t.OpEdRow).where(t.OpEdRow.approved_at >= start,
                                                         t.OpEdRow.approved_at < end)))
    releases = list(session.scalars(select(t.ReleaseRow).where(t.ReleaseRow.released_at >= start,
                                                               t.ReleaseRow.released_at < end)))
    answers = list(session.scalars(select(t.AnswerRow).where(t.AnswerRow.answered_at >= start,
                                                             t.AnswerRow.answered_at < end)))
    started = {m.mobilization_id: _aware(m.started_at)
               for m in session.scalars(select(t.MobilizationRow).where(
                   t.MobilizationRow.mobilization_id.in_([o.mobilization_id for o in opeds])))}
    to_approval = [_minutes(_aware(o.approved_at) - started[o.mobilization_id]) for o in opeds
                   if o.mobilization_id in started]
    to_release = [_minutes(_aware(o.released_at) - started[o.mobilization_id]) for o in opeds
                  if o.released_at and o.mobilization_id in started]

    per_language: Counter = Counter()
    per_outlet: Counter = Counter()
    for r in releases:
        for lang in set(r.languages or []):
            per_language[lang] += 1
        for outlet in r.outlets or []:
            per_outlet[outlet] += 1
    if live.placements_per_outlet is not None:
        per_outlet = Counter(live.placements_per_outlet)
    released_opeds = {r.oped_id for r in releases}

    accepted = sum(1 for a in answers if a.answer == "accepted")
    declined = sum(1 for a in answers if a.answer == "declined")
    expired = sum(1 for a in answers if a.answer == "expired")

    partners = list(session.scalars(select(t.PartnerRow).where(t.PartnerRow.status == "active")))
    projects = list(session.scalars(select(t.ProjectRow).where(t.ProjectRow.status == "active")
                                    .order_by(t.ProjectRow.title)))
    events = list(session.scalars(select(t.EventRow).where(t.EventRow.status == "active",
                                                           extract("year", t.EventRow.starts_on) == year)
                                  .order_by(t.EventRow.starts_on)))
    friends = list(session.scalars(select(t.FriendRow).where(t.FriendRow.status == "active")))
    ambassadors = list(session.scalars(select(t.AmbassadorRow).where(t.AmbassadorRow.status == "active")))
    resources = list(session.scalars(select(t.ResourceRow).where(t.ResourceRow.status == "active")))

    funds = _fund_totals(session, year)
    return {
        "year": year,
        "generated_at": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "mobilizations": {"count": live.mobilizations if live.mobilizations is not None else len(mobs),
                          "urgent": (live.urgent_mobilizations if live.urgent_mobilizations is not None
                                     else sum(1 for m in mobs if m.urgent)),
                          "per_month": [per_month.get(m, 0) for m in range(1, 13)]},
        "invitations": {"answered": accepted + declined, "accepted": accepted, "declined": declined,
                        "expired": expired,
                        "acceptance": round(accepted / (accepted + declined), 3) if accepted + declined else None},
        "opeds": {"approved": len(opeds), "released": len(released_opeds), "releases": len(releases),
                  "editors_reached": sum(r.recipients for r in releases),
                  "per_language": dict(sorted(per_language.items(), key=lambda kv: (-kv[1], kv[0]))),
                  "editors_per_language": live.editors_per_language,
                  "per_outlet": dict(per_outlet.most_common(20)),
                  "outlets_from_placements": live.placements_per_outlet is not None,
                  "placed": live.placed_opeds,
                  "titles": [{"title": o.title, "lang": o.lang, "approved_at": _aware(o.approved_at)
                              .strftime("%Y-%m-%d"), "released": o.oped_id in released_opeds} for o in opeds]},
        "response_minutes": {"to_approval": _stats(to_approval), "to_release": _stats(to_release),
                             "values_to_release": to_release},
        "partners": {"count": len(partners),
                     "new": sum(1 for p in partners if _aware(p.created_at) >= start and _aware(p.created_at) < end),
                     "by_kind": dict(Counter(p.kind for p in partners).most_common())},
        "projects": {"count": len(projects), "by_theme": dict(Counter(p.theme for p in projects)),
                     "by_role": dict(Counter(p.role for p in projects)),
                     "rows": [{"title": p.title, "category": model.CATEGORIES.get(p.category, p.category),
                               "theme": model.THEMES.get(p.theme, p.theme), "role": model.ROLES.get(p.role, p.role),
                               "status": p.project_status,
                               "criteria": model.Criteria(**p.data.get("criteria", {})).met(),
                               "partners": ", ".join(p.data.get("partners", []))} for p in projects]},
        "events": [{"name": e.title, "kind": e.kind.replace("_", " "), "starts_on": str(e.starts_on),
                    "host": e.data.get("host", ""), "participants": len(e.data.get("participants", [])),
                    "outcomes": e.data.get("outcomes", "")} for e in events],
        "friends": {"count": len(friends), "by_kind": dict(Counter(f.kind for f in friends))},
        "ambassadors": {"count": sum(1 for a in ambassadors if a.role == "ambassador"),
                        "personalities": sum(1 for a in ambassadors if a.role == "personality")},
        "clearinghouse": {"count": len(resources),
                          "new": sum(1 for r in resources if start <= _aware(r.created_at) < end),
                          "by_theme": dict(Counter(r.theme for r in resources))},
        "funds": funds,
        "public": _public(session, year, start, end),
        "programmes": programmes(session, year),
        "sources": live.sources,
    }


def _public(session: Session, year: int, start: datetime, end: datetime) -> dict:
    """The public processes of the year: fora, Group of Friends, Clearinghouse submissions, newsletter, pipeline."""
    year_fora = [f for f in fora.fora(session) if f["starts_on"].year == year]
    regs = dict(session.execute(select(tp.ForumRegistrationRow.event_id, func.count())
                                .group_by(tp.ForumRegistrationRow.event_id)).all())
    outcomes = fora.outcomes(session, year=year)
    consultations = [c for c in friends.consultations(session) if c["sent_at"] and start <= _aware(c["sent_at"]) < end]
    subs = dict(session.execute(select(tp.SubmissionRow.status, func.count()).where(
        tp.SubmissionRow.created_at >= start, tp.SubmissionRow.created_at < end)
        .group_by(tp.SubmissionRow.status)).all())
    issues = [i for i in newsletter.issues(session) if i["sent_at"] and start <= _aware(i["sent_at"]) < end]
    pipeline = review.pipeline(session)
    return {
        "fora": [{"name": f["name"], "kind": f["kind_label"], "starts_on": str(f["starts_on"]),
                  "registrations": regs.get(f["id"], 0),
                  "outcomes": sum(1 for o in outcomes if o["event_id"] == f["id"])} for f in year_fora],
        "outcomes": [{"forum": o["forum"], "kind": o["kind_label"], "title": o["title"],
                      "entry": f"{o['registry']}: {o['entry_title']}"} for o in outcomes],
        "focal_points": len(friends.focal_points(session)),
        "consultations": [{"title": c["title"], "recipients": c["recipients"], "replies": c["replies"]}
                          for c in consultations],
        "submissions": {k: subs.get(k, 0) for k in ("pending", "approved", "rejected")},
        "subscribers": newsletter.subscriber_counts(session),
        "issues": [{"title": i["title"], "recipients": i["recipients"]} for i in issues],
        "pipeline": [{"title": p["title"], "status": p["status"], "theme": p["theme"],
                      "budget": f"{p['budget']:,.2f} {p['currency']}" if p["budget"] is not None else "—",
                      "gap": f"{p['gap']:,.2f} {p['currency']}" if p["gap"] is not None else "—"} for p in pipeline],
        "gaps": [{"currency": g["currency"], "budget": f"{g['budget']:,.2f}", "secured": f"{g['secured']:,.2f}",
                  "gap": f"{g['gap']:,.2f}", "projects": g["projects"]} for g in review.funding_gaps(pipeline)],
    }


def _money(value) -> str:
    return f"{Decimal(value):,.2f}"


def programmes(session: Session, year: int) -> dict:
    """The programmes' year, counted from their tables: the Voluntary Trust Fund's pledges and receipts per donor
    (per currency, never converted), the Youth Solidarity Fund's calls (applications, eligible, granted, tranches
    paid, reports) and the Ambassadors (appointed, serving with their terms, activities)."""
    first, last = datetime(year, 1, 1).date(), datetime(year, 12, 31).date()
    # Voluntary Trust Fund
    donors = {d.id: d for d in session.scalars(select(tg.VtfDonorRow))}
    per: dict[tuple[str, str], list[Decimal]] = {}
    for row in session.scalars(select(tg.VtfMoneyRow).where(tg.VtfMoneyRow.year == year)):
        pair = per.setdefault((row.donor_id, row.currency), [Decimal(0), Decimal(0)])
        pair[0 if row.kind == "pledge" else 1] += Decimal(row.amount)
    lines, totals = [], {}
    for (donor_id, cur), (pledged, received) in per.items():
        donor = donors.get(donor_id)
        line = trustfund.YearLine(year, pledged, received)
        lines.append({"donor": donor.name if donor else donor_id,
                      "kind": trustfund.DONOR_KINDS.get(donor.kind, donor.kind) if donor else "",
                      "currency": cur, "pledged": _money(pledged), "received": _money(received),
                      "outstanding": _money(line.outstanding), "state": line.state})
        total = totals.setdefault(cur, [Decimal(0), Decimal(0)])
        total[0] += pledged
        total[1] += received
    lines.sort(key=lambda r: (r["donor"].casefold(), r["currency"]))
    vtf = {"donors": lines, "totals": [{"currency": c, "pledged": _money(p), "received": _money(r)}
                                       for c, (p, r) in sorted(totals.items())]}
    # Youth Solidarity Fund
    calls = [c for c in session.scalars(select(tg.YsfCallRow).order_by(tg.YsfCallRow.deadline))
             if c.opens_at.year <= year <= c.deadline.year]
    apps = list(session.scalars(select(tg.YsfApplicationRow)))
    tranches = list(session.scalars(select(tg.YsfTrancheRow)))
    reports = list(session.scalars(select(tg.YsfReportRow)))
    call_of = {a.id: a.call_id for a in apps}
    currency = {c.id: c.currency for c in session.scalars(select(tg.YsfCallRow))}
    ysf_calls = []
    for c in calls:
        mine = [a for a in apps if a.call_id == c.id]
        ysf_calls.append({"title": c.title, "deadline": c.deadline.strftime("%Y-%m-%d"), "currency": c.currency,
                          "budget": _money(c.budget), "received": len(mine),
                          "eligible": sum(1 for a in mine if a.status in review.ELIGIBLE),
                          "granted": sum(1 for a in mine if a.status in review.GRANTED),
                          "amount_granted": _money(sum((Decimal(a.amount_granted) for a in mine
                                                        if a.status in review.GRANTED), Decimal(0)))})
    paid: dict[str, list] = {}
    for tr in tranches:
        if tr.paid_on and tr.paid_on.year == year:
            pair = paid.setdefault(currency.get(call_of.get(tr.application_id), "USD"), [0, Decimal(0)])
            pair[0] += 1
            pair[1] += Decimal(tr.amount)
    ysf = {"calls": ysf_calls,
           "paid": [{"currency": c, "tranches": n, "amount": _money(a)} for c, (n, a) in sorted(paid.items())],
           "reports_received": sum(1 for r in reports if r.received_on and r.received_on.year == year),
           "reports_due": sum(1 for r in reports if r.due_on.year == year),
           "reports_overdue": sum(1 for r in reports if r.due_on.year == year and r.received_on is None
                                  and r.due_on < datetime.now(UTC).date())}
    # Ambassadors
    people = list(session.scalars(select(tg.AmbassadorCandidateRow)
                                  .where(tg.AmbassadorCandidateRow.term_starts.is_not(None))
                                  .order_by(tg.AmbassadorCandidateRow.name)))
    serving = [p for p in people if p.term_starts <= last and (p.term_ends or p.term_starts) >= first]
    names = {p.id: p.name for p in session.scalars(select(tg.AmbassadorCandidateRow))}
    acts = list(session.scalars(select(tg.AmbassadorActivityRow).where(
        tg.AmbassadorActivityRow.happened_on >= first, tg.AmbassadorActivityRow.happened_on <= last)
        .order_by(tg.AmbassadorActivityRow.happened_on)))
    ambassadors = {
        "appointed": sum(1 for p in people if p.term_starts.year == year),
        "serving": [{"name": p.name, "country": p.country, "term_starts": str(p.term_starts),
                     "term_ends": str(p.term_ends or ""), "new": p.term_starts.year == year,
                     "stage": amb.STAGES.get(p.stage, p.stage),
                     "activities": sum(1 for a in acts if a.candidate_id == p.id)} for p in serving],
        "activities": [{"who": names.get(a.candidate_id, ""), "kind": amb.ACTIVITY_KINDS.get(a.kind, a.kind),
                        "title": a.title, "on": str(a.happened_on)} for a in acts],
        "by_kind": dict(Counter(amb.ACTIVITY_KINDS.get(a.kind, a.kind) for a in acts).most_common()),
    }
    return {"vtf": vtf, "ysf": ysf, "ambassadors": ambassadors}


def _fund_totals(session: Session, year: int) -> dict:
    """Totals of the year per fund, kind and currency (declined entries left out), and per year for every year."""
    F = t.FundRow
    rows = session.execute(select(F.year, F.fund, F.kind, F.currency, func.sum(F.amount), func.count())
                           .where(F.status == "active", F.decision != "declined")
                           .group_by(F.year, F.fund, F.kind, F.currency)
                           .order_by(F.year, F.fund, F.kind, F.currency)).all()
    this_year = [{"fund": fund.replace("_", " "), "kind": kind, "currency": cur, "total": f"{Decimal(total):,.2f}",
                  "amount": float(total), "entries": n} for y, fund, kind, cur, total, n in rows if y == year]
    by_year: dict[int, list[str]] = defaultdict(list)
    for y, fund, kind, cur, total, _n in rows:
        by_year[y].append(f"{fund.replace('_', ' ')} {kind}s: {Decimal(total):,.2f} {cur}")
    decisions = dict(session.execute(select(F.decision, func.count()).where(
        F.status == "active", F.year == year, F.fund == "youth_solidarity_fund", F.kind == "application")
        .group_by(F.decision)).all())
    return {"this_year": this_year, "by_year": dict(sorted(by_year.items())), "ysf_decisions": decisions}


# --- charts ----------------------------------------------------------------------------------------------------

def _svg(fig) -> str:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="svg", bbox_inches="tight")
    import matplotlib.pyplot as plt

    plt.close(fig)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def _bar(labels: list[str], values: list[float], title: str, ylabel: str, *, counts: bool = True) -> str:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6.4, 2.6))
    ax.bar(labels, values, color="#1f5f8b")
    ax.set_title(title, fontsize=10)
    ax.set_ylabel(ylabel, fontsize=8)
    ax.tick_params(labelsize=8)
    if counts:
        from matplotlib.ticker import MaxNLocator

        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    if len(labels) > 3 and max(len(label) for label in labels) > 8:
        plt.setp(ax.get_xticklabels(), rotation=20, ha="right")
    ax.spines[["top", "right"]].set_visible(False)
    for i, v in enumerate(values):
        if v:
            ax.annotate(f"{v:g}", (i, v), ha="center", va="bottom", fontsize=7)
    return _svg(fig)


def charts(f: dict) -> dict[str, str]:
    """The report's charts as SVG data URIs."""
    months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    out = {"mobilizations": _bar(months, f["mobilizations"]["per_month"], "Mobilizations per month", "mobilizations")}
    langs = f["opeds"]["per_language"]
    out["languages"] = _bar(list(langs) or ["—"], list(langs.values()) or [0], "Op-eds released per language",
                            "op-eds")
    response = f["response_minutes"]["values_to_release"]
    buckets = [("< 6 h", 360), ("6-12 h", 720), ("12-24 h", 1440), ("1-2 d", 2880), ("> 2 d", float("inf"))]
    counts, low = [], 0.0
    for _, high in buckets:
        counts.append(sum(1 for v in response if low <= v < high))
        low = high
    out["response"] = _bar([b[0] for b in buckets], counts, "From mobilization to release", "op-eds")
    totals = f["funds"]["this_year"]
    short = {"voluntary trust fund": "VTF", "youth solidarity fund": "YSF"}
    out["funds"] = _bar([f"{short.get(r['fund'], r['fund'])} {r['kind']}s ({r['currency']})" for r in totals] or ["—"],
                        [r["amount"] for r in totals] or [0], "Funds of the year (VTF: Voluntary Trust Fund, "
                        "YSF: Youth Solidarity Fund)", "amount", counts=False)
    return out


# --- documents -------------------------------------------------------------------------------------------------

def render_html(f: dict) -> str:
    """The report as one self-contained HTML document (charts inline)."""
    return _env.get_template("report.html").render(f=f, charts=charts(f), themes=model.THEMES, roles=model.ROLES)


def warm_up() -> None:
    """Import matplotlib and weasyprint (slow the first time), so the first report request does not wait for it."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot  # noqa: F401 - imported for its side effect: loaded once, in advance
        from weasyprint import HTML  # noqa: F401 - same
    except (ImportError, OSError):  # the PDF route says so when it is asked
        pass


class PdfUnavailable(RuntimeError):
    """weasyprint or the system libraries it needs (pango) are missing: the HTML report still works."""


def render_pdf(html: str) -> bytes:
    """The PDF of the report's HTML (weasyprint; needs pango)."""
    try:
        from weasyprint import HTML
    except (ImportError, OSError) as exc:
        raise PdfUnavailable("PDF output needs weasyprint and pango (Debian: libpango-1.0-0 libpangoft2-1.0-0); "
                             f"the HTML report works without them ({type(exc).__name__}: {exc})") from exc
    return HTML(string=html, base_url=str(HERE)).write_pdf()


def write_report(sessions: sessionmaker[Session], year: int, out_dir: Path,
                 live: Live | None = None) -> tuple[Path, Path]:
    """Write `report-<year>.html` and `report-<year>.pdf` into `out_dir`; return both paths."""
    with sessions() as session:
        f = figures(session, year, live)
    html = render_html(f)
    out_dir.mkdir(parents=True, exist_ok=True)
    html_path, pdf_path = out_dir / f"report-{year}.html", out_dir / f"report-{year}.pdf"
    html_path.write_text(html, encoding="utf-8")  # written first: it stays useful if the PDF cannot be made
    pdf_path.write_bytes(render_pdf(html))
    return html_path, pdf_path
