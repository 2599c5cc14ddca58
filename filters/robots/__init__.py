"""Retroactive robots.txt opt-outs: RFC 9309 matching, the robots.txt crawler and its dated
snapshot, and the datatrove step that removes documents today's robots.txt disallows for AI agents."""

from clearweb.filters.robots.rules import RobotsTxt, is_allowed

__all__ = ["RobotsTxt", "is_allowed"]
