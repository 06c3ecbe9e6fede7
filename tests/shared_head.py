"""Reading what a page's <head> tells search engines and link previews, as they read it."""

import json
from html.parser import HTMLParser


class HeadReader(HTMLParser):
    def __init__(self):
        super().__init__()
        self.title = ""
        self.canonical = []
        self.meta = {}
        self.json_ld = []
        self.other_scripts = 0
        self._in = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "title":
            self._in = "title"
        elif tag == "link" and attrs.get("rel") == "canonical":
            self.canonical.append(attrs["href"])
        elif tag == "meta" and ("property" in attrs or "name" in attrs):
            self.meta[attrs.get("property") or attrs["name"]] = attrs.get("content")
        elif tag == "script":
            if attrs.get("type") == "application/ld+json":
                self._in = "json_ld"
                self.json_ld.append("")
            else:
                self.other_scripts += 1

    def handle_endtag(self, tag):
        self._in = None

    def handle_data(self, data):
        if self._in == "title":
            self.title += data
        elif self._in == "json_ld":
            self.json_ld[-1] += data


def read_head(html):
    """The page's title, canonical links, meta tags and parsed JSON-LD."""
    reader = HeadReader()
    reader.feed(html)
    reader.json_ld = [json.loads(text) for text in reader.json_ld]
    return reader
