// The one error type that crosses module boundaries.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

namespace tongket {

enum class Errc {
  invalid_argument,   // bad input from a user: unknown code, wrong type, out of range
  not_found,          // a unit, indicator, section, device... that does not exist
  invalid_template,   // the report template file is malformed
  invalid_data,       // a data file (units CSV, import CSV) is malformed
  validation_failed,  // values break the template's rules
  store_corrupt,      // the SQLite file is damaged
  store_foreign,      // the file is not a tongket store (or of the other kind)
  store_newer,        // the store was written by a newer tongket
  io_error,           // a file could not be read or written
  network,            // no link, timeout, reset: retrying may help
  tls,                // certificate or handshake failure
  unauthorized,       // bad signature, unknown or revoked device, bad token
  forbidden,          // outside the device's unit or role
  protocol,           // a malformed or out-of-order request (chain gap, fork, bad encoding)
  conflict,           // concurrent edits
  too_large,          // a body or file over its limit
  locked,             // the report is submitted or accepted
  unavailable,        // the server is shutting down or overloaded: retry later
  internal,           // a bug: please report
};

// Stable lower-case name, used on the wire and in logs.
std::string_view errc_name(Errc code);
// The CLI's exit code for an error (documented in `tongket --help`).
int exit_code(Errc code);

class Error : public std::runtime_error {
 public:
  Error(Errc code, std::string message) : std::runtime_error(std::move(message)), code_(code) {}
  Errc code() const noexcept { return code_; }
  // Whether trying the same thing again later may succeed.
  bool retryable() const noexcept { return code_ == Errc::network || code_ == Errc::unavailable; }

 private:
  Errc code_;
};

}  // namespace tongket
