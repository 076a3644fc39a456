#include "report_generator.hpp"

#include <algorithm>
#include <array>

#include "tongket/field.hpp"

namespace tongket::bench {

namespace {

// FNV-1a: a stable hash so that every run generates the same data.
std::uint64_t fnv(std::string_view a, std::string_view b = {}, std::string_view c = {}) {
  std::uint64_t h = 1469598103934665603ULL;
  for (auto part : {a, b, c}) {
    for (unsigned char ch : part) {
      h ^= ch;
      h *= 1099511628211ULL;
    }
    h ^= 0xff;
    h *= 1099511628211ULL;
  }
  return h;
}

// Words of a commune's report, so that the text compresses like real prose does (a small
// phrase pool would compress far better than what clerks write).
constexpr std::array kWords = {"công tác",
                               "cải cách",
                               "hành chính",
                               "thủ tục",
                               "một cửa",
                               "liên thông",
                               "cán bộ",
                               "công chức",
                               "viên chức",
                               "nhân dân",
                               "Ủy ban",
                               "xã",
                               "thị trấn",
                               "phường",
                               "huyện",
                               "tỉnh",
                               "năm",
                               "giai đoạn",
                               "thực hiện",
                               "kết quả",
                               "đạt",
                               "chưa đạt",
                               "tiếp nhận",
                               "giải quyết",
                               "hồ sơ",
                               "đúng hạn",
                               "trễ hạn",
                               "tỷ lệ",
                               "phần trăm",
                               "văn bản",
                               "quy phạm",
                               "pháp luật",
                               "kiểm tra",
                               "rà soát",
                               "đơn giản",
                               "hóa",
                               "tổ chức",
                               "bộ máy",
                               "tinh gọn",
                               "biên chế",
                               "đào tạo",
                               "bồi dưỡng",
                               "chính phủ",
                               "điện tử",
                               "ứng dụng",
                               "công nghệ",
                               "thông tin",
                               "trực tuyến",
                               "dịch vụ",
                               "công",
                               "mức độ",
                               "3",
                               "4",
                               "tài chính",
                               "ngân sách",
                               "tự chủ",
                               "khoán",
                               "chi",
                               "hiện đại",
                               "trụ sở",
                               "trang thiết bị",
                               "ISO",
                               "9001",
                               "hài lòng",
                               "người dân",
                               "doanh nghiệp",
                               "khó khăn",
                               "hạn chế",
                               "nguyên nhân",
                               "bài học",
                               "kinh nghiệm",
                               "đề xuất",
                               "kiến nghị",
                               "phương hướng",
                               "nhiệm vụ",
                               "trọng tâm",
                               "chỉ đạo",
                               "điều hành",
                               "Đảng ủy",
                               "Hội đồng",
                               "Mặt trận",
                               "đoàn thể",
                               "tuyên truyền",
                               "phổ biến",
                               "quán triệt",
                               "kế hoạch",
                               "triển khai",
                               "đánh giá",
                               "tổng kết",
                               "sơ kết",
                               "báo cáo",
                               "định kỳ",
                               "thường xuyên",
                               "hiệu quả",
                               "hiệu lực",
                               "chất lượng",
                               "nâng cao",
                               "tăng cường",
                               "đổi mới",
                               "phương thức",
                               "lề lối",
                               "làm việc",
                               "kỷ luật",
                               "kỷ cương",
                               "trách nhiệm",
                               "người đứng đầu",
                               "phối hợp",
                               "cơ quan",
                               "đơn vị",
                               "địa phương",
                               "cơ sở",
                               "ấp",
                               "khu phố",
                               "2011",
                               "2015",
                               "2016",
                               "2017",
                               "2018",
                               "2019",
                               "2020",
                               "được",
                               "đã",
                               "các",
                               "của",
                               "và",
                               "trong",
                               "theo",
                               "với",
                               "cho",
                               "đến",
                               "nhằm",
                               "để",
                               "từ"};

// Syllables made up from Vietnamese onsets and rhymes: with the words above they give text
// that gzip compresses about as much as real prose (about 3:1), not the 8:1 of a small pool.
constexpr std::array kOnsets = {"",  "b",  "c", "ch", "d",  "đ",  "g",  "gi", "h",
                                "k", "kh", "l", "m",  "n",  "ng", "nh", "ph", "qu",
                                "r", "s",  "t", "th", "tr", "v",  "x"};
constexpr std::array kRhymes = {
    "a",    "á",   "à",   "ả",   "ã",   "ạ",   "ăn",   "ắc",  "ân",  "ấy",  "e",   "é",   "ê",
    "ế",    "ệ",   "i",   "í",   "ì",   "o",   "ó",    "ò",   "ô",   "ố",   "ồ",   "ơ",   "ớ",
    "ờ",    "u",   "ú",   "ù",   "ư",   "ứ",   "ừ",    "y",   "ai",  "ái",  "ào",  "áo",  "ương",
    "ường", "ước", "iên", "iến", "iệt", "uân", "uyên", "ông", "ống", "ộng", "anh", "ành", "inh",
    "ình",  "ung", "ùng", "ục",  "ực",  "ất",  "ật",   "ọc",  "oan", "oàn", "uốc", "ơn",  "ởi"};

std::string prose(std::uint64_t seed, std::size_t bytes) {
  std::string out;
  out.reserve(bytes + 64);
  std::uint64_t x = seed | 1;
  auto next = [&x] {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;  // xorshift64
    return x;
  };
  std::size_t in_sentence = 0;
  while (out.size() < bytes) {
    const std::uint64_t r = next();
    if (!out.empty() && out.back() != '\n') out += ' ';
    if (r % 100 < 55) {
      out += kWords[(r >> 8) % kWords.size()];
    } else if (r % 100 < 60) {
      out += std::to_string((r >> 8) % 1000);
    } else {
      out += kOnsets[(r >> 8) % kOnsets.size()];
      out += kRhymes[(r >> 16) % kRhymes.size()];
    }
    if (++in_sentence >= 8 + (r >> 32) % 14) {
      out += (r >> 40) % 5 == 0 ? ".\n" : ".";
      in_sentence = 0;
    }
  }
  return out;
}

}  // namespace

ReportGenerator::ReportGenerator(const ReportTemplate& tpl) : tpl_(tpl) {
  for (const auto& ind : tpl.indicators())
    if (ind.type == ValueType::count || ind.type == ValueType::percentage ||
        ind.type == ValueType::flag)
      numeric_.push_back(&ind);
  for (const auto& s : tpl.sections())
    if (s.writable &&
        std::find(s.levels.begin(), s.levels.end(), UnitLevel::commune) != s.levels.end())
      commune_sections_.push_back(&s);
}

bool ReportGenerator::fills(const Unit& unit, const std::string& item) const {
  if (!tpl_.level_fills(unit.level, item)) return false;
  if (unit.level != UnitLevel::department) return true;
  const auto dash = unit.code.find('-');
  return dash != std::string::npos && tpl_.department_answers(unit.code.substr(dash + 1), item);
}

std::vector<GeneratedValue> ReportGenerator::values(const Unit& unit) const {
  std::vector<GeneratedValue> out;
  for (const Indicator* ind : numeric_) {
    if (!fills(unit, ind->code)) continue;
    for (const auto& p : ind->periods) {
      const std::uint64_t h = fnv(unit.code, ind->code, p);
      double v = 0;
      switch (ind->type) {
        case ValueType::percentage:
          v = static_cast<double>(h % 1001) / 10.0;
          break;
        case ValueType::flag:
          v = static_cast<double>(h % 2);
          break;
        default:
          // Communes count in tens to hundreds; bigger units in thousands.
          v = static_cast<double>(h % (unit.level == UnitLevel::commune ? 400 : 5000));
          break;
      }
      out.push_back({ind->code, p, v, ind->type});
    }
  }
  return out;
}

std::vector<GeneratedText> ReportGenerator::texts(const Unit& unit, std::size_t text_bytes) const {
  std::vector<GeneratedText> out;
  if (unit.level != UnitLevel::commune || commune_sections_.empty()) return out;
  const std::size_t each = text_bytes / commune_sections_.size();
  for (const Section* s : commune_sections_)
    out.push_back({s->id, prose(fnv(unit.code, s->id), each)});
  return out;
}

std::vector<sync::Operation> ReportGenerator::full_report(const Unit& unit,
                                                          std::uint64_t hlc) const {
  std::vector<sync::Operation> ops;
  std::uint64_t id = 0;
  for (auto& v : values(unit)) {
    sync::Operation op;
    op.id = ++id;
    op.field = FieldKey::value(v.indicator, v.period).str();
    if (v.type == ValueType::percentage)
      op.value = v.value;
    else
      op.value = static_cast<std::int64_t>(v.value);
    op.hlc = hlc;
    ops.push_back(std::move(op));
  }
  for (auto& t : texts(unit)) {
    sync::Operation op;
    op.id = ++id;
    op.field = FieldKey::text(t.section).str();
    op.value = std::move(t.text);
    op.hlc = hlc;
    ops.push_back(std::move(op));
  }
  return ops;
}

std::size_t ReportGenerator::commune_value_count() const {
  std::size_t n = 0;
  Unit probe;
  probe.level = UnitLevel::commune;
  for (const Indicator* ind : numeric_)
    if (fills(probe, ind->code)) n += ind->periods.size();
  return n;
}

std::size_t ReportGenerator::commune_section_count() const {
  return commune_sections_.size();
}

}  // namespace tongket::bench
