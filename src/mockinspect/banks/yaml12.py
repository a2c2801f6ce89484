"""YAML 1.2 loading on PyYAML's C parser, keeping the node tree for positions.

PyYAML resolves plain scalars by YAML 1.1 rules: ``yes``, ``no``, ``on``, ``NO`` become
booleans, ``1:20`` becomes 80 and ``2024-01-01`` a date. An author who writes
``answer: no`` or ``country: NO`` means text, so this loader resolves by the YAML 1.2
core schema instead: only ``true``/``false`` are booleans, numbers are decimal, ``0o``
octal or ``0x`` hex, and dates stay text.

Every node PyYAML composes carries its line and column, so the same fast parse that
builds the data also lets an error point at ``path:line:col`` — no second parser is
needed unless there is something to report.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

try:  # libyaml's C parser; PyYAML wheels ship it on every common platform
    from yaml._yaml import CParser as _CParser

    HAVE_LIBYAML = True
except ImportError:  # pragma: no cover
    HAVE_LIBYAML = False


class _Core12Resolver(yaml.resolver.BaseResolver):
    """The YAML 1.2 core schema (https://yaml.org/spec/1.2.2/#1032-tag-resolution)."""


_Core12Resolver.yaml_implicit_resolvers = {}
_Core12Resolver.add_implicit_resolver(
    "tag:yaml.org,2002:null", re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""]
)
_Core12Resolver.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
_Core12Resolver.add_implicit_resolver(
    "tag:yaml.org,2002:int", re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$"), list("-+0123456789")
)
_Core12Resolver.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(
        r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
    ),
    list("-+.0123456789"),
)


class _Core12Constructor(yaml.constructor.SafeConstructor):
    """SafeConstructor with 1.2 integers, and duplicate keys collected instead of silently overwritten."""

    duplicate_keys: list[tuple[Node, Node]]

    def construct_yaml_int(self, node: Node) -> int:
        value = str(self.construct_scalar(node))  # type: ignore[arg-type]
        if value.startswith("0o"):
            return int(value[2:], 8)
        if value.startswith("0x"):
            return int(value[2:], 16)
        return int(value)

    def construct_yaml_bool(self, node: Node) -> bool:
        return str(self.construct_scalar(node)).lower() == "true"  # type: ignore[arg-type]

    def construct_mapping(self, node: MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: dict[object, Node] = {}
        for key_node, _value in node.value:
            if isinstance(key_node, ScalarNode):
                key = key_node.value
                if key in seen:
                    self.duplicate_keys.append((key_node, seen[key]))
                else:
                    seen[key] = key_node
        return super().construct_mapping(node, deep=deep)


# What add_constructor does, without its loader-typed signature.
_Core12Constructor.yaml_constructors = {
    **yaml.constructor.SafeConstructor.yaml_constructors,
    "tag:yaml.org,2002:int": _Core12Constructor.construct_yaml_int,
    "tag:yaml.org,2002:bool": _Core12Constructor.construct_yaml_bool,
}


if HAVE_LIBYAML:

    class Yaml12Loader(_CParser, _Core12Constructor, _Core12Resolver):
        def __init__(self, stream: str) -> None:
            _CParser.__init__(self, stream)
            _Core12Constructor.__init__(self)
            _Core12Resolver.__init__(self)
            self.duplicate_keys = []

else:  # pragma: no cover - PyYAML built without libyaml

    class Yaml12Loader(  # type: ignore[no-redef]
        yaml.reader.Reader,
        yaml.scanner.Scanner,
        yaml.parser.Parser,
        yaml.composer.Composer,
        _Core12Constructor,
        _Core12Resolver,
    ):
        def __init__(self, stream: str) -> None:
            yaml.reader.Reader.__init__(self, stream)
            yaml.scanner.Scanner.__init__(self)
            yaml.parser.Parser.__init__(self)
            yaml.composer.Composer.__init__(self)
            _Core12Constructor.__init__(self)
            _Core12Resolver.__init__(self)
            self.duplicate_keys = []


class YamlProblem(Exception):
    """A document that cannot be parsed; ``line`` and ``col`` are 1-based."""

    def __init__(self, line: int, col: int, message: str):
        super().__init__(message)
        self.line, self.col, self.message = line, col, message


@dataclass
class Parsed:
    data: object
    root: Node | None
    duplicate_keys: list[tuple[Node, Node]]


MAX_EXPANDED_NODES = 2_000_000


def parse(text: str) -> Parsed:
    """Parse one YAML document by the 1.2 core schema; raise YamlProblem with a position."""
    loader = Yaml12Loader(text)
    try:
        root = loader.get_single_node()
        if root is not None and "&" in text:
            _refuse_alias_bombs(root)
        data = loader.construct_document(root) if root is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = exc.problem or exc.context or "invalid YAML"
        context = f" ({exc.context})" if exc.context and exc.problem else ""
        raise YamlProblem(line, col, f"YAML syntax: {problem}{context}") from None
    except yaml.YAMLError as exc:
        raise YamlProblem(1, 1, f"YAML syntax: {exc}") from None
    except RecursionError:
        raise YamlProblem(1, 1, "the document nests too deeply") from None
    finally:
        loader.dispose()
    return Parsed(data, root, loader.duplicate_keys)


def _refuse_alias_bombs(root: Node) -> None:
    """Refuse documents whose aliases expand to an absurd size ("billion laughs").

    Aliases make PyYAML share nodes, so the parse itself stays small; the explosion
    comes later, when the data is walked. Count the expanded size with memoised sizes
    per node, which costs one pass over the distinct nodes.
    """
    sizes: dict[int, int] = {}
    stack: list[tuple[Node, bool]] = [(root, False)]
    active: set[int] = set()
    while stack:
        node, children_done = stack.pop()
        key = id(node)
        if key in sizes:
            continue
        if isinstance(node, ScalarNode):
            sizes[key] = 1
            continue
        children = [n for pair in node.value for n in pair] if isinstance(node, MappingNode) else list(node.value)
        if not children_done:
            if key in active:
                raise YamlProblem(node.start_mark.line + 1, node.start_mark.column + 1, "recursive alias")
            active.add(key)
            stack.append((node, True))
            stack.extend((child, False) for child in children if id(child) not in sizes)
            continue
        active.discard(key)
        total = 1 + sum(sizes[id(child)] for child in children)
        if total > MAX_EXPANDED_NODES:
            raise YamlProblem(
                node.start_mark.line + 1,
                node.start_mark.column + 1,
                f"aliases here expand to more than {MAX_EXPANDED_NODES:,} values; refused (an alias bomb?)",
            )
        sizes[key] = total


def locate(root: Node | None, loc: tuple[object, ...], *, key: bool = False) -> tuple[int, int]:
    """The 1-based line and column of the value at ``loc`` (or of its key, with key=True).

    Walks as far down as the path exists; a missing key points at the mapping that lacks it.
    """
    if root is None:
        return 1, 1
    node: Node = root
    mark = node.start_mark
    for part in loc:
        if isinstance(node, MappingNode):
            for key_node, value_node in node.value:
                if isinstance(key_node, ScalarNode) and key_node.value == part:
                    mark = key_node.start_mark if key else value_node.start_mark
                    node = value_node
                    break
            else:
                break
        elif isinstance(node, SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
            node = node.value[part]
            mark = node.start_mark
        else:
            break
    return mark.line + 1, mark.column + 1


def node_position(node: Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1
