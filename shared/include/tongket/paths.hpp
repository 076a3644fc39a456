#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace tongket {

std::string_view version();  // "0.1.0"

// Where the template and units data are, first match wins:
//   1. $TONGKET_DATA when set;
//   2. <the running program's folder>/../share/<program name> when it holds a template
//      (an installed layout: /usr/bin/tongket -> /usr/share/tongket, /usr/bin/tongket-server
//      -> /usr/share/tongket-server, C:\...\tongket\bin\tongket.exe -> ...\share\tongket);
//   3. the data folder this build was configured with (the source tree's data/).
// Each program has its own folder so that the two Debian packages own no file in common.
std::filesystem::path data_dir();
std::filesystem::path template_file();  // data_dir()/template/cchc-2011-2020.json
std::filesystem::path units_dir();      // data_dir()/units
// The local web app's static files (HTML, CSS, JavaScript): $TONGKET_WEB if set, else
// data_dir()/web when it exists (an installed layout), else the build's source folder.
std::filesystem::path web_dir();

// What `--version` prints: "<program> 0.1.0\ntemplate cchc-2011-2020 v1 (<file>)", or the
// reason the template cannot be read in place of the second line. Never throws.
std::string version_text(std::string_view program);

}  // namespace tongket
