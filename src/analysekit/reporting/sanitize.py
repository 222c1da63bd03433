"""The last pass over every HTML file the kit writes: nothing from user text can run.

User-supplied text (a register's ``toelichting``, goal names, ``-p`` parameters, names)
is escaped where it is put into HTML (:mod:`analysekit.reporting.display`, the site's
Jinja autoescape). This module is the second layer, applied to every exported report and
to the site's pages, so one missed escape cannot become stored XSS:

* every ``on*`` event-handler attribute is removed (``onerror``, ``onload``, ...);
* attributes whose value is a ``javascript:``, ``vbscript:`` or non-image ``data:`` URL,
  and ``srcdoc``, are removed;
* ``<script>`` elements are removed with their content unless they carry the kit's mark
  (:data:`TRUSTED_ATTR`) *and* their exact text is one the kit wrote itself
  (``trusted_scripts``: the site's own JavaScript, matched by its SHA-256, so copying the
  mark does not make a script trusted); each trusted script is kept once;
* ``<iframe>``, ``<object>``, ``<embed>``, ``<frame>``, ``<frameset>``, ``<applet>``,
  ``<base>`` and ``<meta http-equiv="refresh">`` are removed (with their content);
* attribute names that are not plain names (a quote or other junk from a broken attribute)
  are dropped;
* comments, ``<![CDATA[`` sections and processing instructions are dropped (browsers end
  them in more ways than a parser does), raw ``<`` in text is escaped, and a ``</style``
  inside style text is neutralised, so the browser sees the same structure as this check.

It uses the standard library's :class:`html.parser.HTMLParser` and writes every tag back
from what the parser saw (quoted and escaped), so the browser reads the same structure
as the check did. Text, comments, ``<style>`` and the kit's own markup pass unchanged.
"""

from __future__ import annotations

import hashlib
import html
import re
from collections.abc import Callable, Iterable
from html.parser import HTMLParser

__all__ = ["TRUSTED_ATTR", "AddAttrs", "sanitize_html", "script_digest", "unsafe_findings"]

#: A caller's additions to a start tag: ``(tag, attrs) -> [(name, value), ...]``. They
#: are written after the tag's own attributes (an attribute the tag has already is not
#: added again) and pass the same checks.
AddAttrs = Callable[[str, list[tuple[str, str | None]]], list[tuple[str, str | None]]]

#: Attribute the kit puts on its own ``<script>`` elements (needed, together with the
#: SHA-256 of the script text, for a script to be kept).
TRUSTED_ATTR = "data-analysekit"

#: Elements removed together with everything inside them.
_DROP_WITH_CONTENT = frozenset({"script", "iframe", "object", "frameset", "applet", "noembed"})
#: Elements removed (void or harmless content kept).
_DROP_TAG = frozenset({"embed", "frame", "base", "plaintext"})
_VOID = frozenset(
    {
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "param",
        "source",
        "track",
        "wbr",
    }
)

_ATTR_NAME = re.compile(r"^[A-Za-z_:][-A-Za-z0-9_:.]*$")
_TAG_NAME = re.compile(r"<\s*([A-Za-z][^\s/>]*)")
#: Characters a browser ignores inside a URL scheme (controls, whitespace, NUL).
_IGNORED_IN_SCHEME = re.compile(r"[\x00-\x20\x7f]+")
_BAD_SCHEMES = ("javascript:", "vbscript:", "livescript:")
_SAFE_DATA = re.compile(r"^data:image/(?:png|jpe?g|gif|webp|bmp);", re.I)
_URL_ATTRS = frozenset(
    {
        "href",
        "src",
        "action",
        "formaction",
        "xlink:href",
        "data",
        "poster",
        "background",
        "lowsrc",
        "dynsrc",
        "codebase",
        "cite",
        "longdesc",
        "usemap",
        "manifest",
        "ping",
    }
)


def script_digest(text: str) -> str:
    """SHA-256 of a script's text (stripped), the way :func:`sanitize_html` matches it."""
    return hashlib.sha256(text.strip().encode("utf-8")).hexdigest()


def _normalised(value: str) -> str:
    """A URL-ish value as a browser compares its scheme: entities decoded, no blanks."""
    return _IGNORED_IN_SCHEME.sub("", html.unescape(value)).lower()


