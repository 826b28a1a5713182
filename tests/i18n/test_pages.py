"""Every page a citizen or a person of each role may open reads in Chinese: no English words, no raw choice
values (a timeline's `satisfied`, `walk_in`), no English left in a message.

The pages are the url conf's HTML pages (not the API, Open311 or the admin), opened without an account and by
the demo city's account of each role, on a small demo city with its history (tickets from every source in
every state, calls, mediation cases).
"""

import io
import re
from html.parser import HTMLParser

import pytest
from django.core.management import call_command
from django.urls import URLPattern, URLResolver, get_resolver

from accounts.models import User
from carelist.models import CarePerson
from deliberation.models import Meeting, Topic
from grids.demo import DEMO_USERNAMES
from hotline.models import Call
from incidents.models import Ticket
from mediation.models import MediationCase
from participation.models import ServiceProject
from tests.factories import log_in_verified

# Words a Chinese page may show as they are: names of things, formats, the language picker's own name.
# govportal is the product's name (in each page's title); qwer and abcd are the password rules' examples.
KEPT_AS_THEY_ARE = {"English", "govportal", "qwer", "abcd", "Excel", "PDF", "API", "OpenAPI", "Swagger", "GPS", "SMS",
                    "TOTP", "YYYY", "CSV"}
SKIPPED_NAMESPACES = {"api", "open311", "admin"}
SKIPPED_NAMES = {"logout", "javascript-catalog", "service-worker", "web-manifest", "schema", "set_language",
                 "dashboard-screen-home", "dashboard-screen"}  # the big screen is drawn by its script
ENGLISH_WORD = re.compile(r"(?<![\w.@/-])[A-Za-z][A-Za-z_]{2,}(?![\w@/-])")
READ_ATTRIBUTES = ("placeholder", "title", "aria-label", "alt")


class VisibleText(HTMLParser):
    """The text a person reads on a page and its readable attributes, outside scripts and styles and outside
    what the page marks translate="no" (recorded data, such as the audit trail's details)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts, self._hiding, self._depth = [], None, 0  # the hiding element's tag, its nesting

    def handle_starttag(self, tag, attrs):
        if self._hiding is None and (tag in ("script", "style", "template") or ("translate", "no") in attrs):
            self._hiding = tag
        if tag == self._hiding:
            self._depth += 1
        if self._hiding is None:
            self.parts.extend(value for name, value in attrs if name in READ_ATTRIBUTES and value)

    def handle_endtag(self, tag):
        if tag == self._hiding:
            self._depth -= 1
            if not self._depth:
                self._hiding = None

    def handle_data(self, data):
        if self._hiding is None:
            self.parts.append(data)


def english_words(html, kept):
    reader = VisibleText()
    reader.feed(html)
    return {word for part in reader.parts for word in ENGLISH_WORD.findall(part) if word not in kept}


def page_patterns(patterns=None, prefix=""):
    """Yield (route, parameter names) of every named page of the url conf."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace in SKIPPED_NAMESPACES:
                continue
            yield from page_patterns(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern) and pattern.name and pattern.name not in SKIPPED_NAMES:
            yield prefix + str(pattern.pattern), list(pattern.pattern.converters)


def one_per_state(queryset, state="status"):
    """Return the ids of one object per state (the oldest), so each kind of page is seen once."""
    return list(queryset.order_by(state, "pk").distinct(state).values_list("pk", flat=True))


@pytest.fixture
def demo_city(db):
    call_command("seed_demo", grids=12, history_days=7, stdout=io.StringIO())


def pages_of(patterns, ids):
    """Yield (path, whether of an object) of each page, once per id for the pages of an object."""
    for route, parameters in patterns:
        if route.endswith((".xlsx", ".pdf")) or {"action", "code", "party_id", "photo_id"} & set(parameters):
            continue  # not HTML (photos too); actions and reveals are posted; an area's pages are its -home page's
        if not parameters:
            yield "/" + route, False
        for parameter in parameters:
            for value in ids.get(parameter, ()):
                yield "/" + re.sub(r"<int:\w+>", str(value), route), True


class Reader:
    """Opens pages as the demo accounts and notes the English each shows."""

    def __init__(self, client):
        self.client, self.findings, self.pages_read = client, {}, 0
        self.kept = KEPT_AS_THEY_ARE | set(User.objects.values_list("username", flat=True))

    def log_in(self, username):
        self.client.logout()
        if username:
            log_in_verified(self.client, User.objects.get(username=username))

    def read(self, username, path):
        """Return whether the page opened (200, HTML) for the account logged in, noting its English."""
        answer = self.client.get(path, HTTP_ACCEPT_LANGUAGE="zh-hans")
        if answer.status_code != 200 or not answer["Content-Type"].startswith("text/html"):
            return False
        self.pages_read += 1
        words = english_words(answer.content.decode(), self.kept)
        if words:
            self.findings.setdefault(" ".join(sorted(words)), []).append(f"{username} {path}")
        return True


def test_every_page_reads_in_chinese(client, demo_city):
    """A page without an object is read by the first demo account that may open it, the home page (whose menu
    and figures are the role's) by every account; an object's page (one per state of tickets, cases and calls)
    by every account that may open it, as its actions are the role's."""
    ids = {"ticket_id": one_per_state(Ticket.objects), "case_id": one_per_state(MediationCase.objects),
           "call_id": one_per_state(Call.objects, "outcome"), "topic_id": one_per_state(Topic.objects),
           "meeting_id": Meeting.objects.values_list("pk", flat=True)[:1],
           "project_id": one_per_state(ServiceProject.objects),
           "person_id": list(CarePerson.objects.values_list("pk", flat=True))}
    unread = list(pages_of(list(page_patterns()), ids))  # what no account may GET is left: posted forms
    reader = Reader(client)
    for username in (None, *DEMO_USERNAMES):  # first a citizen's pages, without an account
        reader.log_in(username)
        unread = [(path, of_object) for path, of_object in unread
                  if not reader.read(username, path) or of_object or path == "/"]
    assert reader.pages_read > 100, "too few pages were opened to mean anything"
    assert not reader.findings, "English on Chinese pages:\n" + "\n".join(
        f"{words}: {', '.join(pages[:4])}{' …' if len(pages) > 4 else ''}"
        for words, pages in reader.findings.items())
