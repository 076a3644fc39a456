#include "tongket/file.hpp"

#include <fstream>
#include <sstream>

#include "tongket/error.hpp"

namespace tongket {

std::string read_file(const std::filesystem::path& file, std::string_view what) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw Error(Errc::io_error, file.string() + ": cannot open " + std::string(what));
  std::ostringstream buf;
  buf << in.rdbuf();
  if (in.bad()) throw Error(Errc::io_error, file.string() + ": cannot read " + std::string(what));
  return buf.str();
}

}  // namespace tongket
