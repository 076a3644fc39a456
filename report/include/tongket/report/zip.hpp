// A thin wrapper over libzip for the .docx container (and for reading one back).
#pragma once

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace tongket::report {

// Writes a zip archive at `path` holding `entries` (name, content) in order, replacing
// any file there. Throws Error(io_error) naming the file.
void write_zip(const std::filesystem::path& path,
               const std::vector<std::pair<std::string, std::string>>& entries);

// The content of entry `name` in the archive at `path`. Throws Error(io_error) when the
// archive cannot be read, Error(not_found) when it has no such entry.
std::string read_zip_entry(const std::filesystem::path& path, const std::string& name);

}  // namespace tongket::report
