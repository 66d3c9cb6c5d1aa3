"""The public privacy notice, rendered from the policy (``render_notice``)."""

from hogo.notice.render import render_notice

__all__ = ["render_notice"]
