"""Reports: the figures of a hand-computed visit, the CSV they trace to, the HTML and PDF (Chinese
text extractable, fonts embedded), passport cards whose QR codes a camera can read, the period view."""
from __future__ import annotations

import csv
import re
import shutil
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest

from kiosk.records.store import Store, local_epoch, parse_passport, passport_payload
from kiosk.reports import write_passports, write_period_report, write_visit_report
from kiosk.reports.data import Catalogue, period_report, visit_report
from kiosk.reports.pdf import CARD_COLS, CARD_H, CARD_ROWS, CARD_W

from .support.records import VISIT_DAY, ingest, make_visit, session, write_content

needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None or shutil.which("pdftoppm") is None,
                                   reason="poppler-utils (pdftotext, pdftoppm) not installed: apt-get install "
                                          "poppler-utils")


@pytest.fixture
def world(store_url: str, tmp_path: Path) -> tuple[Store, Catalogue, Path]:
    content = write_content(tmp_path / "content")
    store = Store(store_url)
    return store, Catalogue.load(content), content


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def pdf_text(path: Path, first: int | None = None, last: int | None = None) -> str:
    args = ["pdftotext", "-layout"]
    if first:
        args += ["-f", str(first)]
    if last:
        args += ["-l", str(last)]
    return subprocess.run([*args, str(path), "-"], capture_output=True, text=True, check=True).stdout


def test_visit_figures_match_the_hand_computed_visit(world: tuple[Store, Catalogue, Path]) -> None:
    store, catalogue, _ = world
    hv = make_visit(store)
    r = visit_report(store, hv.visit_id, catalogue)
    a, b = hv.codes[:2]
    assert (r.visit.students, r.cards_issued, r.checked_in) == (4, 4, 2)
    assert len(r.sessions) == 4 and r.completed == 2
    assert (r.answered, r.right) == (6, 3) and r.accuracy == pytest.approx(0.5)
    assert {st.key: (st.sessions, round(st.seconds), len(st.cards)) for st in r.stations} == \
        {"learning-1": (3, 330, 2), "game-1": (1, 60, 1)}
    zones = {z.key: (z.sessions, round(z.seconds)) for z in r.zones}
    assert zones["learning"] == (3, 330) and zones["game"] == (1, 60)
    assert zones["immersive"] == (0, 0) and zones["classroom"] == (0, 0)
    lessons = {ls.id: (ls.started, ls.completed, ls.answered, ls.right) for ls in r.lessons}
    assert lessons == {"law-basics": (3, 1, 5, 2), "net-safe": (1, 1, 1, 1)}
    questions = {q.info.step: (q.n, q.right, dict(q.chosen)) for q in r.questions}
    assert questions == {"q-adult": (3, 2, {"b": 2, "a": 1}), "q-tf": (2, 0, {"true": 2}),
                         "q-share": (1, 1, {"c": 1})}
    missed = r.most_missed
    assert [q.info.step for q in missed] == ["q-tf", "q-adult"]
    assert missed[0].most_wrong == ("true", 2) and missed[0].info.option_text("true") == "对"
    assert missed[1].most_wrong == ("a", 1) and missed[1].info.option_text("a") == "十六周岁"
    assert missed[1].info.answer == "b" and missed[1].info.option_text("b") == "十八周岁"
    assert missed[1].info.citation == "《民法典》第十七条" and "成年人" in missed[1].info.explanation
    cards = {c.code: c for c in r.cards}
    assert (cards[a].sessions, cards[a].zones, cards[a].lessons_done, cards[a].right, cards[a].answered) == \
        (2, {"learning", "game"}, {"law-basics", "net-safe"}, 2, 3)
    assert (cards[b].sessions, cards[b].zones, cards[b].lessons_done, cards[b].right, cards[b].answered) == \
        (1, {"learning"}, set(), 0, 2)
    assert sum(1 for c in r.cards if not c.used) == 2
    assert r.end_reasons == {"finished": 2, "idle": 1, "back": 1}
    summary = r.summary()
    assert "实验小学" in summary and "2名同学" in summary and "50%" in summary and "被欺负了是你自己的错" in summary


