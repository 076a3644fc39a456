#include "tongket/report/report_data.hpp"

#include "tongket/error.hpp"

namespace tongket::report {

Assessment Assessment::from_json(const nlohmann::json& value, const std::string& goal) {
  if (!value.is_object() || !value.contains("result") || !value["result"].is_string()) {
    throw Error(Errc::invalid_data,
                "assessment of goal " + goal + ": expected {\"result\": \"dat\"|\"khong_dat\"}");
  }
  const auto& result = value["result"].get_ref<const std::string&>();
  if (result != "dat" && result != "khong_dat") {
    throw Error(Errc::invalid_data, "assessment of goal " + goal + ": result \"" + result +
                                        "\" is neither \"dat\" nor \"khong_dat\"");
  }
  Assessment a;
  a.achieved = result == "dat";
  if (auto it = value.find("note"); it != value.end() && it->is_string()) a.note = *it;
  return a;
}

std::optional<nlohmann::json> ReportData::value_of(const std::string& indicator,
                                                   const std::string& period) const {
  if (!value) return std::nullopt;
  auto v = value(indicator, period);
  if (v && v->is_null()) return std::nullopt;
  return v;
}

std::optional<std::string> ReportData::text_of(const std::string& section) const {
  if (!text) return std::nullopt;
  return text(section);
}

std::optional<Assessment> ReportData::assessment_of(const std::string& goal) const {
  if (!assessment) return std::nullopt;
  return assessment(goal);
}

std::vector<nlohmann::json> ReportData::rows_of(const std::string& table) const {
  if (!rows) return {};
  return rows(table);
}

std::string ReportData::document_title() const {
  if (!title.empty()) return title;
  // The template's title reads "Báo cáo tổng kết ..."; a document's title line is upper-case
  // "BÁO CÁO" with the subject below it.
  const std::string lead = "Báo cáo ";
  std::string subject = tpl.title();
  if (subject.rfind(lead, 0) == 0) subject.erase(0, lead.size());
  if (!subject.empty() && subject[0] >= 'a' && subject[0] <= 'z') subject[0] -= 'a' - 'A';
  return "BÁO CÁO\n" + subject;
}

}  // namespace tongket::report
