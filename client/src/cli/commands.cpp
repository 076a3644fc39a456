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
    out << message(lang, "help.usage", {usage_of(*cmd), message(lang, cmd->summary)});
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
       "help.cmd.init",
       {"unit"},
       0,
       0,
       cmd_init},
      {{"parts"}, "", "help.cmd.parts", {}, 0, 0, cmd_parts},
      {{"set"}, "<indicator> <period> <value>", "help.cmd.set", {"unit"}, 3, 3, cmd_set},
      {{"get"}, "<indicator> [period]", "help.cmd.get", {"unit"}, 1, 2, cmd_get},
      {{"text", "set"},
       "<section> [--file F]",
       "help.cmd.text_set",
       {"file", "unit"},
       1,
       1,
       cmd_text_set},
      {{"text", "get"}, "<section>", "help.cmd.text_get", {"unit"}, 1, 1, cmd_text_get},
      {{"assess"},
       "<goal> dat|khong_dat [--note TEXT]",
       "help.cmd.assess",
       {"note", "unit"},
       2,
       2,
       cmd_assess},
      {{"validate"}, "", "help.cmd.validate", {"unit"}, 0, 0, cmd_validate},
      {{"show"}, "<appendix> [--codes]", "help.cmd.show", {"unit", "codes"}, 1, 1, cmd_show},
      {{"import"},
       "<file.csv> [--dry-run]",
       "help.cmd.import",
       {"dry-run", "unit"},
       1,
       1,
       cmd_import},
      {{"export"},
       "<file.csv | -> [--blank] | --format docx|xlsx|csv --out FILE [--rollup] [--unit CODE]",
       "help.cmd.export",
       {"unit", "format", "out", "rollup", "blank", "include-submitted"},
       0,
       1,
       cmd_export},
      {{"submit"},
       "[--override REASON] [--comment TEXT]",
       "help.cmd.submit",
       {"override", "comment"},
       0,
       0,
       cmd_submit},
      {{"finalise"},
       "[--comment TEXT]",
       "help.cmd.finalise",
       {"comment", "unit"},
       0,
       0,
       cmd_finalise},
      {{"review", "pending"}, "", "help.cmd.review_pending", {}, 0, 0, cmd_review_pending},
      {{"review", "show"},
       "--unit CODE [--changes]",
       "help.cmd.review_show",
       {"unit", "changes"},
       0,
       0,
       cmd_review_show},
      {{"review", "accept"},
       "--unit CODE [--comment TEXT]",
       "help.cmd.review_accept",
       {"unit", "comment"},
       0,
       0,
       cmd_review_accept},
      {{"review", "return"},
       "--unit CODE --comment TEXT",
       "help.cmd.review_return",
       {"unit", "comment"},
       0,
       0,
       cmd_review_return},
      {{"document"}, "", "help.cmd.document", {"unit"}, 0, 0, cmd_document_show},
      {{"document", "set"}, "<name> <text>", "help.cmd.document_set", {}, 2, 2, cmd_document_set},
      {{"contributions"}, "[<section>]", "help.cmd.contributions", {}, 0, 1, cmd_contributions},
      {{"take-in"},
       "<section> --from UNIT [--replace]",
       "help.cmd.take_in",
       {"from", "replace"},
       1,
       1,
       cmd_take_in},
      {{"rollup"},
       "<appendix> [--unit CODE]",
       "help.cmd.rollup",
       {"unit", "include-submitted"},
       1,
       1,
       cmd_rollup},
      {{"drilldown"},
       "<indicator> <period> [--unit CODE]",
       "help.cmd.drilldown",
       {"unit", "include-submitted"},
       2,
       2,
       cmd_drilldown},
      {{"completeness"},
       "[--unit CODE]",
       "help.cmd.completeness",
       {"unit"},
       0,
       0,
       cmd_completeness},
      {{"rows", "add"},
       "<table> column=value...",
       "help.cmd.rows_add",
       {"unit"},
       2,
       64,
       cmd_rows_add},
      {{"rows", "list"},
       "<table> [--rollup]",
       "help.cmd.rows_list",
       {"unit", "rollup"},
       1,
       1,
       cmd_rows_list},
      {{"rows", "delete"},
       "<table> <row id>",
       "help.cmd.rows_delete",
       {"unit"},
       2,
       2,
       cmd_rows_delete},
      {{"enroll"},
       "--server https://HOST:PORT --ca CA.pem --token TOKEN",
       "help.cmd.enroll",
       {"server", "ca", "token"},
       0,
       0,
       cmd_enroll},
      {{"sync"},
       "[--attempts N] [--quiet] [--retry-refused]",
       "help.cmd.sync",
       {"attempts", "quiet", "server", "ca", "retry-refused"},
       0,
       0,
       cmd_sync},
      {{"status"}, "", "help.cmd.status", {}, 0, 0, cmd_status},
      {{"conflicts"}, "[--all]", "help.cmd.conflicts", {"all"}, 0, 0, cmd_conflicts},
      {{"conflicts", "resolve"},
       "<id> --keep current|other [--unit CODE]",
       "help.cmd.conflicts_resolve",
       {"keep", "unit"},
       1,
       1,
       cmd_conflicts_resolve},
      {{"ui"}, "[--port N] [--no-browser]", "help.cmd.ui", {"port", "no-browser"}, 0, 0, cmd_ui},
      {{"check"}, "", "help.cmd.check", {}, 0, 0, cmd_check},
  };
  return table;
}

