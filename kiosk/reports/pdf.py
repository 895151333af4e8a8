"""report.pdf and passport cards, with fpdf2: pure Python, embeds (and subsets) the shipped CFF OpenType
Noto Sans SC, so Chinese text renders everywhere and stays extractable."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, Sequence

from fpdf import FPDF

from kiosk.records.store import HALL_NAME, format_code, passport_payload

from .common import FONT_BOLD, FONT_REGULAR, word
from .data import ZONES, PeriodReport, VisitReport, fmt_duration, fmt_time, pct, zone_name

BLUE = (29, 78, 137)
INK = (31, 42, 55)
SOFT = (91, 103, 118)
LINE = (217, 222, 229)
PALE = (238, 242, 247)
RIGHT = (46, 125, 79)
WARM = (192, 98, 43)
FONT = "NotoSansSC"


class Doc(FPDF):
    def __init__(self, title: str = "", footer_text: str = "", orientation: str = "P"):
        super().__init__(orientation=orientation, unit="mm", format="A4")
        self.add_font(FONT, "", str(FONT_REGULAR))
        self.add_font(FONT, "B", str(FONT_BOLD))
        for font in self.fonts.values():  # the subset keeps the full font's bounding box: saves seconds
            ttfont = getattr(font, "ttfont", None)
            if ttfont is not None:
                ttfont.recalcBBoxes = False
        self.set_font(FONT, size=10)
        self.set_text_color(*INK)
        self.set_auto_page_break(True, margin=16)
        self.set_margins(15, 15, 15)
        self.set_title(title)
        self.set_creator("law-kiosk")
        self.set_lang("zh-CN")
        self.footer_text = footer_text
        self.plain_pages: set[int] = set()

    def footer(self) -> None:
        if self.page_no() in self.plain_pages:
            return
        self.set_y(-11)
        self.set_font(FONT, size=7.5)
        self.set_text_color(*SOFT)
        self.cell(0, 5, f"{self.footer_text}   {self.page_no()}", align="R")
        self.set_text_color(*INK)

    def h1(self, text: str) -> None:
        self.set_font(FONT, "B", 18)
        self.set_text_color(*BLUE)
        self.multi_cell(0, 9, text, new_x="LMARGIN", new_y="NEXT")
        self.set_text_color(*INK)

    def h2(self, text: str) -> None:
        if self.get_y() > self.h - 45:
            self.add_page()
        self.ln(3)
        self.set_font(FONT, "B", 12.5)
        self.set_text_color(*BLUE)
        self.cell(0, 7, text, new_x="LMARGIN", new_y="NEXT")
        self.set_draw_color(*BLUE)
        self.set_line_width(0.5)
        self.line(self.l_margin, self.get_y(), self.w - self.r_margin, self.get_y())
        self.ln(2)
        self.set_text_color(*INK)

    def para(self, text: str, size: float = 10, colour: tuple[int, int, int] = INK, bold: bool = False,
             h: float = 5.2) -> None:
        self.set_font(FONT, "B" if bold else "", size)
        self.set_text_color(*colour)
        self.multi_cell(0, h, text, new_x="LMARGIN", new_y="NEXT")
        self.set_text_color(*INK)

    def figures(self, items: Sequence[tuple[str, str]]) -> None:
        per_row = 4
        gap = 3
        w = (self.w - self.l_margin - self.r_margin - gap * (per_row - 1)) / per_row
        h = 15
        for i, (label, value) in enumerate(items):
            col = i % per_row
            if col == 0:
                y = self.get_y() + (gap if i else 1)
                if y + h > self.h - 16:
                    self.add_page()
                    y = self.get_y()
            x = self.l_margin + col * (w + gap)
            self.set_draw_color(*LINE)
            self.set_line_width(0.3)
            self.rect(x, y, w, h, round_corners=True, corner_radius=2)
            self.set_xy(x + 2, y + 1.5)
            self.set_font(FONT, "B", 14)
            self.set_text_color(*BLUE)
            self.cell(w - 4, 7, value)
            self.set_xy(x + 2, y + 8.5)
            self.set_font(FONT, "", 8)
            self.set_text_color(*SOFT)
            self.cell(w - 4, 5, label)
            if col == per_row - 1 or i == len(items) - 1:
                self.set_y(y + h)
        self.set_text_color(*INK)
        self.ln(2)

    def table_rows(self, headers: Sequence[str], rows: Sequence[Sequence[Any]], widths: Sequence[float],
                   numeric: set[int] | None = None, size: float = 8.5) -> None:
        """A plain table: heading row on a pale band, a hairline under each row; cells wrap when needed
        (short cells take the fast single-line path) and the heading repeats on a new page."""
        numeric = numeric or set()
        line_h = size * 0.5
        pad = 1.2

        def draw_row(cells: Sequence[str], bold: bool) -> None:
            self.set_font(FONT, "B" if bold else "", size)
            lines = []
            text_w = []
            for text, width in zip(cells, widths):
                tw = self.get_string_width(text)
                text_w.append(tw)
                if tw <= width - 2 * pad:
                    lines.append([text])
                else:
                    lines.append(self.multi_cell(width - 2 * pad, line_h, text, dry_run=True, output="LINES")
                                 or [text])
            height = max(len(ls) for ls in lines) * line_h + 2 * pad
            if self.get_y() + height > self.h - 16:
                self.add_page()
                if not bold:
                    draw_row(heading, True)
                    self.set_font(FONT, "", size)
            y = self.get_y()
            if bold:
                self.set_fill_color(*PALE)
                self.rect(self.l_margin, y, sum(widths), height, style="F")
            x = self.l_margin
            baseline = size * 0.3528 * 0.88  # from the top of a line to its baseline, in mm
            for i, (cell_lines, width) in enumerate(zip(lines, widths)):
                for k, line in enumerate(cell_lines):
                    if not line:
                        continue
                    tw = text_w[i] if len(cell_lines) == 1 else self.get_string_width(line)
                    left = x + width - pad - tw if i in numeric else x + pad
                    self.text(left, y + pad + k * line_h + baseline, line)  # text(): far cheaper than cell()
                x += width
            self.set_draw_color(*LINE)
            self.set_line_width(0.2)
            self.line(self.l_margin, y + height, self.l_margin + sum(widths), y + height)
            self.set_xy(self.l_margin, y + height)

        heading = [str(h) for h in headers]
        draw_row(heading, True)
        for row in rows:
            draw_row(["" if c is None else str(c) for c in row], False)
        self.ln(2)

    def bars(self, items: Sequence[tuple[str, float, str]], vmax: float | None = None,
             colour: tuple[int, int, int] = BLUE, label_w: float = 45) -> None:
        if not items:
            return
        vmax = vmax or max((v for _, v, _ in items), default=1) or 1
        area = self.w - self.l_margin - self.r_margin - label_w - 28
        for label, value, text in items:
            if self.get_y() + 7 > self.h - 16:
                self.add_page()
            y = self.get_y()
            self.set_font(FONT, "", 8.5)
            self.set_xy(self.l_margin, y)
            short = label if self.get_string_width(label) <= label_w - 2 else label[:12] + "…"
            self.cell(label_w - 2, 5, short, align="R")
            self.set_fill_color(*PALE)
            self.rect(self.l_margin + label_w, y + 0.5, area, 4, style="F")
            self.set_fill_color(*colour)
            frac = max(0.0, min(1.0, value / vmax))
            if frac > 0:
                self.rect(self.l_margin + label_w, y + 0.5, area * frac, 4, style="F")
            self.set_xy(self.l_margin + label_w + area + 2, y)
            self.cell(26, 5, text)
            self.set_y(y + 6)
        self.ln(1)


def _w(total: float, *parts: float) -> list[float]:
    scale = total / sum(parts)
    return [p * scale for p in parts]


def visit_pdf(r: VisitReport, path: Path, tick: Callable[[], None] | None = None) -> None:
    L, v = r.lang, r.visit
    w = lambda key: word(key, L)  # noqa: E731
    doc = Doc(f"{w('visit_report')} {v.school} {v.class_name} {v.date}",
              f"{r.hall} · {v.school} {v.class_name} · {v.date}")
    doc.add_page()
    full = doc.w - doc.l_margin - doc.r_margin
    doc.h1(f"{r.hall} · {w('visit_report')}")
    when = f"{v.date} {v.start_time}–{v.end_time}" if v.start_time else f"{v.date} ({w('all_day')})"
    grade = f" · {word('grade_n', L, n=v.grade)}" if v.grade else ""
    doc.para(f"{v.school} · {v.class_name}{grade} · {when}", colour=SOFT)
    doc.h2(w("summary"))
    doc.para(r.summary())
    doc.figures([(w("students"), str(v.students)), (w("checked_in"), str(r.checked_in)),
                 (w("participation_rate"), pct(r.checked_in / v.students if v.students else None)),
                 (w("sessions"), str(len(r.sessions))), (w("lessons_done"), str(r.completed)),
                 (w("answers"), str(r.answered)), (w("accuracy"), pct(r.accuracy)),
                 (w("time_total"), fmt_duration(r.seconds, L))])

    doc.h2(w("participation"))
    doc.table_rows([w("station"), w("sessions"), w("cards"), w("time_spent")],
                   [(st.name, st.sessions, len(st.cards), fmt_duration(st.seconds, L)) for st in r.stations],
                   _w(full, 4, 2, 2, 2), {1, 2, 3})
    if r.end_reasons:
        doc.para(f"{w('end_reasons')}：" + "，".join(
            f"{word('reason_' + k, L) if ('reason_' + k) in _REASONS else k} {n}" for k, n in r.end_reasons.most_common()),
            size=9, colour=SOFT)

    doc.h2(w("time_zone_station"))
    doc.bars([(z.name, z.seconds, fmt_duration(z.seconds, L)) for z in r.zones], colour=RIGHT)
    doc.bars([(st.name, st.seconds, fmt_duration(st.seconds, L)) for st in r.stations])

    doc.h2(w("lessons"))
    doc.bars([(ls.title, ls.accuracy or 0, pct(ls.accuracy)) for ls in r.lessons if ls.answered], vmax=1.0)
    doc.table_rows([w("lesson"), w("started"), w("completed"), w("completion"), w("answers"), w("accuracy")],
                   [(ls.title, ls.started, ls.completed, pct(ls.completion), ls.answered, pct(ls.accuracy))
                    for ls in r.lessons], _w(full, 6, 1.5, 1.5, 1.5, 1.5, 1.5), {1, 2, 3, 4, 5})
    if tick:
        tick()

    doc.h2(w("questions"))
    rows = []
    for q in r.questions:
        rows.append((q.label, q.n, q.right, pct(q.accuracy), q.top_choice))
    doc.table_rows([w("question"), w("n_answers"), w("n_right"), w("accuracy"), w("top_wrong")], rows,
                   _w(full, 7, 1.3, 1.3, 1.4, 4), {1, 2, 3})

    doc.h2(w("most_missed"))
    if not r.most_missed:
        doc.para(w("no_data"))
    for q in r.most_missed:
        if doc.get_y() > doc.h - 60:
            doc.add_page()
        top = doc.get_y()
        left = doc.l_margin
        doc.set_left_margin(left + 4)
        doc.set_x(left + 4)
        doc.para(q.info.text, size=10.5, bold=True)
        doc.para(f"{q.lesson_title} · {w('accuracy')} {pct(q.accuracy)} ({q.right}/{q.n})", size=8.5, colour=SOFT)
        wrong = q.most_wrong
        if wrong:
            doc.para(f"{w('top_wrong')}：{q.info.option_text(wrong[0])}（{w('chosen_by')} {wrong[1]}）", size=9.5,
                     colour=WARM)
        if q.info.answer:
            doc.para(f"{w('right_answer')}：{q.info.right_text}", size=9.5, colour=RIGHT)
        if q.info.explanation:
            doc.para(f"{w('why')}：{q.info.explanation}", size=9.5)
        if q.info.citation:
            doc.para(f"{w('basis')}：{q.info.citation}" + (f"：{q.info.says}" if q.info.says else ""), size=8.5,
                     colour=SOFT)
        doc.set_left_margin(left)
        bottom = doc.get_y()
        if bottom > top:
            doc.set_fill_color(*WARM)
            doc.rect(doc.l_margin, top, 1.2, bottom - top, style="F")
        doc.ln(3)
    if tick:
        tick()

    doc.h2(w("passports"))
    doc.table_rows([w("card_no"), w("code"), w("sessions"), w("zones_stamped"), w("lessons_done"), w("n_right"),
                    w("time_spent")],
                   [(c.number or "—", format_code(c.code), c.sessions if c.used else w("not_used"),
                     "".join("●" if z in c.zones else "○" for z in ZONES), len(c.lessons_done),
                     f"{c.right}/{c.answered}", fmt_duration(c.seconds, L)) for c in r.cards],
                   _w(full, 1.2, 2.2, 1.5, 2, 1.6, 1.6, 1.8), {0, 2, 4, 5, 6}, size=8)
    doc.para(f"{w('generated')}: {fmt_time(r.generated_at)}. {w('trace')}", size=8, colour=SOFT)
    if tick:
        tick()

    for c in r.cards:
        if c.used:
            certificate_page(doc, r, c)
            if tick:
                tick()
    doc.output(str(path))


_REASONS = {"reason_finished", "reason_back", "reason_idle", "reason_walked_away", "reason_open"}


def _text(doc: Doc, y: float, text: str, size: float, colour: tuple[int, int, int] = INK, bold: bool = False,
          x: float | None = None, align: str = "C", width: float | None = None) -> None:
    """One line at baseline y: centred on the page (or in [x, x + width]), or from x; text() is much
    faster than cell() for the two hundred certificates of a big visit."""
    doc.set_font(FONT, "B" if bold else "", size)
    doc.set_text_color(*colour)
    w = doc.get_string_width(text)
    if align == "C":
        left, span = (0.0, doc.w) if x is None else (x, width or 0.0)
        doc.text(left + (span - w) / 2, y, text)
    elif align == "R":
        doc.text((x or 0.0) - w, y, text)
    else:
        doc.text(x or doc.l_margin, y, text)


def certificate_page(doc: Doc, r: VisitReport, c: Any) -> None:
    L, v = r.lang, r.visit
    doc.add_page(orientation="L")
    doc.plain_pages.add(doc.page_no())
    W, H = doc.w, doc.h
    doc.set_draw_color(*BLUE)
    doc.set_line_width(1.6)
    doc.rect(10, 10, W - 20, H - 20, round_corners=True, corner_radius=5)
    doc.set_line_width(0.4)
    doc.rect(14, 14, W - 28, H - 28, round_corners=True, corner_radius=4)
    _text(doc, 34, r.hall, 13, SOFT)
    _text(doc, 58, word("certificate", L), 40, BLUE, bold=True)
    _text(doc, 70, word("certificate_sub", L), 14)
    _text(doc, 88, f"{word('name_line', L)}：", 14, x=W / 2 - 45, align="L")
    doc.set_draw_color(*INK)
    doc.set_line_width(0.3)
    doc.line(W / 2 - 25, 89, W / 2 + 45, 89)
    lines = [line.strip() for line in word("certificate_text", L, school=v.school, class_name=v.class_name, date=v.date,
                                           hall=r.hall, sessions=c.sessions, zones=len(c.zones),
                                           right=c.right).split("\n")]
    y = 108.0
    for line in lines:
        doc.set_font(FONT, "", 13)
        if doc.get_string_width(line) <= W - 60:
            _text(doc, y, line, 13)
            y += 8
        else:  # a very long school name: wrap
            doc.set_xy(30, y - 5.5)
            doc.set_text_color(*INK)
            doc.multi_cell(W - 60, 8, line, align="C", new_x="LMARGIN", new_y="NEXT")
            y = doc.get_y() + 5.5
    size = 18
    x0 = W / 2 - (len(ZONES) * (size + 6) - 6) / 2
    y0 = y + 2
    for i, zone in enumerate(ZONES):
        x = x0 + i * (size + 6)
        doc.set_draw_color(*(RIGHT if zone in c.zones else LINE))
        doc.set_line_width(0.8)
        if zone in c.zones:
            doc.set_fill_color(*RIGHT)
            doc.ellipse(x, y0, size, size, style="DF")
        else:
            doc.ellipse(x, y0, size, size, style="D")
        _text(doc, y0 + size + 4, zone_name(zone, L), 7.5, SOFT, x=x - 4, width=size + 8)
    _text(doc, H - 31, f"{word('code', L)} {format_code(c.code)}", 9, SOFT, x=25, align="L")
    _text(doc, H - 31, v.date, 11, x=W - 25, align="R")
    doc.set_text_color(*INK)


def period_pdf(r: PeriodReport, path: Path) -> None:
    L = r.lang
    w = lambda key: word(key, L)  # noqa: E731
    doc = Doc(f"{w('period_report')} {r.start} – {r.end}", f"{r.hall} · {r.start} – {r.end}")
    doc.add_page()
    full = doc.w - doc.l_margin - doc.r_margin
    doc.h1(f"{r.hall} · {w('period_report')}")
    doc.para(f"{w('period')}: {r.start} – {r.end}", colour=SOFT)
    doc.h2(w("summary"))
    doc.para(r.summary())
    doc.figures([(w("visits"), str(len(r.visits))), (w("schools"), str(r.schools)), (w("students"), str(r.students)),
                 (w("sessions"), str(r.sessions)), (w("walk_ins"), str(r.walk_in_sessions)),
                 (w("answers"), str(r.answered)), (w("accuracy"), pct(r.accuracy)), (w("weeks"), str(len(r.weeks)))])
    doc.h2(w("weeks"))
    doc.bars([(str(wk.start), wk.sessions, str(wk.sessions)) for wk in r.weeks])
    doc.table_rows([w("week_of"), w("visits"), w("students"), w("sessions"), w("answers"), w("accuracy")],
                   [(wk.start, wk.visits, wk.students, wk.sessions, wk.answered, pct(wk.accuracy)) for wk in r.weeks],
                   _w(full, 2.5, 1.5, 1.5, 1.5, 1.5, 1.5), {1, 2, 3, 4, 5})
    doc.h2(w("per_station"))
    doc.bars([(st, n, str(n)) for st, n, _ in r.stations])
    doc.h2(w("topics"))
    ranked = r.ranked_topics()
    doc.bars([(t.label, t.accuracy or 0, pct(t.accuracy)) for t in ranked], vmax=1.0, colour=RIGHT)
    doc.table_rows([w("lesson"), w("topic"), w("started"), w("completed"), w("answers"), w("accuracy")],
                   [(ls.title, ls.topic, ls.started, ls.completed, ls.answered, pct(ls.accuracy)) for ls in r.lessons],
                   _w(full, 5, 2.5, 1.3, 1.3, 1.3, 1.3), {2, 3, 4, 5})
    doc.h2(w("visit_list"))
    doc.table_rows([w("date"), w("school"), w("class"), w("students"), w("sessions")],
                   [(v.date, v.school, v.class_name, v.students, r.visit_sessions.get(v.id, 0)) for v in r.visits],
                   _w(full, 2, 4, 2.5, 1.3, 1.3), {3, 4})
    doc.para(f"{w('generated')}: {fmt_time(r.generated_at)}. {w('trace_period')}", size=8, colour=SOFT)
    doc.output(str(path))


# ----- passport cards ------------------------------------------------------------------------------

CARD_W, CARD_H = 85.6, 54.0   # ID-1, the size of a bank card
CARD_COLS, CARD_ROWS = 2, 5


def qr_matrix(payload: str) -> list[list[bool]]:
    import segno

    code = segno.make(payload, error="m", micro=False)
    return [[bool(cell) for cell in row] for row in code.matrix]


def draw_qr(doc: FPDF, payload: str, x: float, y: float, size: float) -> None:
    """A QR code as vector squares (runs of dark modules merged), with a white quiet zone of 4 modules."""
    matrix = qr_matrix(payload)
    n = len(matrix)
    module = size / (n + 8)
    doc.set_fill_color(255, 255, 255)
    doc.rect(x, y, size, size, style="F")
    doc.set_fill_color(0, 0, 0)
    for r, row in enumerate(matrix):
        c = 0
        while c < n:
            if row[c]:
                start = c
                while c < n and row[c]:
                    c += 1
                doc.rect(x + (start + 4) * module, y + (r + 4) * module, (c - start) * module, module * 1.02,
                         style="F")
            else:
                c += 1


def passports_pdf(visit: Any, cards: list[dict[str, Any]], path: Path, lang: str = "zh",
                  tick: Callable[[], None] | None = None) -> None:
    """Cards on A4, 2 x 5 per page with cut marks: hall, class, QR code of the pseudonymous code, the code
    to type, four zone stamp boxes. No name."""
    doc = Doc(f"{HALL_NAME} {visit.school} {visit.class_name}", "")
    doc.set_auto_page_break(False)
    doc.plain_pages = set(range(1, 1000))
    margin_x = (doc.w - CARD_COLS * CARD_W) / 2
    margin_y = (doc.h - CARD_ROWS * CARD_H) / 2
    per_page = CARD_COLS * CARD_ROWS
    for i, card in enumerate(cards):
        if i % per_page == 0:
            doc.add_page()
            doc.set_draw_color(*LINE)
            doc.set_line_width(0.2)
            doc.set_dash_pattern(dash=1.5, gap=1.5)
            for c in range(CARD_COLS + 1):
                doc.line(margin_x + c * CARD_W, 5, margin_x + c * CARD_W, doc.h - 5)
            for r in range(CARD_ROWS + 1):
                doc.line(5, margin_y + r * CARD_H, doc.w - 5, margin_y + r * CARD_H)
            doc.set_dash_pattern()
        slot = i % per_page
        x = margin_x + (slot % CARD_COLS) * CARD_W
        y = margin_y + (slot // CARD_COLS) * CARD_H
        _card(doc, visit, card, x, y, lang)
        if tick:
            tick()
    doc.output(str(path))


def _card(doc: Doc, visit: Any, card: dict[str, Any], x: float, y: float, lang: str) -> None:
    pad = 4
    doc.set_fill_color(*BLUE)
    doc.rect(x, y, CARD_W, 11, style="F")
    doc.set_xy(x + pad, y + 1.5)
    doc.set_text_color(255, 255, 255)
    doc.set_font(FONT, "B", 11)
    doc.cell(CARD_W - 2 * pad, 5, HALL_NAME)
    doc.set_xy(x + pad, y + 6.2)
    doc.set_font(FONT, "", 6.5)
    doc.cell(CARD_W - 2 * pad, 3.5, word("passport_card_line", lang))
    doc.set_text_color(*INK)
    qr = 30
    draw_qr(doc, passport_payload(card["code"]), x + CARD_W - qr - 2, y + 12.5, qr)
    doc.set_xy(x + pad, y + 14)
    doc.set_font(FONT, "", 8)
    doc.multi_cell(CARD_W - qr - 2 * pad - 1, 4.2, f"{visit.school}\n{visit.class_name}", new_x="LEFT", new_y="NEXT")
    doc.set_xy(x + pad, y + 26)
    doc.set_font(FONT, "B", 12)
    doc.cell(CARD_W - qr - 2 * pad, 6, format_code(card["code"]))
    doc.set_xy(x + pad, y + 32)
    doc.set_font(FONT, "", 6.5)
    doc.set_text_color(*SOFT)
    doc.cell(CARD_W - qr - 2 * pad, 3.5, f"No. {card['number']} · {visit.date}")
    box = 9.5
    for i, zone in enumerate(ZONES):
        bx = x + pad + i * (box + 3.2)
        by = y + 38
        doc.set_draw_color(*LINE)
        doc.set_line_width(0.3)
        doc.rect(bx, by, box, box, round_corners=True, corner_radius=1.5)
        doc.set_xy(bx - 1.5, by + box + 0.5)
        doc.set_font(FONT, "", 4.8)
        doc.cell(box + 3, 2.8, zone_name(zone, lang)[:4] if lang == "zh" else zone, align="C")
    doc.set_text_color(*INK)
