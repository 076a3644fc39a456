// The store's data as the report library and the roll-up see it: a unit's own figures, or
// rolled up over the units below it (a reviewer's store holds its scope's data).
#pragma once

#include <memory>
#include <string>

#include "cli/context.hpp"
#include "tongket/report/report_data.hpp"
#include "tongket/rollup.hpp"

namespace tongket::cli {

// Own values and assessments of any unit, read from the local store.
class StoreSource final : public ReportSource {
 public:
  explicit StoreSource(ClientStore& store) : store_(store) {}
  std::optional<double> value(const std::string& unit, const std::string& indicator,
                              const std::string& period) const override;
  std::optional<std::string> assessment(const std::string& unit,
                                        const std::string& goal) const override;

 private:
  ClientStore& store_;
};

// The rows of a repeating table: the unit's own, or (rolled up) every contributor's, each
// with the unit's name in its "don_vi" column when it has one and it is empty.
std::vector<nlohmann::json> table_rows(Context& ctx, const std::string& unit,
                                       const std::string& table, bool rolled_up);

// What an export of `unit` holds; `rollup` must outlive the result when rolled_up.
report::ReportData report_data(Context& ctx, const std::string& unit, bool rolled_up,
                               const Rollup* rollup);

}  // namespace tongket::cli
