"""Safe YAML reading that remembers where every value came from.

PyYAML's plain loaders forget positions, silently keep the last of two duplicate keys, expand
alias bombs without limit and (outside SafeLoader) run python tags. Here a document is composed
into nodes (C speed where libyaml exists) and turned into plain data by our own walk, which
records the line and column of every key and value, refuses anything but the standard tags and
stops after a fixed number of nodes.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.constructor import SafeConstructor

from .errors import ContentError

Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
MAX_BYTES = 1_000_000
MAX_NODES = 200_000  # far above any lesson; an alias bomb reaches it within milliseconds
STR_TAG = "tag:yaml.org,2002:str"
STANDARD_SCALARS = {
    "tag:yaml.org,2002:str", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool", "tag:yaml.org,2002:null",
}
Path_ = tuple[str | int, ...]


@dataclass
class Positions:
    """Where each value (and each mapping key) sits: path tuple -> (line, col), 1-based."""

    values: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    keys: dict[Path_, tuple[int, int]] = field(default_factory=dict)

    def of(self, loc: Path_, *, key: bool = False) -> tuple[int, int]:
        """The nearest known position for loc, walking up to a parent when loc itself is unknown."""
        table = self.keys if key else self.values
        loc = tuple(loc)
        while loc:
            if loc in table:
                return table[loc]
            if loc in self.values:
                return self.values[loc]
            loc = loc[:-1]
        return self.values.get((), (1, 1))


class YamlProblem(Exception):
    def __init__(self, line: int, col: int, message: str):
        self.line, self.col, self.message = line, col, message
        super().__init__(message)


def decode(raw: bytes) -> str:
    """UTF-8 text (a BOM is fine); a clear YamlProblem otherwise, naming GBK when it looks like it."""
    if len(raw) > MAX_BYTES:
        raise YamlProblem(1, 1, f"file is {len(raw)} bytes; a lesson file may be at most {MAX_BYTES}")
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        hint = "save it as UTF-8"
        try:
            raw.decode("gb18030")
            hint = ("it looks like GBK/GB18030, as Chinese Windows editors often save; "
                    "save it again as UTF-8")
        except UnicodeDecodeError:
            pass
        raise YamlProblem(line, col, f"file is not UTF-8 text (byte 0x{raw[exc.start]:02x}); {hint}") from None


def parse(text: str) -> tuple[Any, Positions]:
    """Plain Python data and the positions of its parts; YamlProblem on any YAML error."""
    try:
        node = yaml.compose(text, Loader=Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        what = exc.problem or exc.context or "invalid YAML"
        if exc.context and exc.context_mark and exc.problem:
            what += f" ({exc.context} that starts at line {exc.context_mark.line + 1}, col {exc.context_mark.column + 1})"
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        raise YamlProblem(line, col, f"YAML syntax error: {what}") from None
    except yaml.YAMLError as exc:  # e.g. a reader error on control characters
        raise YamlProblem(1, 1, f"YAML error: {exc}") from None
    if node is None:
        raise YamlProblem(1, 1, "file is empty; expected a lesson (a mapping with id, title, bands, zone, steps)")
    walker = _Walker()
    return walker.build(node, ()), walker.positions


class _Walker:
    def __init__(self) -> None:
        self.positions = Positions()
        self.count = 0
        self.scalars = SafeConstructor()

    def build(self, node: yaml.Node, loc: Path_) -> Any:
        self.count += 1
        line, col = node.start_mark.line + 1, node.start_mark.column + 1
        if self.count > MAX_NODES:
            raise YamlProblem(line, col, f"document expands to more than {MAX_NODES} values "
                              "(too many aliases: a 'billion laughs' file?); refused")
        self.positions.values[loc] = (line, col)
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, loc)
        if isinstance(node, yaml.SequenceNode):
            if node.tag != "tag:yaml.org,2002:seq":
                raise YamlProblem(line, col, f"tag {node.tag} is not allowed; only plain YAML values")
            return [self.build(child, loc + (i,)) for i, child in enumerate(node.value)]
        if node.tag == STR_TAG:
            return node.value
        if node.tag not in STANDARD_SCALARS:
            raise YamlProblem(line, col, f"tag {node.tag} is not allowed; only plain YAML values")
        try:
            return self.scalars.construct_object(node)
        except yaml.YAMLError as exc:
            raise YamlProblem(line, col, f"bad value: {exc}") from None

    def _mapping(self, node: yaml.MappingNode, loc: Path_) -> dict[str, Any]:
        line, col = node.start_mark.line + 1, node.start_mark.column + 1
        if node.tag != "tag:yaml.org,2002:map":
            raise YamlProblem(line, col, f"tag {node.tag} is not allowed; only plain YAML values")
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            kl, kc = key_node.start_mark.line + 1, key_node.start_mark.column + 1
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise YamlProblem(kl, kc, "merge keys (<<) are not supported in lessons; write the fields out")
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag not in STANDARD_SCALARS:
                raise YamlProblem(kl, kc, "a key must be a plain word")
            key = str(self.scalars.construct_object(key_node))
            if key in out:
                first = self.positions.keys[loc + (key,)]
                raise YamlProblem(kl, kc, f"duplicate key '{key}' (first at line {first[0]}); "
                                  "YAML would silently keep only the last one")
            self.positions.keys[loc + (key,)] = (kl, kc)
            out[key] = self.build(value_node, loc + (key,))
        return out


def problem_to_error(path: str, problem: YamlProblem) -> ContentError:
    return ContentError(path, problem.line, problem.col, problem.message)
