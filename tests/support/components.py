"""Finding a component in what a page returns: a Dash component tree, or its JSON as Dash sends it."""

from __future__ import annotations


def find_in_json(node, pred):
    """The first dict in the JSON tree ``node`` for which ``pred`` holds, else ``None``."""
    if isinstance(node, dict):
        if pred(node):
            return node
        for v in node.values():
            hit = find_in_json(v, pred)
            if hit is not None:
                return hit
    elif isinstance(node, list):
        for v in node:
            hit = find_in_json(v, pred)
            if hit is not None:
                return hit
    return None


def find_component(component, cid):
    """The component with id ``cid`` in the component tree ``component``, else ``None``."""
    if getattr(component, "id", None) == cid:
        return component
    children = getattr(component, "children", None)
    if children is None:
        return None
    for child in children if isinstance(children, (list, tuple)) else [children]:
        if hasattr(child, "to_plotly_json"):
            hit = find_component(child, cid)
            if hit is not None:
                return hit
    return None
