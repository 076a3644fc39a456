// The command table: each command's words, usage, options and handler. New commands (enroll,
// sync, status, conflicts) are one entry here and one handler.
#pragma once

#include <string>
#include <vector>

#include "cli/args.hpp"
#include "cli/context.hpp"
#include "tongket/cli.hpp"

namespace tongket::cli {

using Handler = int (*)(Context&);

struct Command {
  std::vector<std::string> words;    // {"text", "set"}
  std::string usage;                 // after the words: "<section> [--file F]"
  std::string summary;               // a catalogue id (help.cmd.*): shown through message()
  std::vector<std::string> options;  // option names it accepts besides the global ones
  std::size_t min_operands = 0;
  std::size_t max_operands = 0;
  Handler handler = nullptr;
};

const std::vector<Command>& commands();
// Every option any command knows, and the global ones (--store, --author, --help, --version).
const std::vector<OptionSpec>& option_specs();
std::string help_text();

// Handlers (one file each under client/src/cli/).
int cmd_init(Context&);
int cmd_parts(Context&);
int cmd_set(Context&);
int cmd_get(Context&);
int cmd_text_set(Context&);
int cmd_text_get(Context&);
int cmd_assess(Context&);
int cmd_validate(Context&);
int cmd_show(Context&);
int cmd_import(Context&);
int cmd_export(Context&);
int cmd_export_values(Context&);  // the CSV of values (cmd_csv.cpp)
int cmd_submit(Context&);
int cmd_finalise(Context&);
int cmd_review_pending(Context&);
int cmd_review_show(Context&);
int cmd_review_accept(Context&);
int cmd_review_return(Context&);
int cmd_rollup(Context&);
int cmd_drilldown(Context&);
int cmd_completeness(Context&);
int cmd_rows_add(Context&);
int cmd_rows_list(Context&);
int cmd_rows_delete(Context&);
int cmd_enroll(Context&);
int cmd_sync(Context&);
int cmd_status(Context&);
int cmd_conflicts(Context&);
int cmd_conflicts_resolve(Context&);
int cmd_contributions(Context&);  // cmd_contributions.cpp
int cmd_take_in(Context&);
int cmd_document_show(Context&);  // cmd_document.cpp
int cmd_document_set(Context&);
int cmd_ui(Context&);
int cmd_check(Context&);  // cmd_check.cpp

}  // namespace tongket::cli
