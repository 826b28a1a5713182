"""Read a rendered page as a person sees it: the text of the elements a small CSS-like selector picks.

Selectors are descendant chains of simple selectors made of `tag`, `#id`, `.class`, `[attr]` and
`[attr=value]`: `table.cases tbody tr`, `form[data-action]`, `#case-timeline li strong`. The
standard library's HTMLParser builds the tree, so the tests need nothing more installed.
"""

import re
from enum import Enum
from html.parser import HTMLParser

from django.utils import translation

VOID = frozenset("area base br col embed hr img input link meta source track wbr".split())
SIMPLE_PART = re.compile(r"""([\w-]+)|#([\w-]+)|\.([\w-]+)|\[([\w-]+)(?:=["']?([^"'\]]*)["']?)?\]""")


class Element:
    """One element of a parsed page, with its attributes and children (elements and strings)."""

    def __init__(self, tag, attrs, parent=None):
        self.tag, self.parent, self.children = tag, parent, []
        self.attrs = {name: value or "" for name, value in attrs}

    def __repr__(self):
        return f"<{self.tag} {self.attrs}>"

    @property
    def text(self):
        """Return the element's text with its white space collapsed, as a person reads it."""
        return " ".join("".join(self._strings()).split())

    def _strings(self):
        for child in self.children:
            if isinstance(child, str):
                yield child
            else:
                yield " " if child.tag in ("br", "td", "th", "li", "dd", "dt", "option") else ""
                yield from child._strings()

    def _descendants(self):
        for child in self.children:
            if isinstance(child, Element):
                yield child
                yield from child._descendants()

    def select(self, selector):
        """Return the elements below this one that `selector` picks, in document order."""
        chain = [_simple(part) for part in selector.split()]
        return [element for element in self._descendants()
                if _matches(element, chain[-1]) and self._has_ancestors(element, chain[:-1])]

    def one(self, selector):
        """Return the single element `selector` picks; fail when there is none or more than one."""
        found = self.select(selector)
        assert len(found) == 1, f"{selector!r} picks {len(found)} elements"
        return found[0]

    def texts(self, selector):
        """Return the text of each element `selector` picks."""
        return [element.text for element in self.select(selector)]

    def rows(self, selector="tbody tr"):
        """Return the text of the cells of each table row `selector` picks."""
        return [[cell.text for cell in row.children if isinstance(cell, Element) and cell.tag in ("td", "th")]
                for row in self.select(selector)]

    def _has_ancestors(self, element, chain):
        """Return whether, between this element and `element`, ancestors match `chain` in order."""
        node = element.parent
        while chain and node is not None and node is not self:
            if _matches(node, chain[-1]):
                chain = chain[:-1]
            node = node.parent
        return not chain


def _simple(part):
    """Return the (tag, id, classes, attributes) a simple selector such as `tr.overdue[data-case]` asks for."""
    tag, id_, classes, attributes, end = None, None, [], [], 0
    for match in SIMPLE_PART.finditer(part):
        assert match.start() == end, f"cannot read the selector {part!r}"
        end = match.end()
        name, id_part, class_part, attribute, value = match.groups()
        if name:
            tag = name
        elif id_part:
            id_ = id_part
        elif class_part:
            classes.append(class_part)
        else:
            attributes.append((attribute, value))
    assert end == len(part), f"cannot read the selector {part!r}"
    return tag, id_, classes, attributes


def _matches(element, simple):
    tag, id_, classes, attributes = simple
    return ((tag is None or element.tag == tag)
            and (id_ is None or element.attrs.get("id") == id_)
            and set(classes) <= set(element.attrs.get("class", "").split())
            and all(name in element.attrs and (value is None or element.attrs[name] == value)
                    for name, value in attributes))


class _TreeBuilder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = self.current = Element("#document", [])

    def handle_starttag(self, tag, attrs):
        element = Element(tag, attrs, self.current)
        self.current.children.append(element)
        if tag not in VOID:
            self.current = element

    def handle_startendtag(self, tag, attrs):
        self.current.children.append(Element(tag, attrs, self.current))

    def handle_endtag(self, tag):
        node = self.current
        while node is not self.root and node.tag != tag:
            node = node.parent
        if node is not self.root:  # a stray end tag closes nothing
            self.current = node.parent

    def handle_data(self, data):
        self.current.children.append(data)


def parse(html):
    """Return the document element of the page `html`."""
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    return builder.root


def page(response, status=200):
    """Return the parsed page of a response, which must have the HTTP `status`."""
    assert response.status_code == status, f"{response.status_code}, not {status}"
    return parse(response.content.decode())


def zh(text):
    """Return `text` (a message id, a lazy label or a choice) as the zh-hans pages show it."""
    if isinstance(text, Enum):
        text = text.label
    with translation.override("zh-hans"):
        shown = str(translation.gettext(text) if isinstance(text, str) else text)
    assert re.search(r"[\u4e00-\u9fff]", shown), f"{shown!r} is not translated in locale/zh_Hans"
    return shown
