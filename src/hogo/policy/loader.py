"""Load ``hogo.yaml`` with errors that name the file, the line and the field.

PyYAML's composed node tree carries the position of every key and value; we keep a map from the
path of each value (``("purposes", 3, "items", 0)``) to its line, so that schema errors and lint
findings alike can point a privacy officer at the exact line to fix.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml
from pydantic import ValidationError

from hogo.policy.models import Policy

PathKey = tuple[str | int, ...]


class YamlFileError(ValueError):
    """A YAML file hogo reads (the program, an import mapping) is unusable; each problem has its line."""

    what = "file"

    def __init__(self, path: str, problems: list[Problem]):
        self.path = path
        self.problems = problems
        lines = "\n".join(f"  {path}:{p.line}: {p.field}: {p.message}" for p in problems)
        super().__init__(f"{path}: the {self.what} is invalid ({len(problems)} problem(s))\n{lines}")


class PolicyError(YamlFileError):
    """The file cannot be read as a program; ``problems`` lists each with its line."""

    what = "policy"


@dataclass(frozen=True)
class Problem:
    line: int
    field: str
    message: str


@dataclass
class SourceMap:
    """Line numbers (1-based) of every value in the YAML file."""

    lines: dict[PathKey, int] = field(default_factory=dict)

    def line_of(self, path: PathKey) -> int:
        """The line of the deepest known ancestor of ``path`` (a missing key points at its parent)."""
        path = tuple(path)
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.lines.get((), 1)


@dataclass(frozen=True)
class LoadedPolicy:
    policy: Policy
    source: SourceMap
    path: str

    def line_of(self, path: PathKey) -> int:
        return self.source.line_of(path)


def _index(node: yaml.Node, path: PathKey, out: dict[PathKey, int]) -> None:
    out.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = key_node.value
            out[path + (key,)] = key_node.start_mark.line + 1
            _index(value_node, path + (key,), out)
    elif isinstance(node, yaml.SequenceNode):
        for i, child in enumerate(node.value):
            out[path + (i,)] = child.start_mark.line + 1
            _index(child, path + (i,), out)


def dotted(path: PathKey) -> str:
    """``("purposes", 3, "items")`` → ``purposes[3].items``."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(root)"


def _loc_to_path(loc: tuple) -> PathKey:
    # pydantic puts validator names such as "function-before[...]" into loc for Annotated types.
    return tuple(p for p in loc if isinstance(p, int) or not str(p).startswith(("function-", "tagged-union")))


def read_yaml(text: str, path: str, error: type[YamlFileError] = YamlFileError) -> tuple[dict, SourceMap]:
    """Parse YAML text into a mapping and the line of every value; raise ``error`` on bad YAML."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else 1
        raise error(path, [Problem(line, "(yaml)", str(getattr(exc, "problem", exc)))]) from None
    if not isinstance(data, dict):
        raise error(path, [Problem(1, "(root)", f"the {error.what} must be a YAML mapping (key: value)")])
    source = SourceMap()
    _index(root, (), source.lines)
    return data, source


def read_text(path: str | Path, error: type[YamlFileError] = YamlFileError) -> str:
    """A YAML file's text (UTF-8, a BOM tolerated); a missing or undecodable file is a clear error."""
    p = Path(path)
    try:
        return p.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise error(str(p), [Problem(1, "(file)", "no such file")]) from None
    except UnicodeDecodeError:
        raise error(str(p), [Problem(1, "(file)", f"the {error.what} must be UTF-8 text")]) from None


def parse(text: str, path: str = "<policy>") -> LoadedPolicy:
    """Parse YAML text into a validated program; raise PolicyError listing every problem."""
    data, source = read_yaml(text, path, PolicyError)
    try:
        policy = Policy.model_validate(data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            where = _loc_to_path(err["loc"])
            problems.append(Problem(source.line_of(where), dotted(where), _message(err)))
        raise PolicyError(path, problems) from None
    return LoadedPolicy(policy, source, path)


def _message(err: dict) -> str:
    kind = err["type"]
    if kind == "missing":
        return "this field is required"
    if kind == "extra_forbidden":
        return "unknown field (check the spelling; the schema does not know it)"
    return err["msg"]


def load(path: str | Path) -> LoadedPolicy:
    return parse(read_text(path, PolicyError), str(path))
