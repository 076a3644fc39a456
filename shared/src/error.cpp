#include "tongket/error.hpp"

namespace tongket {

std::string_view errc_name(Errc code) {
  switch (code) {
    case Errc::invalid_argument:
      return "invalid_argument";
    case Errc::not_found:
      return "not_found";
    case Errc::invalid_template:
      return "invalid_template";
    case Errc::invalid_data:
      return "invalid_data";
    case Errc::validation_failed:
      return "validation_failed";
    case Errc::store_corrupt:
      return "store_corrupt";
    case Errc::store_foreign:
      return "store_foreign";
    case Errc::store_newer:
      return "store_newer";
    case Errc::io_error:
      return "io_error";
    case Errc::network:
      return "network";
    case Errc::tls:
      return "tls";
    case Errc::unauthorized:
      return "unauthorized";
    case Errc::forbidden:
      return "forbidden";
    case Errc::protocol:
      return "protocol";
    case Errc::conflict:
      return "conflict";
    case Errc::too_large:
      return "too_large";
    case Errc::locked:
      return "locked";
    case Errc::unavailable:
      return "unavailable";
    case Errc::internal:
      return "internal";
  }
  return "internal";
}

int exit_code(Errc code) {
  switch (code) {
    case Errc::invalid_argument:
    case Errc::not_found:
    case Errc::invalid_data:
      return 2;
    case Errc::validation_failed:
      return 3;
    case Errc::invalid_template:
    case Errc::store_corrupt:
    case Errc::store_foreign:
    case Errc::store_newer:
    case Errc::io_error:
      return 4;
    case Errc::network:
    case Errc::tls:
    case Errc::unavailable:
      return 5;
    case Errc::unauthorized:
    case Errc::forbidden:
      return 6;
    case Errc::locked:
    case Errc::conflict:
      return 7;
    case Errc::protocol:
    case Errc::too_large:
    case Errc::internal:
      return 8;
  }
  return 8;
}

}  // namespace tongket
