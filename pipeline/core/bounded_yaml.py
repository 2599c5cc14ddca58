"""A YAML loader for files users hand us (run configs, thresholds files) that cannot be bombed.

PyYAML shares one object per anchor, so loading a "billion laughs" document of a few hundred bytes
is cheap; walking it afterwards (expanding environment variables, validating) visits every
expanded node and takes minutes and gigabytes. Anchors stay allowed (sharing settings is
legitimate), but aliases may add at most ``MAX_ALIAS_NODES`` nodes, and recursive aliases are refused.
"""

from __future__ import annotations

from typing import Any

import yaml
from yaml.composer import ComposerError

#: Nodes that aliases may add to a YAML document when expanded; far more than sharing settings needs.
MAX_ALIAS_NODES = 10_000


def _expanded_nodes(node: yaml.Node, counts: dict[int, int]) -> int:
    """Nodes in ``node`` with its aliases expanded; memoised, so a shared subtree is counted once."""
    if id(node) not in counts:
        children: list[yaml.Node] = []
        if isinstance(node, yaml.SequenceNode):
            children = node.value
        elif isinstance(node, yaml.MappingNode):
            children = [child for pair in node.value for child in pair]
        counts[id(node)] = 1 + sum(_expanded_nodes(child, counts) for child in children)
    return counts[id(node)]


class BoundedLoader(yaml.SafeLoader):
    """SafeLoader that refuses recursive aliases and aliases expanding to more than MAX_ALIAS_NODES.

    PyYAML shares one object per anchor, so loading a bomb is cheap; walking it (expanding
    environment variables, validating) visits every expanded node. Each alias adds the expanded size
    of its anchor, counted on the composed nodes without expanding anything.
    """

    def __init__(self, stream: Any) -> None:
        super().__init__(stream)
        self._composing: set[str] = set()  # anchors whose node is not complete yet
        self._counts: dict[int, int] = {}
        self._alias_nodes = 0

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node:
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent):
            if event.anchor in self._composing:
                raise ComposerError(None, None, f"recursive alias *{event.anchor}", event.start_mark)
            node = super().compose_node(parent, index)
            self._alias_nodes += _expanded_nodes(node, self._counts)
            if self._alias_nodes > MAX_ALIAS_NODES:
                raise ComposerError(
                    None, None, f"aliases expand to more than {MAX_ALIAS_NODES:,} nodes", event.start_mark)
            return node
        if event.anchor is None:
            return super().compose_node(parent, index)
        self._composing.add(event.anchor)
        try:
            return super().compose_node(parent, index)
        finally:
            self._composing.discard(event.anchor)
