"""report.html: one self-contained, print-friendly page (the font subset embedded, charts as inline SVG)."""
from __future__ import annotations

import base64
import re
from html import escape
from typing import Any, Sequence

from kiosk.records.store import format_code

from .common import FONT_REGULAR, subset_font, word
from .data import PeriodReport, VisitReport, fmt_duration, fmt_time, pct

CSS = """
:root { --ink:#1f2a37; --soft:#5b6776; --blue:#1d4e89; --line:#d9dee5; --right:#2e7d4f; --warm:#c0622b; }
* { box-sizing: border-box; }
body { font-family: "KioskSC", "Noto Sans SC", "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC",
       "Microsoft YaHei", sans-serif; color: var(--ink); margin: 0 auto; max-width: 190mm; padding: 12mm 0;
       font-size: 11pt; line-height: 1.55; }
h1 { color: var(--blue); font-size: 22pt; margin: 0 0 2mm; }
h2 { color: var(--blue); font-size: 14pt; border-bottom: 2px solid var(--blue); padding-bottom: 1mm; margin: 8mm 0 3mm; }
h3 { font-size: 12pt; margin: 0 0 1mm; }
.sub { color: var(--soft); margin: 0 0 4mm; }
.figures { display: grid; grid-template-columns: repeat(4, 1fr); gap: 3mm; margin: 4mm 0; }
.figure { border: 1px solid var(--line); border-radius: 3mm; padding: 2mm 3mm; }
.figure b { display: block; font-size: 18pt; color: var(--blue); }
.figure span { color: var(--soft); font-size: 9pt; }
table { border-collapse: collapse; width: 100%; margin: 2mm 0 4mm; font-size: 9.5pt; }
th, td { border-bottom: 1px solid var(--line); padding: 1.2mm 2mm; text-align: left; vertical-align: top; }
th { background: #eef2f7; }
td.n, th.n { text-align: right; white-space: nowrap; }
.missed { border: 1px solid var(--line); border-left: 4px solid var(--warm); border-radius: 2mm; padding: 3mm 4mm;
          margin: 0 0 3mm; break-inside: avoid; }
.missed .wrong { color: var(--warm); }
.missed .right { color: var(--right); }
.missed .law { color: var(--soft); font-size: 9.5pt; }
.summary { background: #f5f8fc; border-radius: 2mm; padding: 3mm 4mm; }
.stamps { letter-spacing: 1mm; color: var(--right); }
.cert { break-before: page; border: 3mm double var(--blue); border-radius: 4mm; padding: 14mm; margin-top: 8mm;
        text-align: center; min-height: 120mm; }
.cert h1 { font-size: 34pt; letter-spacing: 4mm; }
.cert .name { margin: 8mm auto; width: 70mm; border-bottom: 1px solid var(--ink); text-align: left; }
.note { color: var(--soft); font-size: 9pt; margin-top: 8mm; }
svg text { font-family: inherit; }
@page { size: A4; margin: 12mm; }
@media print { body { padding: 0; max-width: none; } h2 { break-after: avoid; } table { break-inside: auto; }
               tr { break-inside: avoid; } }
"""


def _fonts_css(body: str) -> str:
    chars = "".join(sorted(set(re.sub(r"<[^>]+>", "", body)))) + "".join(sorted(set(CSS)))
    # one weight: browsers embolden it for headings; a second subset would cost as much time again
    data = base64.b64encode(subset_font(FONT_REGULAR, chars)).decode("ascii")
    return (f'@font-face {{ font-family: "KioskSC"; font-weight: 400; '
            f'src: url(data:font/otf;base64,{data}) format("opentype"); }}')


