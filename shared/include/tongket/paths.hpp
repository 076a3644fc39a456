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
// The local web app's static files (HTML, CSS, JavaScript): $TONGKET_WEB if set, else
// data_dir()/web when it exists (an installed layout), else the build's source folder.
std::filesystem::path web_dir();

}  // namespace tongket
