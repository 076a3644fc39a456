// Narrative sections (text stored NFC), the lists (KT, MH, PL4.III) and appendix 8 goals.
#include <algorithm>
#include <cstdio>

#include "core/text_decode.hpp"
#include "core/workspace_impl.hpp"
#include "tongket/document_fields.hpp"
#include "tongket/error.hpp"
#include "tongket/file.hpp"
#include "tongket/platform.hpp"
#include "tongket/sync/bytes.hpp"
#include "tongket/sync/crypto.hpp"
#include "tongket/validation.hpp"

namespace tongket::client {

namespace {

bool editable(Workspace::Impl& d, const FieldKey& key) {
  try {
    d.check_writable(key, nullptr);
    return true;
  } catch (const Error&) {
    return false;
  }
}

SectionText section_of(Workspace::Impl& d, const Section& s) {
  SectionText t{s.id, s.number, s.heading, s.guidance, {}, false};
  if (auto v = d.store.get_field(d.unit(), FieldKey::text(s.id)); v && v->is_string())
    t.text = v->get<std::string>();
  t.editable = s.writable && editable(d, FieldKey::text(s.id));
  return t;
}

const Section& find_section(Workspace::Impl& d, const std::string& id) {
  const Section* s = d.tpl.section(id);
  if (!s) throw Error(Errc::not_found, d.msg("text.unknown_section", {id}));
  return *s;
}

const Table& find_table(Workspace::Impl& d, const std::string& id) {
  const Table* t = d.tpl.table(id);
  if (!t) {
    std::string list;
    for (const auto& x : d.tpl.tables()) list += (list.empty() ? "" : ", ") + x.id;
    throw Error(Errc::not_found, d.msg("rows.unknown_table", {id, list}));
  }
  return *t;
}

}  // namespace

std::vector<SectionText> Workspace::sections() {
  auto& d = *impl_;
  std::vector<SectionText> out;
  for (const auto& p : parts())
    if (p.kind == "section") out.push_back(section_of(d, find_section(d, p.id)));
  return out;
}

SectionText Workspace::section(const std::string& id) {
  auto& d = *impl_;
  // The document frame's fields (t:VB.*) are read and written like sections.
  if (is_document_field(id)) {
    const auto key = FieldKey::text(id);
    SectionText t{id, {}, {}, {}, {}, editable(d, key)};
    t.heading = d.msg("document.field." + id.substr(kDocumentFieldPrefix.size()));
    if (auto v = d.store.get_field(d.unit(), key); v && v->is_string())
      t.text = document_shown_text(id, v->get<std::string>());
    return t;
  }
  return section_of(d, find_section(d, id));
}

bool Workspace::set_text(const std::string& id, const std::string& utf8_text) {
  auto& d = *impl_;
  const auto key = FieldKey::text(id);
  d.check_writable(key, nullptr);  // the section exists and this unit writes it
  std::string text = utf8_text;
  if (text.starts_with("\xEF\xBB\xBF")) text.erase(0, 3);
  std::string nfc;
  if (!to_nfc(text, nfc)) throw Error(Errc::invalid_argument, d.msg("text.not_utf8", {key.str()}));
  // Only whitespace clears the section.
  const bool blank = nfc.find_first_not_of(" \t\r\n") == std::string::npos;
  const nlohmann::json value =
      blank ? nlohmann::json(nullptr) : nlohmann::json(document_stored_text(d, id, nfc));
  if (d.store.get_field(d.unit(), key).value_or(nullptr) == value) return false;
  d.write_one(key, value);
  return true;
}

std::string Workspace::import_text(const std::string& id, const std::filesystem::path& file) {
  auto& d = *impl_;
  d.check_writable(FieldKey::text(id), nullptr);
  std::string ext = file.extension().string();
  for (auto& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (ext == ".docx") {
    set_text(id, docx_text(file));
    return "docx";
  }
  if (ext == ".doc")
    throw Error(Errc::invalid_data, d.msg("text.doc", {platform::path_to_utf8(file)}));
  auto decoded = decode_text(read_file(file, "the text file"));
  set_text(id, decoded.text);
  return decoded.encoding;
}

// ---- lists ----

std::string Workspace::list_title(const std::string& table) {
  return find_table(*impl_, table).title;
}

std::vector<ListColumn> Workspace::list_columns(const std::string& table) {
  std::vector<ListColumn> out;
  for (const auto& c : find_table(*impl_, table).columns)
    out.push_back({c.id, c.label, std::string(value_type_name(c.type))});
  return out;
}

std::vector<ListRow> Workspace::list_rows(const std::string& table_id, bool rolled_up) {
  auto& d = *impl_;
  const Table& table = find_table(d, table_id);
  std::vector<ListRow> out;
  auto cells = [&](const nlohmann::json& v) {
    std::vector<std::pair<std::string, std::string>> r;
    for (const auto& c : table.columns)
      r.emplace_back(c.id, v.contains(c.id) && !v[c.id].is_null() ? shown_value(v[c.id]) : "");
    return r;
  };
  if (rolled_up) {
    for (const auto& v : table_rows_of(d, d.unit(), table.id, true))
      out.push_back({"", cells(v), ""});
    return out;
  }
  for (const auto& f : d.store.fields(d.unit(), FieldKind::row, table.id + ":")) {
    if (f.value.is_null() || f.key.item != table.id) continue;
    out.push_back({f.key.detail, cells(f.value), d.unit()});
  }
  return out;
}

std::string Workspace::add_row(const std::string& table_id,
                               const std::vector<std::pair<std::string, std::string>>& cells) {
  auto& d = *impl_;
  const Table& table = find_table(d, table_id);
  nlohmann::json row = nlohmann::json::object();
  for (const auto& [col, text] : cells) {
    auto c = std::find_if(table.columns.begin(), table.columns.end(),
                          [&](const TableColumn& x) { return x.id == col; });
    if (c == table.columns.end()) {
      std::string list;
      for (const auto& x : table.columns) list += (list.empty() ? "" : ", ") + x.id;
      throw Error(Errc::invalid_argument, d.msg("rows.no_column", {table.id, col, list}));
    }
    if (c->type == ValueType::text) {
      std::string nfc;
      if (!to_nfc(text, nfc))
        throw Error(Errc::invalid_argument, d.msg("text.not_utf8", {table.id + "/" + col}));
      row[col] = nfc;
    } else {
      Indicator as_indicator;
      as_indicator.code = table.id + "/" + col;
      as_indicator.type = c->type;
      row[col] = parse_user_value(as_indicator, text);
    }
  }
  // Time first (ms, hex, fixed width), then randomness: ids sort in the order the rows were
  // entered, so lists print in that order on every side that sorts by key.
  char stamp[32];
  std::snprintf(stamp, sizeof stamp, "%011llx",
                static_cast<unsigned long long>(d.now()) & 0xFFFFFFFFFFFull);
  const std::string id = stamp + sync::random_id().substr(0, 5);
  d.write_one(FieldKey::row(table.id, id), row);
  return id;
}

void Workspace::delete_row(const std::string& table_id, const std::string& row_id) {
  auto& d = *impl_;
  const Table& table = find_table(d, table_id);
  const auto key = FieldKey::row(table.id, row_id);
  if (!d.store.get_field(d.unit(), key))
    throw Error(Errc::not_found, d.msg("rows.no_row", {table.id, row_id}));
  d.write_one(key, nullptr);
}

// ---- appendix 8 ----

std::vector<GoalRow> Workspace::goals() {
  auto& d = *impl_;
  const auto dept = d.department_key();
  std::vector<GoalRow> out;
  for (const auto& g : d.tpl.goals()) {
    if (!dept.empty() && !d.tpl.department_answers(dept, g.id)) continue;
    GoalRow row{g.id, g.stt, g.label, {}, {}, {}, editable(d, FieldKey::assessment(g.id))};
    if (auto v = d.store.get_field(d.unit(), FieldKey::assessment(g.id)); v && v->is_object()) {
      row.result = v->value("result", "");
      for (const auto& r : d.tpl.goal_results())
        if (row.result == r.id) row.result_label = r.label;
      row.note = v->value("note", "");
    }
    out.push_back(std::move(row));
  }
  return out;
}

bool Workspace::assess(const std::string& goal, const std::string& typed_result,
                       const std::string& note) {
  auto& d = *impl_;
  const auto key = FieldKey::assessment(goal);
  d.check_writable(key, nullptr);
  // "dat", "Đạt", "khong_dat", "không đạt", "Không Đạt" all name a result.
  std::string typed = fold_vietnamese(typed_result);
  for (char& c : typed)
    if (c == ' ' || c == '-') c = '_';
  const GoalResult* result = nullptr;
  std::string choices;
  for (const auto& r : d.tpl.goal_results()) {
    if (typed == r.id || typed == fold_vietnamese(r.label)) result = &r;
    choices += (choices.empty() ? "" : d.msg("word.or")) + r.id + " (" + r.label + ")";
  }
  if (!result)
    throw Error(Errc::invalid_argument,
                d.msg("assess.bad_result", {key.str(), typed_result, choices}));
  nlohmann::json value = {{"result", result->id}};
  if (!note.empty()) {
    std::string nfc;
    if (!to_nfc(note, nfc))
      throw Error(Errc::invalid_argument, d.msg("text.not_utf8", {key.str()}));
    value["note"] = nfc;
  }
  if (d.store.get_field(d.unit(), key).value_or(nullptr) == value) return false;
  d.write_one(key, value);
  return true;
}

}  // namespace tongket::client
