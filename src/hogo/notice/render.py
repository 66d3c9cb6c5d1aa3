"""Render the public privacy notice (個人情報の取扱いについて) from the policy, as HTML or Markdown.

Both formats lay out the one :class:`~hogo.notice.content.Document`, so they carry the same facts. HTML is
autoescaped; Markdown goes through :func:`md_escape`, so a policy string can never inject markup.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Literal

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from hogo.notice.content import Link, Rich, build_document
from hogo.policy.models import Policy

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|~])")
# Line starts that Markdown reads as a heading, list item or setext underline.
_MD_LINE_START = re.compile(r"^(\s*)(#{1,6}(?=\s|$)|[-+](?=\s|$)|\d+[.)](?=\s|$)|[=-]+\s*$)")
_BLANK_RUNS = re.compile(r"\n(?:[ \t]*\n){2,}")


def md_escape(text: str) -> str:
    """Backslash-escape what Markdown would read as markup: emphasis, links, HTML, table pipes, list starts."""
    escaped = _MD_SPECIAL.sub(r"\\\1", str(text))
    return "\n".join(_MD_LINE_START.sub(_escape_line_start, ln) for ln in escaped.split("\n"))


def _escape_line_start(m: re.Match[str]) -> str:
    marker = m.group(2)
    if marker[0].isdigit():  # "1." → "1\." : CommonMark escapes the delimiter, not the number
        return m.group(1) + marker[:-1] + "\\" + marker[-1]
    return m.group(1) + "\\" + marker


def _md_url(url: str) -> str:
    return url.replace("(", "%28").replace(")", "%29").replace(" ", "%20").replace("<", "%3C").replace(">", "%3E")


def md_rich(value: Rich, sep: str = "  \n") -> str:
    """A Rich value in Markdown: links as [text](url), lines joined by ``sep`` (``<br>`` inside table cells)."""
    lines = []
    for line in value.lines:
        lines.append("".join(
            f"[{md_escape(s.text)}]({_md_url(s.url)})" if isinstance(s, Link) else md_escape(s) for s in line
        ))
    return sep.join(lines)


def _is_link(value: object) -> bool:
    return isinstance(value, Link)


@cache
def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("hogo.notice", "templates"),
        autoescape=select_autoescape(enabled_extensions=("html", "html.j2"), default_for_string=False,
                                     default=False),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["md"] = md_escape
    env.filters["md_rich"] = md_rich
    env.tests["link"] = _is_link
    return env


def render_notice(policy: Policy, lang: Literal["ja", "en"] = "ja", fmt: Literal["html", "md"] = "html") -> str:
    """The privacy notice as a standalone HTML document or as Markdown, in Japanese or English."""
    if fmt not in ("html", "md"):
        raise ValueError(f"fmt must be 'html' or 'md', not {fmt!r}")
    document = build_document(policy, lang)
    text = _environment().get_template(f"notice.{fmt}.j2").render(doc=document)
    if fmt == "md":
        # The template's blocks each end with a blank line; collapse runs so the source reads cleanly.
        text = _BLANK_RUNS.sub("\n\n", text).strip() + "\n"
    return text
