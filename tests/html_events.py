"""An HTML document as parse events, to compare two renderings of one document.

Used by tests/test_runner.py and benchmarks/bench_export.py.
"""

from __future__ import annotations


def html_events(text: str) -> list[tuple]:
    """The document as parse events: tags with their attributes (sorted), and text."""
    from html.parser import HTMLParser

    events = []

    class Events(HTMLParser):
        def handle_starttag(self, tag, attrs):
            # BeautifulSoup rejoins a class list with single spaces: compare the classes
            events.append(("start", tag, tuple(sorted(
                (k, " ".join((v or "").split()) if k == "class" else v or "")
                for k, v in attrs))))

        def handle_startendtag(self, tag, attrs):  # <img/> and <img> are the same element
            self.handle_starttag(tag, attrs)

        def handle_endtag(self, tag):
            events.append(("end", tag))

        def handle_data(self, data):
            if data.strip():
                events.append(("text", " ".join(data.split())))

    parser = Events(convert_charrefs=True)
    parser.feed(text)
    parser.close()
    return events
