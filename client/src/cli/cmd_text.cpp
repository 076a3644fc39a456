// tongket text set <section> [--file F] / text get <section>: a narrative section's text.

#include <fstream>
#include <iostream>
#include <iterator>
#include <ostream>
#include <sstream>

#include "cli/commands.hpp"
#include "cli/display.hpp"
#include "tongket/error.hpp"
#include "tongket/platform.hpp"

namespace tongket::cli {

namespace {

std::string read_all(std::istream& in) {
  std::ostringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

}  // namespace

int cmd_text_set(Context& ctx) {
  const auto key = FieldKey::text(ctx.operands()[0]);
  ctx.check_writable(key, nullptr);  // the section exists and this unit writes it
  std::string text;
  if (auto file = ctx.args().value("file"); file && *file != "-") {
    std::ifstream in(platform::path_from_utf8(*file), std::ios::binary);
    if (!in) throw Error(Errc::io_error, "cannot read " + *file);
    text = read_all(in);
    if (in.bad()) throw Error(Errc::io_error, "cannot read " + *file);
  } else {
    if (&ctx.in == &std::cin && platform::stdin_is_terminal())
      ctx.err << "Type the text of " << key.item << ", then Ctrl-D on a line of its own:\n";
    text = read_all(ctx.in);
  }
  if (text.starts_with("\xEF\xBB\xBF")) text.erase(0, 3);
  // Only whitespace clears the section.
  const bool blank = text.find_first_not_of(" \t\r\n") == std::string::npos;
  const nlohmann::json value = blank ? nlohmann::json(nullptr) : nlohmann::json(text);
  try {
    (void)value.dump();
  } catch (const nlohmann::json::exception&) {
    throw Error(Errc::invalid_argument, key.str() +
                                            ": the text is not valid UTF-8 (save the "
                                            "file as UTF-8 and try again)");
  }
  ctx.check_writable(key, value);
  auto& s = ctx.store();
  if (s.get_field(ctx.unit(), key).value_or(nullptr) == value) {
    ctx.out << "Section " << key.item << " unchanged\n";
    return 0;
  }
  ctx.write(key, value);
  if (blank) {
    ctx.out << "Section " << key.item << " cleared\n";
  } else {
    ctx.out << "Section " << key.item << " saved (" << display_width(text) << " characters)\n";
  }
  return 0;
}

int cmd_text_get(Context& ctx) {
  const auto key = FieldKey::text(ctx.operands()[0]);
  const auto& tpl = ctx.report_template();
  if (!tpl.section(key.item))
    throw Error(Errc::not_found, "unknown section \"" + key.item + "\" (see tongket parts)");
  auto& s = ctx.store();
  auto value = s.get_field(ctx.unit(), key);
  if (!value || !value->is_string()) return 0;
  const auto& text = value->get_ref<const std::string&>();
  ctx.out << text;
  if (!text.ends_with('\n')) ctx.out << "\n";
  return 0;
}

}  // namespace tongket::cli
