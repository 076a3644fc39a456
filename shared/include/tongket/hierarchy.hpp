// The administrative hierarchy: provinces, districts, communes (GSO codes) and the
// provincial departments (Sở) that report under each province.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tongket {

enum class UnitLevel { province, district, commune, department };

std::string_view level_name(UnitLevel level);  // "province", "district", "commune", "department"
std::optional<UnitLevel> parse_level(std::string_view name);

struct Unit {
  std::string code;  // GSO code as text ("72", "703", "25459"); departments "72-SNV"
  std::string name;  // official name with its type prefix ("Xã Tân Lập")
  std::string type;  // "Tỉnh", "Huyện", "Xã", "Sở", ...
  UnitLevel level = UnitLevel::commune;
  std::string parent;  // parent unit's code; empty for a province
};

// The types a department may have: the units files' ("Sở", "Văn phòng") and what an
// administrator may add as the province's other "sở, ban, ngành" ("Ban", "Thanh tra", ...).
const std::vector<std::string_view>& department_types();

// Why `code` is not a code of `level` ("a department code is <province code>-<KEY> ..."), or
// nullptr when it is one. The one rule for codes: the units files and `units add` use it.
const char* unit_code_problem(UnitLevel level, std::string_view code);

// What is wrong with a department an administrator adds (`tongket-server units add`): its
// code (form, its province's prefix), name or type, as "field: problem" in English and
// Vietnamese; "" when nothing is. Whether its parent is a province and its code is new is the
// caller's check (against its hierarchy or its store).
std::string added_department_problem(const Unit& unit);

// Lower-cases and strips Vietnamese diacritics ("Tân Biên" -> "tan bien", "Đ" -> "d").
std::string fold_vietnamese(std::string_view text);

class Hierarchy {
 public:
  // Reads provinces.csv, districts.csv, communes.csv and departments.csv from `dir`.
  // Throws Error(invalid_data) naming the file, line and field of anything malformed.
  static Hierarchy load(const std::filesystem::path& dir);

  const Unit* find(std::string_view code) const;
  // Units whose folded name contains every folded word of `query` (e.g. "tan bien").
  // An optional level narrows it. Exact-name matches come first.
  std::vector<const Unit*> search(std::string_view query,
                                  std::optional<UnitLevel> level = std::nullopt) const;
  std::vector<const Unit*> children(std::string_view code) const;
  // The chain from the province down to `code` itself; empty if unknown.
  std::vector<const Unit*> path(std::string_view code) const;
  // Whether `code` is `ancestor` or lies below it.
  bool within(std::string_view code, std::string_view ancestor) const;
  const std::vector<Unit>& units() const;
  std::size_t count(UnitLevel level) const;

  // Adds a department an administrator created on the server after the units files were
  // made (synced to the client as a "unit" event). Throws Error(invalid_argument) naming what
  // is wrong (added_department_problem, an unknown or non-province parent, a code already
  // used) and changes nothing then. Pointers taken from find/search/children/path before an
  // add may dangle after it.
  void add(Unit unit);

  Hierarchy();
  ~Hierarchy();
  Hierarchy(Hierarchy&&) noexcept;
  Hierarchy& operator=(Hierarchy&&) noexcept;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace tongket
