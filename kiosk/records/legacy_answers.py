"""Migration 4's data step: the answers that stores of schema version 3 and before kept as one event
kind per game become `answer` events, so every report counts them by the one rule (scored_answer).

Before version 4 each game recorded a child's answer in its own kind and told the session counts
about it separately; only `answer` reached the stores' counts. The kinds below are those events'
frozen shapes (event kinds of the old records, not today's step types): each becomes an `answer`
with the item, the response and the interaction type today's step types give, keeping all its
data. A hotspot round's `game_result` listed the areas not found; each becomes an `answer` of its
own ("missed"), as the old kiosk counted it. Then every session's counts are recomputed.
"""
from __future__ import annotations

from typing import Any, Callable

from sqlalchemy import Connection, and_, bindparam, func, insert, select, true, update

from . import schema as s

CHUNK = 2000
ENDING_ITEM = "_ending"


def _response(kind: str, data: dict[str, Any], correct: bool | None,
              first_ending: Callable[[], bool]) -> tuple[str, str, bool | None, str]:
    """(item, response, correct, interaction) of one old game event; correct None = not scored."""
    if kind == "sort":
        return str(data.get("item")), str(data.get("bin")), correct, "choice"
    if kind == "pair":
        return str(data.get("left")), str(data.get("right")), correct, "matching"
    if kind == "catch":
        return str(data.get("thing")), "true" if data.get("caught") else "false", correct, "true-false"
    if kind == "area_found":
        return str(data.get("area")), "found", True, "other"
    if kind == "choice":
        return str(data.get("scene")), str(data.get("choice")), None, "choice"
    # "ending": the first ending of a play was its one scored answer
    return ENDING_ITEM, str(data.get("ending")), (data.get("outcome") == "good") if first_ending() else None, "choice"


KINDS = ("sort", "pair", "catch", "area_found", "choice", "ending")


def convert(conn: Connection) -> None:
    e = s.events.c
    last_id = None
    endings: set[tuple[str, str | None, str | None]] = set()
    while True:
        query = select(e.id, e.session_id, e.kind, e.lesson, e.step, e.correct, e.data).where(e.kind.in_(KINDS))
        if last_id is not None:
            query = query.where(e.id > last_id)
        rows = conn.execute(query.order_by(e.id).limit(CHUNK)).all()
        if not rows:
            break
        params = []
        for row in rows:
            data = dict(row.data or {})
            key = (row.session_id, row.lesson, row.step)

            def first_ending(key: tuple[str, str | None, str | None] = key) -> bool:
                seen = key in endings
                endings.add(key)
                return not seen

            item, response, correct, interaction = _response(row.kind, data, row.correct, first_ending)
            params.append({"eid": row.id, "b_option": response[:64], "b_correct": correct,
                           "b_data": {**data, "item": item, "interaction": interaction}})
        conn.execute(update(s.events).where(e.id == bindparam("eid"))
                     .values(kind="answer", option=bindparam("b_option"), correct=bindparam("b_correct"),
                             data=bindparam("b_data")), params)
        last_id = rows[-1].id
    _missed_areas(conn)
    _recount(conn)


def _missed_areas(conn: Connection) -> None:
    """Each area a hotspot round ended without finding (game_result.missed) as an answer."""
    e = s.events.c
    rows = conn.execute(select(e.session_id, e.at, e.t, e.station, e.lesson, e.step, e.data)
                        .where(e.kind == "game_result")).all()
    fresh = []
    for row in rows:
        data = row.data or {}
        missed = data.get("missed")
        if not isinstance(missed, list):
            continue
        for area in missed:
            fresh.append({"session_id": row.session_id, "at": row.at, "t": row.t, "kind": "answer",
                          "station": row.station, "lesson": row.lesson, "step": row.step, "option": "missed",
                          "correct": False, "response_ms": None, "input": None,
                          "data": {"item": str(area), "interaction": "other", "from": "game_result"}})
    for i in range(0, len(fresh), CHUNK):
        conn.execute(insert(s.events), fresh[i:i + CHUNK])


def _recount(conn: Connection) -> None:
    """Sessions' n_answered and n_right from their answer events, by the one rule."""
    e, c = s.events.c, s.sessions.c
    scored = and_(e.session_id == c.id, e.kind == "answer", e.correct.is_not(None))
    conn.execute(update(s.sessions).values(
        n_answered=select(func.count()).select_from(s.events).where(scored).scalar_subquery(),
        n_right=select(func.count()).select_from(s.events).where(scored, e.correct == true()).scalar_subquery()))
