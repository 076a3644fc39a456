// The unit's stored values as CSV, in the format the client imports:
// header "indicator,period,value", one row per indicator and period that has a value.
#pragma once

#include <ostream>

#include "tongket/report/report_data.hpp"

namespace tongket::report {

// Values are written as a user would type them (parse_user_value reads them back):
// counts "12", percentages "45,5", flags "1"/"0", text as is. Ratios are computed, not
// stored, so they are left out.
void write_csv(const ReportData& data, std::ostream& out);

}  // namespace tongket::report