def _unsafe_attr(name: str, value: str | None) -> bool:
    if not _ATTR_NAME.match(name):
        return True
    low = name.lower()
    if low.startswith("on") or low == "srcdoc":
        return True
    if value is None:
        return False
    v = _normalised(value)
    if any(s in v for s in _BAD_SCHEMES):
        return True
    if low in _URL_ATTRS and v.startswith("data:") and not _SAFE_DATA.match(v):
        return True
    return low == "style" and any(
        w in v for w in ("expression(", "javascript", "behavior:", "-moz-binding")
    )


_STYLE_END = re.compile(r"</(?=style)", re.I)
_ANIMATE = frozenset({"set", "animate", "animatetransform", "animatemotion"})


def _animates_danger(tag: str, attrs: list[tuple[str, str | None]]) -> bool:
    """An SVG animation that would set a link or an event handler."""
    if tag not in _ANIMATE:
        return False
    target = next(((v or "") for k, v in attrs if k.lower() == "attributename"), "")
    target = target.strip().lower()
    return target.startswith("on") or target.endswith("href")


def _is_refresh(tag: str, attrs: list[tuple[str, str | None]]) -> bool:
    return tag == "meta" and any(
        k.lower() == "http-equiv" and (v or "").strip().lower() == "refresh" for k, v in attrs
    )


def _charref(name: str) -> str:
    """A numeric character reference as its character, when that is plain printable text.

    nbconvert writes some non-ASCII letters of headings as references (``cli&#235;nten``);
    the page reads the same either way, but its source is easier to read and search with
    the letter itself. Markup characters, spaces other than the plain one, and control
    or unassigned characters stay references.
    """
    try:
        code = int(name[1:], 16) if name[:1] in ("x", "X") else int(name)
        char = chr(code)
    except (ValueError, OverflowError):
        return f"&#{name};"
    if char in "<>&\"'" or not char.isprintable() or (char.isspace() and char != " "):
        return f"&#{name};"
    return char


class _Sanitizer(HTMLParser):
    def __init__(self, trusted: frozenset[str], add_attrs: AddAttrs | None = None) -> None:
        super().__init__(convert_charrefs=False)
        self.trusted = trusted
        self.add_attrs = add_attrs
        self.out: list[str] = []
        self.skip_depth = 0  # > 0 inside a dropped element (its tag name in skip_tag)
        self.skip_tag = ""
        self.foreign = 0  # depth inside <svg>/<math>, where <style> text is markup
        self.script_open: str | None = None  # the start tag of a script being read
        self.script_marked = False
        self.script_text: list[str] = []
        self.used: set[str] = set()
        self.removed: list[str] = []

    # -- helpers
    def _emit(self, text: str) -> None:
        if self.script_open is not None:
            self.script_text.append(text)
        elif not self.skip_depth:
            self.out.append(text)

    def _start(self, tag: str, attrs: list[tuple[str, str | None]], closed: bool) -> str:
        raw = self.get_starttag_text() or ""
        m = _TAG_NAME.match(raw)
        name = m.group(1) if m and m.group(1).lower() == tag else tag
        parts = [name]
        seen: set[str] = set()
        if self.add_attrs is not None:
            attrs = attrs + self.add_attrs(tag, attrs)
        for key, value in attrs:
            if key in seen:
                continue
            seen.add(key)
            if _unsafe_attr(key, value):
                self.removed.append(f"{tag}[{key}]")
                continue
            parts.append(key if value is None else f'{key}="{html.escape(value, quote=True)}"')
        markup = "<" + " ".join(parts)
        if not closed:
            return markup + ">"
        if self.foreign:
            return markup + " />"
        # outside SVG/MathML a browser ignores "/>" on a non-void element: close it
        return markup + (">" if tag in _VOID else f"></{name}>")

    # -- parser callbacks
    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._open(tag, attrs, closed=False)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._open(tag, attrs, closed=True)

    def _open(self, tag: str, attrs: list[tuple[str, str | None]], closed: bool) -> None:
        if self.script_open is not None:  # cannot happen in CDATA mode; be safe
            self.script_text.append(self.get_starttag_text() or "")
            return
        if self.skip_depth:
            if tag == self.skip_tag and not closed:
                self.skip_depth += 1
            return
        if tag == "script" and not closed:
            self.script_open = self._start(tag, attrs, closed)
            self.script_marked = any(k == TRUSTED_ATTR for k, _ in attrs)
            self.script_text = []
            return
        if tag in _DROP_WITH_CONTENT:
            self.removed.append(tag)
            if not closed:
                self.skip_depth, self.skip_tag = 1, tag
            return
        if tag in _DROP_TAG or _is_refresh(tag, attrs) or _animates_danger(tag, attrs):
            self.removed.append(tag)
            return
        self.out.append(self._start(tag, attrs, closed))
        if tag in ("svg", "math") and not closed:
            self.foreign += 1

    def handle_endtag(self, tag: str) -> None:
        if self.script_open is not None:
            if tag != "script":
                self.script_text.append(f"</{tag}>")
                return
            text = "".join(self.script_text)
            digest = script_digest(text)
            if (
                self.script_marked
                and digest in self.trusted
                and digest not in self.used
                and "</script" not in text.lower()
            ):
                self.used.add(digest)  # each of the kit's scripts once
                self.out.append(f"{self.script_open}{text}</script>")
            else:
                self.removed.append("script")
            self.script_open, self.script_text = None, []
            return
        if self.skip_depth:
            if tag == self.skip_tag:
                self.skip_depth -= 1
            return
        if tag in _DROP_TAG or tag in _DROP_WITH_CONTENT:
            return
        if tag in ("svg", "math") and self.foreign:
            self.foreign -= 1
        self.out.append(f"</{tag}>")

    def handle_data(self, data: str) -> None:
        if self.script_open is not None:
            self.script_text.append(data)
            return
        if self.cdata_elem == "style" and not self.foreign:
            # raw text for a browser: it may not end earlier than it did for this parser
            self._emit(_STYLE_END.sub(r"<\\/", data))
        else:
            # text (and, inside SVG/MathML, style text, which is markup there)
            self._emit(data.replace("<", "&lt;").replace(">", "&gt;"))

    def handle_entityref(self, name: str) -> None:
        self._emit(f"&{name};")

    def handle_charref(self, name: str) -> None:
        self._emit(_charref(name))

    def handle_comment(self, data: str) -> None:
        # dropped: browsers end comments in more ways than this parser (<!-->, --!>)
        self.removed.append("comment")

    def handle_decl(self, decl: str) -> None:
        if decl.strip().lower() == "doctype html":
            self._emit(f"<!{decl}>")
        else:
            self.removed.append("decl")

    def unknown_decl(self, data: str) -> None:
        self.removed.append("decl")  # <![CDATA[ ... is a bogus comment in HTML

    def handle_pi(self, data: str) -> None:
        self.removed.append("pi")

    def finish(self) -> str:
        self.close()
        if self.script_open is not None:  # an unclosed script: never emitted
            self.removed.append("script")
        return "".join(self.out)


