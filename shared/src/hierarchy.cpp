// Loads the four units files, checks them, and answers lookups and name searches.
#include "tongket/hierarchy.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <unordered_map>

#include "tongket/csv.hpp"
#include "tongket/error.hpp"
#include "tongket/file.hpp"
#include "tongket/platform.hpp"

namespace tongket {

namespace {

struct StringHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};
template <typename T>
using StringMap = std::unordered_map<std::string, T, StringHash, std::equal_to<>>;

// What one units file holds and how its rows are checked.
struct FileSpec {
  const char* file;
  UnitLevel level;
  const char* parent_column;  // nullptr for provinces
  UnitLevel parent_level;
  std::vector<std::string_view> types;
};

const std::array<FileSpec, 4>& file_specs() {
  static const std::array<FileSpec, 4> specs = {{
      {"provinces.csv",
       UnitLevel::province,
       nullptr,
       UnitLevel::province,
       {"Tỉnh", "Thành phố Trung ương"}},
      {"districts.csv",
       UnitLevel::district,
       "province_code",
       UnitLevel::province,
       {"Quận", "Huyện", "Thị xã", "Thành phố"}},
      {"communes.csv",
       UnitLevel::commune,
       "district_code",
       UnitLevel::district,
       {"Phường", "Xã", "Thị trấn"}},
      {"departments.csv",
       UnitLevel::department,
       "province_code",
       UnitLevel::province,
       {"Sở", "Văn phòng", "Ban", "Thanh tra", "Cơ quan"}},
  }};
  return specs;
}

bool all_digits(std::string_view s, std::size_t n) {
  return s.size() == n &&
         std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c); });
}

// Folded words of a name: letters and digits, everything else separates.
std::vector<std::string> words_of(std::string_view folded) {
  std::vector<std::string> words;
  std::string word;
  for (char c : folded) {
    if (std::isalnum(static_cast<unsigned char>(c)) || static_cast<unsigned char>(c) >= 0x80) {
      word += c;
    } else if (!word.empty()) {
      words.push_back(std::move(word));
      word.clear();
    }
  }
  if (!word.empty()) words.push_back(std::move(word));
  return words;
}

std::string join(const std::vector<std::string>& words) {
  std::string out;
  for (const auto& w : words) {
    if (!out.empty()) out += ' ';
    out += w;
  }
  return out;
}

}  // namespace

const std::vector<std::string_view>& department_types() {
  return file_specs()[3].types;
}

// "72" (province), "703" (district), "25459" (commune), "72-SNV" (department).
const char* unit_code_problem(UnitLevel level, std::string_view code) {
  switch (level) {
    case UnitLevel::province:
      return all_digits(code, 2) ? nullptr : "a province code is 2 digits";
    case UnitLevel::district:
      return all_digits(code, 3) ? nullptr : "a district code is 3 digits";
    case UnitLevel::commune:
      return all_digits(code, 5) ? nullptr : "a commune code is 5 digits";
    case UnitLevel::department: {
      bool ok = code.size() > 3 && code.size() <= 16 && all_digits(code.substr(0, 2), 2) &&
                code[2] == '-' && std::all_of(code.begin() + 3, code.end(), [](unsigned char c) {
                  return std::isupper(c);
                });
      return ok ? nullptr
                : "a department code is <province code>-<KEY>, KEY in capital letters A-Z "
                  "(e.g. 72-SYT)";
    }
  }
  return "unknown level";
}

std::string added_department_problem(const Unit& unit) {
  if (const char* problem = unit_code_problem(UnitLevel::department, unit.code))
    return "--code " + unit.code +
           ": mã sở, ban, ngành có dạng <mã tỉnh>-<CHỮ IN HOA>, ví dụ "
           "72-SYT (" +
           problem + ")";
  if (!unit.code.starts_with(unit.parent + "-"))
    return "--code " + unit.code + ": mã phải bắt đầu bằng mã tỉnh " + unit.parent +
           "- (the "
           "code must start with its province's code " +
           unit.parent + "-)";
  if (unit.name.empty()) return "--name: tên đơn vị bị trống (the name is empty)";
  const auto& types = department_types();
  if (std::find(types.begin(), types.end(), unit.type) == types.end()) {
    std::string allowed;
    for (auto t : types) allowed += (allowed.empty() ? "" : ", ") + std::string(t);
    return "--type " + unit.type + ": loại đơn vị phải là một trong: " + allowed +
           " (the type must be one of these)";
  }
  return {};
}

struct Hierarchy::Impl {
  std::vector<Unit> units;
  StringMap<std::size_t> by_code;
  StringMap<std::vector<std::size_t>> children;
  // Per unit, for search: the folded name's words, joined, and without the type prefix.
  std::vector<std::vector<std::string>> name_words;
  std::vector<std::string> folded_name;
  std::vector<std::string> folded_bare_name;
  std::array<std::size_t, 4> counts{};

