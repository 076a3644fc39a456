#include "tongket/file.hpp"

#include <fstream>
#include <sstream>

#include "tongket/error.hpp"
#include "tongket/platform.hpp"

namespace tongket {

std::string read_file(const std::filesystem::path& file, std::string_view what) {
  std::ifstream in(file, std::ios::binary);
  if (!in)
    throw Error(Errc::io_error,
                platform::path_to_utf8(file) + ": cannot open " + std::string(what));
  std::ostringstream buf;
  buf << in.rdbuf();
  if (in.bad())
    throw Error(Errc::io_error,
                platform::path_to_utf8(file) + ": cannot read " + std::string(what));
  return buf.str();
}

}  // namespace tongket
