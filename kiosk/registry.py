"""The step types, each filled in by its own module in `scenes/`.

A step type is one unit: its model (the lesson schema, `interaction`, `answer_items()`,
`max_score()`),
its scene (how it plays, and `walk`, how a simulated child plays it) and its words (zh and en),
registered together with @step_type(Model, words=...). Everything outside scenes/ asks this
registry and never names a type, so adding one touches nothing else.
"""
from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Callable, TypeVar, get_args

from kiosk.content.schema import StepModels
from kiosk.ui.strings import Strings

if TYPE_CHECKING:
    from kiosk.content.models import StepBase

S = TypeVar("S", bound=type)
# the words every step type that asks something gives: how the results screen tells what a child did in it
REQUIRED_WORDS = ("results",)


@dataclass(frozen=True)
class StepType:
    name: str
    model: type["StepBase"]
    scene: type
    words: dict[str, dict[str, str]] = field(default_factory=dict)

    def t(self, lang: str) -> Strings:
        """This type's words in lang, e.g. t("results", right=3, total=5)."""
        return Strings(lang, self.words)


_types: dict[str, StepType] = {}
_loaded = False


def step_type(model: type["StepBase"], words: dict[str, dict[str, str]] | None = None) -> Callable[[S], S]:
    """Register a scene class as the player of model's step type, with the type's own words."""
    (type_name,) = get_args(model.model_fields["type"].annotation)
    missing = [k for k in REQUIRED_WORDS if k not in (words or {})] if model.interaction else []
    if missing:
        raise RuntimeError(f"step type '{type_name}' lacks its words: {', '.join(missing)}")

    def register(scene: S) -> S:
        if type_name in _types and _types[type_name].model is not model:
            raise RuntimeError(f"step type '{type_name}' registered twice")
        _types[type_name] = StepType(type_name, model, scene, dict(words or {}))
        scene.step_type = type_name
        return scene

    return register


def load_step_types() -> None:
    """Import every module of the scenes package once, so each registers itself."""
    global _loaded
    if _loaded:
        return
    import scenes

    for info in sorted(pkgutil.iter_modules(scenes.__path__), key=lambda m: m.name):
        importlib.import_module(f"scenes.{info.name}")
    _loaded = True


def step_types() -> dict[str, StepType]:
    load_step_types()
    return dict(sorted(_types.items()))


@lru_cache(maxsize=1)
def step_models() -> StepModels:
    """Every step type's model and the lesson model made of them, built once: what content loading
    is handed (kiosk.lessons), as content sits below the step types and never asks for them."""
    return StepModels({name: t.model for name, t in step_types().items()})


def scene_for(type_name: str) -> Any:
    return step_types()[type_name].scene


def words_for(type_name: str, lang: str) -> Strings:
    return step_types()[type_name].t(lang)
