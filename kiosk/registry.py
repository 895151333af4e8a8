"""Which step `type` is played by which scene: filled by the modules in `scenes/`.

A station type is one module in scenes/ that defines its step model and its scene class and
decorates the scene with @station(Model). Nothing else needs to change to add one.
"""
from __future__ import annotations

import importlib
import pkgutil
from typing import TYPE_CHECKING, Any, Callable, TypeVar, get_args

if TYPE_CHECKING:
    from kiosk.content.models import StepBase

_models: dict[str, type["StepBase"]] = {}
_scenes: dict[str, type] = {}
_loaded = False
S = TypeVar("S", bound=type)


def station(model: type["StepBase"]) -> Callable[[S], S]:
    """Register a scene class as the player of model's step type."""
    (type_name,) = get_args(model.model_fields["type"].annotation)

    def register(scene: S) -> S:
        if type_name in _models and _models[type_name] is not model:
            raise RuntimeError(f"step type '{type_name}' registered twice")
        _models[type_name] = model
        _scenes[type_name] = scene
        scene.step_type = type_name
        return scene

    return register


def load_stations() -> None:
    """Import every module of the scenes package once, so each registers itself."""
    global _loaded
    if _loaded:
        return
    import scenes

    for info in sorted(pkgutil.iter_modules(scenes.__path__), key=lambda m: m.name):
        importlib.import_module(f"scenes.{info.name}")
    _loaded = True


def step_models() -> dict[str, type["StepBase"]]:
    load_stations()
    return dict(sorted(_models.items()))


def scene_for(step_type: str) -> Any:
    load_stations()
    return _scenes[step_type]
