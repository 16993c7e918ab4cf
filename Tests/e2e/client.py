"""HTTP clients for the gateway: a `Browser` (form posts, its own cookie jar, CSRF tokens read from
the forms, an Origin header) and an `Api` client (JSON with a Bearer token, every request and
response checked against protocol/openapi.json).

The cookie jar is kept by hand: the session cookie is `__Host-twofold` with `Secure` even on
loopback, which http.cookiejar would refuse to send over plain http.
"""

import email.utils
import html
import http.client
import json
import re
import time
from html.parser import HTMLParser
from urllib.parse import urlencode, urlsplit

import openapi

TIMEOUT = 15.0


class Response:
    def __init__(self, status, headers, body, elapsed):
        self.status = status
        self.headers = headers  # list of (name, value), duplicates kept
        self.body = body
        self.elapsed = elapsed

    def header(self, name):
        for key, value in self.headers:
            if key.lower() == name.lower():
                return value
        return None

    def all_headers(self, name):
        return [value for key, value in self.headers if key.lower() == name.lower()]

    @property
    def location(self):
        """The Location header reduced to its path (the gateway may answer absolute URLs)."""
        value = self.header("Location")
        if value is None:
            return None
        parts = urlsplit(value)
        return parts.path + (f"?{parts.query}" if parts.query else "")

    @property
    def text(self):
        return self.body.decode("utf-8", errors="replace")

    def json(self):
        return json.loads(self.body)

    def page(self):
        return Page(self.text)

    def __repr__(self):
        return f"<Response {self.status} {self.location or ''} {self.body[:300]!r}>"


