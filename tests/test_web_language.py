"""The booking pages in the visitor's language: Chinese unless `?lang=en` was chosen (then kept in a
cookie), every word from the catalogue's `web` namespace, the API's error messages too; a bad
language or a malformed cookie changes nothing."""
from __future__ import annotations

import re

from kiosk.schedule.words import Named, say, set_site_lang, site_lang
from kiosk.ui.strings import Strings

from .support.web import Client, Hall, booking_body, hall, slot_id  # noqa: F401


def html_lang(page: str) -> str:
    found = re.search(r'<html lang="([^"]+)"', page)
    assert found
    return found.group(1)


def test_a_page_is_chinese_until_english_is_chosen_and_then_stays_english(hall: Hall) -> None:
    c = hall.client()
    home = c.get("/")
    assert home.status == 200 and html_lang(home.text) == "zh-CN"
    assert "预约研学参观" in home.text and 'href="?lang=en"' in home.text

    english = c.get("/?lang=en")
    assert english.status == 200 and html_lang(english.text) == "en"
    assert Strings("en", namespace="web")("book_visit") in english.text
    assert "预约研学参观" not in english.text and 'href="?lang=zh"' in english.text
    assert c.cookie("site_lang") == "en"
    assert "Tue" in english.text or "Wed" in english.text  # the calendar's weekdays too, not only the frame

    assert html_lang(c.get("/").text) == "en"               # the choice is kept
    assert html_lang(c.get("/?lang=zh").text) == "zh-CN"    # and can be undone
    assert html_lang(c.get("/").text) == "zh-CN"


def test_an_unknown_language_or_a_malformed_cookie_leaves_the_page_chinese(hall: Hall) -> None:
    c = hall.client()
    for query in ("?lang=fr", "?lang=", "?lang=en%00", "?lang=<script>"):
        page = c.get("/" + query)
        assert page.status == 200 and html_lang(page.text) == "zh-CN", query
    assert c.cookie("site_lang") is None
    for cookie in ('site_lang=fr', 'site_lang="en', 'a"b=1; site_lang=en;;=', "\x7f"):
        page = c.get("/", headers={"cookie": cookie})
        assert page.status == 200, cookie
    assert html_lang(c.get("/", headers={"cookie": "site_lang=fr"}).text) == "zh-CN"


def test_the_api_answers_errors_in_the_chosen_language(hall: Hall) -> None:
    c = hall.client()
    body = booking_body(slot_id(), students=0)
    zh = c.post("/api/bookings", json_body=body)
    en = c.post("/api/bookings?lang=en", json_body=body)
    assert zh.status == en.status and 400 <= zh.status < 500
    assert zh.json()["field"] == en.json()["field"] == "students"
    assert re.search(r"[\u4e00-\u9fff]", zh.json()["error"])
    assert not re.search(r"[\u4e00-\u9fff]", en.json()["error"]), en.json()


def test_names_follow_the_language_of_the_moment() -> None:
    weekdays = Named({1: "weekday_1"})
    assert site_lang() == "zh"
    zh = weekdays[1]
    set_site_lang("en")
    try:
        assert weekdays[1] != zh and weekdays[1] == Strings("en", namespace="web")("weekday_1")
        assert say("weekday_1") == weekdays[1]
        set_site_lang("xx")
        assert site_lang() == "en"
    finally:
        set_site_lang("zh")
    assert weekdays.every_language().count(zh) == 1