def test_every_report_figure_traces_to_the_csv(world: tuple[Store, Catalogue, Path], tmp_path: Path) -> None:
    store, catalogue, _ = world
    hv = make_visit(store)
    paths = write_visit_report(store, hv.visit_id, tmp_path / "out", catalogue=catalogue, pdf=False)
    answers = read_csv(paths["answers"])
    sessions = read_csv(paths["sessions"])
    r = visit_report(store, hv.visit_id, catalogue)
    assert len(answers) == r.answered and sum(int(x["correct"]) for x in answers) == r.right
    assert r.questions and r.stations                 # the checks below have something to check
    for q in r.questions:
        mine = [x for x in answers if x["lesson"] == q.info.lesson and x["step"] == q.info.step]
        assert (len(mine), sum(int(x["correct"]) for x in mine)) == (q.n, q.right)
        assert all(x["question"] == q.info.text for x in mine)
    for st in r.stations:
        assert sum(float(x["seconds"]) for x in sessions if x["station"] == st.key) == pytest.approx(st.seconds)
    assert len({x["passport"] for x in sessions if x["passport"]}) == r.checked_in
    assert {x["option_text"] for x in answers if x["step"] == "q-adult"} == {"十八周岁", "十六周岁"}
    html = paths["html"].read_text(encoding="utf-8")
    assert "实验小学" in html and "<svg" in html and "@font-face" in html and "format(\"opentype\")" in html
    assert "十六周岁" in html and "《民法典》第十七条" in html and html.count('class="cert"') == 2
    assert "http://" not in html.replace('xmlns="http://www.w3.org/2000/svg"', "")  # nothing fetched from outside


@needs_poppler
def test_the_pdf_embeds_the_font_and_its_chinese_text_can_be_extracted(world: tuple[Store, Catalogue, Path],
                                                                      tmp_path: Path) -> None:
    store, catalogue, _ = world
    hv = make_visit(store)
    paths = write_visit_report(store, hv.visit_id, tmp_path / "out", catalogue=catalogue)
    text = pdf_text(paths["pdf"])
    assert "实验小学" in text and "四年级(2)班" in text and "研学报告" in text
    assert "法治小卫士" in text and "十六周岁" in text and "民法典" in text
    fonts = subprocess.run(["pdffonts", str(paths["pdf"])], capture_output=True, text=True, check=True).stdout
    assert "NotoSans" in fonts and all(line.split()[-5:-2] == ["yes", "yes", "yes"]
                                       for line in fonts.splitlines()[2:] if line.strip())
    info = subprocess.run(["pdfinfo", str(paths["pdf"])], capture_output=True, text=True, check=True).stdout
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    assert "法治小卫士" in pdf_text(paths["pdf"], pages, pages)  # the last pages are the two certificates
    assert "法治小卫士" in pdf_text(paths["pdf"], pages - 1, pages - 1)
    assert "法治小卫士" not in pdf_text(paths["pdf"], pages - 2, pages - 2)


