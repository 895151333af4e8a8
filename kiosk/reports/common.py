"""What the report formats share: words in zh/en, the fonts, a progress bar, CSV writing."""
from __future__ import annotations

import csv
import io
import sys
import time
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Sequence

FONT_DIR = Path(__file__).resolve().parents[2] / "assets" / "fonts"
FONT_REGULAR = FONT_DIR / "NotoSansSC-Regular.otf"
FONT_BOLD = FONT_DIR / "NotoSansSC-Bold.otf"

WORDS: dict[str, tuple[str, str]] = {
    "visit_report": ("研学报告", "Study-tour report"),
    "period_report": ("场馆运营报告", "The hall over a period"),
    "school": ("学校", "School"),
    "class": ("班级", "Class"),
    "grade": ("年级", "Grade"),
    "date": ("日期", "Date"),
    "students": ("学生人数", "Students"),
    "cards_issued": ("发放护照", "Passports issued"),
    "checked_in": ("签到人数", "Checked in"),
    "participation": ("参与情况", "Participation"),
    "participation_rate": ("参与率", "Participation"),
    "sessions": ("体验次数", "Sessions"),
    "lessons_done": ("完成课程", "Lessons finished"),
    "answers": ("答题次数", "Answers"),
    "accuracy": ("正确率", "Right"),
    "time_total": ("总时长", "Total time"),
    "summary": ("总结", "Summary"),
    "time_zone_station": ("各区域和展位的时间", "Time per zone and station"),
    "zone": ("区域", "Zone"),
    "station": ("展位", "Station"),
    "minutes": ("时长", "Time"),
    "cards": ("护照", "Cards"),
    "lessons": ("课程完成与正确率", "Lessons: completion and accuracy"),
    "lesson": ("课程", "Lesson"),
    "started": ("开始", "Started"),
    "completed": ("完成", "Finished"),
    "completion": ("完成率", "Completion"),
    "questions": ("每道题的正确率", "Accuracy per question"),
    "question": ("题目", "Question"),
    "n_answers": ("作答", "Answers"),
    "n_right": ("答对", "Right"),
    "top_wrong": ("最常选的错误答案", "Most-chosen wrong answer"),
    "most_missed": ("最容易答错的题：课堂上值得再讲一讲", "Most-missed questions: worth taking up in class"),
    "chosen_by": ("选择人次", "chosen"),
    "right_answer": ("正确答案", "Right answer"),
    "why": ("为什么", "Why"),
    "basis": ("法律依据", "Legal basis"),
    "passports": ("研学护照进度", "Progress per passport card"),
    "card_no": ("编号", "No."),
    "code": ("护照码", "Code"),
    "zones_stamped": ("集章区域", "Zones stamped"),
    "not_used": ("未使用", "not used"),
    "certificate": ("法治小卫士", "Young Guardian of the Law"),
    "certificate_sub": ("荣誉证书", "Certificate"),
    "name_line": ("姓名", "Name"),
    "end_reasons": ("结束方式", "How sessions ended"),
    "reason_finished": ("学完", "finished"),
    "reason_back": ("返回", "went back"),
    "reason_idle": ("无操作", "idle"),
    "reason_walked_away": ("离开", "walked away"),
    "reason_open": ("未结束", "still open"),
    "generated": ("生成时间", "Generated"),
    "trace": ("报告中的数字均可由 answers.csv（每次答题一行）和 sessions.csv（每次体验一行）复算。",
              "Every figure can be recomputed from answers.csv (one row per answer) and sessions.csv "
              "(one row per session)."),
    "trace_period": ("报告中的数字均可由 weeks.csv、stations.csv、topics.csv 复算。",
                     "Every figure can be recomputed from weeks.csv, stations.csv and topics.csv."),
    "no_data": ("暂无记录", "No records yet"),
    "visits": ("研学批次", "Visits"),
    "schools": ("学校数", "Schools"),
    "walk_ins": ("散客体验", "Walk-in sessions"),
    "per_station": ("各展位体验次数", "Sessions per station"),
    "topics": ("各主题掌握情况", "Topics: best and least understood"),
    "topic": ("主题", "Topic"),
    "weeks": ("按周统计", "Week by week"),
    "week_of": ("周（起）", "Week of"),
    "visit_list": ("研学批次一览", "Visits"),
    "period": ("统计区间", "Period"),
    "all_day": ("全天", "all day"),
    "stations_of_visit": ("展位", "Stations"),
    "every_station": ("全部展位", "every station"),
}


def word(key: str, lang: str) -> str:
    zh, en = WORDS[key]
    return zh if lang == "zh" else en


class Progress:
    """A simple progress bar on stderr (only when stderr is a terminal)."""

    def __init__(self, total: int, label: str, stream: Any = None, enabled: bool | None = None):
        self.total = max(1, total)
        self.label = label
        self.done = 0
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty() if enabled is None else enabled
        self._last = 0.0

    def advance(self, n: int = 1) -> None:
        self.done = min(self.total, self.done + n)
        now = time.monotonic()
        if self.enabled and (now - self._last > 0.1 or self.done >= self.total):
            self._last = now
            filled = int(30 * self.done / self.total)
            self.stream.write(f"\r{self.label} [{'#' * filled}{'.' * (30 - filled)}] {self.done}/{self.total}")
            if self.done >= self.total:
                self.stream.write("\n")
            self.stream.flush()

    def finish(self) -> None:
        if self.done < self.total:
            self.advance(self.total - self.done)


def write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """UTF-8 with a BOM (so spreadsheet programs open Chinese text right); returns the rows written."""
    n = 0
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        for row in rows:
            writer.writerow(row)
            n += 1
    return n


@lru_cache(maxsize=4)
def _font_bytes(path: Path) -> bytes:
    return path.read_bytes()


def subset_font(path: Path, text: str) -> bytes:
    """The font cut down to the characters of text (OpenType/CFF), for embedding in the HTML."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    font = TTFont(io.BytesIO(_font_bytes(path)), lazy=True, recalcBBoxes=False, recalcTimestamp=False)
    options = subset.Options()
    options.layout_features = []     # browsers need no OpenType features for Chinese text
    options.hinting = False
    options.desubroutinize = True
    options.notdef_outline = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=text + "0123456789%·—–-:：、，。（）()")
    subsetter.subset(font)
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()
