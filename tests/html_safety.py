"""Find markup a browser would run in a page: parsed as a browser's tokenizer reads it, not grepped.

The site's own markup has no inline event handlers, no `style` attributes, no SVG but its score
charts and only two kinds of script: files under /static/ (and the admin's translations) and
JSON data. Anything else found is a user's text getting out.

The tokenizer follows the HTML Standard (13.2.5) where the standard library's HTMLParser reads
a page differently from a browser, each a way for markup to hide from a checker:
- comments end at `-->`, `--!>`, or at once after `<!-->` and `<!--->`;
- `<![CDATA[` outside SVG and MathML, `<?` and `</` not followed by a letter are bogus comments
  that end at the first `>`;
- `</script` ends a script when followed by a space, `/` or `>` (so `</script x>` does), except
  in the "double escaped" state a `<!--<script>` inside the script opens;
- title and textarea hold text, not markup (RCDATA), and so do style, xmp, iframe, noembed,
  noframes and noscript (RAWTEXT, as a browser with scripting on reads noscript), until their
  own end tag: `<noscript><p title="</noscript><img onerror=...>">` has a live image;
- a tag cut off by the end of the page is dropped.
Inside SVG and MathML nothing is raw text, so whatever a browser might parse as markup is read
as markup: a doubt makes the checker find more, never less.
"""

import re
from collections.abc import Iterator
from html import unescape
from pathlib import Path

VECTORS_FILE = Path(__file__).parent / "data" / "xss_vectors.txt"
# Elements that run code, load a document or change how the page's addresses resolve.
FORBIDDEN_TAGS = {
    *("iframe", "frame", "frameset", "object", "embed", "applet", "svg", "math", "portal"),
    *("base", "style", "template", "isindex", "keygen", "marquee", "xss", "audio", "video"),
    *("fencedframe",),
}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "background", "data", "xlink:href"}
# Scripts that are data, which no browser runs: JSON-LD, and Django's json_script.
SAFE_SCRIPT_TYPES = {"application/ld+json", "application/json"}
# Where the site's own scripts come from: its static files and the admin's translations.
SAFE_SCRIPT_SOURCES = ("/static/", "/admin/jsi18n/")
# The site's own inline SVG, known by its class: the score charts, and the admin's icons.
SITE_SVG_CLASS = re.compile(
    r"^(score-chart|score-chart-swatch|base-svgs|theme-icon-when-(auto|dark|light))( |$)"
)
# Links that load something into the page: only the site's static files may.
LOADING_LINK_RELS = {"stylesheet", "import", "preload", "modulepreload", "prefetch", "manifest"}
# Browsers drop ASCII whitespace and control characters inside a scheme: "java\tscript:".
_IGNORED_IN_SCHEME = re.compile(r"[\x00-\x20]")

RCDATA_TAGS = {"title", "textarea"}
RAWTEXT_TAGS = {"style", "xmp", "iframe", "noembed", "noframes", "noscript"}
FOREIGN_TAGS = {"svg", "math"}
# HTML start tags that end SVG or MathML content (the "in foreign content" breakouts).
_BREAKOUT_TAGS = {
    *("b", "big", "blockquote", "body", "br", "center", "code", "dd", "div", "dl", "dt"),
    *("em", "embed", "h1", "h2", "h3", "h4", "h5", "h6", "head", "hr", "i", "img", "li"),
    *("listing", "menu", "meta", "nobr", "ol", "p", "pre", "ruby", "s", "small", "span"),
    *("strong", "strike", "sub", "sup", "table", "tt", "u", "ul", "var"),
}
_SPACE = "\t\n\f\r "
_TAG_NAME_END = re.compile(r"[\t\n\f\r />]")
_SCRIPT_MARKS = re.compile(r"<!--|-->|</?script(?=[\t\n\f\r />])", re.IGNORECASE)

Attributes = list[tuple[str, str]]


def xss_vectors() -> list[str]:
    lines = VECTORS_FILE.read_text(encoding="utf-8").splitlines()
    return [line.replace("\\n", "\n") for line in lines if line and not line.startswith("#")]


def _scheme(url: str) -> str:
    url = _IGNORED_IN_SCHEME.sub("", url).lower()
    return url.split(":", 1)[0] if ":" in url.split("/", 1)[0] else ""


def _read_tag(page: str, pos: int) -> tuple[str | None, Attributes, int]:
    """The tag whose name starts at `pos`: (name, attributes, where the tag ends); the name is
    None when the page ends inside the tag, which browsers then drop."""
    end = len(page)
    match = _TAG_NAME_END.search(page, pos)
    if not match:
        return None, [], end
    name, i = page[pos : match.start()].lower(), match.start()
    attributes: Attributes = []
    while i < end:
        if page[i] in _SPACE or page[i] == "/":
            i += 1
            continue
        if page[i] == ">":
            return name, attributes, i + 1
        j = i + 1  # an attribute's name: its first character may be "="
        while j < end and page[j] not in _SPACE and page[j] not in "/>=":
            j += 1
        attribute, value = page[i:j].lower(), ""
        while j < end and page[j] in _SPACE:
            j += 1
        if j < end and page[j] == "=":
            j += 1
            while j < end and page[j] in _SPACE:
                j += 1
            if j < end and page[j] in "\"'":
                close = page.find(page[j], j + 1)
                if close < 0:
                    return None, [], end
                value, j = page[j + 1 : close], close + 1
            else:
                k = j
                while k < end and page[k] not in _SPACE and page[k] != ">":
                    k += 1
                value, j = page[j:k], k
        attributes.append((attribute, unescape(value)))
        i = j
    return None, [], end


