"""The province's report in the web app, in real headless Chromium, with a real tongket-server
and a department's real CLI: Sở Tư pháp (72-STP) writes its part of section P1.II.1.2 and
submits; the province (72, Tây Ninh) sees that text beside its own section, accepts the
department's report, takes the text in (the same core call as `tongket take-in`: the CLI reads
it back), fills its document frame (Nghị định 30/2020) under the catalogue's Vietnamese labels
(the CLI shows the same labels and values; the date typed and shown day/month/year, an
impossible one refused with the stored date kept), and sees the roll-up's coverage ("Số liệu tổng
hợp từ X/Y đơn vị") with the units not counted, as `tongket rollup` prints it, also in the
rolled-up exports. Screenshots go to $TONGKET_SCREENSHOTS (docs/screenshots), else a temp dir."""
import base64
import io
import os
import sys
import unittest
import zipfile

sys.path.insert(0, os.path.dirname(__file__))
from ui_support import Round, run, tongket, CLIENT  # noqa: E402

from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402

PROVINCE, DEPARTMENT, SECTION = "72", "72-STP", "P1.II.1.2"
STP_TEXT = "Sở Tư pháp: công tác rà soát văn bản quy phạm pháp luật còn chậm ở cấp huyện."
VIETNAMESE = dict(os.environ, LANG="vi_VN.UTF-8")