def sanitize_html(
    text: str, trusted_scripts: Iterable[str] = (), *, add_attrs: AddAttrs | None = None
) -> str:
    """Return ``text`` with everything that could run removed (see the module docstring).

    Args:
        text: A whole HTML document or a fragment.
        trusted_scripts: The exact texts of the kit's own ``<script>`` elements; only
            scripts whose text matches one of them (by SHA-256) are kept.
        add_attrs: Attributes to add to start tags while the document is rewritten
            anyway (the report export adds nbconvert's accessibility attributes here,
            instead of parsing the document a second time); see :data:`AddAttrs`.

    Returns:
        The sanitised HTML.
    """
    parser = _Sanitizer(frozenset(script_digest(s) for s in trusted_scripts), add_attrs)
    parser.feed(text)
    return parser.finish()


class _Finder(HTMLParser):
    """Lists what :func:`sanitize_html` would remove (for tests and checks)."""

    def __init__(self, trusted: frozenset[str]) -> None:
        super().__init__(convert_charrefs=True)
        self.trusted = trusted
        self.found: list[str] = []
        self.in_script = False
        self.script: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for k, v in attrs:
            if _unsafe_attr(k, v):
                self.found.append(f"<{tag} {k}={v!r}>")
        if tag in (_DROP_WITH_CONTENT | _DROP_TAG) - {"script"} or _is_refresh(tag, attrs):
            self.found.append(f"<{tag}>")
        if tag == "script":
            self.in_script, self.script = True, []

    handle_startendtag = handle_starttag

    def handle_data(self, data: str) -> None:
        if self.in_script:
            self.script.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self.in_script:
            text = "".join(self.script)
            if script_digest(text) not in self.trusted:
                self.found.append(f"<script>{text[:60]!r}")
            self.in_script = False


def unsafe_findings(text: str, trusted_scripts: Iterable[str] = ()) -> list[str]:
    """What in ``text`` could run: handler attributes, bad URLs, foreign scripts, frames."""
    finder = _Finder(frozenset(script_digest(s) for s in trusted_scripts))
    finder.feed(text)
    finder.close()
    return finder.found