@needs_poppler
def test_passport_cards_carry_a_qr_code_a_camera_reads_and_no_name(world: tuple[Store, Catalogue, Path],
                                                                  tmp_path: Path) -> None:
    import cv2

    store, _, _ = world
    visit_id = store.add_visit("实验小学", "四年级(2)班", 12, grade=4, day=VISIT_DAY)
    out = tmp_path / "cards.pdf"
    cards = write_passports(store, visit_id, out)
    assert len(cards) == 12
    text = pdf_text(out, 1, 1)
    assert "少年法治体验馆" in text and "四年级(2)班" in text and "姓名" not in text
    subprocess.run(["pdftoppm", "-r", "200", "-png", "-f", "1", "-l", "1", str(out), str(tmp_path / "page")],
                   check=True)
    image = cv2.imread(str(next(tmp_path.glob("page*.png"))))
    px = image.shape[1] / 210.0  # pixels per mm of the A4 page
    margin_x, margin_y = (210 - CARD_COLS * CARD_W) / 2, (297 - CARD_ROWS * CARD_H) / 2
    classic, aruco = cv2.QRCodeDetector(), cv2.QRCodeDetectorAruco()  # aruco: what the vision check-in uses
    read, read_whole = [], []
    for slot in range(CARD_COLS * CARD_ROWS):
        x = margin_x + (slot % CARD_COLS) * CARD_W
        y = margin_y + (slot // CARD_COLS) * CARD_H
        card = image[int(y * px):int((y + CARD_H) * px), int(x * px):int((x + CARD_W) * px)]
        # the code as a camera frames it, in a few framings (a camera gets many frames; OpenCV's classic
        # detector misses about one framing in two hundred that the next one reads)
        framings = [card[int(top * px):int((top + h) * px), int((CARD_W - left) * px):]
                    for top, h, left in ((8, 40, 38), (10, 36, 36), (6, 44, 40))] + [card]
        read.append(next((text for text in (classic.detectAndDecode(f)[0] for f in framings) if text), ""))
        read_whole.append(aruco.detectAndDecode(card)[0])  # the whole card held up
    payloads = [passport_payload(c["code"]) for c in cards[:10]]
    assert read_whole == payloads                     # the kiosk's own reader: every card, held up whole
    # a second reader (OpenCV's classic one, like a phone app) on a few framings: the codes are random,
    # and about one card in a few hundred defeats it in all of them (measured: 0 misses in 250 cards)
    assert sum(r == p for r, p in zip(read, payloads)) >= 9 and set(read) <= set(payloads) | {""}
    assert all(parse_passport(r) == c["code"] for r, c in zip(read_whole, cards))


def test_the_period_view_counts_week_by_week(world: tuple[Store, Catalogue, Path], tmp_path: Path) -> None:
    store, catalogue, _ = world
    make_visit(store)  # Tuesday 2026-05-12: 6 sessions, 8 answers, 3 right
    later = VISIT_DAY + timedelta(days=7)
    store.add_visit("二小", "三(1)班", 30, grade=3, day=later, start="09:00", end="10:00")
    t = local_epoch(later, "09:10")
    ingest(store, session("game-1", t, "net-safe", [("q-share", "a", False)], "idle", 50)
           + session("game-1", t + 100, "net-safe", [("q-share", "c", True)], "finished", 40))
    r = period_report(store, VISIT_DAY - timedelta(days=1), later, catalogue)
    assert [w.start.isoformat() for w in r.weeks] == ["2026-05-11", "2026-05-18"]
    assert [(w.visits, w.students, w.sessions, w.answered, w.right) for w in r.weeks] == \
        [(1, 4, 6, 8, 3), (1, 30, 2, 2, 1)]
    assert (len(r.visits), r.schools, r.students, r.sessions, r.walk_in_sessions) == (2, 2, 34, 8, 2)
    assert dict((st, n) for st, n, _ in r.stations) == {"learning-1": 4, "game-1": 3, "classroom-1": 1}
    ranked = r.ranked_topics()
    assert [(t.topic, t.answered, t.right) for t in ranked] == [("online", 3, 2), ("basics", 7, 2)]
    assert "掌握最好的主题是“网络安全”，最需要加强的是“法律小常识”" in r.summary()
    paths = write_period_report(store, VISIT_DAY - timedelta(days=1), later, tmp_path / "period", catalogue=catalogue,
                                pdf=False)
    weeks = read_csv(paths["weeks"])
    assert [(x["week_start"], x["sessions"], x["answers"], x["right"]) for x in weeks] == \
        [("2026-05-11", "6", "8", "3"), ("2026-05-18", "2", "2", "1")]
    html = paths["html"].read_text(encoding="utf-8")
    assert "二小" in html and "<svg" in html
    empty = period_report(store, later + timedelta(days=30), later + timedelta(days=40), catalogue)
    assert (empty.sessions, empty.answered, empty.accuracy) == (0, 0, None)