class ProvinceReport(Round, unittest.TestCase):
    def setUp(self):
        self.start_round("tongket-ui-province-")
        self.stp = self.enrolled_store("so-tu-phap.db", DEPARTMENT, "Cán bộ Sở Tư pháp", "clerk")
        run([CLIENT, "text", "set", SECTION, "--store", self.stp], input=STP_TEXT + "\n")
        tongket(self.stp, "submit", "--override", "Sở chỉ viết phần thuyết minh trong lần thử này.")
        tongket(self.stp, "sync")
        self.province = self.enrolled_store("tinh.db", PROVINCE, "Văn phòng UBND tỉnh", "province_reviewer")
        self.start_app(self.province)

    def contribution(self):
        return self.find(f'div.contributions[data-section="{SECTION}"] div.contribution[data-department="{DEPARTMENT}"]')

    def fetch(self, path):
        """The bytes the app serves at `path`, fetched by the page itself (its cookie)."""
        encoded = self.driver.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "fetch(arguments[0]).then((r) => r.arrayBuffer()).then((b) => {"
            "  let s = ''; const u = new Uint8Array(b);"
            "  for (let i = 0; i < u.length; i++) s += String.fromCharCode(u[i]);"
            "  done(btoa(s)); });", path)
        return base64.b64decode(encoded)

    def test_the_province_takes_in_a_department_text_sets_its_document_frame_and_sees_coverage(self):
        d = self.driver
        self.sign_in()
        self.sync_in_browser()

        # The department's text beside the province's own section, not accepted, not taken in.
        self.open("#/thuyet-minh")
        box = self.contribution()
        self.assertIn("Sở Tư pháp tỉnh Tây Ninh", box.text)
        self.assertIn(STP_TEXT, box.find_element(By.CSS_SELECTOR, ".contribution-text").text)
        self.assertEqual(box.find_element(By.CSS_SELECTOR, "[data-accepted]").get_attribute("data-accepted"), "false")
        self.assertEqual(box.find_element(By.CSS_SELECTOR, "[data-taken-in]").get_attribute("data-taken-in"), "false")

        # The province accepts the department's report (the reviewer's page).
        self.open("#/xem-xet/" + DEPARTMENT)
        self.click("#accept")
        self.wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#decide-message .notice.ok"))

        # It takes the text in: the section's text holds it, and the CLI reads the same.
        self.open("#/thuyet-minh")
        box = self.contribution()
        self.assertEqual(box.find_element(By.CSS_SELECTOR, "[data-accepted]").get_attribute("data-accepted"), "true")
        area = self.find(f'textarea[name="text@{SECTION}"]')
        self.assertNotIn(STP_TEXT, area.get_attribute("value"))
        d.execute_script("arguments[0].scrollIntoView({block: 'center'})", box)
        self.shot("24-thuyet-minh-cua-so")
        box.find_element(By.CSS_SELECTOR, "button.take-in").click()
        self.wait.until(lambda d: self.contribution().find_element(By.CSS_SELECTOR, "[data-taken-in]")
                        .get_attribute("data-taken-in") == "true")
        self.assertIn(STP_TEXT, self.find(f'textarea[name="text@{SECTION}"]').get_attribute("value"))
        self.assertFalse(self.contribution().find_elements(By.CSS_SELECTOR, "button.take-in"))
        self.assertIn(STP_TEXT, tongket(self.province, "text", "get", SECTION).stdout)
        self.assertIn("taken in", tongket(self.province, "contributions", SECTION).stdout)
        # Again after a reload: kept.
        self.open("#/thuyet-minh")
        self.assertIn(STP_TEXT, self.find(f'textarea[name="text@{SECTION}"]').get_attribute("value"))

        # The document frame, under the catalogue's labels (the CLI's, in Vietnamese).
        self.open("#/van-ban")
        cli_doc = run([CLIENT, "document", "--store", self.province], env=VIETNAMESE).stdout
        labels = {}
        for element in d.find_elements(By.CSS_SELECTOR, "#document-form label.field"):
            name = element.get_attribute("data-field")
            labels[name] = element.text.split("\n")[0].strip()
            self.assertIn(f"{name} ({labels[name]})", cli_doc)
        self.assertEqual(len(labels), 9)
        self.assertEqual(labels["noi_nhan"], "Nơi nhận (mỗi nơi một dòng)")
        self.assertEqual(labels["nguoi_ky"], "Họ tên người ký")
        self.assertEqual(labels["ngay"], "Ngày ban hành (ngày/tháng/năm, vd. 25/06/2020)")
        # The date typed as a clerk writes it (d/m/yyyy); the core stores it, the page shows dd/mm/yyyy.
        values = {"co_quan": "ỦY BAN NHÂN DÂN TỈNH TÂY NINH", "so_ky_hieu": "125/BC-UBND",
                  "dia_danh": "Tây Ninh", "ngay": "25/6/2020", "tham_quyen": "TM. ỦY BAN NHÂN DÂN",
                  "chuc_vu": "CHỦ TỊCH", "nguoi_ky": "Nguyễn Thanh Ngọc"}
        for name, value in values.items():
            field = self.find(f'input[name="VB.{name}"]')
            field.send_keys(value, Keys.TAB)
            self.wait.until(lambda d: "Đã lưu" in self.find(f'label[data-field="{name}"] .field-msg').text)
        self.assertEqual(self.find('input[name="VB.ngay"]').get_attribute("value"), "25/06/2020")
        recipients = self.find('textarea[name="VB.noi_nhan"]')
        recipients.send_keys("Bộ Nội vụ;", Keys.ENTER, "Lưu: VT, SNV.")
        self.click('input[name="VB.co_quan_chu_quan"]')  # leaving it saves it
        self.wait.until(lambda d: "Đã lưu" in self.find('label[data-field="noi_nhan"] .field-msg').text)
        self.shot("25-the-thuc-van-ban")
        self.open("#/van-ban")
        self.assertEqual(self.find('input[name="VB.so_ky_hieu"]').get_attribute("value"), "125/BC-UBND")
        self.assertEqual(self.find('textarea[name="VB.noi_nhan"]').get_attribute("value"), "Bộ Nội vụ;\nLưu: VT, SNV.")
        cli_doc = run([CLIENT, "document", "--store", self.province], env=VIETNAMESE).stdout
        self.assertIn("so_ky_hieu (Số, ký hiệu (vd. 125/BC-UBND)): 125/BC-UBND", cli_doc)
        self.assertIn("nguoi_ky (Họ tên người ký): Nguyễn Thanh Ngọc", cli_doc)
        date_line = "ngay (Ngày ban hành (ngày/tháng/năm, vd. 25/06/2020)): 25/06/2020"
        self.assertEqual(self.find('input[name="VB.ngay"]').get_attribute("value"), "25/06/2020")
        self.assertIn(date_line, cli_doc)

        # A day February 2020 does not have: refused naming the field, the stored date kept.
        date = self.find('input[name="VB.ngay"]')
        date.send_keys(Keys.CONTROL, "a")
        date.send_keys("31/02/2020", Keys.TAB)
        error = self.find('label[data-field="ngay"] .field-msg .notice.error')
        self.assertIn('Ngày ban hành "31/02/2020" không phải là một ngày có thật', error.text)
        self.assertIn("ngày/tháng/năm", error.text)
        self.assertNotIn("Đã lưu", self.find('label[data-field="ngay"] .field-msg').text)
        self.open("#/van-ban")
        self.assertEqual(self.find('input[name="VB.ngay"]').get_attribute("value"), "25/06/2020")
        self.assertIn(date_line, run([CLIENT, "document", "--store", self.province], env=VIETNAMESE).stdout)

        # The roll-up's coverage and the units not counted, as the CLI prints them.
        rollup = run([CLIENT, "rollup", "PL3", "--store", self.province], env=VIETNAMESE).stdout
        line = next(x for x in rollup.splitlines() if x.startswith("Số liệu tổng hợp từ "))
        missing = next(x for x in rollup.splitlines() if x.startswith("chưa có báo cáo được chấp nhận của: "))
        missing = [x for x in missing.split(": ", 1)[1].split(", ") if not x.startswith("...")]
        self.open("#/tong-hop/PL3")
        coverage = self.find("#coverage")
        self.assertEqual(coverage.text, line)
        self.assertEqual(coverage.get_attribute("data-counted"), "1")  # Sở Tư pháp only
        self.click("#coverage-missing summary")
        self.assertIn(f"{int(coverage.get_attribute('data-total')) - 1} đơn vị", self.find("#coverage-missing summary").text)
        shown = self.find("#coverage-missing").text
        for name in missing:
            self.assertIn(name, shown)
        self.assertNotIn("Sở Tư pháp", shown)
        self.assertIn(line, self.find("#export-coverage").text)
        self.shot("26-tong-hop-bao-phu")
        self.open("#/cap-duoi")
        self.assertEqual(self.find("#coverage").text, line)

        # The rolled-up exports say the same, and carry the frame and the taken-in text.
        csv = self.fetch("/api/export/csv?tong-hop=1").decode("utf-8")
        self.assertIn(line, csv)
        docx = zipfile.ZipFile(io.BytesIO(self.fetch("/api/export/docx?tong-hop=1")))
        body = docx.read("word/document.xml").decode("utf-8")
        for text in [line, "125/BC-UBND", "Nguyễn Thanh Ngọc", "Sở Tư pháp: công tác rà soát",
                     "Tây Ninh, ngày 25 tháng 6 năm 2020"]:
            self.assertIn(text, body)


if __name__ == "__main__":
    unittest.main(verbosity=2)
