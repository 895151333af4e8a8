"""The booking web app (FastAPI): teachers' pages, staff pages behind a login, and the JSON API that
/openapi.json describes.

    app = create_app(data_dir="var", content_dir="content")      # the same store as the records
    uvicorn.run(app, host="127.0.0.1", port=8080)                 # `python main.py serve`

Pages are rendered on the server (Jinja2, autoescaped), phone-first, no JavaScript but the one
static script of the staff's recording page (voice_pages.py). Every form
carries a CSRF token: staff forms the one of their login session, other forms a double-submit
cookie. Every error is a page or a JSON `{"error": ...}` with a 4xx; anything unexpected is logged
and answered with a kind 500 without a trace. Query strings (teachers' link tokens) are never logged.

Files: app.py (create_app), site.py (the state every route shares), api_routes.py (/api/...),
teacher_pages.py, staff_pages.py, staff_settings.py, voice_pages.py (recording the narration),
calendar_routes.py (ICS), security.py (login,
CSRF and link-token guards), errors.py, documents.py (passports and reports), inputs.py (form
fields), headers.py, font.py.
"""
from .app import create_app
from .font import hall_font

__all__ = ["create_app", "hall_font"]
