"""xAPI 1.0.3 statements: every field the spec requires, the verbs and activity definitions the issue
names, and the batched, retried POST to a Learning Record Store (a tiny one on 127.0.0.1)."""
from __future__ import annotations

import base64
import random
import json
import re
import threading
import uuid
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Iterator

import pytest

from kiosk.lessons import load_content
from kiosk.records import xapi
from kiosk.records.store import Store

from .support.records import make_visit, write_content

ISO_DURATION = re.compile(r"^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$")
ADL = "http://adlnet.gov/expapi/verbs/"


@pytest.fixture
def statements(store_url: str, tmp_path: Path) -> tuple[list[dict[str, Any]], Any, xapi.XapiSettings]:
    content = write_content(tmp_path / "content")
    store = Store(store_url)
    hv = make_visit(store)
    settings = xapi.XapiSettings(home_page="https://hall.example.cn")
    items = list(xapi.statements(store, settings, load_content(content).lessons, visit_id=hv.visit_id))
    return items, hv, settings


def is_iri(value: str) -> bool:
    return bool(re.match(r"^[a-z][a-z0-9+.-]*:[^\s]+$", value))


def check_activity(activity: dict[str, Any]) -> None:
    assert activity["objectType"] == "Activity" and is_iri(activity["id"])
    definition = activity["definition"]
    assert is_iri(definition["type"])
    assert definition["name"] and all(re.match(r"^[a-z]{2}-[A-Z]{2}$", k) for k in definition["name"])


def test_every_statement_has_what_the_spec_requires(statements: Any) -> None:
    items, hv, settings = statements
    assert items
    ids = [st["id"] for st in items]
    assert len(set(ids)) == len(ids)
    sessions = set(hv.sessions[name] for name in ("s1", "s2", "s3", "s4"))
    for st in items:
        assert str(uuid.UUID(st["id"])) == st["id"]
        actor = st["actor"]
        assert actor["objectType"] == "Agent" and set(actor) == {"objectType", "account"}
        assert actor["account"]["homePage"] == settings.home_page
        assert actor["account"]["name"] in set(hv.codes) | sessions  # a card code or the session: no name
        verb = st["verb"]
        assert verb["id"].startswith(ADL) and verb["display"]["en-US"] == verb["id"].rsplit("/", 1)[1]
        check_activity(st["object"])
        context = st["context"]
        assert context["registration"] in sessions and str(uuid.UUID(context["registration"])) == \
            context["registration"]
        grouping = context["contextActivities"]["grouping"]
        assert [g["id"] for g in grouping] == [f"{settings.base}/visits/{hv.visit_id}"]
        for activity in grouping + context["contextActivities"].get("parent", []):
            check_activity(activity)
        stamp = datetime.fromisoformat(st["timestamp"])
        assert stamp.tzinfo is not None and re.search(r"[+-]\d\d:\d\d$|Z$", st["timestamp"])
        if "result" in st and "duration" in st["result"]:
            assert ISO_DURATION.match(st["result"]["duration"]), st["result"]["duration"]
        if "result" in st and "score" in st["result"]:
            score = st["result"]["score"]
            assert -1 <= score["scaled"] <= 1 and score["min"] <= score["raw"] <= score["max"]
    json.dumps(items)  # plain JSON throughout


