// The report template loader on arbitrary text: it must load or throw tongket::Error.
#include <cstddef>
#include <cstdint>
#include <string>

#include "tongket/error.hpp"
#include "tongket/report_template.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    const auto tpl = tongket::ReportTemplate::parse(text, "fuzz.json");
    // Touch the lookups the load computed (responsible departments, children).
    for (const auto& ind : tpl.indicators()) (void)tpl.children_of(ind.code);
  } catch (const tongket::Error&) {
  }
  return 0;
}
