"""Headless Chromium through Selenium, with a screenshot of each page at two window sizes.

The browser is Debian's `/usr/bin/chromium` driven by `/usr/bin/chromedriver`, both given
explicitly so selenium-manager never runs (it would go to the network). Screenshots are full
pages (everything down to the page's end) at a phone-sized 390x844 viewport with mobile
emulation and at a 1280x900 desktop window, saved as `NN-name-narrow.png` / `NN-name-wide.png`;
the pages declare `color-scheme: light dark`, so the desktop size is also taken with the dark
scheme (`NN-name-wide-dark.png`).
At each size the page is also checked for sideways scrolling, the most common way a page
becomes unreadable on a phone; those findings are collected in `layout_problems`.
"""

import base64
import os
from pathlib import Path
from urllib.parse import urlsplit

from selenium import webdriver
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

CHROMIUM = os.environ.get("TWOFOLD_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("TWOFOLD_CHROMEDRIVER", "/usr/bin/chromedriver")
# (file suffix, width, height, mobile emulation, dark colour scheme)
SIZES = (
    ("narrow", 390, 844, True, False),
    ("wide", 1280, 900, False, False),
    ("wide-dark", 1280, 900, False, True),
)
WAIT = 10


class Browser:
    def __init__(self, origin, shots_dir):
        self.origin = origin
        self.shots_dir = Path(shots_dir)
        self.shots_dir.mkdir(parents=True, exist_ok=True)
        self.count = 0
        self.layout_problems = []
        options = webdriver.ChromeOptions()
        options.binary_location = CHROMIUM
        for argument in (
            "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
            "--window-size=1280,900", "--no-first-run", "--disable-extensions", "--lang=en-US",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
        ):
            options.add_argument(argument)
        self.driver = webdriver.Chrome(options=options, service=Service(executable_path=CHROMEDRIVER))
        self.driver.set_page_load_timeout(WAIT)

    def quit(self):
        self.driver.quit()

    # -- navigation ----------------------------------------------------------------------------

    def open(self, path_or_url):
        url = path_or_url if "://" in path_or_url else self.origin + path_or_url
        self.driver.get(url)

    @property
    def path(self):
        return urlsplit(self.driver.current_url).path

    def wait_for_path(self, path):
        """Waits until the browser shows `path` (after a form's 303 redirect)."""
        try:
            WebDriverWait(self.driver, WAIT).until(lambda driver: urlsplit(driver.current_url).path == path)
        except TimeoutException:
            raise AssertionError(f"expected to land on {path}, still on {self.path}: {self.heading()!r}") from None

    def heading(self):
        found = self.driver.find_elements(By.TAG_NAME, "h1")
        return found[0].text if found else ""

    def text(self):
        """The page body's text as written (CSS such as text-transform ignored), spaces collapsed."""
        content = self.driver.find_element(By.TAG_NAME, "body").get_attribute("textContent")
        return " ".join(content.split())

    def element(self, css):
        return self.driver.find_element(By.CSS_SELECTOR, css)

    # -- forms ---------------------------------------------------------------------------------

    def fill(self, field_id, value):
        field = self.driver.find_element(By.ID, field_id)
        field.clear()
        field.send_keys(value)

    def field_for_label(self, label):
        """The input a visible <label> with exactly this text names (one match required)."""
        labels = self.driver.find_elements(By.XPATH, f"//label[normalize-space()={_xpath_literal(label)}]")
        if len(labels) != 1:
            raise AssertionError(f"{len(labels)} labels {label!r} on {self.path}")
        return self.driver.find_element(By.ID, labels[0].get_attribute("for"))

    def button(self, label):
        """The one button labelled `label` (or whose first part is, like an account choice's name)."""
        literal = _xpath_literal(label)
        query = f"//button[normalize-space()={literal} or span[1][normalize-space()={literal}]]"
        buttons = self.driver.find_elements(By.XPATH, query)
        if len(buttons) > 1:
            # The header repeats "Log out"; the page's own button is the one in <main>.
            buttons = self.driver.find_elements(By.XPATH, "//main" + query)
        if len(buttons) != 1:
            raise AssertionError(f"{len(buttons)} buttons {label!r} on {self.path}")
        return buttons[0]

    def press(self, label):
        """Clicks the one button with this text and waits for the next page to load."""
        old = self.driver.find_element(By.TAG_NAME, "html")
        self.button(label).click()
        WebDriverWait(self.driver, WAIT).until(lambda driver: _stale(old))

    def follow(self, link_text):
        old = self.driver.find_element(By.TAG_NAME, "html")
        self.driver.find_element(By.LINK_TEXT, link_text).click()
        WebDriverWait(self.driver, WAIT).until(lambda driver: _stale(old))

    def cookies(self):
        return {cookie["name"]: cookie for cookie in self.driver.get_cookies()}

    # -- screenshots ---------------------------------------------------------------------------

    def shoot(self, name):
        """Full-page screenshots of the current page; their paths (narrow, wide, wide-dark)."""
        self.count += 1
        paths = []
        try:
            for size, width, height, mobile, dark in SIZES:
                scheme = [{"name": "prefers-color-scheme", "value": "dark" if dark else "light"}]
                self.driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": scheme})
                self.driver.execute_cdp_cmd(
                    "Emulation.setDeviceMetricsOverride",
                    {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile},
                )
                overflow = self.driver.execute_script(
                    "const e = document.documentElement; return [e.scrollWidth, e.clientWidth];"
                )
                if overflow[0] > overflow[1]:
                    self.layout_problems.append(
                        f"{self.path} ({name}, {size}): the page is {overflow[0]} px wide in a {overflow[1]} px window"
                    )
                full = self.driver.execute_script(
                    "return Math.ceil(Math.max(document.documentElement.scrollHeight, document.body.scrollHeight));"
                )
                shot = self.driver.execute_cdp_cmd(
                    "Page.captureScreenshot",
                    {
                        "format": "png",
                        "captureBeyondViewport": True,
                        "clip": {"x": 0, "y": 0, "width": width, "height": max(height, full), "scale": 1},
                    },
                )
                path = self.shots_dir / f"{self.count:02d}-{name}-{size}.png"
                path.write_bytes(base64.b64decode(shot["data"]))
                paths.append(path)
        finally:
            self.driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
            self.driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": []})
        return tuple(paths)


def _stale(element):
    try:
        element.is_enabled()
        return False
    except Exception:
        return True


def _xpath_literal(text):
    if "'" not in text:
        return f"'{text}'"
    if '"' not in text:
        return f'"{text}"'
    parts = text.split("'")
    return "concat(" + ", \"'\", ".join(f"'{part}'" for part in parts) + ")"
