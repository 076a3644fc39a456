// The review-round admin commands (each in its own file), called by cli.cpp once it has
// parsed and checked the arguments. Each opens the store itself and returns the exit code.
#pragma once

#include <cstdint>
#include <filesystem>
#include <ostream>
#include <string>

#include "tongket/hierarchy.hpp"

namespace tongket::server::cli {

// deadline set: --level LEVEL --date YYYY-MM-DD | YYYY-MM-DDTHH:MM:SS (UTC+7).
// `author` (the administrator) goes into the "deadline" event every device pulls.
int deadline_set(const std::filesystem::path& data, const std::string& level,
                 const std::string& date, const std::string& author, std::int64_t now_ms,
                 std::ostream& out);
// deadline list: every level's deadline in force, and where it comes from.
int deadline_list(const std::filesystem::path& data, std::ostream& out);
// units add --code CODE --name NAME --parent PROVINCE [--type TYPE]: a department of the
// province, synced to the province's devices ("unit" event). Exit 2 on bad input, nothing
// written.
int units_add(const std::filesystem::path& data, const Unit& unit, const std::string& author,
              std::int64_t now_ms, std::ostream& out);
// units list --parent CODE: the units directly below CODE, those added marked.
int units_list(const std::filesystem::path& data, const std::string& parent, std::ostream& out);
// review list --unit CODE: the units reporting to a district or province, and completeness.
int review_list(const std::filesystem::path& data, const std::string& unit, std::ostream& out);
// export --unit CODE [--rollup [--include-submitted]] --format docx|xlsx|csv --out FILE.
int export_report(const std::filesystem::path& data, const std::filesystem::path& units_dir,
                  const std::string& unit, bool rollup, bool include_submitted,
                  const std::string& format, const std::filesystem::path& out_file,
                  std::ostream& out);
// verify --unit CODE: 0 when every submission and acceptance verifies, 6 when one does not.
int verify(const std::filesystem::path& data, const std::string& unit, std::ostream& out);

// backup --out FILE: an online, checked copy of the store (store/backup.hpp).
int backup(const std::filesystem::path& data, const std::filesystem::path& out_file,
           std::ostream& out);
// restore --from FILE: the server must be stopped; the current store is kept aside.
int restore(const std::filesystem::path& data, const std::filesystem::path& from,
            std::ostream& out);

}  // namespace tongket::server::cli