def _past(page: str, pos: int, text: str) -> int:
    """Where the first `text` at or after `pos` ends; the page's end when there is none."""
    found = page.find(text, pos)
    return len(page) if found < 0 else found + len(text)


def _comment_end(page: str, pos: int) -> int:
    """Where the comment whose text starts at `pos` (just after `<!--`) ends."""
    if page.startswith(">", pos):
        return pos + 1
    if page.startswith("->", pos):
        return pos + 2
    ends = [found for found in (page.find("-->", pos), page.find("--!>", pos)) if found >= 0]
    if not ends:
        return len(page)
    return min(ends) + (3 if page.startswith("-->", min(ends)) else 4)


def _script_end(page: str, pos: int) -> int:
    """Where the `</script` that ends a script whose text starts at `pos` is."""
    state = "data"  # or "escaped" after <!--, or "double" after <!--<script>
    for mark in _SCRIPT_MARKS.finditer(page, pos):
        text = mark.group().lower()
        if text == "<!--" and state == "data":
            if not (page.startswith(">", mark.end()) or page.startswith("->", mark.end())):
                state = "escaped"
        elif text == "-->":
            state = "data"
        elif text == "<script" and state == "escaped":
            state = "double"
        elif text == "</script":
            if state != "double":
                return mark.start()
            state = "escaped"
    return len(page)


def _raw_text_end(page: str, pos: int, tag: str) -> int:
    match = re.compile(rf"</{tag}(?=[\t\n\f\r />])", re.IGNORECASE).search(page, pos)
    return match.start() if match else len(page)


def tags(page: str) -> Iterator[tuple[str, Attributes, str | None]]:
    """The start tags of `page` as a browser's tokenizer reads them: (name, attributes, text),
    the text being the raw content of a script, title, textarea or other raw text element (as
    written, character references not decoded), None for other elements."""
    i, end, foreign = 0, len(page), False
    while (i := page.find("<", i)) >= 0 and i + 1 < end:
        following = page[i + 1]
        if following.isascii() and following.isalpha():
            name, attributes, i = _read_tag(page, i + 1)
            if name is None:
                return
            start, raw = i, not foreign
            if name in FOREIGN_TAGS:
                foreign, raw = True, False
            elif foreign:
                foreign = name not in _BREAKOUT_TAGS
            elif name == "plaintext":
                i = end
            elif name == "script":
                i = _script_end(page, i)
            elif name in RCDATA_TAGS or name in RAWTEXT_TAGS:
                i = _raw_text_end(page, i, name)
            else:
                raw = False
            yield name, attributes, page[start:i] if raw else None
        elif following == "/":
            if i + 2 < end and page[i + 2].isascii() and page[i + 2].isalpha():
                name, _, i = _read_tag(page, i + 2)
                if name is None:
                    return
                foreign = foreign and name not in FOREIGN_TAGS
            elif page.startswith(">", i + 2):
                i += 3
            else:
                i = _past(page, i + 2, ">")
        elif following == "!":
            if page.startswith("--", i + 2):
                i = _comment_end(page, i + 4)
            elif foreign and page.startswith("[CDATA[", i + 2):
                i = _past(page, i + 9, "]]>")
            else:
                i = _past(page, i + 2, ">")
        elif following == "?":
            i = _past(page, i + 1, ">")
        else:
            i += 1


def _findings(tag: str, attributes: Attributes) -> list[str]:
    found = []
    first: dict[str, str] = {}  # a browser keeps the first of two attributes of one name
    for name, value in attributes:
        first.setdefault(name, value)
    site_chart = tag == "svg" and SITE_SVG_CLASS.match(first.get("class", ""))
    if tag in FORBIDDEN_TAGS and not site_chart:
        found.append(f"<{tag}> element")
    if tag == "script" and not (
        first.get("src", "").startswith(SAFE_SCRIPT_SOURCES)
        or first.get("type", "").strip().lower() in SAFE_SCRIPT_TYPES
    ):
        found.append(f"<script {first}>")
    if tag == "meta" and "http-equiv" in first:
        found.append(f"<meta http-equiv={first['http-equiv']!r}>")
    if (
        tag == "link"
        and LOADING_LINK_RELS & set(first.get("rel", "").lower().split())
        and not first.get("href", "").startswith("/static/")
    ):
        found.append(f"<link {first}>")
    for name, value in attributes:
        if name.startswith("on"):
            found.append(f"<{tag} {name}=...> event handler")
        elif name in ("style", "srcdoc"):
            found.append(f"<{tag} {name}=...>")
        elif name in URL_ATTRIBUTES and _scheme(value) in ("javascript", "vbscript", "data"):
            found.append(f"<{tag} {name}={value!r}>")
    return found


def executable_markup(page: str) -> list[str]:
    """What in `page` could run script, described; empty when nothing could."""
    return [finding for tag, attributes, _ in tags(page) for finding in _findings(tag, attributes)]
