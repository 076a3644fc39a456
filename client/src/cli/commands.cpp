#include "cli/commands.hpp"

#include <algorithm>
#include <iostream>
#include <sstream>

#include "tongket/error.hpp"
#include "tongket/messages.hpp"
#include "tongket/paths.hpp"
#include "tongket/platform.hpp"

namespace tongket::cli {

namespace {

using client::message;

const std::vector<std::string> kGlobalOptions = {"store", "author", "help", "version"};

std::string joined(const std::vector<std::string>& words) {
  std::string out;
  for (const auto& w : words) out += (out.empty() ? "" : " ") + w;
  return out;
}

// The command whose words start `positional`, the longest such; nullptr if none.
const Command* find_command(const std::vector<std::string>& positional) {
  const Command* best = nullptr;
  for (const auto& cmd : commands()) {
    if (cmd.words.size() > positional.size()) continue;
    if (!std::equal(cmd.words.begin(), cmd.words.end(), positional.begin())) continue;
    if (!best || cmd.words.size() > best->words.size()) best = &cmd;
  }
  return best;
}

std::string usage_of(const Command& cmd) {
  return "tongket " + joined(cmd.words) + (cmd.usage.empty() ? "" : " " + cmd.usage);
}

int dispatch(const std::vector<std::string>& args, std::ostream& out, std::ostream& err,
             std::istream& in) {
  const auto lang = client::language_from_environment();
  ParsedArgs parsed = parse_args(args, option_specs());
  if (parsed.has("version")) {
    out << version_text("tongket");
    return 0;
  }
  if (parsed.positional.empty()) {
    if (parsed.has("help")) {
      out << help_text();
      return 0;
    }
    err << "tongket: " << message(lang, "cli.no_command") << "\n\n" << help_text();
    return exit_code(Errc::invalid_argument);
  }
  const Command* cmd = find_command(parsed.positional);
  if (!cmd) {
    std::string similar;
    for (const auto& c : commands())
      if (c.words.front() == parsed.positional.front())
        similar += (similar.empty() ? "" : ", ") + joined(c.words);
    throw Error(Errc::invalid_argument,
                message(lang, "cli.unknown_command",
                        {parsed.positional.front(),
                         similar.empty() ? "" : message(lang, "code.did_you_mean", {similar})}));
  }
  if (parsed.has("help")) {
    out << "usage: " << usage_of(*cmd) << "\n  " << cmd->summary << "\n";
    return 0;
  }
  for (const auto& name : parsed.given) {
    bool global =
        std::find(kGlobalOptions.begin(), kGlobalOptions.end(), name) != kGlobalOptions.end();
    bool own = std::find(cmd->options.begin(), cmd->options.end(), name) != cmd->options.end();
    if (!global && !own) {
      throw Error(Errc::invalid_argument,
                  message(lang, "cli.no_such_option", {joined(cmd->words), name, usage_of(*cmd)}));
    }
  }
  std::vector<std::string> operands(
      parsed.positional.begin() + static_cast<std::ptrdiff_t>(cmd->words.size()),
      parsed.positional.end());
  if (operands.size() < cmd->min_operands || operands.size() > cmd->max_operands) {
    throw Error(Errc::invalid_argument,
                message(lang,
                        operands.size() < cmd->min_operands ? "cli.missing_arguments"
                                                            : "cli.too_many_arguments",
                        {usage_of(*cmd)}));
  }
  Context ctx(std::move(parsed), std::move(operands), out, err, in);
  return cmd->handler(ctx);
}

}  // namespace

const std::vector<Command>& commands() {
  static const std::vector<Command> table = {
      {{"init"},
       "--unit <code | name> [--store PATH] [--author NAME]",
       "make a new store for a unit (a name that matches several units lists them)",
       {"unit"},
       0,
       0,
       cmd_init},
      {{"parts"}, "", "list the sections and appendices this unit fills", {}, 0, 0, cmd_parts},
      {{"set"},
       "<indicator> <period> <value>",
       "store a value (an empty value clears it); e.g. set PL1.4 2016 3",
       {"unit"},
       3,
       3,
       cmd_set},
      {{"get"},
       "<indicator> [period]",
       "print an indicator's stored values",
       {"unit"},
       1,
       2,
       cmd_get},
      {{"text", "set"},
       "<section> [--file F]",
       "store a section's text from a file or stdin",
       {"file", "unit"},
       1,
       1,
       cmd_text_set},
      {{"text", "get"}, "<section>", "print a section's text", {"unit"}, 1, 1, cmd_text_get},
      {{"assess"},
       "<goal> dat|khong_dat [--note TEXT]",
       "record an appendix 8 goal as Đạt or Không đạt",
       {"note", "unit"},
       2,
       2,
       cmd_assess},
      {{"validate"},
       "",
       "check every stored value against the template's rules",
       {"unit"},
       0,
       0,
       cmd_validate},
      {{"show"},
       "<appendix> [--codes]",
       "print an appendix (PL1..PL8) as a table; --codes: with the code to type for each row",
       {"unit", "codes"},
       1,
       1,
       cmd_show},
      {{"import"},
       "<file.csv> [--dry-run]",
       "store values from a CSV file (indicator,period,value), all or nothing",
       {"dry-run", "unit"},
       1,
       1,
       cmd_import},
      {{"export"},
       "<file.csv | -> [--blank] | --format docx|xlsx|csv --out FILE [--rollup] [--unit CODE]",
       "write the stored values as CSV (indicator,period,value); --blank: every row and period "
       "this unit fills, to fill in a spreadsheet and import; with --format, the report as "
       "the ministry's .docx, the appendices as .xlsx, or CSV (--rollup: with the units below)",
       {"unit", "format", "out", "rollup", "blank"},
       0,
       1,
       cmd_export},
      {{"submit"},
       "[--override REASON] [--comment TEXT]",
       "validate and submit this unit's report to the level above (locks it until returned)",
       {"override", "comment"},
       0,
       0,
       cmd_submit},
      {{"finalise"},
       "[--comment TEXT]",
       "the province's reviewer: finalise the province's own report",
       {"comment", "unit"},
       0,
       0,
       cmd_finalise},
      {{"review", "pending"},
       "",
       "reports of the units below this one that wait for review (after a sync)",
       {},
       0,
       0,
       cmd_review_pending},
      {{"review", "show"},
       "--unit CODE [--changes]",
       "a unit's report and its review history; --changes: what differs from the data it "
       "submitted or had accepted",
       {"unit", "changes"},
       0,
       0,
       cmd_review_show},
      {{"review", "accept"},
       "--unit CODE [--comment TEXT]",
       "accept a unit's submitted report (signed over its figures)",
       {"unit", "comment"},
       0,
       0,
       cmd_review_accept},
      {{"review", "return"},
       "--unit CODE --comment TEXT",
       "send a unit's submitted report back with what to fix (unlocks it)",
       {"unit", "comment"},
       0,
       0,
       cmd_review_return},
      {{"rollup"},
       "<appendix> [--unit CODE]",
       "an appendix with the figures of this unit and the units below it added up",
       {"unit"},
       1,
       1,
       cmd_rollup},
      {{"drilldown"},
       "<indicator> <period> [--unit CODE]",
       "the units and values that make a rolled-up cell, and the units still missing",
       {"unit"},
       2,
       2,
       cmd_drilldown},
      {{"completeness"},
       "[--unit CODE]",
       "how many units below submitted, were accepted, were late, are missing",
       {"unit"},
       0,
       0,
       cmd_completeness},
      {{"rows", "add"},
       "<table> column=value...",
       "add a row to a list: KT (award nominations), MH (models, initiatives), PL4.III",
       {"unit"},
       2,
       64,
       cmd_rows_add},
      {{"rows", "list"},
       "<table> [--rollup]",
       "the rows of a list; --rollup: with the units below, named",
       {"unit", "rollup"},
       1,
       1,
       cmd_rows_list},
      {{"rows", "delete"},
       "<table> <row id>",
       "remove a row of a list",
       {"unit"},
       2,
       2,
       cmd_rows_delete},
      {{"enroll"},
       "--server https://HOST:PORT --ca CA.pem --token TOKEN",
       "register this laptop with the server (a new key pair; the token comes from the admin)",
       {"server", "ca", "token"},
       0,
       0,
       cmd_enroll},
      {{"sync"},
       "[--attempts N] [--quiet]",
       "send the outbox, then receive what changed; retries with backoff on a bad link",
       {"attempts", "quiet", "server", "ca"},
       0,
       0,
       cmd_sync},
      {{"status"},
       "",
       "outbox size, last successful sync, open conflicts, refused edits",
       {},
       0,
       0,
       cmd_status},
      {{"conflicts"},
       "[--all]",
       "list concurrent edits kept aside by the server",
       {"all"},
       0,
       0,
       cmd_conflicts},
      {{"conflicts", "resolve"},
       "<id> --keep current|other [--unit CODE]",
       "settle a conflict by keeping one of its two values (sent with the next sync)",
       {"keep", "unit"},
       1,
       1,
       cmd_conflicts_resolve},
      {{"ui"},
       "[--port N] [--no-browser]",
       "the app in the browser (Vietnamese), on this computer only; prints its address first",
       {"port", "no-browser"},
       0,
       0,
       cmd_ui},
  };
  return table;
}

const std::vector<OptionSpec>& option_specs() {
  static const std::vector<OptionSpec> specs = {
      {"store", true, "PATH", "the store file (default: $TONGKET_STORE, else ./tongket.db)"},
      {"author", true, "NAME", "who is entering the data (remembered by init)"},
      {"help", false, "", "show help"},
      {"version", false, "", "show the version"},
      {"unit", true, "CODE|NAME", "the unit (init); a unit below this store's (reviewers)"},
      {"server", true, "URL", "the server, https://HOST:PORT (enroll, sync)"},
      {"ca", true, "FILE", "the CA certificate the server's certificate must chain to (enroll)"},
      {"token", true, "TOKEN", "the one-time enrollment token from the admin (enroll)"},
      {"attempts", true, "N", "how many times sync tries before giving up (default 4)"},
      {"quiet", false, "", "no progress lines (sync)"},
      {"all", false, "", "resolved ones too (conflicts)"},
      {"keep", true, "WHICH", "current or other (conflicts resolve)"},
      {"file", true, "F", "read the text from F (text set)"},
      {"note", true, "TEXT", "a note with the assessment (assess)"},
      {"dry-run", false, "", "report what would change and change nothing (import)"},
      {"override", true, "REASON", "why warnings do not stop the submission (submit)"},
      {"comment", true, "TEXT", "a comment kept with the transition (submit, review ...)"},
      {"changes", false, "", "what changed since the last submission or acceptance"},
      {"format", true, "FMT", "docx, xlsx or csv (export)"},
      {"out", true, "FILE", "the file to write (export)"},
      {"rollup", false, "", "with the units below added up (export, rows list)"},
      {"codes", false, "", "with each row's code (show)"},
      {"blank", false, "", "every row this unit fills, current values filled in (export)"},
      {"port", true, "N", "the port on 127.0.0.1 (ui; default: any free port)"},
      {"no-browser", false, "", "do not open the browser (ui)"},
  };
  return specs;
}

std::string help_text() {
  std::ostringstream out;
  out << "tongket " << version()
      << " - the CCHC 2011-2020 review report of one unit, offline\n\n"
         "usage: tongket <command> [arguments] [--store PATH] [--author NAME]\n\n"
         "commands:\n";
  for (const auto& cmd : commands()) {
    out << "  " << joined(cmd.words) << (cmd.usage.empty() ? "" : " " + cmd.usage) << "\n      "
        << cmd.summary << "\n";
  }
  out << "\noptions:\n";
  for (const auto& spec : option_specs()) {
    std::string left = "--" + spec.name + (spec.takes_value ? " " + spec.value_name : "");
    out << "  " << left << std::string(left.size() < 20 ? 20 - left.size() : 1, ' ') << spec.help
        << "\n";
  }
  out << "\nenvironment:\n"
         "  TONGKET_STORE       the store file when --store is not given\n"
         "  TONGKET_DATA        the folder with template/ and units/ (default: "
      << platform::path_to_utf8(data_dir())
      << ")\n"
         "  LANG, LC_ALL       vi_VN.UTF-8 (any vi_*): messages in Vietnamese\n"
         "\nexit codes:\n"
         "  0  ok\n"
         "  2  bad input or not found (unknown unit, indicator or period, wrong value, bad CSV)\n"
         "  3  validation failed (validate found an error-level violation)\n"
         "  4  store, template or file problem (missing, damaged, foreign or newer store)\n"
         "  5  network problem (retrying later may help)\n"
         "  6  not authorised\n"
         "  7  locked or in conflict\n"
         "  8  internal error (please report it)\n";
  return out.str();
}

int run(const std::vector<std::string>& args, std::ostream& out, std::ostream& err,
        std::istream& in) {
  try {
    return dispatch(args, out, err, in);
  } catch (const Error& e) {
    out.flush();
    err << "tongket: " << e.what() << "\n";
    return exit_code(e.code());
  } catch (const std::exception& e) {
    out.flush();
    err << "tongket: " << message(client::language_from_environment(), "cli.internal", {e.what()})
        << "\n";
    return exit_code(Errc::internal);
  }
}

}  // namespace tongket::cli
