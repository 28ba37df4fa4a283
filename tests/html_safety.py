"""Find markup a browser would run in a page: parsed as a browser's tokenizer reads it, not grepped.

The site's own markup has no inline event handlers, no `style` attributes and only two kinds of
script: files under /static/ and JSON-LD data. Anything else found is a user's text getting out.
"""

import re
from html.parser import HTMLParser
from pathlib import Path

VECTORS_FILE = Path(__file__).parent / "data" / "xss_vectors.txt"
# Elements that run code, load a document or change how the page's addresses resolve.
FORBIDDEN_TAGS = {
    *("iframe", "frame", "frameset", "object", "embed", "applet", "svg", "math"),
    *("base", "style", "template", "isindex", "keygen", "marquee", "xss", "audio", "video"),
}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "background", "data", "xlink:href"}
SAFE_SCRIPT_TYPES = {"application/ld+json"}
# Browsers drop ASCII whitespace and control characters inside a scheme: "java\tscript:".
_IGNORED_IN_SCHEME = re.compile(r"[\x00-\x20]")


def xss_vectors() -> list[str]:
    lines = VECTORS_FILE.read_text(encoding="utf-8").splitlines()
    return [line.replace("\\n", "\n") for line in lines if line and not line.startswith("#")]


def _scheme(url: str) -> str:
    url = _IGNORED_IN_SCHEME.sub("", url).lower()
    return url.split(":", 1)[0] if ":" in url.split("/", 1)[0] else ""


class _Finder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        if tag in FORBIDDEN_TAGS:
            self.found.append(f"<{tag}> element")
        if tag == "script" and not (
            attributes.get("src", "").startswith("/static/")
            or attributes.get("type") in SAFE_SCRIPT_TYPES
        ):
            self.found.append(f"<script {attributes}>")
        if tag == "meta" and "http-equiv" in attributes:
            self.found.append(f"<meta http-equiv={attributes['http-equiv']!r}>")
        for name, value in attributes.items():
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}=...> event handler")
            elif name in ("style", "srcdoc"):
                self.found.append(f"<{tag} {name}=...>")
            elif name in URL_ATTRIBUTES and _scheme(value) in ("javascript", "vbscript", "data"):
                self.found.append(f"<{tag} {name}={value!r}>")

    handle_startendtag = handle_starttag


def executable_markup(page: str) -> list[str]:
    """What in `page` could run script, described; empty when nothing could."""
    finder = _Finder()
    finder.feed(page)
    finder.close()
    return finder.found
