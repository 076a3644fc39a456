// tongket import <file.csv> [--dry-run] / export <file.csv | -> [--blank]: values as CSV with
// the header indicator,period,value. The core checks every line first and writes all or
// nothing in one transaction; --blank lists every row and period this unit fills.
#include <ostream>
#include <sstream>

#include "cli/commands.hpp"
#include "cli/values.hpp"
#include "tongket/csv.hpp"
#include "tongket/error.hpp"
#include "tongket/file.hpp"
#include "tongket/platform.hpp"

namespace tongket::cli {

int cmd_import(Context& ctx) {
  const std::string file = ctx.operands()[0];
  const bool dry_run = ctx.args().has("dry-run");
  auto& ws = ctx.workspace();
  std::string text;
  if (file == "-") {
    std::ostringstream buf;
    buf << ctx.in.rdbuf();
    text = buf.str();
  } else {
    ws.unit();  // a missing store is reported before a missing file
    text = read_file(file, "the values file");
  }
  client::SaveResult r;
  try {
    r = ws.import_csv(text, file, dry_run);
  } catch (const client::CellsRefused& e) {
    for (const auto& p : e.problems()) ctx.err << "tongket: " << p.message << "\n";
    throw;
  }
  if (dry_run) {
    for (const auto& c : r.changes)
      ctx.out << c.indicator << " " << c.period << ": "
              << (c.before.empty() ? ctx.msg("value.empty") : change_text(ctx, c.before)) << " -> "
              << (c.after.empty() ? ctx.msg("value.empty") : change_text(ctx, c.after)) << "\n";
    ctx.out << ctx.msg("cli.import.dry_run",
                       {std::to_string(r.changed), std::to_string(r.unchanged)})
            << "\n";
    return 0;
  }
  ctx.out << ctx.msg("cli.import.done", {std::to_string(r.changed), std::to_string(r.unchanged)})
          << "\n";
  return 0;
}

int cmd_export_values(Context& ctx) {
  auto& ws = ctx.workspace();
  const bool blank = ctx.args().has("blank");
  const std::string target = ctx.operands().empty() ? "-" : ctx.operands()[0];
  const std::string csv =
      blank ? ws.export_blank() : ws.export_bytes(client::ExportFormat::values_csv, false);
  if (target == "-") {
    ctx.out << csv;
    return 0;
  }
  ws.export_file_bytes(csv, platform::path_from_utf8(target));
  const auto rows = parse_csv(csv, target).size() - 1;
  ctx.out << ctx.msg(blank ? "cli.export.blank" : "cli.export.values",
                     {std::to_string(rows), target})
          << "\n";
  return 0;
}

}  // namespace tongket::cli
