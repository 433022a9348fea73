"""Pytrees: nested tuples, lists, dicts and namedtuples of leaves, as in JAX.

`flatten` turns a tree into its leaves and a hashable TreeDef (the structure);
`unflatten` rebuilds a tree of the same structure from new leaves. `None` is
an empty subtree (no leaves), dicts are ordered by sorted keys.
"""

from __future__ import annotations

import dataclasses
from typing import Any


@dataclasses.dataclass(frozen=True)
class TreeDef:
    kind: type | None  # None marks a leaf
    keys: tuple | None = None  # dict keys, in leaf order
    children: tuple = ()

    @property
    def num_leaves(self) -> int:
        if self.kind is None:
            return 1
        return sum(child.num_leaves for child in self.children)

    def __repr__(self) -> str:
        if self.kind is None:
            return "*"
        if self.kind is type(None):
            return "None"
        inner = ", ".join(
            f"{k!r}: {c!r}" for k, c in zip(self.keys, self.children)
        ) if self.keys is not None else ", ".join(map(repr, self.children))
        return f"{self.kind.__name__}({inner})"


LEAF = TreeDef(None)


def _is_namedtuple(node) -> bool:
    return isinstance(node, tuple) and hasattr(type(node), "_fields")


def _sorted_keys(mapping: dict) -> tuple:
    try:
        return tuple(sorted(mapping))
    except TypeError:  # keys of mixed types: keep insertion order
        return tuple(mapping)


def flatten(tree: Any) -> tuple[list, TreeDef]:
    leaves: list = []
    return leaves, _flatten_into(tree, leaves)


# Module-level, not closures: a recursive closure is a reference cycle that
# would keep the caller's arrays (GPU memory too) alive until the cycle
# collector runs.
def _flatten_into(node, leaves: list) -> TreeDef:
    if node is None:
        return TreeDef(type(None))
    kind = type(node)
    if kind in (tuple, list) or _is_namedtuple(node):
        return TreeDef(kind, None, tuple(_flatten_into(child, leaves) for child in node))
    if kind is dict:
        keys = _sorted_keys(node)
        return TreeDef(dict, keys, tuple(_flatten_into(node[k], leaves) for k in keys))
    leaves.append(node)
    return LEAF


def unflatten(treedef: TreeDef, leaves) -> Any:
    return _build(treedef, iter(leaves))


def _build(node: TreeDef, leaves):
    if node.kind is None:
        return next(leaves)
    if node.kind is type(None):
        return None
    children = [_build(child, leaves) for child in node.children]
    if node.kind is dict:
        return dict(zip(node.keys, children))
    if node.kind in (tuple, list):
        return node.kind(children)
    return node.kind(*children)  # namedtuple


def leaf_paths(treedef: TreeDef, prefix: str = "") -> list:
    """A readable path per leaf, in leaf order: `[0]`, `['w']`, `.first`."""
    if treedef.kind is None:
        return [prefix]
    paths = []
    if treedef.keys is not None:
        steps = [f"[{key!r}]" for key in treedef.keys]
    elif hasattr(treedef.kind, "_fields"):
        steps = [f".{name}" for name in treedef.kind._fields]
    else:
        steps = [f"[{i}]" for i in range(len(treedef.children))]
    for step, child in zip(steps, treedef.children):
        paths.extend(leaf_paths(child, prefix + step))
    return paths


def to_json(treedef: TreeDef) -> Any:
    """The structure as JSON, as mljit's artifact loader reads it: "*" for a
    leaf, null for None, {"tuple"|"list": [...]} and {"dict": [[key, ...]]};
    namedtuples become tuples."""
    if treedef.kind is None:
        return "*"
    if treedef.kind is type(None):
        return None
    children = [to_json(child) for child in treedef.children]
    if treedef.keys is not None:
        for key in treedef.keys:
            if not isinstance(key, (str, int)):
                raise TypeError(f"dict key {key!r} cannot be written to an artifact's manifest")
        return {"dict": [[key, child] for key, child in zip(treedef.keys, children)]}
    return {"list" if treedef.kind is list else "tuple": children}
