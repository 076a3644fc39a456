"""The local web app's access rules with the real `tongket ui` process (no browser needed):
no token, a wrong token, a foreign Host (DNS rebinding), a cross-origin or origin-less POST,
a CORS preflight: each 403 with the store unchanged; the right token gives an HttpOnly,
SameSite=Strict cookie; no CORS header is ever sent; one instance per store."""
import http.client
import os
import socket
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(__file__))
from ui_support import UiProcess, tongket, store_snapshot, CLIENT  # noqa: E402

COMMUNE = "25489"


def request(port, method, path, headers=None, body=None):
    """One HTTP request with exactly these headers (Host included); (status, headers, body)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=15)
    conn.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
    for name, value in (headers or {}).items():
        conn.putheader(name, value)
    data = body.encode() if isinstance(body, str) else body
    if data is not None:
        conn.putheader("Content-Length", str(len(data)))
    conn.endheaders(data)
    response = conn.getresponse()
    result = (response.status, {k.lower(): v for k, v in response.getheaders()}, response.read())
    conn.close()
    return result


class UiSecurity(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.TemporaryDirectory(prefix="tongket-ui-security-")
        cls.store = os.path.join(cls.dir.name, "xa.db")
        tongket(cls.store, "init", "--unit", COMMUNE, "--author", "Cán bộ xã")
        tongket(cls.store, "set", "PL1.4", "2016", "3")
        cls.ui = UiProcess(cls.store)
        cls.host = f"127.0.0.1:{cls.ui.port}"
        cls.origin = f"http://{cls.host}"
        status, headers, _ = request(cls.ui.port, "GET", "/?token=" + cls.ui.token, {"Host": cls.host})
        assert status == 303, status
        cls.cookie = headers["set-cookie"].split(";")[0]
        cls.before = store_snapshot(cls.store)

    @classmethod
    def tearDownClass(cls):
        cls.ui.stop()
        cls.dir.cleanup()

    def assertForbidden(self, method, path, headers, body=None):
        status, answer_headers, answer = request(self.ui.port, method, path, headers, body)
        self.assertEqual(status, 403, f"{method} {path} {headers}: {answer!r}")
        self.assertNotIn("set-cookie", answer_headers)
        self.assertFalse(any(h.startswith("access-control-") for h in answer_headers))
        self.assertIn("Từ chối", answer.decode())
        self.assertEqual(store_snapshot(self.store), self.before, "a refused request changed the store")

    def test_the_url_is_loopback_with_a_fresh_token(self):
        self.assertTrue(self.ui.first_line.startswith("http://127.0.0.1:"))
        self.assertEqual(len(self.ui.token), 64)

    def test_the_token_gives_an_httponly_strict_cookie_and_a_clean_url(self):
        status, headers, _ = request(self.ui.port, "GET", "/?token=" + self.ui.token, {"Host": self.host})
        self.assertEqual(status, 303)
        self.assertEqual(headers["location"], "/")
        cookie = headers["set-cookie"]
        self.assertIn("HttpOnly", cookie)
        self.assertIn("SameSite=Strict", cookie)
        self.assertNotIn(self.ui.token, cookie)
        status, headers, body = request(self.ui.port, "GET", "/api/state", {"Host": self.host, "Cookie": self.cookie})
        self.assertEqual(status, 200, body)
        self.assertIn(b'"initialised":true', body)
        self.assertFalse(any(h.startswith("access-control-") for h in headers))
        status, _, body = request(self.ui.port, "GET", "/", {"Host": f"localhost:{self.ui.port}", "Cookie": self.cookie})
        self.assertEqual(status, 200)
        self.assertIn("Tổng kết CCHC".encode(), body)

    def test_no_token_no_cookie_is_refused(self):
        self.assertForbidden("GET", "/", {"Host": self.host})
        self.assertForbidden("GET", "/api/state", {"Host": self.host})
        self.assertForbidden("GET", "/js/app.js", {"Host": self.host})

    def test_a_wrong_token_or_cookie_is_refused(self):
        self.assertForbidden("GET", "/?token=" + "0" * 64, {"Host": self.host})
        self.assertForbidden("GET", "/api/state", {"Host": self.host, "Cookie": "tongket_phien=" + "0" * 64})
        self.assertForbidden("GET", "/api/state", {"Host": self.host, "Cookie": "tongket_phien=" + self.ui.token})

    def test_a_foreign_host_is_refused_even_with_the_token_or_cookie(self):
        for host in ["evil.example", f"evil.example:{self.ui.port}", f"127.0.0.1:{self.ui.port + 1}",
                     f"localhost.evil.example:{self.ui.port}", ""]:
            self.assertForbidden("GET", "/?token=" + self.ui.token, {"Host": host})
            self.assertForbidden("GET", "/api/state", {"Host": host, "Cookie": self.cookie})

    def test_a_cross_origin_or_origin_less_write_is_refused(self):
        body = '{"cells":[{"indicator":"PL1.4","period":"2016","text":"99"}]}'
        base = {"Host": self.host, "Cookie": self.cookie, "Content-Type": "application/json"}
        for origin in ["http://evil.example", f"http://localhost:{self.ui.port + 1}", f"https://{self.host}", "null"]:
            self.assertForbidden("POST", "/api/values", {**base, "Origin": origin}, body)
        self.assertForbidden("POST", "/api/values", base, body)  # no Origin at all
        self.assertForbidden("POST", "/api/values", {"Host": self.host, "Origin": self.origin,
                                                     "Content-Type": "application/json"}, body)  # no cookie
        self.assertForbidden("OPTIONS", "/api/values", {"Host": self.host, "Origin": "http://evil.example",
                                                        "Access-Control-Request-Method": "POST"})
        self.assertForbidden("PUT", "/api/sections/KH.X.1.1", {**base, "Origin": "http://evil.example"}, '{"text":"x"}')
        # The reviewer's decisions go through the same guard.
        self.assertForbidden("POST", "/api/below/25492/return", {**base, "Origin": "http://evil.example"}, '{"comment":"x"}')
        self.assertForbidden("POST", "/api/below/25492/accept", base, "{}")
        self.assertForbidden("GET", "/api/below", {"Host": self.host})
        self.assertEqual(tongket(self.store, "get", "PL1.4", "2016").stdout.strip().split()[-1], "3")

    def test_the_reviewer_pages_explain_that_a_commune_has_no_units_below(self):
        headers = {"Host": self.host, "Cookie": self.cookie}
        status, _, answer = request(self.ui.port, "GET", "/api/below", headers)
        self.assertEqual(status, 422, answer)
        self.assertIn("không có đơn vị cấp dưới", answer.decode())
        status, _, answer = request(self.ui.port, "GET", "/api/below/00001", headers)  # Phúc Xá, Hà Nội
        self.assertEqual(status, 422, answer)
        self.assertIn("không thuộc", answer.decode())
        self.assertEqual(store_snapshot(self.store), self.before)

    def test_a_second_instance_names_the_running_one(self):
        second = subprocess.run([CLIENT, "ui", "--store", self.store, "--no-browser"],
                                capture_output=True, text=True, timeout=60)
        self.assertNotEqual(second.returncode, 0)
        self.assertIn(self.ui.url, second.stderr)
        self.assertEqual(second.stdout, "")

    def test_only_loopback_listens(self):
        # Any non-loopback address of this machine must refuse the port.
        probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            probe.connect(("192.0.2.1", 9))  # no packet is sent for UDP connect
            address = probe.getsockname()[0]
        except OSError:
            self.skipTest("this machine has no non-loopback address")
        finally:
            probe.close()
        if address.startswith("127."):
            self.skipTest("this machine has no non-loopback address")
        with self.assertRaises(OSError):
            socket.create_connection((address, self.ui.port), timeout=5).close()

    def test_zz_the_same_write_from_the_app_itself_is_accepted(self):
        # The control: the refusals above were not vacuous.
        body = '{"cells":[{"indicator":"PL1.4","period":"2016","text":"7"}]}'
        status, _, answer = request(self.ui.port, "POST", "/api/values",
                                    {"Host": self.host, "Cookie": self.cookie, "Origin": self.origin,
                                     "Content-Type": "application/json"}, body)
        self.assertEqual(status, 200, answer)
        self.assertEqual(tongket(self.store, "get", "PL1.4", "2016").stdout.strip().split()[-1], "7")
        type(self).before = store_snapshot(self.store)


if __name__ == "__main__":
    unittest.main(verbosity=2)
