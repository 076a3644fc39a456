// The installed template (paths.hpp template_file()), parsed once per process and shared by
// every Workspace (read-only, so safe across threads). Private to client/src/core.
#pragma once

#include <cstdint>
#include <memory>

#include "tongket/report_template.hpp"

namespace tongket::client {

// Throws like ReportTemplate::load when the file is missing or broken.
std::shared_ptr<const ReportTemplate> installed_template();
// How many times this process parsed it (Workspace::template_parses).
std::uint64_t template_parses();

}  // namespace tongket::client
