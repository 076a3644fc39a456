"""A district reviewer's round through the web app in real headless Chromium, with a real
tongket-server and two communes' real CLIs: the district (Huyện Tân Biên, 705) sees Xã Tân Lập
submitted and Xã Thạnh Bắc in draft, opens Tân Lập's report read-only, returns it with a
comment (the commune's CLI sees the comment after sync), the commune fixes a figure and
resubmits, the reviewer sees what changed, accepts, sees completeness and the roll-up, drills a
cell down into its contributing and missing units, and downloads the rolled-up .docx.
Screenshots go to $TONGKET_SCREENSHOTS (docs/screenshots via scripts/ui-screenshots.sh), else
to a temp dir."""
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(__file__))
from ui_support import Round, tongket  # noqa: E402

from selenium.webdriver.common.by import By  # noqa: E402

DISTRICT, SUBMITTED, DRAFT = "705", "25489", "25492"  # Huyện Tân Biên, Xã Tân Lập, Xã Thạnh Bắc
YEAR = "2020"


class DistrictReview(Round, unittest.TestCase):
    def setUp(self):
        self.start_round("tongket-ui-review-")
        self.communes = {code: self.enrolled_store(f"xa-{code}.db", code, author, "clerk")
                         for code, author in [(SUBMITTED, "Nguyễn Thị Lan"), (DRAFT, "Lê Văn Hùng")]}
        self.district = self.enrolled_store("huyen.db", DISTRICT, "Phòng Nội vụ huyện Tân Biên",
                                            "district_reviewer")
        self.start_app(self.district)

    def commune(self, code, *args):
        return tongket(self.communes[code], *args)

    def unit_row(self, code):
        return self.find(f'#units-below tr[data-unit="{code}"]')

    def test_a_district_returns_a_commune_report_then_accepts_the_fix_and_rolls_up(self):
        d = self.driver
        # Tân Lập fills appendix 3's one-stop-shop figures and submits; Thạnh Bắc only starts.
        for indicator, value in [("PL3.6.a", 20), ("PL3.6.b", 18), ("PL3.6.c", 15)]:
            self.commune(SUBMITTED, "set", indicator, YEAR, str(value))
        self.commune(SUBMITTED, "submit", "--override", "Xã chỉ báo cáo số liệu năm 2020 trong lần thử này.")
        self.commune(SUBMITTED, "sync")
        self.commune(DRAFT, "set", "PL3.6.a", YEAR, "7")
        self.commune(DRAFT, "sync")

        self.sign_in()
        self.sync_in_browser()

        # The units below with their state and deadline.
        self.open("#/cap-duoi")
        self.assertEqual(self.unit_row(SUBMITTED).find_element(By.CSS_SELECTOR, "[data-state]").get_attribute("data-state"), "submitted")
        self.assertEqual(self.unit_row(DRAFT).find_element(By.CSS_SELECTOR, "[data-state]").get_attribute("data-state"), "draft")
        self.assertIn("10/03/2020", self.unit_row(SUBMITTED).text)  # the communes' deadline
        self.assertIn("trễ hạn", self.unit_row(DRAFT).text)  # past it, not submitted
        self.assertIn("chờ xem xét", self.find("#nav").text)
        self.shot("18-cap-duoi")

        # Tân Lập's report, read-only; returned with a comment.
        self.click(f'#units-below tr[data-unit="{SUBMITTED}"] a')
        self.wait.until(lambda d: d.execute_script("return document.body.dataset.page") == "xem-xet")
        self.click(f'p.tabs a[href="#/xem-xet/{SUBMITTED}/PL3"]')
        self.wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, f'#review-form [data-name="PL3.6.a@{YEAR}"]'))
        self.assertEqual(self.find(f'#review-form [data-name="PL3.6.a@{YEAR}"]').text, "20")
        self.assertFalse(d.find_elements(By.CSS_SELECTOR, "#review-form input"), "the unit's report is editable")
        self.assertIn("lần nộp đầu tiên", self.find("#changes").text)
        self.click("#give-back")  # without a comment: refused, nothing written
        self.wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#decide-message .notice.error"))
        self.assertIn("hãy ghi ý kiến", self.find("#decide-message").text)
        self.assertEqual(self.find("#unit-state [data-state]").get_attribute("data-state"), "submitted")
        comment = "Đề nghị xem lại số hồ sơ tiếp nhận năm 2020"
        self.find("#review-comment").send_keys(comment)
        d.execute_script("window.scrollTo(0, 0)")
        self.shot("19-xem-bao-cao-xa")
        self.click("#give-back")
        self.wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#decide-message .notice.ok"))
        self.assertEqual(self.find("#unit-state [data-state]").get_attribute("data-state"), "returned")
        self.sync_in_browser()

        # The commune's CLI sees the comment, fixes the figure, resubmits.
        self.commune(SUBMITTED, "sync")
        self.assertIn(comment, self.commune(SUBMITTED, "status").stdout)
        self.commune(SUBMITTED, "set", "PL3.6.a", YEAR, "25")
        self.commune(SUBMITTED, "submit", "--override", "Đã sửa số hồ sơ theo ý kiến của huyện.")
        self.commune(SUBMITTED, "sync")

        # The reviewer sees what changed since the previous submission, and accepts.
        self.sync_in_browser()
        self.open("#/xem-xet/" + SUBMITTED)
        changed = self.find(f'#changes tr[data-field="v:PL3.6.a:{YEAR}"]')
        self.assertEqual(changed.find_element(By.CSS_SELECTOR, ".before").text, "20")
        self.assertEqual(changed.find_element(By.CSS_SELECTOR, ".after").text, "25")
        self.assertEqual(len(d.find_elements(By.CSS_SELECTOR, "#changes tbody tr")), 1)
        self.shot("20-thay-doi-khi-nop-lai")
        self.click("#accept")
        self.wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#decide-message .notice.ok"))
        self.assertEqual(self.find("#unit-state [data-state]").get_attribute("data-state"), "accepted")
        self.sync_in_browser()
        self.commune(SUBMITTED, "sync")
        status = self.commune(SUBMITTED, "status").stdout  # in the environment's language
        self.assertTrue("accepted" in status or "được tiếp nhận" in status, status)

        # Completeness: 10 communes, 1 accepted, 9 not submitted (Thạnh Bắc among them).
        self.open("#/cap-duoi")
        tally = self.find("#completeness tbody tr").find_elements(By.TAG_NAME, "td")
        self.assertEqual([t.text for t in tally[1:5]], ["10", "0", "1", "0"])
        self.assertTrue(tally[6].text.startswith("9"))
        self.assertIn("Xã Thạnh Bắc", tally[6].text)
        self.assertEqual(self.unit_row(SUBMITTED).find_element(By.CSS_SELECTOR, "[data-state]").get_attribute("data-state"), "accepted")
        self.shot("21-muc-do-day-du")

        # The roll-up: PL3.6.a for 2020 drilled down into its contributing units (Tân Lập's 25)
        # and the communes with nothing for it (Tân Bình sent nothing at all).
        self.open("#/tong-hop/PL3")
        self.assertEqual(self.find("#coverage").text, "Số liệu tổng hợp từ 1/10 đơn vị")
        self.click("#coverage-missing summary")
        self.assertIn("Xã Thạnh Bắc", self.find("#coverage-missing").text)  # its draft: not counted
        self.shot("22-tong-hop")
        self.click(f'#rollup-PL3 td[data-name="PL3.6.a@{YEAR}"] button')
        self.wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#drill-contributors tbody tr[data-unit]"))
        rows = {r.get_attribute("data-unit"): r.text for r in d.find_elements(By.CSS_SELECTOR, "#drill-contributors tbody tr[data-unit]")}
        # Only units with a figure contribute (Thạnh Bắc's draft 7 until roll-ups take accepted
        # reports only: branch `report`).
        self.assertEqual(set(rows) - {DRAFT}, {SUBMITTED})
        self.assertIn("25", rows[SUBMITTED])
        self.assertIn("Xã Tân Bình (25495)", self.find("#drill-missing").text)
        self.shot("23-tong-hop-chi-tiet")

        # The rolled-up report downloads as Word.
        self.click("#export-rollup-docx")
        self.wait.until(lambda d: any(f.endswith(".docx") for f in os.listdir(self.downloads)))
        [docx] = [f for f in os.listdir(self.downloads) if f.endswith(".docx")]
        self.assertIn("tong-hop", docx)
        with open(os.path.join(self.downloads, docx), "rb") as f:
            self.assertEqual(f.read(2), b"PK")


if __name__ == "__main__":
    unittest.main(verbosity=2)
