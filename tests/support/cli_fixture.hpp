// Runs the real `tongket` binary against a store in a fresh temp dir, and snapshots the store's
// fields and outbox so that a test can prove a refused command changed nothing.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "process.hpp"
#include "temp_dir.hpp"

namespace tongket::test {

class CliFixture {
 public:
  CliFixture();

  // tongket <args...> --store <store()>, in dir(), with a fixed terminal width.
  ProcessResult tongket(std::vector<std::string> args, const std::string& stdin_text = {});
  // Makes the store for `unit` (init --unit <unit> --author Tester); REQUIREs success.
  void init(const std::string& unit);

  const std::filesystem::path& dir() const { return dir_.path(); }
  std::filesystem::path store() const { return dir_ / "tongket.db"; }
  // Every row of the field and outbox tables as text.
  std::string snapshot() const;
  std::size_t outbox_count() const;
  std::string columns = "300";   // $COLUMNS for the child
  std::string lang = "C.UTF-8";  // $LANG for the child: "vi_VN.UTF-8" for Vietnamese messages

 private:
  TempDir dir_{"tongket-cli"};
};

}  // namespace tongket::test
