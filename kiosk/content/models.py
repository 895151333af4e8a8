"""The lesson schema's shared parts. Step models live beside their scenes in scenes/."""
from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Annotated, Any, Callable, ClassVar, Iterator, Literal, Sequence, get_args

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from .text import LocalText, stable_id, tr

Band = Literal["6-8", "9-11", "12-15"]
BANDS: tuple[str, ...] = ("6-8", "9-11", "12-15")
Zone = Literal["learning", "game", "immersive", "classroom"]
ZONES: tuple[str, ...] = get_args(Zone)   # the hall's zones in order: bookings, reports and lessons name these
Persona = Literal["judge_mom", "judge_sister", "narrator"]
StableId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]{0,39}$")]
Loc = tuple[str | int, ...]


class Strict(BaseModel):
    """Unknown fields are errors: a typo such as `explaination` must not vanish silently."""

    model_config = ConfigDict(extra="forbid", validate_default=True)


class Basis(Strict):
    """The law behind a claim, e.g. law 未成年人保护法, article 第三十九条."""

    law: Annotated[str, StringConstraints(min_length=2, strip_whitespace=True)] = Field(
        description="Name of the law without book-title marks, e.g. 未成年人保护法")
    article: str | None = Field(
        None, description="Article as written in the law, e.g. 第三十九条; omit where unverified")
    says: LocalText | None = Field(None, description="What the law says, in a child's words")

    def citation(self) -> str:
        return f"《{self.law}》{self.article or ''}"


def field_texts(loc: Loc, obj: Any, *names: str) -> Iterator[tuple[Loc, dict[str, str]]]:
    """The texts `names` of obj that are set, each at loc + its own path ("basis.says" reaches into
    the basis): how a step's texts() lists its parts for lint and narration."""
    for name in names:
        path = name.split(".")
        value = obj
        for part in path:
            value = getattr(value, part, None)
        if value:
            yield (*loc, *path), value


def file_paths(field: str, pieces: Sequence[Any], name: str = "picture") -> Iterator[tuple[Loc, str]]:
    """The files (field `name`) of each piece of a list that has one: for a step's asset_paths()."""
    for i, piece in enumerate(pieces):
        if getattr(piece, name):
            yield (field, i, name), getattr(piece, name)


class Option(Strict):
    id: StableId | None = Field(None, description="Stable id; derived from the text when omitted")
    text: LocalText

    @model_validator(mode="after")
    def _derive_id(self) -> "Option":
        if self.id is None:
            self.id = "o" + stable_id(self.text["zh"])
        return self


Interaction = Literal["choice", "true-false", "matching", "sequencing", "performance", "other"]


@dataclass(frozen=True)
class Item:
    """One scoreable thing a step asks (a question, a card, a pair, an area, an ending): what the
    reports, xAPI, the guide and the simulated children know of it. `correct` holds the right
    responses (any one of them is right; none: the answer is recorded but not scored); a
    sequencing response is the choices' ids in order, joined by ","."""

    id: str
    prompt: dict[str, str]                                  # what is asked
    interaction: Interaction
    correct: tuple[str, ...]
    choices: tuple[tuple[str, dict[str, str]], ...] = ()    # (response id, its words); matching: the targets
    explanation: dict[str, str] | None = None
    basis: Basis | None = None

    @property
    def scored(self) -> bool:
        return bool(self.correct)

    def response_text(self, response: str, lang: str) -> str:
        """A response in words: the choice's text, or the cards of an order joined by arrows."""
        words = {cid: tr(text, lang) for cid, text in self.choices}
        if response in words:
            return words[response]
        if "," in response and all(part in words for part in response.split(",")):
            return " → ".join(words[part] for part in response.split(","))
        return response

    def answer_text(self, lang: str) -> str:
        """The right response in words (alternatives joined by " / ")."""
        return " / ".join(self.response_text(c, lang) for c in self.correct)

    def respond(self, rng: random.Random, right: bool) -> tuple[str, bool | None]:
        """A simulated child's response and whether it is right (None where nothing is scored)."""
        ids = [cid for cid, _ in self.choices]
        if not self.correct:
            return rng.choice(ids), None
        if right:
            return rng.choice(self.correct), True
        if self.interaction == "sequencing":
            order = ids[:]
            while ",".join(order) in self.correct:
                rng.shuffle(order)
            return ",".join(order), False
        wrong = [cid for cid in ids if cid not in self.correct]
        return (rng.choice(wrong), False) if wrong else (self.correct[0], True)


