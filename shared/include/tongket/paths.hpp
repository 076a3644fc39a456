#pragma once

#include <filesystem>
#include <string_view>

namespace tongket {

std::string_view version();  // "0.1.0"

// Where the template and units data are: $TONGKET_DATA if set, else the data folder this
// build was configured with.
std::filesystem::path data_dir();
std::filesystem::path template_file();  // data_dir()/template/cchc-2011-2020.json
std::filesystem::path units_dir();      // data_dir()/units

}  // namespace tongket
