"""A department (Sở Nội vụ of Tây Ninh) in the web app, in real headless Chromium: appendix 8
goals it assesses (Đạt / Không đạt with a note, saved on change, read back with the CLI's
`tongket show PL8`), and a row of models and initiatives (MH). Screenshots as the round test."""
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(__file__))
from ui_support import Round, tongket  # noqa: E402

from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support import expected_conditions as EC  # noqa: E402
from selenium.webdriver.support.ui import Select  # noqa: E402

DEPARTMENT = "72-SNV"


class DepartmentGoals(Round, unittest.TestCase):
    def setUp(self):
        self.start_round("tongket-ui-goals-", server=False)
        self.store = os.path.join(self.dir, "snv.db")
        tongket(self.store, "init", "--unit", DEPARTMENT, "--author", "Phòng CCHC Sở Nội vụ")
        self.start_app(self.store)

    def test_a_department_assesses_its_goals_and_adds_a_model(self):
        d = self.driver
        d.get(self.ui.url)
        self.wait.until(lambda d: d.execute_script("return document.body.dataset.page") == "tong-quan")
        self.open("#/muc-tieu")
        selects = d.find_elements(By.CSS_SELECTOR, "#goals select:not([disabled])")
        self.assertTrue(selects, "Sở Nội vụ assesses no goal in the page")
        goal = selects[0].get_attribute("name").split("@", 1)[1]
        note = d.find_element(By.CSS_SELECTOR, f'input[name="note@{goal}"]')
        note.send_keys("Đạt trước thời hạn")
        Select(selects[0]).select_by_value("dat")
        row = selects[0].find_element(By.XPATH, "ancestor::tr")
        self.wait.until(lambda d: "✓" in row.find_element(By.CSS_SELECTOR, ".cell-msg").text)
        if len(selects) > 1:
            Select(selects[1]).select_by_value("khong_dat")
            row2 = selects[1].find_element(By.XPATH, "ancestor::tr")
            self.wait.until(lambda d: "✓" in row2.find_element(By.CSS_SELECTOR, ".cell-msg").text)
        self.shot("15-muc-tieu")
        shown = tongket(self.store, "show", "PL8").stdout
        self.assertIn("Đạt trước thời hạn", shown)

        self.open("#/danh-sach/MH")
        inputs = d.find_elements(By.CSS_SELECTOR, "#list-MH tr.new-row input")
        values = ["Một cửa điện tử liên thông", "Sở Nội vụ", "Tiếp nhận hồ sơ trực tuyến", "2019", "Giảm 30% thời gian"]
        for box, value in zip(inputs, values):
            box.send_keys(value)
        button = self.wait.until(EC.element_to_be_clickable((By.ID, "add-row")))
        d.execute_script("arguments[0].scrollIntoView({block: 'center'})", button)
        button.click()
        self.wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#list-MH tr[data-row]"))
        self.shot("16-mo-hinh")
        self.assertIn("Một cửa điện tử liên thông", tongket(self.store, "rows", "list", "MH").stdout)


if __name__ == "__main__":
    unittest.main(verbosity=2)
