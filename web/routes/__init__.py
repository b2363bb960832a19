"""One module per stage: `web/routes/<stage>.py` with `router = APIRouter()`, optional `nav` and `setup(app, settings)`.

`web.app.create_app` includes every module here; see docs/HELPERS.md, "web foundations".
"""