def test_answers_are_cmi_interactions_with_their_choices_and_the_right_pattern(statements: Any) -> None:
    items, hv, settings = statements
    answered = [st for st in items if st["verb"]["id"] == ADL + "answered"]
    assert len(answered) == 6  # the visit's six answers
    by_step: dict[str, list[dict[str, Any]]] = {}
    for st in answered:
        by_step.setdefault(st["object"]["id"].rsplit("/", 1)[1], []).append(st)
    choice = by_step["q-adult"][0]["object"]["definition"]
    assert choice["type"] == "http://adlnet.gov/expapi/activities/cmi.interaction"
    assert choice["interactionType"] == "choice" and choice["correctResponsesPattern"] == ["b"]
    assert [c["id"] for c in choice["choices"]] == ["a", "b"]
    assert choice["choices"][1]["description"] == {"zh-CN": "十八周岁"}
    assert choice["name"]["zh-CN"] == "多少周岁是成年人？"
    tf = by_step["q-tf"][0]["object"]["definition"]
    assert tf["interactionType"] == "true-false" and tf["correctResponsesPattern"] == ["false"] and "choices" not in tf
    results = sorted((st["result"]["response"], st["result"]["success"], st["result"]["score"]["scaled"])
                     for st in by_step["q-adult"])
    assert results == [("a", False, 0.0), ("b", True, 1.0), ("b", True, 1.0)]
    assert all(st["result"]["duration"] == "PT2.5S" for st in answered)
    parent = by_step["q-adult"][0]["context"]["contextActivities"]["parent"]
    assert [p["id"] for p in parent] == [f"{settings.base}/lessons/law-basics"]
    assert parent[0]["definition"]["type"] == "http://adlnet.gov/expapi/activities/lesson"


def test_lessons_are_attempted_completed_and_passed_or_failed(statements: Any) -> None:
    items, hv, _ = statements
    verbs: dict[str, list[str]] = {}
    for st in items:
        verbs.setdefault(st["context"]["registration"], []).append(st["verb"]["id"].rsplit("/", 1)[1])
    assert verbs[hv.sessions["s1"]] == ["attempted", "answered", "answered", "completed", "failed"]  # 1/2 < 60%
    assert verbs[hv.sessions["s2"]] == ["attempted", "answered", "answered"]  # went idle: not completed
    assert verbs[hv.sessions["s3"]] == ["attempted", "answered", "completed", "passed"]
    completed = next(st for st in items if st["context"]["registration"] == hv.sessions["s1"]
                     and st["verb"]["id"].endswith("/completed"))
    assert completed["result"]["completion"] is True
    assert completed["result"]["score"] == {"scaled": 0.5, "raw": 1, "min": 0, "max": 2}
    assert completed["result"]["duration"] == "PT1M58S"  # lesson_start at +2 s, complete at +120 s
    s4 = [st for st in items if st["context"]["registration"] == hv.sessions["s4"]]
    assert {st["actor"]["account"]["name"] for st in s4} == {hv.sessions["s4"]}  # no card: the session id


def test_iso_durations() -> None:
    assert [xapi.iso_duration(x) for x in (0, 2.5, 59.999, 61, 3725.25)] == \
        ["PT0S", "PT2.5S", "PT1M", "PT1M1S", "PT1H2M5.25S"]


class LRS:
    """A Learning Record Store in a thread: records requests; fails the first `fail` POSTs with 503."""

    def __init__(self, fail: int = 0):
        self.requests: list[tuple[Any, Any]] = []
        self.fail = fail
        lrs = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                body = self.rfile.read(int(self.headers["Content-Length"]))
                if lrs.fail > 0:
                    lrs.fail -= 1
                    self.send_response(503)
                    self.end_headers()
                    return
                lrs.requests.append((self.headers, json.loads(body)))  # case-insensitive
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(json.dumps([s["id"] for s in json.loads(body)]).encode())

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/xapi"
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def lrs() -> Iterator[LRS]:
    server = LRS(fail=1)
    yield server
    server.close()


def test_statements_are_posted_in_batches_with_auth_and_retried(statements: Any, lrs: LRS) -> None:
    items, _, _ = statements
    settings = xapi.XapiSettings(endpoint=lrs.url, username="kiosk", password="s3cret", batch=4)
    sent = xapi.post_statements(items, settings, delays=(0.01, 0.01))
    assert sent == len(items)
    assert [len(body) for _, body in lrs.requests] == [4] * (len(items) // 4) + ([len(items) % 4] if len(items) % 4
                                                                              else [])
    assert [st["id"] for _, body in lrs.requests for st in body] == [st["id"] for st in items]
    headers = lrs.requests[0][0]
    assert headers["X-Experience-API-Version"] == "1.0.3"
    assert headers["Authorization"] == "Basic " + base64.b64encode(b"kiosk:s3cret").decode()
    assert headers["Content-Type"].startswith("application/json")