def request(port, method, path, body=None, headers=None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
    started = time.monotonic()
    try:
        connection.request(method, path, body=body, headers=headers or {})
        raw = connection.getresponse()
        data = raw.read()
        return Response(raw.status, raw.getheaders(), data, time.monotonic() - started)
    finally:
        connection.close()


class Form:
    def __init__(self, action, method):
        self.action = action
        self.method = method
        self.fields = {}  # name → value of hidden inputs
        self.inputs = []  # attribute dicts of every input
        self.buttons = []  # button texts


class Page(HTMLParser):
    """What a test needs from a page: its forms, inputs, links, labels and visible text."""

    def __init__(self, source):
        super().__init__(convert_charrefs=True)
        self.source = source
        self.forms = []
        self.inputs = []
        self.links = []  # (href, text)
        self.labels = []  # (for, text)
        self.headings = []
        self._text = []
        self._form = None
        self._link = None
        self._label = None
        self._button = None
        self._heading = None
        self._skip = 0
        self.feed(source)
        self.close()

    def handle_starttag(self, tag, attrs):
        attributes = {name: (value if value is not None else "") for name, value in attrs}
        if tag in ("style", "script"):
            self._skip += 1
        elif tag == "form":
            self._form = Form(attributes.get("action", ""), attributes.get("method", "get").lower())
            self.forms.append(self._form)
        elif tag == "input":
            self.inputs.append(attributes)
            if self._form is not None:
                self._form.inputs.append(attributes)
                if attributes.get("type") == "hidden" and "name" in attributes:
                    self._form.fields[attributes["name"]] = attributes.get("value", "")
        elif tag == "a":
            self._link = [attributes.get("href", ""), ""]
        elif tag == "label":
            self._label = [attributes.get("for", ""), ""]
        elif tag == "button":
            self._button = ""
        elif tag in ("h1", "h2"):
            self._heading = ""

    def handle_endtag(self, tag):
        if tag in ("style", "script"):
            self._skip = max(0, self._skip - 1)
        elif tag == "form":
            self._form = None
        elif tag == "a" and self._link is not None:
            self.links.append((self._link[0], " ".join(self._link[1].split())))
            self._link = None
        elif tag == "label" and self._label is not None:
            self.labels.append((self._label[0], " ".join(self._label[1].split())))
            self._label = None
        elif tag == "button" and self._button is not None:
            if self._form is not None:
                self._form.buttons.append(" ".join(self._button.split()))
            self._button = None
        elif tag in ("h1", "h2") and self._heading is not None:
            self.headings.append(" ".join(self._heading.split()))
            self._heading = None

    def handle_data(self, data):
        if self._skip:
            return
        self._text.append(data)
        for part in (self._link, self._label):
            if part is not None:
                part[1] += data
        if self._button is not None:
            self._button += data
        if self._heading is not None:
            self._heading += data

    @property
    def text(self):
        """The visible text, entities decoded, whitespace collapsed."""
        return " ".join(html.unescape(" ".join(self._text)).split())

    def form(self, action):
        for form in self.forms:
            if urlsplit(form.action).path == action:
                return form
        raise AssertionError(f"no form posting to {action}; forms: {[f.action for f in self.forms]}")

    def input(self, name):
        for attributes in self.inputs:
            if attributes.get("name") == name:
                return attributes
        raise AssertionError(f"no input named {name!r}")


def _expired(attribute):
    """Whether a Set-Cookie attribute deletes the cookie (Max-Age ≤ 0 or Expires in the past)."""
    name, _, value = attribute.partition("=")
    name = name.strip().lower()
    if name == "max-age":
        return value.strip().lstrip("-").isdigit() and int(value) <= 0
    if name == "expires":
        try:
            return email.utils.parsedate_to_datetime(value).timestamp() < time.time()
        except (TypeError, ValueError):
            return False
    return False


class Browser:
    """A browser without JavaScript: keeps cookies, sends Origin, posts forms with their CSRF token."""

    def __init__(self, cluster):
        self.cluster = cluster
        self.port = cluster.port
        self.cookies = {}
        self.cookie_attributes = {}  # name → set of lower-cased attribute strings of the last Set-Cookie

    def _store_cookies(self, response):
        for header in response.all_headers("Set-Cookie"):
            parts = [part.strip() for part in header.split(";")]
            name, _, value = parts[0].partition("=")
            attributes = {part.lower() for part in parts[1:]}
            expired = any(_expired(a) for a in parts[1:])
            if expired or value == "":
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = value
                self.cluster.remember(value)
            self.cookie_attributes[name] = attributes

    def _headers(self, extra):
        headers = {}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        headers.update(extra)
        return {k: v for k, v in headers.items() if v is not None}

    @property
    def session(self):
        return self.cookies.get("__Host-twofold") or self.cookies.get("twofold")

    def get(self, path, headers=None):
        response = request(self.port, "GET", path, headers=self._headers(headers or {}))
        self._store_cookies(response)
        return response

    def post(self, path, fields, origin=True, headers=None):
        """A form post; `origin` True sends the public origin, a string sends that, None sends none."""
        extra = {"Content-Type": "application/x-www-form-urlencoded"}
        if origin is True:
            extra["Origin"] = self.cluster.origin
        elif origin:
            extra["Origin"] = origin
        extra.update(headers or {})
        body = urlencode(fields).encode()
        response = request(self.port, "POST", path, body=body, headers=self._headers(extra))
        self._store_cookies(response)
        return response

    def submit(self, page, action, fields=None, csrf=True, origin=True):
        """Posts the form of `page` that targets `action`, with its hidden fields plus `fields`."""
        if isinstance(page, Response):
            page = page.page()
        form = page.form(action)
        data = dict(form.fields)
        if not csrf:
            data.pop("csrf", None)
        data.update(fields or {})
        return self.post(urlsplit(form.action).path or action, data, origin=origin)

    def open_and_submit(self, path, action, fields=None, **options):
        page = self.get(path)
        if page.status != 200:
            raise AssertionError(f"GET {path}: expected 200, got {page!r}")
        return self.submit(page, action, fields, **options)


class ApiError(AssertionError):
    pass


class Api:
    """A JSON client holding one Bearer token; validates everything against protocol/openapi.json."""

    def __init__(self, cluster, token=None):
        self.cluster = cluster
        self.port = cluster.port
        self.token = token

    def call(self, method, path, body=None, expect=None, token=..., headers=None, validate_request=True):
        """Sends one request; checks the status against `expect` (an int or a tuple), validates
        the request body and the response against the OpenAPI document, and keeps any new
        `session_token`. Returns (status, parsed body or None, Response)."""
        extra = {"Accept": "application/json"}
        bearer = self.token if token is ... else token
        if bearer:
            extra["Authorization"] = f"Bearer {bearer}"
        data = None
        if body is not None:
            if validate_request and not isinstance(body, bytes):
                openapi.validate_request(method, path, body)
            data = body if isinstance(body, bytes) else json.dumps(body).encode()
            extra["Content-Type"] = "application/json"
        extra.update(headers or {})
        response = request(self.port, method, path, body=data, headers=extra)
        parsed = None
        if response.body:
            try:
                parsed = response.json()
            except ValueError:
                raise ApiError(f"{method} {path}: the body is not JSON: {response!r}")
        if expect is not None:
            expected = expect if isinstance(expect, tuple) else (expect,)
            if response.status not in expected:
                raise ApiError(f"{method} {path}: expected {expect}, got {response.status} {parsed}")
        openapi.validate_response(method, path, response.status, parsed)
        if isinstance(parsed, dict) and "session_token" in parsed:
            self.token = parsed["session_token"]
            self.cluster.remember(self.token)
        return response.status, parsed, response

    def error_code(self, method, path, body=None, expect=None, **options):
        status, parsed, _ = self.call(method, path, body, expect=expect, **options)
        if not isinstance(parsed, dict) or "error" not in parsed:
            raise ApiError(f"{method} {path}: expected an error object, got {status} {parsed}")
        return parsed["error"]["code"]

    def get(self, path, **options):
        return self.call("GET", path, **options)[1]

    def post(self, path, body=None, **options):
        return self.call("POST", path, {} if body is None else body, **options)[1]


SESSION_TOKEN = re.compile(r"^[A-Za-z0-9_-]{43}$")