class StepBase(Strict):
    """Fields every step has. Subclasses add `type: Literal[...]` and their own fields; a step that
    asks something sets `interaction` (its xAPI interaction type) and lists its `answer_items()`."""

    interaction: ClassVar[Interaction | None] = None
    tells_in_words: ClassVar[bool] = False  # it tells or asks in words: a 6-8 child needs it shown in a picture too

    id: StableId | None = Field(
        None, description="Stable id (records, narration cache, translations); derived when omitted")
    title: LocalText | None = None
    voice: str | None = Field(None, description="A recorded file (relative to the content folder) spoken "
                                                "instead of synthesis when the step opens")
    notes: LocalText | None = Field(None, description="Presenter's notes for a judge teaching this step in "
                                                      "host mode (shown on the host's console, never to the room)")

    @model_validator(mode="after")
    def _derive_id(self) -> "StepBase":
        if self.id is None:
            self.id = "s" + stable_id(self.type, self.key_text())  # type: ignore[attr-defined]
        return self

    def key_text(self) -> str:
        """The Chinese text that names this step when it has no explicit id."""
        return ""

    def texts(self) -> Iterator[tuple[Loc, dict[str, str]]]:
        """Every text a child sees, with its place in the step (for lint and narration)."""
        if self.title:
            yield ("title",), self.title

    def asset_paths(self) -> Iterator[tuple[Loc, str]]:
        """Files the step refers to, relative to the content folder."""
        if self.voice:
            yield ("voice",), self.voice

    def spoken(self, t: Callable[..., str], lang: str) -> dict[str, str]:
        """What is narrated, by moment ("open" when the step opens, then e.g. "right"/"gentle"),
        in lang; t is the UI's word catalogue. The scenes say exactly these, and prebuild
        renders exactly these, so the narration cache always hits."""
        return {}

    @property
    def speaker(self) -> str:
        return getattr(self, "persona", None) or "narrator"

    def problems(self) -> Iterator[tuple[Loc, str]]:
        """Checks across fields that the field types cannot express."""
        return iter(())

    def answer_items(self) -> list[Item]:
        """The scoreable items, in the order a child meets them (none: the step asks nothing)."""
        return []

    def answer_item(self, item_id: str) -> Item | None:
        return next((i for i in self.answer_items() if i.id == item_id), None)

    def max_score(self) -> int:
        """The most right answers one play of the step can give."""
        return sum(1 for i in self.answer_items() if i.scored)


class GameStep(StepBase):
    """A game step: a prompt that says what to do, a narrator, one scored answer per move.
    Each game repeats `prompt` only to give authors its own example."""

    prompt: LocalText = Field(description="What to do, in a few words")
    persona: Persona | None = Field(None, description="Who narrates (the narrator when omitted)")

    def key_text(self) -> str:
        return self.prompt["zh"]

    def texts(self) -> Iterator[tuple[Loc, dict[str, str]]]:
        yield from super().texts()
        yield ("prompt",), self.prompt


class LessonBase(Strict):
    id: StableId
    title: LocalText
    summary: LocalText | None = None
    bands: list[Band] = Field(min_length=1, description="Age bands the lesson suits")
    zone: Zone
    topic: Annotated[str, StringConstraints(min_length=1)]
    minutes: int = Field(ge=1, le=90)
    featured: bool = Field(False, description="Shown on the attract screen")
    goals: list[LocalText] = Field(default_factory=list, description="What children learn (teacher's guide)")
    discussion: list[LocalText] = Field(default_factory=list,
                                        description="Questions for class after the visit (teacher's guide)")

    def title_in(self, lang: str) -> str:
        return tr(self.title, lang)