def test_an_lrs_that_keeps_failing_is_reported_not_hung(statements: Any) -> None:
    items, _, _ = statements
    server = LRS(fail=100)
    try:
        with pytest.raises(xapi.LrsError, match="503"):
            xapi.post_statements(items, xapi.XapiSettings(endpoint=server.url), delays=(0.01, 0.01))
        assert server.fail == 97  # tried three times, then gave up
    finally:
        server.close()


# ----- every step type's answers (xAPI 1.0.3, 4.1.4.1 Interaction Activities) ---------------------

COMPONENT_LISTS = {"choice": {"choices"}, "sequencing": {"choices"}, "likert": {"scale"},
                   "matching": {"source", "target"}, "performance": {"steps"}, "true-false": set(),
                   "fill-in": set(), "long-fill-in": set(), "numeric": set(), "other": set()}


def check_interaction(definition: dict[str, Any], response: str | None) -> None:
    """The spec's rules for an interaction activity's definition, and a response in its format."""
    kind = definition["interactionType"]
    assert kind in COMPONENT_LISTS
    lists = {k for k in ("choices", "scale", "source", "target", "steps") if k in definition}
    assert lists == COMPONENT_LISTS[kind], (kind, lists)
    ids: dict[str, set[str]] = {}
    for name in lists:
        components = definition[name]
        assert components and all(set(c) <= {"id", "description"} and c["id"] for c in components)
        assert len({c["id"] for c in components}) == len(components)  # ids unique within a list
        assert all(re.match(r"^[a-z]{2}-[A-Z]{2}$", k) for c in components for k in c.get("description", {}))
        ids[name] = {c["id"] for c in components}
    patterns = definition.get("correctResponsesPattern", [])
    assert isinstance(patterns, list) and all(isinstance(p, str) for p in patterns)
    for value in patterns + ([response] if response is not None else []):
        if kind == "true-false":
            assert value in ("true", "false")
        elif kind in ("choice", "sequencing"):
            assert set(value.split("[,]")) <= ids["choices"], (kind, value)
        elif kind == "matching":
            for pair in value.split("[,]"):
                source, target = pair.split("[.]")
                assert source in ids["source"] and target in ids["target"], value


def test_every_step_types_answers_are_valid_interactions(store_url: str) -> None:
    from kiosk.bench.visits import session_events
    from kiosk.registry import step_types

    from .support.paths import DEMO
    from .support.records import ingest

    lessons = load_content(DEMO).lessons
    store = Store(store_url)
    rng = random.Random(5)
    events = [e for i, lesson in enumerate(lessons.values()) for e in
              session_events(rng, lesson, "game-1", 1_790_000_000.0 + 600 * i, skill=0.6)]
    ingest(store, events)
    items = list(xapi.statements(store, xapi.XapiSettings(), lessons))
    answered = [st for st in items if st["verb"]["id"] == ADL + "answered"]
    assert len(answered) == sum(1 for e in events if e["kind"] == "answer")  # one statement per answer
    seen = set()
    for st in answered:
        definition = st["object"]["definition"]
        check_interaction(definition, st["result"]["response"])
        seen.add(definition["interactionType"])
        if "success" in st["result"]:
            assert (st["result"]["response"] in definition["correctResponsesPattern"]) == st["result"]["success"]
    wanted = {kind.model.interaction for kind in step_types().values() if kind.model.interaction}
    assert wanted <= seen and {"sequencing", "matching"} <= seen
    order = next(st for st in answered if st["object"]["definition"]["interactionType"] == "sequencing")
    assert re.fullmatch(r"[a-z0-9-]+(\[,\][a-z0-9-]+){2,5}", order["object"]["definition"]["correctResponsesPattern"][0])
    pair = next(st for st in answered if st["object"]["definition"]["interactionType"] == "matching")
    assert re.fullmatch(r"[a-z0-9-]+\[\.\][a-z0-9-]+", pair["result"]["response"])
