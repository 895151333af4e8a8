"""Staff pages that record the judges' own voices: every narration line of every lesson with its
state (/staff/voices), and a page per line to record it in the browser, play it back, redo and
approve it. The kiosk plays an approved take instead of synthesis (kiosk.voice.recordings).

The recording page is the one page that runs a script (static/voice-recorder.js: MediaRecorder);
its take is posted as the raw body with the staff session's CSRF token in a header."""
from __future__ import annotations

import hmac

from fastapi import APIRouter, Depends, Request
from fastapi.responses import FileResponse, HTMLResponse, PlainTextResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from kiosk.narration_prebuild import voice_lines
from kiosk.voice.recordings import Line, RecordingRefused, Recordings, valid_names

from ..auth import StaffUser
from ..words import Named, say
from .headers import RECORDER_CSP
from .security import StaffForm, signed_in, staff_form, staff_of
from .site import Site, SiteDep

router = APIRouter()
LINE = "/staff/voices/{lesson}/{step}/{moment}/{persona}"
BADGES = {"approved": "confirmed", "recorded": "requested", "stale": "now", "missing": "cancelled"}
STATE_NAMES = Named({state: f"voice_state_{state}" for state in BADGES})
NARRATION_LANG = "zh"


def recordings(request: Request) -> Recordings:
    return request.app.state.recordings


def all_lines(site: Site) -> list[Line]:
    return voice_lines(site.service.lessons.values(), NARRATION_LANG)


def find_line(site: Site, lesson: str, step: str, moment: str, persona: str) -> Line | None:
    if not valid_names(lesson, step, moment, persona):
        return None
    key = "/".join((lesson, step, moment, persona))
    return next((line for line in all_lines(site) if line.key == key), None)


def no_such_line(site: Site, user: StaffUser) -> HTMLResponse:
    return site.message_page(say("voice_not_found"), say("voice_not_found_text"), 404, back="/staff/voices",
                             back_text=say("voices_title"), staff_user=user)


@router.get("/staff/voices", response_class=HTMLResponse, include_in_schema=False)
def voices_page(request: Request, site: SiteDep, user: StaffUser = Depends(signed_in)) -> Response:
    store = recordings(request)
    rows = [(line, store.state(line)) for line in all_lines(site)]
    counts = {state: sum(1 for _, s in rows if s == state) for state in BADGES}
    return site.render("staff_voices.html", title=say("voices_title"), staff=user, csrf=user.csrf, rows=rows,
                       counts=counts, badges=BADGES, state_names=STATE_NAMES)


@router.get(LINE, response_class=HTMLResponse, include_in_schema=False)
def voice_line_page(request: Request, site: SiteDep, lesson: str, step: str, moment: str, persona: str,
                    user: StaffUser = Depends(signed_in)) -> Response:
    line = find_line(site, lesson, step, moment, persona)
    if line is None:
        return no_such_line(site, user)
    page = site.render("staff_voice_line.html", title=say("voice_line_title"), staff=user, csrf=user.csrf,
                       line=line, state=recordings(request).state(line), badges=BADGES, state_names=STATE_NAMES,
                       url=f"/staff/voices/{line.key}")
    page.headers["content-security-policy"] = RECORDER_CSP
    return page


@router.post(LINE + "/recording", include_in_schema=False)
async def upload_take(request: Request, site: SiteDep, lesson: str, step: str, moment: str,
                      persona: str) -> Response:
    """A take from the recorder: the raw audio body; answered in plain text, which the page shows."""
    user = await run_in_threadpool(staff_of, site, request)
    if user is None:
        return PlainTextResponse(say("voice_sign_in_again"), 401)
    sent = request.headers.get("x-csrf-token", "")
    if not sent or not hmac.compare_digest(user.csrf.encode(), sent.encode()):
        return PlainTextResponse(say("page_expired_text"), 403)
    line = await run_in_threadpool(find_line, site, lesson, step, moment, persona)
    if line is None:
        return PlainTextResponse(say("voice_not_found_text"), 404)
    body = await request.body()
    try:
        await run_in_threadpool(recordings(request).save, line, body)
    except RecordingRefused:
        return PlainTextResponse(say("voice_not_audio"), 400)
    return PlainTextResponse(say("voice_saved"), 201)


@router.post(LINE + "/approve", include_in_schema=False)
async def approve_take(request: Request, site: SiteDep, lesson: str, step: str, moment: str, persona: str,
                       checked: StaffForm = Depends(staff_form)) -> Response:
    user, _ = checked
    line = await run_in_threadpool(find_line, site, lesson, step, moment, persona)
    if line is None:
        return no_such_line(site, user)
    if not await run_in_threadpool(recordings(request).approve, line):
        return site.message_page(say("voice_nothing_to_approve"), say("voice_nothing_to_approve_text"), 409,
                                 back=request.url.path.removesuffix("/approve"), back_text=say("voice_line_title"),
                                 staff_user=user)
    return RedirectResponse("/staff/voices", status_code=303)


@router.get(LINE + "/audio", include_in_schema=False)
def take_audio(request: Request, site: SiteDep, lesson: str, step: str, moment: str, persona: str,
               user: StaffUser = Depends(signed_in)) -> Response:
    line = find_line(site, lesson, step, moment, persona)
    store = recordings(request)
    if line is None or store.state(line) == "missing":
        return no_such_line(site, user)
    return FileResponse(store.wav(lesson, step, moment, persona), media_type="audio/wav")
