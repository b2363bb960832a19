"""The outbox for operators: the spine's table sizes, rows the relay parked (never publishable as they were) with
their reason, and re-driving a parked row once its cause is fixed (db/outbox.py)."""
# ruff: noqa: B008 - FastAPI declares dependencies as argument defaults

from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from db.outbox import MAX_RECORD_BYTES, parked_rows, redrive_parked, table_sizes

from ..auth import User, require_role
from ..templating import flash, render

router = APIRouter()
watchers = require_role("operator", "admin", "duty_officer")
operators = require_role("operator", "admin")


@router.get("/ops/outbox")
def outbox_page(request: Request, user: User = Depends(watchers)) -> Response:
    """Table sizes, and the parked outbox rows with their reason and a re-drive button."""
    sessions = request.app.state.sessions
    return render(request, "ops/outbox.html", {
        "sizes": table_sizes(sessions), "parked": parked_rows(sessions, limit=200),
        "max_bytes": MAX_RECORD_BYTES, "retention_hours": request.app.state.settings.kafka.outbox_retention_hours,
        "can_redrive": user.role in ("operator", "admin")})


@router.post("/ops/outbox/{row_id}/redrive")
def outbox_redrive(request: Request, row_id: int, user: User = Depends(operators)) -> Response:
    """Queue a parked row for publishing again."""
    if not redrive_parked(request.app.state.sessions, row_id):
        raise HTTPException(404, detail="There is no parked outbox row with this number.")
    flash(request, f"Outbox row {row_id} is queued again: the relay publishes it next, or parks it again with "
                   "the reason if the cause is still there.", "success")
    return RedirectResponse("/ops/outbox", status_code=303)