  const Unit* find(std::string_view code) const {
    auto it = by_code.find(code);
    return it == by_code.end() ? nullptr : &units[it->second];
  }

  void load_file(const std::filesystem::path& dir, const FileSpec& spec);
  void index_name(const Unit& unit);
};

void Hierarchy::Impl::load_file(const std::filesystem::path& dir, const FileSpec& spec) {
  const auto path = dir / spec.file;
  const std::string name = platform::path_to_utf8(path);
  const std::string text = read_file(path, "the units file");
  auto fail = [&](std::size_t line, std::string_view field, const std::string& what) {
    return Error(Errc::invalid_data,
                 name + ":" + std::to_string(line) + ": " + std::string(field) + ": " + what);
  };

  std::vector<std::string> columns = {"code", "name", "type"};
  if (spec.parent_column) columns.emplace_back(spec.parent_column);
  std::vector<std::size_t> column_at;  // index in the record of each of `columns`
  std::size_t width = 0;
  bool header_seen = false;

  for_each_csv_record(text, name, [&](const CsvRecord& rec) {
    if (!header_seen) {
      header_seen = true;
      width = rec.fields.size();
      for (const auto& col : columns) {
        auto it = std::find(rec.fields.begin(), rec.fields.end(), col);
        if (it == rec.fields.end()) throw fail(rec.line, col, "missing column in the header");
        column_at.push_back(static_cast<std::size_t>(it - rec.fields.begin()));
      }
      return;
    }
    if (rec.fields.size() != width) {
      throw fail(rec.line, "row",
                 "has " + std::to_string(rec.fields.size()) + " fields, the header has " +
                     std::to_string(width));
    }
    Unit unit;
    unit.level = spec.level;
    unit.code = rec.fields[column_at[0]];
    unit.name = rec.fields[column_at[1]];
    unit.type = rec.fields[column_at[2]];
    if (const char* problem = unit_code_problem(spec.level, unit.code))
      throw fail(rec.line, "code", "'" + unit.code + "': " + problem);
    if (by_code.contains(unit.code))
      throw fail(rec.line, "code", "'" + unit.code + "' appears twice");
    if (unit.name.empty()) throw fail(rec.line, "name", "is empty");
    if (std::find(spec.types.begin(), spec.types.end(), unit.type) == spec.types.end()) {
      std::string allowed;
      for (auto t : spec.types) allowed += (allowed.empty() ? "" : ", ") + std::string(t);
      throw fail(rec.line, "type", "'" + unit.type + "' is not one of: " + allowed);
    }
    if (spec.parent_column) {
      unit.parent = rec.fields[column_at[3]];
      const Unit* parent = find(unit.parent);
      if (!parent || parent->level != spec.parent_level) {
        throw fail(rec.line, spec.parent_column,
                   "'" + unit.parent + "' is not a known " +
                       std::string(level_name(spec.parent_level)) + " code");
      }
      if (spec.level == UnitLevel::department && !unit.code.starts_with(unit.parent + "-")) {
        throw fail(rec.line, "code",
                   "'" + unit.code + "' does not start with its province code " + unit.parent);
      }
    }
    by_code.emplace(unit.code, units.size());
    children[unit.parent].push_back(units.size());
    ++counts[static_cast<std::size_t>(unit.level)];
    units.push_back(std::move(unit));
  });
  if (!header_seen) throw fail(1, "header", "the file is empty");
}

void Hierarchy::Impl::index_name(const Unit& unit) {
  auto words = words_of(fold_vietnamese(unit.name));
  auto type_words = words_of(fold_vietnamese(unit.type));
  folded_name.push_back(join(words));
  // "Thị trấn Tân Biên" -> "tan bien": what people type.
  bool prefixed = type_words.size() < words.size() &&
                  std::equal(type_words.begin(), type_words.end(), words.begin());
  folded_bare_name.push_back(
      prefixed ? join(std::vector<std::string>(
                     words.begin() + static_cast<std::ptrdiff_t>(type_words.size()), words.end()))
               : folded_name.back());
  name_words.push_back(std::move(words));
}

Hierarchy Hierarchy::load(const std::filesystem::path& dir) {
  Hierarchy h;
  for (const auto& spec : file_specs()) h.impl_->load_file(dir, spec);
  h.impl_->name_words.reserve(h.impl_->units.size());
  for (const auto& unit : h.impl_->units) h.impl_->index_name(unit);
  return h;
}