const std::vector<OptionSpec>& option_specs() {
  static const std::vector<OptionSpec> specs = {
      {"store", true, "PATH", "help.opt.store"},
      {"author", true, "NAME", "help.opt.author"},
      {"help", false, "", "help.opt.help"},
      {"version", false, "", "help.opt.version"},
      {"unit", true, "CODE|NAME", "help.opt.unit"},
      {"server", true, "URL", "help.opt.server"},
      {"ca", true, "FILE", "help.opt.ca"},
      {"token", true, "TOKEN", "help.opt.token"},
      {"attempts", true, "N", "help.opt.attempts"},
      {"quiet", false, "", "help.opt.quiet"},
      {"all", false, "", "help.opt.all"},
      {"keep", true, "WHICH", "help.opt.keep"},
      {"file", true, "F", "help.opt.file"},
      {"note", true, "TEXT", "help.opt.note"},
      {"dry-run", false, "", "help.opt.dry-run"},
      {"override", true, "REASON", "help.opt.override"},
      {"comment", true, "TEXT", "help.opt.comment"},
      {"changes", false, "", "help.opt.changes"},
      {"format", true, "FMT", "help.opt.format"},
      {"out", true, "FILE", "help.opt.out"},
      {"rollup", false, "", "help.opt.rollup"},
      {"codes", false, "", "help.opt.codes"},
      {"blank", false, "", "help.opt.blank"},
      {"port", true, "N", "help.opt.port"},
      {"no-browser", false, "", "help.opt.no-browser"},
      {"retry-refused", false, "", "help.opt.retry-refused"},
      {"from", true, "UNIT", "help.opt.from"},
      {"replace", false, "", "help.opt.replace"},
      {"include-submitted", false, "", "help.opt.include-submitted"},
  };
  return specs;
}

std::string help_text() {
  const auto lang = client::language_from_environment();
  std::ostringstream out;
  out << message(lang, "help.intro", {version()});
  for (const auto& cmd : commands()) {
    out << "  " << joined(cmd.words) << (cmd.usage.empty() ? "" : " " + cmd.usage) << "\n      "
        << message(lang, cmd.summary) << "\n";
  }
  out << message(lang, "help.options");
  for (const auto& spec : option_specs()) {
    std::string left = "--" + spec.name + (spec.takes_value ? " " + spec.value_name : "");
    out << "  " << left << std::string(left.size() < 20 ? 20 - left.size() : 1, ' ')
        << message(lang, spec.help) << "\n";
  }
  out << message(lang, "help.environment", {platform::path_to_utf8(data_dir())});
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
