"""A real browser end to end: headless Chromium (Debian's /usr/bin/chromium, driven by Playwright; no
browser download) on a phone-sized screen books a visit as a teacher, then staff log in and confirm
it, and the teacher's private page shows it confirmed with the passport cards to download."""
from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Iterator

import pytest

from .support.web import FIRST_OPEN, PASSWORD, Hall, start_hall

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
PHONE_SIZE = {"width": 390, "height": 844}

pytestmark = pytest.mark.skipif(not os.path.exists(CHROMIUM),
                                reason=f"{CHROMIUM} is missing (apt-get install chromium; tools/system-packages.sh test)")


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[object]:
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is missing (the project's test extra)")
    with sync_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def e2e_hall(tmp_path: Path) -> Iterator[Hall]:
    yield from start_hall(tmp_path)


def fits_the_screen(page: object) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")  # type: ignore[attr-defined]


@pytest.mark.slow
def test_a_teacher_books_on_a_phone_and_staff_confirm_it(browser: object, e2e_hall: Hall, tmp_path: Path) -> None:
    teacher = browser.new_context(viewport=PHONE_SIZE, is_mobile=True, has_touch=True, locale="zh-CN")  # type: ignore
    page = teacher.new_page()
    page.set_default_timeout(15_000)
    page.goto(e2e_hall.url + "/")
    assert "预约研学参观" in page.text_content("h1") and fits_the_screen(page)
    first_slot = page.locator("a.slot").first
    assert f"/book?slot={FIRST_OPEN.isoformat()}T09:00" in first_slot.get_attribute("href")
    first_slot.tap()
    page.wait_for_url(re.compile(r"/book\?slot="))
    assert fits_the_screen(page)
    page.get_by_label("学校名称").fill("阳光小学")
    page.get_by_label("班级").fill("五年级二班")
    page.get_by_label("年级").select_option("5")
    page.get_by_label("学生人数").fill("42")
    page.get_by_label("带队老师").fill("王老师")
    page.get_by_label("联系电话").fill("139 1234 5678")
    page.get_by_role("button", name="提交预约").tap()
    page.wait_for_url(re.compile(r"/booking/\d+\?token=[\w-]+&new=1"))
    assert "预约已提交" in page.content() and page.text_content("#status") == "待确认"
    link = page.text_content("#private-link").strip()
    assert re.fullmatch(re.escape(e2e_hall.url) + r"/booking/\d+\?token=[\w-]{32,}", link)
    assert "13912345678" not in page.content() and fits_the_screen(page)
    page.screenshot(path=str(tmp_path / "teacher-booked.png"), full_page=True)

    staff = browser.new_context(viewport=PHONE_SIZE, is_mobile=True, has_touch=True, locale="zh-CN")  # type: ignore
    desk = staff.new_page()
    desk.set_default_timeout(15_000)
    desk.goto(e2e_hall.url + "/staff")
    desk.wait_for_url(re.compile(r"/staff/login"))
    desk.get_by_label("用户名").fill("admin")
    desk.get_by_label("密码").fill(PASSWORD)
    desk.get_by_role("button", name="登录").tap()
    desk.wait_for_url(e2e_hall.url + "/staff")
    assert "待确认" in desk.content() and fits_the_screen(desk)
    desk.get_by_role("link", name="阳光小学 五年级二班").first.tap()
    desk.wait_for_url(re.compile(re.escape(e2e_hall.url) + r"/staff/booking/\d+$"))
    assert "13912345678" in desk.content()                     # the phone, for staff only
    desk.locator("#confirm").tap()
    desk.wait_for_selector("#notice")
    assert desk.text_content("#status") == "已确认"

    page.goto(link)
    assert page.text_content("#status") == "已确认"
    cards = page.get_by_role("link", name="下载研学护照（PDF）")
    assert cards.count() == 1 and "/passports.pdf?token=" in cards.get_attribute("href")
    booking_id = int(re.search(r"/booking/(\d+)", link).group(1))
    booking = e2e_hall.service.get(booking_id)
    assert (booking.status, booking.students, booking.phone) == ("confirmed", 42, "13912345678")
    assert e2e_hall.store.visit(booking.visit_id).school == "阳光小学"
    teacher.close()
    staff.close()
