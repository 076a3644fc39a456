// The operating-system seam: everything that differs between Debian and Windows lives behind
// these functions (shared/src/platform.cpp), so the rest of the code has no #ifdef.
//
// Contract:
// - Text is UTF-8 everywhere in tongket. On Windows, libstdc++ converts narrow path strings with
//   the C locale (not UTF-8), so paths are made from and turned into text only through
//   path_from_utf8 / path_to_utf8.
// - "Private" files (the device key, the store) are readable and writable by the current user
//   only: POSIX mode 0600; on Windows a protected DACL granting only the current user.
// - Nothing here throws except write_new_private_file (Error, Errc::io_error, naming the file).
#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tongket::platform {

// The program's arguments (without the program name) as UTF-8. Windows: from the wide command
// line, so Vietnamese arguments survive whatever the ANSI code page is.
std::vector<std::string> utf8_arguments(int argc, char** argv);

// Makes the console show UTF-8 output and read UTF-8 input (Windows); nothing elsewhere.
void use_utf8_console();

// A path from UTF-8 text, and a path as UTF-8 text.
std::filesystem::path path_from_utf8(std::string_view text);
std::string path_to_utf8(const std::filesystem::path& path);

// An environment variable as UTF-8; nullopt when unset or empty.
std::optional<std::string> env(const char* name);

// Creates FILE, which must not exist yet (never overwrites), readable and writable by the
// current user only, writes CONTENT and flushes it to disk. Returns false when FILE already
// exists; throws Error(Errc::io_error) naming FILE on any other failure.
bool write_new_private_file(const std::filesystem::path& file, std::string_view content);

// True when FILE can be read by no one but the current user (and, on Windows, the system and
// administrators, who can read every file anyway).
bool is_private_file(const std::filesystem::path& file);

// The command a user runs to make FILE private again.
std::string make_private_command(const std::filesystem::path& file);

// Columns of the terminal on standard output; 0 when it is not a terminal.
std::size_t terminal_columns();

// True when standard input is a terminal (a person typing), not a file or a pipe.
bool stdin_is_terminal();

// This computer's name (names the device when it enrolls); empty if unknown.
std::string host_name();

// The running program's own file (for finding installed data next to it); empty if unknown.
std::filesystem::path executable_path();

// The folder of the store when neither --store nor TONGKET_STORE names one.
// Windows: %LOCALAPPDATA%\tongket (created when missing), or, for the portable layout (a file
// named "portable" next to the program or in its parent folder), the folder "data" beside that
// marker, so a USB stick carries its data. Elsewhere: the current folder (empty path).
std::filesystem::path default_store_dir();

}  // namespace tongket::platform
