"""A commune's whole report through the web app in real headless Chromium, with a real
tongket-server and the district's real CLI: first run, enrolment, every value of appendices
1-3 typed in the forms (one block pasted as from Excel), a bad value refused beside its cell
and stored nowhere, a bad pasted block refused whole, the narrative (one section from a .docx
made here), a KT row, submission, sync; the district returns the report from its CLI; the
commune sees the comment, fixes a figure, resubmits and syncs; the district sees it again.
Screenshots of every page go to $TONGKET_SCREENSHOTS (docs/screenshots via
scripts/ui-screenshots.sh), else to a temp dir."""
import os
import sys
import unittest
import zipfile

sys.path.insert(0, os.path.dirname(__file__))
from ui_support import Round, tongket, log  # noqa: E402

from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.support import expected_conditions as EC  # noqa: E402

COMMUNE, DISTRICT = "25489", "705"


def make_docx(path, paragraphs):
    """A minimal Word document (the test's own fixture)."""
    body = "".join(f"<w:p><w:r><w:t xml:space=\"preserve\">{p}</w:t></w:r></w:p>" for p in paragraphs)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml",
                   '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                   '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                   '<Default Extension="xml" ContentType="application/xml"/>'
                   '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>')
        z.writestr("_rels/.rels",
                   '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                   '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>')
        z.writestr("word/document.xml",
                   '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
                   f"<w:body>{body}</w:body></w:document>")


# The commune's figures per year index k (0 = 2015): consistent with every rule (PL2.1 is the
# sum of its kinds; handled <= received; returned on time <= received).
def figures(k):
    return {
        "PL1.4": k, "PL2.1.e": k + 1, "PL2.1.f": 2, "PL2.1": k + 3,
        "PL3.4.c": 40 + k, "PL3.4.d": 38 + k, "PL3.4.e": 5, "PL3.4.f": 3 + k,
        "PL3.5.c.1": 300 + 10 * k, "PL3.5.c.2": 290 + 10 * k,
    }


def pasted_block(k_count):
    """PL3.6.a/b/c over the years as Excel copies it: rows by line, cells by tab."""
    rows = [[20 + k for k in range(k_count)], [18 + k for k in range(k_count)], [15 for _ in range(k_count)]]
    return "\r\n".join("\t".join(str(v) for v in row) for row in rows) + "\r\n"


class CommuneRound(Round, unittest.TestCase):
    def setUp(self):
        self.start_round("tongket-ui-round-")
        self.district = self.enrolled_store("huyen.db", DISTRICT, "Phòng Nội vụ huyện", "district_reviewer")
        self.store = os.path.join(self.dir, "xa.db")
        self.start_app(self.store)

    # ---- helpers (shot, find, click, open, sync_in_browser: ui_support.BrowserSteps) ----

    def delete_row_asks_in_vietnamese(self):
        # A second KT row; deleting it asks in the page (Vietnamese buttons, not the browser's
        # confirm()): "Không xóa" keeps it, "Xóa dòng" deletes it.
        d = self.driver
        inputs = d.find_elements(By.CSS_SELECTOR, "#list-KT tr.new-row input")
        for i, box in enumerate(inputs):
            box.send_keys(["Tập thể", "Bộ phận một cửa", "UBND xã Tân Lập", "Thành tích CCHC", "Giấy khen"][i % 5])
        self.click("#add-row")
        rows = "#list-KT tr[data-row]"
        self.wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, rows)) == 2)
        # The rows are listed by id (random): find the new one's place.
        texts = [r.text for r in d.find_elements(By.CSS_SELECTOR, rows)]
        place = next(i for i, t in enumerate(texts) if "Bộ phận một cửa" in t) + 1
        delete = f"{rows}:nth-child({place}) button"
        self.click(delete)
        dialog = self.wait.until(EC.visibility_of_element_located((By.CSS_SELECTOR, "dialog#confirm-dialog[open]")))
        self.assertIn(f"Xóa dòng {place} của Đề nghị khen thưởng?", dialog.text)
        self.assertEqual(dialog.find_element(By.ID, "confirm-yes").text, "Xóa dòng")
        self.assertEqual(dialog.find_element(By.ID, "confirm-no").text, "Không xóa")
        self.shot("07b-xoa-dong")
        self.click("#confirm-no")
        self.wait.until(lambda d: not d.find_elements(By.CSS_SELECTOR, "dialog#confirm-dialog"))
        self.assertEqual(len(d.find_elements(By.CSS_SELECTOR, rows)), 2)
        self.assertIn("Bộ phận một cửa", tongket(self.store, "rows", "list", "KT").stdout)
        self.click(delete)
        self.click("#confirm-yes")
        self.wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, rows)) == 1)
        listed = tongket(self.store, "rows", "list", "KT").stdout
        self.assertNotIn("Bộ phận một cửa", listed)
        self.assertIn("Trần Văn Bình", listed)

    def cell(self, name):
        try:
            return self.find(f'input[name="{name}"]')
        except Exception:
            raise AssertionError(f"no input {name} on {self.driver.current_url}: "
                                 + self.driver.find_element(By.TAG_NAME, "main").text[:500])

    def cell_state(self, name):
        return self.driver.execute_script(
            "const i = document.querySelector(`input[name='${arguments[0]}']`); return i ? i.parentElement.className : ''", name)

    def type_cell(self, name, value):
        box = self.cell(name)
        self.driver.execute_script(
            "arguments[0].scrollIntoView({block: 'center'}); arguments[0].focus(); arguments[0].select();", box)
        box.send_keys(str(value), Keys.ENTER)
        self.wait.until(lambda d: "saved" in self.cell_state(name) or "error" in self.cell_state(name))

    def cell_message(self, name):
        return self.driver.execute_script(
            "return document.querySelector(`input[name='${arguments[0]}']`).parentElement.querySelector('.cell-msg').textContent",
            name)

    def stored(self, indicator, period):
        return tongket(self.store, "get", indicator, period).stdout.strip()

    def paste(self, name, text):
        self.driver.execute_script(
            "const dt = new DataTransfer(); dt.setData('text/plain', arguments[1]);"
            "document.querySelector(`input[name='${arguments[0]}']`).dispatchEvent("
            "new ClipboardEvent('paste', {clipboardData: dt, bubbles: true, cancelable: true}));", name, text)

    # ---- the round ----
    def test_a_commune_enters_submits_syncs_is_returned_fixes_and_resubmits(self):
        d = self.driver
        self.sign_in()
        self.wait.until(lambda d: d.execute_script("return document.body.dataset.page") == "khoi-tao")
        self.shot("01-khoi-tao")
        self.find("#unit-search").send_keys("tan lap")  # without diacritics
        self.click(f'input[name="unit"][value="{COMMUNE}"]')
        self.find("#author").send_keys("Nguyễn Thị Lan")
        self.click("#start")
        self.wait.until(lambda d: d.execute_script("return document.body.dataset.page") == "tong-quan")
        self.find("#progress")

        self.open("#/dang-ky")
        self.find("#server-url").send_keys(self.server.url)
        self.find("#ca-file").send_keys(self.server.ca)
        self.find("#token").send_keys("sai-ma")
        self.click("#enrol")
        self.wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#enrol-message .notice.error"))
        # The server's reason is only the detail after the catalogue's sentence.
        self.assertTrue(self.find("#enrol-message").text.startswith("Máy chủ không nhận mã đăng ký này"))
        self.shot("03-dang-ky-loi")
        token = self.find("#token")
        token.clear()
        token.send_keys(self.server.token(COMMUNE, "clerk"))
        self.click("#enrol")
        self.wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#enrol-message .notice.ok"))
        self.shot("02-dang-ky")

        # Appendices 1-3: every cell this commune fills.
        years = None
        for appendix in ["PL1", "PL2", "PL3"]:
            self.open("#/phu-luc/" + appendix)
            names = [e.get_attribute("name") for e in d.find_elements(By.CSS_SELECTOR, "table.form input")]
            self.assertTrue(names, appendix + " has no input for a commune")
            years = sorted({n.split("@")[1] for n in names})
            if appendix == "PL1":
                # A bad value: its rule beside the cell, nothing stored.
                self.type_cell("PL1.4@2016", "-5")
                self.driver.execute_script("document.querySelector(`input[name='PL1.4@2016']`).scrollIntoView({block: 'center'})")
                self.assertIn("error", self.cell_state("PL1.4@2016"))
                self.assertNotEqual(self.cell_message("PL1.4@2016").strip(), "")
                self.shot("05-gia-tri-sai")
                self.assertEqual(self.stored("PL1.4", "2016"), "")
            if appendix == "PL3":
                # A pasted block with a bad cell: refused whole, the bad cell named.
                bad = pasted_block(len(years)).replace("18\t", "mười tám\t", 1)
                self.paste(f"PL3.6.a@{years[0]}", bad)
                self.wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#form-banner .notice.error"))
                self.assertIn("mười tám", d.find_element(By.ID, "form-banner").text + self.cell_message(f"PL3.6.b@{years[0]}"))
                self.assertIn("error", self.cell_state(f"PL3.6.b@{years[0]}"))
                self.assertEqual(self.stored("PL3.6.a", years[0]), "")
                self.paste(f"PL3.6.a@{years[0]}", pasted_block(len(years)))
                self.wait.until(lambda d: "saved" in self.cell_state(f"PL3.6.c@{years[-1]}"))
                self.assertEqual(self.stored("PL3.6.b", years[-1]), str(18 + len(years) - 1))
                # Spreadsheet keys: arrows and Enter move between the cells.
                start = self.cell(f"PL3.6.a@{years[0]}")
                d.execute_script("arguments[0].focus(); arguments[0].setSelectionRange(99, 99)", start)
                focused = lambda: d.switch_to.active_element.get_attribute("name")  # noqa: E731
                start.send_keys(Keys.ARROW_DOWN)
                self.assertEqual(focused(), f"PL3.6.b@{years[0]}")
                d.switch_to.active_element.send_keys(Keys.END, Keys.ARROW_RIGHT)
                self.assertEqual(focused(), f"PL3.6.b@{years[1]}")
                d.switch_to.active_element.send_keys(Keys.ENTER)
                self.assertEqual(focused(), f"PL3.6.c@{years[1]}")
                d.switch_to.active_element.send_keys(Keys.ARROW_UP, Keys.ARROW_UP)
                self.assertEqual(focused(), f"PL3.6.a@{years[1]}")
            for name in names:
                indicator, period = name.split("@")
                values = figures(years.index(period))
                if indicator in values:
                    self.type_cell(name, values[indicator])
                    self.assertIn("saved", self.cell_state(name), f"{name}: {self.cell_message(name)}")
            if appendix == "PL3":
                self.shot("04b-phu-luc-3-dan-khoi")
                d.execute_script("window.scrollTo(0, 0)")
                self.shot("04-phu-luc-3")
                visible = "return [...document.querySelectorAll('tr.not-ours')].filter(r => r.offsetParent).length"
                self.assertGreater(d.execute_script(visible), 0)
                self.click("#only-ours")  # only the rows this commune fills
                self.assertEqual(d.execute_script(visible), 0)
                self.shot("04c-phu-luc-3-chi-dong-cua-xa")
                self.click("#only-ours")
        self.assertEqual(self.stored("PL1.4", "2016"), "1")
        self.assertEqual(self.stored("PL2.1", years[-1]), str(len(years) - 1 + 3))
        self.assertEqual(self.stored("PL3.5.c.2", years[0]), "290")

        # The narrative: one section from a .docx, the others typed.
        self.open("#/thuyet-minh")
        areas = d.find_elements(By.CSS_SELECTOR, "textarea:not([disabled])")
        self.assertTrue(areas)
        sections = [a.get_attribute("name").split("@", 1)[1] for a in areas]
        docx = os.path.join(self.dir, "tinh-hinh.docx")
        make_docx(docx, ["Ủy ban nhân dân xã đã ban hành kế hoạch cải cách hành chính hằng năm.",
                         "Tỷ lệ hồ sơ giải quyết đúng hạn đạt trên 95%."])
        self.find(f'input[name="file@{sections[0]}"]').send_keys(docx)
        self.wait.until(lambda d: "kế hoạch cải cách" in self.find(f'textarea[name="text@{sections[0]}"]').get_property("value"))
        for section in sections[1:]:
            area = self.find(f'textarea[name="text@{section}"]')
            area.send_keys(f"Nội dung mục {section} của xã Tân Lập.")
            d.execute_script("arguments[0].blur()", area)  # leaving the box saves it
            self.wait.until(lambda d: "Đã lưu" in area.find_element(By.XPATH, "following-sibling::div[@class='section-msg']").text)
        d.execute_script("window.scrollTo(0, 0)")
        self.shot("06-thuyet-minh")
        self.assertIn("kế hoạch cải cách", tongket(self.store, "text", "get", sections[0]).stdout)

        # An award nomination (KT).
        self.open("#/danh-sach/KT")
        inputs = d.find_elements(By.CSS_SELECTOR, "#list-KT tr.new-row input")
        for i, box in enumerate(inputs):
            box.send_keys(["Cá nhân", "Trần Văn Bình", "UBND xã Tân Lập", "Hoàn thành xuất sắc nhiệm vụ CCHC", "Giấy khen"][i % 5])
        self.click("#add-row")
        self.wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#list-KT tr[data-row]"))
        self.shot("07-khen-thuong")
        self.assertIn("Trần Văn Bình", tongket(self.store, "rows", "list", "KT").stdout)
        self.delete_row_asks_in_vietnamese()

        # Overview with progress, then submit.
        self.open("#/tong-quan")
        self.shot("08-tong-quan")
        self.submit("09-nop-bao-cao")
        self.open("#/phu-luc/PL3")
        self.assertFalse(d.find_elements(By.CSS_SELECTOR, "table.form input"), "a submitted form is still editable")
        self.shot("10-bieu-mau-chi-xem")
        self.sync_in_browser()
        self.shot("11-dong-bo")

        # The district returns it from its CLI.
        tongket(self.district, "sync")
        self.assertIn(COMMUNE, tongket(self.district, "review", "pending").stdout)
        tongket(self.district, "review", "return", "--unit", COMMUNE, "--comment", "Đề nghị xem lại số PAKN năm " + years[-1])
        tongket(self.district, "sync")

        # The commune sees the comment, fixes, resubmits.
        self.sync_in_browser()
        self.open("#/tong-quan")
        self.assertIn("xem lại số PAKN", self.find("#reviewer-comment").text)
        self.shot("12-bi-tra-lai")

        # A second laptop of the commune edits the same cell first: a conflict, settled here.
        other = os.path.join(self.dir, "xa-may-2.db")
        tongket(other, "init", "--unit", COMMUNE, "--author", "Máy thứ hai")
        tongket(other, "enroll", "--server", self.server.url, "--ca", self.server.ca,
                "--token", self.server.token(COMMUNE, "clerk"))
        tongket(other, "sync")
        tongket(other, "set", "PL3.6.a", years[-1], "30")
        tongket(other, "sync")
        self.open("#/phu-luc/PL3")
        self.type_cell(f"PL3.6.a@{years[-1]}", 31)
        self.assertIn("saved", self.cell_state(f"PL3.6.a@{years[-1]}"))
        self.sync_in_browser()
        self.open("#/xung-dot")
        self.wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, ".conflict"))
        self.shot("13-xung-dot")
        sides = d.find_elements(By.CSS_SELECTOR, ".conflict .side")
        self.assertEqual(sorted(s.find_element(By.CSS_SELECTOR, ".value").text for s in sides), ["30", "31"])
        [mine] = [s for s in sides if s.find_element(By.CSS_SELECTOR, ".value").text == "31"]
        mine.find_element(By.TAG_NAME, "button").click()
        self.wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "main .notice.ok"))
        self.assertEqual(self.stored("PL3.6.a", years[-1]), "31")
        self.sync_in_browser()

        # The other laptop submits; this one, not yet told, edits: the server refuses the edit,
        # the page lists it with its value and reason, and re-applies it once returned again.
        tongket(other, "sync")
        tongket(other, "submit", "--override", "Đã đủ số liệu")
        tongket(other, "sync")
        self.open("#/phu-luc/PL3")
        self.type_cell(f"PL3.6.c@{years[-1]}", 12)
        self.sync_in_browser()
        self.open("#/tong-quan")
        refused = self.find("#refused table").text
        self.assertIn("12", refused)
        self.assertIn("Máy chủ không nhận thay đổi: báo cáo của", refused)
        self.shot("14-bi-tu-choi")
        tongket(self.district, "sync")
        tongket(self.district, "review", "return", "--unit", COMMUNE, "--comment", "Trả lại để cập nhật số PAKN")
        tongket(self.district, "sync")
        self.sync_in_browser()
        self.open("#/tong-quan")
        self.click("#refused button")
        self.wait.until(lambda d: "Đã áp dụng lại" in d.find_element(By.ID, "refused").text)
        self.assertEqual(self.stored("PL3.6.c", years[-1]), "12")
        self.submit(None)
        self.sync_in_browser()
        tongket(self.district, "sync")
        self.assertIn(COMMUNE, tongket(self.district, "review", "pending").stdout)
        self.assertEqual(tongket(self.district, "get", "PL3.6.c", years[-1], "--unit", COMMUNE).stdout.strip(), "12")
        self.assertEqual(tongket(self.district, "get", "PL3.6.a", years[-1], "--unit", COMMUNE).stdout.strip(), "31")
        # The server is gone: the sync retries with a visible wait, and Hủy stops it.
        self.server.stop()
        self.open("#/dong-bo")
        self.click("#sync-start")
        self.wait.until(lambda d: "thử lại sau" in d.find_element(By.ID, "sync-progress").text)
        self.assertIn("Không kết nối được máy chủ", self.driver.find_element(By.ID, "sync-progress").text)
        self.click("#sync-cancel")
        self.wait.until(lambda d: d.find_element(By.ID, "sync-result").text.strip() != "")
        self.assertIn("Đã hủy", self.driver.find_element(By.ID, "sync-result").text)
        self.shot("17-dong-bo-huy")

        # An export downloads.
        self.open("#/tong-quan")
        self.click("#export-docx")
        self.wait.until(lambda d: any(f.endswith(".docx") for f in os.listdir(self.downloads)))
        docx_out = [f for f in os.listdir(self.downloads) if f.endswith(".docx")][0]
        with open(os.path.join(self.downloads, docx_out), "rb") as f:
            self.assertEqual(f.read(2), b"PK")

    def submit(self, shot):
        self.open("#/nop-bao-cao")
        self.find("#submit")
        if self.driver.find_elements(By.ID, "override-reason"):
            self.find("#override-reason").send_keys("Xã không phát sinh số liệu ở các dòng còn trống.")
        if shot:
            self.shot(shot)
        self.click("#submit")
        self.wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#submit-message .notice"))
        self.assertIn("Đã nộp", self.driver.find_element(By.ID, "submit-message").text)


if __name__ == "__main__":
    unittest.main(verbosity=2)
