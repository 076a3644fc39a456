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

  Hierarchy();
  ~Hierarchy();
  Hierarchy(Hierarchy&&) noexcept;
  Hierarchy& operator=(Hierarchy&&) noexcept;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace tongket