void Hierarchy::add(Unit unit) {
  unit.level = UnitLevel::department;
  auto problem = added_department_problem(unit);
  const Unit* parent = find(unit.parent);
  if (problem.empty() && (!parent || parent->level != UnitLevel::province))
    problem = "--parent " + unit.parent + ": không có tỉnh, thành phố mã " + unit.parent +
              " (no province has this code)";
  if (problem.empty() && find(unit.code))
    problem =
        "--code " + unit.code + ": mã đã có (" + find(unit.code)->name + "; the code is taken)";
  if (!problem.empty()) throw Error(Errc::invalid_argument, problem);
  impl_->by_code.emplace(unit.code, impl_->units.size());
  impl_->children[unit.parent].push_back(impl_->units.size());
  ++impl_->counts[static_cast<std::size_t>(unit.level)];
  impl_->index_name(unit);
  impl_->units.push_back(std::move(unit));
}

const Unit* Hierarchy::find(std::string_view code) const {
  return impl_->find(code);
}

std::vector<const Unit*> Hierarchy::search(std::string_view query,
                                           std::optional<UnitLevel> level) const {
  const auto query_words = words_of(fold_vietnamese(query));
  if (query_words.empty()) return {};
  const std::string joined = join(query_words);
  // Rank: 0 the whole name (with or without its type) is the query, 1 every query word is a
  // whole word of the name, 2 every query word is part of the name.
  std::vector<std::pair<int, std::size_t>> hits;
  for (std::size_t i = 0; i < impl_->units.size(); ++i) {
    if (level && impl_->units[i].level != *level) continue;
    const auto& name = impl_->folded_name[i];
    bool all = std::all_of(query_words.begin(), query_words.end(),
                           [&](const std::string& w) { return name.find(w) != std::string::npos; });
    if (!all) continue;
    int rank = 2;
    if (name == joined || impl_->folded_bare_name[i] == joined) {
      rank = 0;
    } else {
      const auto& words = impl_->name_words[i];
      bool whole = std::all_of(query_words.begin(), query_words.end(), [&](const std::string& w) {
        return std::find(words.begin(), words.end(), w) != words.end();
      });
      if (whole) rank = 1;
    }
    hits.emplace_back(rank, i);
  }
  if (hits.empty() && query_words.size() > 1) {
    // "tan lap tan bien": the unit's name, then the name of a unit it lies in.
    for (std::size_t i = 0; i < impl_->units.size(); ++i) {
      if (level && impl_->units[i].level != *level) continue;
      const auto& own = impl_->folded_name[i];
      bool match = false;
      for (std::size_t k = 1; k < query_words.size() && !match; ++k) {
        const std::vector<std::string> head_words(query_words.begin(),
                                                  query_words.begin() + static_cast<long>(k));
        const std::vector<std::string> tail_words(query_words.begin() + static_cast<long>(k),
                                                  query_words.end());
        if (own.find(join(head_words)) == std::string::npos) continue;
        const std::string tail = join(tail_words);
        for (const Unit* up = impl_->find(impl_->units[i].parent); up && !match;
             up = impl_->find(up->parent)) {
          const auto& above =
              impl_->folded_name[static_cast<std::size_t>(up - impl_->units.data())];
          match = above.find(tail) != std::string::npos;
        }
      }
      if (match) hits.emplace_back(3, i);
    }
  }
  std::sort(hits.begin(), hits.end());  // by rank, then file order (province first)
  std::vector<const Unit*> out;
  out.reserve(hits.size());
  for (auto [rank, i] : hits) out.push_back(&impl_->units[i]);
  return out;
}

std::vector<const Unit*> Hierarchy::children(std::string_view code) const {
  std::vector<const Unit*> out;
  if (code.empty()) return out;  // provinces have an empty parent; they are not "children"
  if (auto it = impl_->children.find(code); it != impl_->children.end()) {
    for (auto i : it->second) out.push_back(&impl_->units[i]);
  }
  return out;
}

std::vector<const Unit*> Hierarchy::path(std::string_view code) const {
  std::vector<const Unit*> out;
  for (const Unit* u = find(code); u; u = u->parent.empty() ? nullptr : find(u->parent)) {
    out.push_back(u);
  }
  std::reverse(out.begin(), out.end());
  return out;
}

bool Hierarchy::within(std::string_view code, std::string_view ancestor) const {
  for (const Unit* u = find(code); u; u = u->parent.empty() ? nullptr : find(u->parent)) {
    if (u->code == ancestor) return true;
  }
  return false;
}

const std::vector<Unit>& Hierarchy::units() const {
  return impl_->units;
}

std::size_t Hierarchy::count(UnitLevel level) const {
  return impl_->counts[static_cast<std::size_t>(level)];
}

Hierarchy::Hierarchy() : impl_(std::make_unique<Impl>()) {}
Hierarchy::~Hierarchy() = default;
Hierarchy::Hierarchy(Hierarchy&&) noexcept = default;
Hierarchy& Hierarchy::operator=(Hierarchy&&) noexcept = default;

}  // namespace tongket
