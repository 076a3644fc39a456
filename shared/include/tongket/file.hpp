// Whole-file reads with an error that names the file.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace tongket {

// The file's bytes. Throws Error(io_error, "<file>: cannot read <what>") when it cannot be
// opened or read; `what` says what the file was for ("the report template").
std::string read_file(const std::filesystem::path& file, std::string_view what = "the file");

}  // namespace tongket
