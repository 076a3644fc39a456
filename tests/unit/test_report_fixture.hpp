// A province's report filled with known values, built on the real template, for the
// export tests (docx, xlsx, csv, office).
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "tongket/paths.hpp"
#include "tongket/report/report_data.hpp"
#include "tongket/report_template.hpp"

namespace tongket::test {

struct SampleReport {
  ReportTemplate tpl = ReportTemplate::load(template_file());
  std::map<std::pair<std::string, std::string>, nlohmann::json> values{
      {{"PL3.1", "2015"}, 1234},
      {{"PL3.1", "2019"}, 1876},
      {{"PL3.1.a", "2019"}, 1102},
      {{"PL3.5.a.1", "2019"}, 1200},  // đã tiếp nhận
      {{"PL3.5.a.2", "2019"}, 1150},  // đã trả đúng hẹn
      {{"PL3.5.c.1", "2019"}, 800},
      {{"PL3.5.c.2", "2019"}, 790},
      {{"PL7.1", "2019"}, 45.5},
      {{"PL1.3.a", "2018"}, 1},
      {{"PL1.3.e", "2018"}, "Pa-nô, áp phích, \"tờ rơi\""},
      {{"PL4.I.1", "2001-2010"}, 20},
      {{"PL4.I.1", "2011-2020"}, 19},
      {{"PL4.I.5", "2011-2020"}, "Sáp nhập Sở Ngoại vụ"},
  };
  std::map<std::string, std::string> texts{
      {"P1.II.1.1.b", "Ban hành 12 văn bản & kế hoạch <2020>.\nRà soát 340 văn bản quy phạm."},
      {"KH.X.1.1", "Xã đã kiện toàn Ban Chỉ đạo CCHC."},
  };
  std::map<std::string, report::Assessment> goals{
      {"PL8.1", {true, "Giảm 10% chi phí"}},
      {"PL8.2", {false, "Mức hài lòng 78%"}},
  };
  std::map<std::string, std::vector<nlohmann::json>> rows{
      {"PL4.III",
       {{{"linh_vuc", "Giáo dục và đào tạo"},
         {"so_luong_2001_2010", 350},
         {"so_luong_2011_2020", 298},
         {"ghi_chu", "Sáp nhập trường"}}}},
  };

  report::ReportData data(UnitLevel level = UnitLevel::province,
                          std::string unit_name = "Tỉnh Tây Ninh") const {
    return report::ReportData{
        .tpl = tpl,
        .unit_code = level == UnitLevel::province ? "72" : "25459",
        .unit_name = std::move(unit_name),
        .level = level,
        .value = [this](const std::string& indicator,
                        const std::string& period) -> std::optional<nlohmann::json> {
          auto it = values.find({indicator, period});
          if (it == values.end()) return std::nullopt;
          return it->second;
        },
        .text = [this](const std::string& section) -> std::optional<std::string> {
          auto it = texts.find(section);
          if (it == texts.end()) return std::nullopt;
          return it->second;
        },
        .assessment = [this](const std::string& goal) -> std::optional<report::Assessment> {
          auto it = goals.find(goal);
          if (it == goals.end()) return std::nullopt;
          return it->second;
        },
        .rows =
            [this](const std::string& table) {
              auto it = rows.find(table);
              return it == rows.end() ? std::vector<nlohmann::json>{} : it->second;
            },
        .title = "",
        .date = "Tây Ninh, ngày 30 tháng 6 năm 2020",
        .doc = {},
        .coverage = {},
        .missing = {},
        .notes = {},
        .includes = {},
    };
  }
};

}  // namespace tongket::test