def page(title: str, body: str, lang: str, embed_font: bool = True) -> str:
    fonts = _fonts_css(body) if embed_font else ""
    return (f'<!doctype html>\n<html lang="{"zh-CN" if lang == "zh" else "en"}">\n<head>\n<meta charset="utf-8">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n<title>{escape(title)}</title>\n'
            f"<style>\n{fonts}\n{CSS}\n</style>\n</head>\n<body>\n{body}\n</body>\n</html>\n")


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]], numeric: set[int] | None = None) -> str:
    numeric = numeric or set()
    head = "".join(f'<th{" class=n" if i in numeric else ""}>{escape(str(h))}</th>' for i, h in enumerate(headers))
    body = "".join("<tr>" + "".join(f'<td{" class=n" if i in numeric else ""}>{escape(str(c))}</td>'
                                    for i, c in enumerate(row)) + "</tr>\n" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>\n{body}</tbody></table>\n"


def bar_chart(items: Sequence[tuple[str, float, str]], vmax: float | None = None, colour: str = "#1d4e89",
              label_w: int = 170, width: int = 680) -> str:
    """Horizontal bars: (label, value, text shown after the bar)."""
    if not items:
        return ""
    vmax = vmax or max((v for _, v, _ in items), default=1) or 1
    bar_h, gap = 18, 8
    h = len(items) * (bar_h + gap) + gap
    area = width - label_w - 130
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="100%" viewBox="0 0 {width} {h}" role="img" '
             f'style="max-width:{width}px">']
    for i, (label, value, text) in enumerate(items):
        y = gap + i * (bar_h + gap)
        w = max(0.0, min(1.0, value / vmax)) * area
        short = label if len(label) <= 14 else label[:13] + "…"
        parts.append(f'<text x="{label_w - 6}" y="{y + bar_h - 4}" text-anchor="end" font-size="12" fill="#1f2a37">'
                     f"<title>{escape(label)}</title>{escape(short)}</text>")
        parts.append(f'<rect x="{label_w}" y="{y}" width="{area}" height="{bar_h}" fill="#eef2f7" rx="3"/>')
        parts.append(f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="{bar_h}" fill="{colour}" rx="3"/>')
        parts.append(f'<text x="{label_w + area + 6}" y="{y + bar_h - 4}" font-size="12" fill="#1f2a37">'
                     f"{escape(text)}</text>")
    parts.append("</svg>")
    return "".join(parts)


def _figures(items: Sequence[tuple[str, str]]) -> str:
    cells = "".join(f'<div class="figure"><b>{escape(v)}</b><span>{escape(k)}</span></div>' for k, v in items)
    return f'<div class="figures">{cells}</div>'


def stamps(zones: set[str]) -> str:
    from .data import ZONES

    return "".join("●" if z in zones else "○" for z in ZONES)


def visit_html(r: VisitReport, embed_font: bool = True) -> str:
    L = r.lang
    v = r.visit
    w = lambda key, **values: word(key, L, **values)  # noqa: E731
    out: list[str] = []
    out.append(f"<header><h1>{escape(r.hall)} · {escape(w('visit_report'))}</h1>")
    grade = f" · {w('grade_n', n=v.grade)}" if v.grade else ""
    when = f"{v.date} {v.start_time}–{v.end_time}" if v.start_time else f"{v.date} ({w('all_day')})"
    out.append(f'<p class="sub">{escape(v.school)} · {escape(v.class_name)}{escape(grade)} · {escape(when)} · '
               f'{w("stations_of_visit")}: {escape(", ".join(v.stations) if v.stations else w("every_station"))}'
               f"</p></header>")
    out.append(f'<section><h2>{w("summary")}</h2><p class="summary">{escape(r.summary())}</p>')
    out.append(_figures([
        (w("students"), str(v.students)), (w("checked_in"), str(r.checked_in)),
        (w("participation_rate"), pct(r.checked_in / v.students if v.students else None)),
        (w("sessions"), str(len(r.sessions))), (w("lessons_done"), str(r.completed)),
        (w("answers"), str(r.answered)), (w("accuracy"), pct(r.accuracy)),
        (w("time_total"), fmt_duration(r.seconds, L))]))
    out.append("</section>")

    out.append(f'<section><h2>{w("participation")}</h2>')
    out.append(table([w("station"), w("sessions"), w("cards"), w("time_spent")],
                     [(st.name, st.sessions, len(st.cards), fmt_duration(st.seconds, L)) for st in r.stations],
                     {1, 2, 3}))
    reasons = [(word(f"reason_{k}", L) if f"reason_{k}" in _REASONS else k, n) for k, n in r.end_reasons.most_common()]
    if reasons:
        out.append(f"<p>{w('end_reasons')}：" + "，".join(f"{escape(k)} {n}" for k, n in reasons) + "</p>")
    out.append("</section>")

    out.append(f'<section><h2>{w("time_zone_station")}</h2>')
    out.append(bar_chart([(z.name, z.seconds, fmt_duration(z.seconds, L)) for z in r.zones], colour="#2e7d4f"))
    out.append(bar_chart([(st.name, st.seconds, fmt_duration(st.seconds, L)) for st in r.stations]))
    out.append(table([w("zone"), w("sessions"), w("cards"), w("time_spent")],
                     [(z.name, z.sessions, len(z.cards), fmt_duration(z.seconds, L)) for z in r.zones], {1, 2, 3}))
    out.append("</section>")

    out.append(f'<section><h2>{w("lessons")}</h2>')
    out.append(bar_chart([(ls.title, ls.accuracy or 0, f"{pct(ls.accuracy)} ({ls.right}/{ls.answered})")
                          for ls in r.lessons if ls.answered], vmax=1.0))
    out.append(table([w("lesson"), w("zone"), w("started"), w("completed"), w("completion"), w("answers"),
                      w("n_right"), w("accuracy")],
                     [(ls.title, _zone(ls.zone, L), ls.started, ls.completed, pct(ls.completion), ls.answered,
                       ls.right, pct(ls.accuracy)) for ls in r.lessons], {2, 3, 4, 5, 6, 7}))
    out.append("</section>")

    out.append(f'<section><h2>{w("questions")}</h2>')
    rows = []
    for q in r.questions:
        rows.append((q.lesson_title, q.label, q.n, q.right, pct(q.accuracy), q.top_choice))
    out.append(table([w("lesson"), w("question"), w("n_answers"), w("n_right"), w("accuracy"), w("top_wrong")],
                     rows, {2, 3, 4}))
    out.append("</section>")

    out.append(f'<section><h2>{w("most_missed")}</h2>')
    if not r.most_missed:
        out.append(f"<p>{w('no_data')}</p>")
    for q in r.most_missed:
        wrong = q.most_wrong
        out.append('<div class="missed">')
        out.append(f"<h3>{escape(q.info.text)}</h3><p>{escape(q.lesson_title)} · {w('accuracy')} {pct(q.accuracy)}"
                   f" ({q.right}/{q.n})</p>")
        if wrong:
            out.append(f'<p class="wrong">{w("top_wrong")}：{escape(q.info.option_text(wrong[0]))}'
                       f'（{w("chosen_by")} {wrong[1]}）</p>')
        if q.info.answer:
            out.append(f'<p class="right">{w("right_answer")}：{escape(q.info.right_text)}</p>')
        if q.info.explanation:
            out.append(f"<p>{w('why')}：{escape(q.info.explanation)}</p>")
        if q.info.citation:
            says = f"：{escape(q.info.says)}" if q.info.says else ""
            out.append(f'<p class="law">{w("basis")}：{escape(q.info.citation)}{says}</p>')
        out.append("</div>")
    out.append("</section>")

    out.append(f'<section><h2>{w("passports")}</h2>')
    out.append(table([w("card_no"), w("code"), w("sessions"), w("zones_stamped"), w("lessons_done"), w("n_right"),
                      w("time_spent")],
                     [(c.number or "—", format_code(c.code), c.sessions if c.used else w("not_used"), stamps(c.zones),
                       len(c.lessons_done), f"{c.right}/{c.answered}", fmt_duration(c.seconds, L))
                      for c in r.cards], {0, 2, 4, 5, 6}))
    out.append("</section>")

    for c in r.cards:
        if c.used:
            out.append(certificate_html(r, c))
    out.append(f'<p class="note">{w("generated")}: {fmt_time(r.generated_at)}. {w("trace")}</p>')
    title = f"{w('visit_report')} · {v.school} {v.class_name} · {v.date}"
    return page(title, "\n".join(out), L, embed_font)


_REASONS = {"reason_finished", "reason_back", "reason_idle", "reason_walked_away", "reason_open"}


def _zone(zone: str | None, lang: str) -> str:
    from .data import zone_name

    return zone_name(zone, lang)


def certificate_html(r: VisitReport, c: Any) -> str:
    L, v = r.lang, r.visit
    # the text's line breaks are the printed certificate's (pdf.py); a page flows it as one paragraph
    text = word("certificate_text", L, school=escape(v.school), class_name=escape(v.class_name), date=v.date,
                hall=escape(r.hall), sessions=c.sessions, zones=len(c.zones), right=c.right).replace("\n", "")
    return (f'<div class="cert"><p>{escape(r.hall)}</p><h1>{escape(word("certificate", L))}</h1>'
            f'<p>{escape(word("certificate_sub", L))}</p><p class="name">{escape(word("name_line", L))}：</p>'
            f'<p>{text}</p><p class="stamps">{stamps(c.zones)}</p>'
            f'<p>{escape(word("code", L))} {format_code(c.code)} · {v.date}</p></div>')


def period_html(r: PeriodReport, embed_font: bool = True) -> str:
    L = r.lang
    w = lambda key: word(key, L)  # noqa: E731
    out: list[str] = [f"<header><h1>{escape(r.hall)} · {escape(w('period_report'))}</h1>",
                      f'<p class="sub">{w("period")}: {r.start} – {r.end}</p></header>']
    out.append(f'<section><h2>{w("summary")}</h2><p class="summary">{escape(r.summary())}</p>')
    out.append(_figures([(w("visits"), str(len(r.visits))), (w("schools"), str(r.schools)),
                         (w("students"), str(r.students)), (w("sessions"), str(r.sessions)),
                         (w("walk_ins"), str(r.walk_in_sessions)), (w("answers"), str(r.answered)),
                         (w("accuracy"), pct(r.accuracy)), (w("weeks"), str(len(r.weeks)))]))
    out.append("</section>")
    out.append(f'<section><h2>{w("weeks")}</h2>')
    out.append(bar_chart([(str(wk.start), wk.sessions, str(wk.sessions)) for wk in r.weeks]))
    out.append(table([w("week_of"), w("visits"), w("students"), w("sessions"), w("answers"), w("accuracy")],
                     [(wk.start, wk.visits, wk.students, wk.sessions, wk.answered, pct(wk.accuracy)) for wk in r.weeks],
                     {1, 2, 3, 4, 5}))
    out.append("</section>")
    out.append(f'<section><h2>{w("per_station")}</h2>')
    out.append(bar_chart([(st, n, str(n)) for st, n, _ in r.stations]))
    out.append(table([w("station"), w("sessions"), w("time_spent")],
                     [(st, n, fmt_duration(secs, L)) for st, n, secs in r.stations], {1, 2}))
    out.append("</section>")
    out.append(f'<section><h2>{w("topics")}</h2>')
    ranked = r.ranked_topics()
    out.append(bar_chart([(t.label, t.accuracy or 0, f"{pct(t.accuracy)} ({t.right}/{t.answered})") for t in ranked],
                         vmax=1.0, colour="#2e7d4f"))
    out.append(table([w("lesson"), w("topic"), w("started"), w("completed"), w("answers"), w("accuracy")],
                     [(ls.title, ls.topic, ls.started, ls.completed, ls.answered, pct(ls.accuracy)) for ls in r.lessons],
                     {2, 3, 4, 5}))
    out.append("</section>")
    out.append(f'<section><h2>{w("visit_list")}</h2>')
    out.append(table([w("date"), w("school"), w("class"), w("students"), w("sessions")],
                     [(v.date, v.school, v.class_name, v.students, r.visit_sessions.get(v.id, 0)) for v in r.visits],
                     {3, 4}))
    out.append("</section>")
    out.append(f'<p class="note">{w("generated")}: {fmt_time(r.generated_at)}. {w("trace_period")}</p>')
    return page(f"{w('period_report')} · {r.start} – {r.end}", "\n".join(out), L, embed_font)
