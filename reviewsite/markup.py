"""Members' and editors' Markdown made into safe HTML: forum posts now, news articles later.

CommonMark (markdown-it-py) with raw HTML turned off, plus `||inline spoilers||`. Images are
shown as links, never embedded; headings start at <h3> (an article's at <h2>) so a text
cannot outrank its page's title. Whatever the renderer makes then passes nh3's allow-list, so
a bug in a renderer rule still cannot put a script, an event handler or a `javascript:` link
on a page.
"""

import nh3
from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.rules_inline import StateInline

SPOILER_OPEN = (
    '<label class="spoiler"><input type="checkbox" class="spoiler-toggle">'
    '<span class="spoiler-cover">Spoiler<span class="visually-hidden">, select to reveal</span>'
    '</span><span class="spoiler-text">'
)
SPOILER_CLOSE = "</span></label>"
LINK_REL = "nofollow ugc noopener"
POST_TOP_HEADING = 3  # a post's "# Title" becomes <h3>, below the page's h1 and h2

_cleaner = nh3.Cleaner(
    tags={
        *("p", "br", "hr", "blockquote", "pre", "code", "em", "strong", "a"),
        *("ul", "ol", "li", "h2", "h3", "h4", "h5", "h6", "label", "input", "span"),
    },
    clean_content_tags={"script", "style"},
    attributes={"a": {"href", "title"}, "ol": {"start"}},
    tag_attribute_values={"input": {"type": {"checkbox"}}},
    allowed_classes={
        "label": {"spoiler"},
        "input": {"spoiler-toggle"},
        "span": {"spoiler-cover", "spoiler-text", "visually-hidden"},
    },
    url_schemes={"http", "https", "mailto"},
    link_rel=LINK_REL,
)


def _spoiler(state: StateInline, silent: bool) -> bool:
    """`||text||` on one line: the text, still Markdown, hidden until the reader asks."""
    start = state.pos
    if not state.src.startswith("||", start) or state.env.get("in_spoiler"):
        return False
    end = _closing_bars(state.src, start + 2, state.posMax)
    if end <= start + 2:
        return False
    if not silent:
        outer_max = state.posMax
        state.pos, state.posMax = start + 2, end
        state.push("spoiler_open", "label", 1)
        state.env["in_spoiler"] = True  # a label inside a label is not HTML
        state.md.inline.tokenize(state)
        state.env["in_spoiler"] = False
        state.push("spoiler_close", "label", -1)
        state.posMax = outer_max
    state.pos = end + 2
    return True


def _closing_bars(src: str, pos: int, end: int) -> int:
    """Where the `||` closing a spoiler opened before `pos` is, skipping code spans; or -1."""
    while pos < end:
        if src.startswith("||", pos):
            return pos
        if src[pos] == "`":
            run = len(src[pos:end]) - len(src[pos:end].lstrip("`"))
            closing = src.find("`" * run, pos + run, end)
            if closing >= 0:
                pos = closing + run
                continue
            pos += run
            continue
        pos += 1
    return -1


def _image_as_link(self, tokens, idx, options, env) -> str:
    token = tokens[idx]
    alt = self.renderInline(token.children or [], options, env) or "image"
    return f'<a href="{escapeHtml(token.attrGet("src") or "")}">{alt}</a>'


def _heading(self, tokens, idx, options, env) -> str:
    token = tokens[idx]
    level = min(int(token.tag[1]) + env["top_heading"] - 1, 6)
    return f"<{'/' if token.nesting < 0 else ''}h{level}>"


_markdown = MarkdownIt("commonmark", {"html": False})
_markdown.inline.ruler.before("emphasis", "spoiler", _spoiler)
_markdown.inline.add_terminator_char("|")  # so the text rule stops where a spoiler may start
_markdown.add_render_rule("spoiler_open", lambda *args: SPOILER_OPEN)
_markdown.add_render_rule("spoiler_close", lambda *args: SPOILER_CLOSE)
_markdown.add_render_rule("image", _image_as_link)
_markdown.add_render_rule("heading_open", _heading)
_markdown.add_render_rule("heading_close", _heading)


def render_markdown(text: str, *, top_heading: int = POST_TOP_HEADING) -> str:
    """Markdown source -> sanitized HTML, ready to store and show as it is.

    `top_heading` is the level a "# Heading" gets: a post sits under its page's headings, an
    article's body directly under the article's h1.
    """
    return _cleaner.clean(_markdown.render(text, {"top_heading": top_heading}))
