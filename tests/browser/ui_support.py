"""Helpers for the web app's tests: the real `tongket` and `tongket-server` binaries as
processes, a throw-away server with dev certificates, and headless Chromium.

The binaries come from the environment CTest sets (tests/CMakeLists.txt):
TONGKET_CLIENT_BIN, TONGKET_SERVER_BIN, TONGKET_SOURCE_DIR."""
import os
import re
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.request

CLIENT = os.environ.get("TONGKET_CLIENT_BIN", "tongket")
SERVER = os.environ.get("TONGKET_SERVER_BIN", "tongket-server")
SOURCE = os.environ.get("TONGKET_SOURCE_DIR", os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..")))
URL_LINE = re.compile(r"^http://127\.0\.0\.1:(\d+)/\?token=([0-9a-f]{64})$")


def run(argv, check=True, **kwargs):
    """Runs a command to its end; its CompletedProcess (text)."""
    result = subprocess.run(argv, capture_output=True, text=True, timeout=120, **kwargs)
    if check and result.returncode != 0:
        raise AssertionError(f"{argv} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    return result


def tongket(store, *args, check=True):
    return run([CLIENT, *args, "--store", str(store)], check=check)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class UiProcess:
    """`tongket ui --no-browser` on a store; `url` is the first line it printed."""

    def __init__(self, store, port=0):
        self.proc = subprocess.Popen([CLIENT, "ui", "--store", str(store), "--no-browser", "--port", str(port)],
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.first_line = self.proc.stdout.readline().rstrip("\n")
        match = URL_LINE.match(self.first_line)
        if not match:
            self.stop()
            raise AssertionError(f"tongket ui's first line is not its URL: {self.first_line!r}\n{self.proc.stderr.read()}")
        self.port = int(match.group(1))
        self.token = match.group(2)
        self.url = self.first_line
        self.base = f"http://127.0.0.1:{self.port}"

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc.stdout.close()
        self.proc.stderr.close()


class SyncServer:
    """tongket-server over HTTPS on loopback with dev certificates, in a temp dir."""

    def __init__(self, workdir):
        self.dir = workdir
        self.certs = os.path.join(workdir, "certs")
        self.data = os.path.join(workdir, "server-data")
        run(["/bin/sh", os.path.join(SOURCE, "certs", "make-dev-certs.sh"), self.certs])
        run([SERVER, "init", "--data", self.data])
        self.port = free_port()
        self.url = f"https://127.0.0.1:{self.port}"
        self.ca = os.path.join(self.certs, "ca.pem")
        self.log = open(os.path.join(workdir, "server.log"), "w")
        self.proc = subprocess.Popen([SERVER, "serve", "--data", self.data, "--listen", self.url,
                                      "--cert", os.path.join(self.certs, "server.pem"),
                                      "--key", os.path.join(self.certs, "server-key.pem")],
                                     stdout=self.log, stderr=subprocess.STDOUT)
        self._wait_serving()

    def _wait_serving(self):
        context = ssl.create_default_context(cafile=self.ca)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(self.url + "/", context=context, timeout=2)
                return
            except urllib.error.HTTPError:
                return  # it answered
            except Exception:
                if self.proc.poll() is not None:
                    raise AssertionError("tongket-server exited; see " + self.log.name)
                time.sleep(0.1)
        raise AssertionError("tongket-server did not serve within 30 s")

    def token(self, unit, role):
        return run([SERVER, "token", "create", "--data", self.data, "--unit", unit, "--role", role]).stdout.strip()

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        self.log.close()


def chromium(download_dir):
    """Headless Debian Chromium driven by /usr/bin/chromedriver, no network use of its own."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for arg in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run", "--window-size=1366,900", "--lang=vi",
                "--user-data-dir=" + tempfile.mkdtemp(prefix="tongket-chromium-")]:
        options.add_argument(arg)
    options.add_experimental_option("prefs", {"download.default_directory": download_dir,
                                              "download.prompt_for_download": False})
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    driver.set_page_load_timeout(60)
    return driver


def store_snapshot(store):
    """Every row of every table of a store, as text (to prove a refused request changed nothing)."""
    import sqlite3
    uri = "file:" + str(store) + "?mode=ro"
    with sqlite3.connect(uri, uri=True) as db:
        return "\n".join(db.iterdump())


class BrowserSteps:
    """Steps of a test in the browser, for a unittest.TestCase that sets `driver`, `wait`
    (a WebDriverWait), `ui` (a UiProcess) and `shots` (the screenshot folder)."""

    def shot(self, name):
        self.driver.save_screenshot(os.path.join(self.shots, name + ".png"))

    def find(self, css):
        from selenium.webdriver.common.by import By
        from selenium.webdriver.support import expected_conditions as EC
        return self.wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, css)))

    def click(self, css):
        from selenium.webdriver.common.by import By
        from selenium.webdriver.support import expected_conditions as EC
        element = self.wait.until(EC.element_to_be_clickable((By.CSS_SELECTOR, css)))
        self.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
        element.click()

    def open(self, hash_):
        # A new query each time: a full page load (a hash alone may not reload the page).
        self.loads = getattr(self, "loads", 0) + 1
        self.driver.get(f"{self.ui.base}/?n={self.loads}{hash_}")
        self.wait.until(lambda d: d.execute_script("return document.body.dataset.page") == hash_.split("/")[1])

    def sync_in_browser(self):
        from selenium.webdriver.common.by import By
        self.open("#/dong-bo")
        self.click("#sync-start")
        self.wait.until(lambda d: d.find_element(By.ID, "sync-result").text.strip() != "")
        result = self.driver.find_element(By.ID, "sync-result").text
        self.assertIn("Đồng bộ xong", result)
        return result


class Round(BrowserSteps):
    """The opening steps every round in the browser shares, for a unittest.TestCase: a temp
    dir with screenshots ($TONGKET_SCREENSHOTS, else inside it) and downloads, a real
    tongket-server, stores made and enrolled through the real CLI, the app on one of them in
    headless Chromium. Everything started is stopped by cleanups (also when set-up fails)."""

    WAIT = 30  # seconds, per step: generous for a loaded 2-core machine

    def start_round(self, prefix, server=True):
        tmp = tempfile.TemporaryDirectory(prefix=prefix)
        self.addCleanup(tmp.cleanup)
        self.dir = tmp.name
        self.shots = os.environ.get("TONGKET_SCREENSHOTS") or os.path.join(self.dir, "screenshots")
        os.makedirs(self.shots, exist_ok=True)
        self.downloads = os.path.join(self.dir, "downloads")
        os.makedirs(self.downloads)
        if server:
            self.server = SyncServer(self.dir)
            self.addCleanup(self.server.stop)

    def enrolled_store(self, name, unit, author, role):
        """A store made by `tongket init` and enrolled on the round's server with `role`."""
        store = os.path.join(self.dir, name)
        tongket(store, "init", "--unit", unit, "--author", author)
        tongket(store, "enroll", "--server", self.server.url, "--ca", self.server.ca,
                "--token", self.server.token(unit, role))
        return store

    def start_app(self, store):
        """`tongket ui` on `store` and Chromium to drive it (not signed in yet: sign_in)."""
        from selenium.webdriver.support.ui import WebDriverWait
        self.ui = UiProcess(store)
        self.addCleanup(self.ui.stop)
        self.driver = chromium(self.downloads)
        self.addCleanup(self.driver.quit)
        self.wait = WebDriverWait(self.driver, self.WAIT)

    def sign_in(self):
        """The printed URL: token -> cookie -> the clean URL."""
        self.driver.get(self.ui.url)
        self.wait.until(lambda d: "token=" not in d.current_url)


def log(*args):
    print(*args, file=sys.stderr, flush=True)
