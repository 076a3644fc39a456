// Realistic, deterministic report data for the real hierarchy: every commune's full report
// (every value the template lets a commune fill, every period, ~20 KB of narrative text over
// its sections), and the values districts, departments and provinces fill (for the roll-up).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "tongket/hierarchy.hpp"
#include "tongket/report_template.hpp"
#include "tongket/sync/changeset.hpp"

namespace tongket::bench {

struct GeneratedValue {
  std::string indicator;
  std::string period;
  double value = 0;
  ValueType type = ValueType::count;
};

struct GeneratedText {
  std::string section;
  std::string text;
};

class ReportGenerator {
 public:
  explicit ReportGenerator(const ReportTemplate& tpl);

  // Every number `unit` fills (its level's indicators; a department only those it answers).
  std::vector<GeneratedValue> values(const Unit& unit) const;
  // A commune's narrative: about text_bytes of Vietnamese prose over its writable sections.
  std::vector<GeneratedText> texts(const Unit& unit, std::size_t text_bytes = 20 * 1024) const;
  // A commune's full report as operations (ids 1.., base 0, all at `hlc`).
  std::vector<sync::Operation> full_report(const Unit& unit, std::uint64_t hlc) const;

  // How many of each a commune report has (for the docs).
  std::size_t commune_value_count() const;
  std::size_t commune_section_count() const;

 private:
  bool fills(const Unit& unit, const std::string& item) const;
  const ReportTemplate& tpl_;
  std::vector<const Indicator*> numeric_;  // count, percentage, flag indicators
  std::vector<const Section*> commune_sections_;
};

}  // namespace tongket::bench
