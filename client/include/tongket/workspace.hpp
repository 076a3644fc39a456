// The client core: one unit's report in its local store, with every rule of the client (what
// may be written, submitted, accepted; enrolment, sync, status, import, completeness, roll-up,
// export). The CLI (client/src/cli) and the local web app (client/src/ui) are thin adapters:
// they parse, call a Workspace, and present what it returns. Everything here is plain C++ data;
// no SQLite or JSON type crosses this header.
//
// Contract:
// - Threads: a Workspace is used by one thread at a time (it owns one SQLite connection). Two
//   threads that both need the store (the web app's request handler and its sync worker) open
//   one Workspace each on the same file; SQLite (WAL, busy timeout) serialises their writes.
//   sync() runs on the calling thread and calls `on_progress` on that thread.
// - Transactions: every write method is ONE store transaction: the lock check (the report is
//   not submitted/accepted), the template check (the field exists, this level fills it, the
//   value's type and range), ownership (a department writes only its parts), the clock (HLC)
//   and the write with its outbox operation. A refusal throws and changes nothing.
//   set_values() writes all cells or none. Reads see the last committed state.
// - Errors: every failure is a tongket::Error (shared/include/tongket/error.hpp) whose code
//   says what kind of failure it is and whose message, in the Workspace's language, says what
//   to do. A write of several cells that is refused throws CellsRefused naming every bad cell.
// - Ownership: the Workspace owns its store connection, the template and the hierarchy; the
//   returned structs are copies the caller owns.
// - Unit: the Workspace works on the store's own unit; a reviewer's store may select a unit
//   below it (select_unit) to review, roll up or export it.
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "tongket/error.hpp"
#include "tongket/messages.hpp"

namespace tongket::client {

struct WorkspaceOptions {
  std::filesystem::path store;       // the store file (the CLI: --store / $TONGKET_STORE)
  Language language = Language::vi;  // of every message the Workspace returns or throws
  // Milliseconds since 1970 for the clock (HLC) and deadlines; tests inject one. Empty: system.
  std::function<std::uint64_t()> clock;
  // Run the store's damage check (SQLite quick_check) at open whatever is due (`tongket
  // check`); otherwise it runs after an unclean shutdown or when the last one is old
  // (ClientStore::open, StoreCheck).
  bool check_store = false;
};

struct StoreCheckInfo {  // the store's last damage check that passed
  std::string time;      // ISO UTC; empty: none recorded
  std::string reason;    // "unclean", "due", "requested"
  std::uint64_t count = 0;
};

// ---- who and what ----

struct UnitChoice {  // a unit found by name, for the first run
  std::string code;
  std::string name;         // "Xã Tân Lập"
  std::string description;  // "Xã Tân Lập (Huyện Tân Biên, Tỉnh Tây Ninh)"
  std::string level;        // "commune", "district", "department", "province"
};

struct UnitInfo {
  std::string code, name, level;  // level as in UnitChoice
  std::string description;  // with the units above: "Xã Tân Lập (Huyện Tân Biên, ...)"
  std::string template_id;  // "cchc-2011-2020"
  int template_version = 0;
  std::string level_label;    // "Cấp xã"
  std::string author;         // remembered at init; may be empty
  std::string department;     // "SNV" for "72-SNV"; empty otherwise
  bool is_store_unit = true;  // false when a reviewer selected a unit below
};

struct Progress {
  int filled = 0;
  int total = 0;
};

struct PartInfo {
  std::string id;        // "PL3", or a section id "P1.II.2.1.a"
  std::string kind;      // "appendix", "section", "table", "goals"
  std::string number;    // as printed ("I", "1.", "a)"), sections only
  std::string title;     // official title or heading
  int depth = 0;         // sections: nesting under their headings
  bool writable = true;  // false for a heading that only groups others
  Progress progress;     // cells (appendix), 0/1 (section), rows (table), goals assessed
};

// ---- appendix forms ----

struct FormColumn {
  std::string period;  // "2019", "2020", "2011-2020"
  std::string label;   // "Năm 2020"
  std::string note;    // "Tính đến 31/3" (the part of the template's label in parentheses)
};

struct FormCell {
  std::string period;
  std::string name;       // "PL3.6.a@2019": the input's name in the web app, the CLI's cell id
  bool present = false;   // false where the row has no such period (blank, not an input)
  bool editable = false;  // present, filled by this unit, and the report is not locked
  std::string text;       // as shown: "12", "45,5" (decimal comma); empty when empty
  std::optional<double> number;
  std::size_t missing = 0;  // roll-up: units that fill the row and have no value yet
  int flag_units = 0;       // roll-up of a yes/no row: units reporting (text "2/3")
};

struct FormRow {
  std::string code;   // "PL3.4.c"
  std::string stt;    // "1.", "-", "a)"
  std::string label;  // official label, verbatim
  std::string type;   // "count", "percentage", "flag", "ratio", "text", "heading"
  int depth = 0;
  std::string hint;  // the template's filling note for the row, if any
  // false: greyed, this unit does not fill it; `filled_by` says who does (a level or a Sở).
  bool fills = true;
  std::string filled_by;
  // ratio rows: the two count rows it is computed from; the cells hold the percentage.
  std::string numerator, denominator;
  std::vector<FormCell> cells;  // one per FormColumn, same order
};

struct Problem {      // one thing wrong, named for the user
  std::string field;  // "PL3.6.a@2019", a section id, a table id, "" for the whole report
  std::string label;  // the official label of the row or section
  std::string period;
  std::string rule;   // the validation rule's id, or "type" / "range" / "lock" / ...
  bool error = true;  // false: a warning
  std::string message;
};

struct Form {
  std::string appendix, title;
  std::vector<FormColumn> columns;
  std::vector<FormRow> rows;
  std::vector<Problem> problems;  // the validation engine's findings on the stored values
  bool locked = false;            // the report is submitted/accepted: read-only
  std::string lock_reason;
};

// ---- writes ----

struct CellInput {
  std::string indicator;  // code, case-insensitive ("pl3.6.a")
  std::string period;
  std::string text;  // as typed or pasted: "12", "45,5", "" clears
};

struct CellChange {
  std::string field;  // "PL3.6.a@2019"
  std::string indicator, period;
  std::string before, after;  // as shown ("45,5"); empty when empty
};

struct SaveResult {
  std::size_t changed = 0, unchanged = 0;
  std::vector<CellChange> changes;  // what changed (what would, for a dry run)
  std::vector<Problem> problems;    // validation findings after the write (rules between values)
};

// Thrown by set_values / import_csv: nothing was written; `problems` names every bad cell.
class CellsRefused : public Error {
 public:
  CellsRefused(Errc code, std::string message, std::vector<Problem> problems)
      : Error(code, std::move(message)), problems_(std::move(problems)) {}
  const std::vector<Problem>& problems() const { return problems_; }

 private:
  std::vector<Problem> problems_;
};

struct SectionText {
  std::string id, number, heading;
  std::vector<std::string> guidance;  // the outline's bullets under the heading
  std::string text;                   // NFC UTF-8; empty when not written
  bool editable = false;
};

struct ListRow {  // a row of a list (KT award nominations, MH models, PL4.III)
  std::string id;
  std::vector<std::pair<std::string, std::string>> cells;  // column id -> text as shown
  std::string unit;                                        // rolled up: whose row
};

struct ListColumn {
  std::string id, label, type;
};

struct GoalRow {
  std::string id, stt, label;
  std::string result;  // "dat", "khong_dat" or empty
  std::string result_label;
  std::string note;
  bool editable = false;
};

// ---- submission and review ----

struct Completeness {             // what a submission would send
  std::vector<Problem> errors;    // block the submission (validation errors)
  std::vector<Problem> warnings;  // empty rows, empty sections, rule warnings: need a reason
};

struct SubmitResult {
  std::string unit_label;  // "Xã Tân Lập (25459)"
  std::size_t fields = 0;  // how many fields the signed digest covers
  std::string digest;      // hex
  std::string deadline;    // in force (status shows the same); empty if none
  bool late = false;
  // Sent back and submitted again: judged by the first submission (`late` is its judgement).
  bool resubmission = false;
};

struct ReviewEntry {
  std::string action;  // "submit", "accept", "return", "finalise"
  std::string state;   // the state it led to
  std::string author, time, comment, override_reason;
  bool synced = false;
  std::string local_state;      // not synced: the outbox state ("pending", "packed")
  std::optional<bool> on_time;  // the server's judgement, when known
  std::string received;         // the server's receipt time, when known
  bool implausible = false;     // the device's clock and the server's disagree
};

struct PendingReview {
  UnitChoice unit;
  ReviewEntry last;  // the submission waiting
};

struct FieldValue {   // one field of a report, for review
  std::string field;  // the store key ("v:PL3.1:2019")
  std::string label;
  std::string value;   // as shown; "(empty)" / "(trống)" when empty
  std::string before;  // Changes only: the value when submitted or accepted
};

struct ChangeSet {    // what differs from the data at one earlier transition
  std::string since;  // "the previous submission", "the return", "the submit" (catalogue)
  std::string state, time;
  std::vector<FieldValue> rows;
};

struct Changes {       // what differs from the data last submitted or accepted
  bool known = false;  // false: no submission or acceptance with its data is known here
  std::string action, state, time;
  std::vector<FieldValue> rows;
  bool digest_matches = false;
  // Resubmitted after a return: since the previous submission and since the return; else the
  // one set above. Empty when nothing is known.
  std::vector<ChangeSet> sets;
};

// ---- sync and status ----

struct EnrollInput {
  std::string server_url, ca_file, token;
};

struct EnrollResult {
  UnitInfo unit;
  std::string device, role;
  std::string previous_device;  // non-empty when this store was enrolled before (re-enrolment)
  std::size_t resigned = 0;     // unsent edits to be signed again with the new key
};

// One refusal from the server: an edit (`op` set) or a whole change set (`op` 0, e.g. a
// server before push 1.2), with the server's reason.
struct SyncRefusal {
  std::uint64_t change_set = 0, op = 0;
  std::string reason;
};

struct SyncReport {
  bool ok = false;
  bool cancelled = false;
  std::string error;  // the last failure, for the user
  std::size_t sent = 0, applied = 0, duplicates = 0, requeued = 0, pulled = 0, pages = 0;
  std::vector<SyncRefusal> refused;      // refused by the server in this sync
  std::size_t refused_kept = 0;          // refused edits outstanding after it (Status.refused)
  std::vector<std::uint64_t> conflicts;  // conflict ids opened
  bool cursor_reset = false;
  int attempts = 0;
};

struct SyncControl {
  int attempts = 4;  // 1: one attempt; more: retries with backoff on network failures
  std::string server_url, ca_file;  // override the enrolled ones (empty: enrolled)
  std::function<void(const std::string&)> on_progress;  // "sending 3 change sets", ...
  // Before waiting to try again: the failure and the wait in seconds.
  std::function<void(const std::string&, double)> on_retry;
  // When sync gives up (the error is then thrown): what was done before, for the user.
  std::function<void(const SyncReport&)> on_failure;
  const std::atomic<bool>* cancel = nullptr;  // set it (from any thread) to stop soon
};

struct RefusedEdit {
  std::uint64_t op = 0;
  std::string unit;   // the unit the edit was for
  std::string field;  // "PL3.6.a@2019" for a cell; the store key otherwise ("t:KH.X.1.1")
  std::string key;    // the store key
  std::string label, value, reason;  // value: the refused one, as shown; reason: its own
};

struct Status {
  UnitInfo unit;
  std::string device, role, server;  // empty before enrolment
  std::string report_state;          // "draft", "submitted", "accepted", "returned", ...
  std::string report_state_label;    // in the Workspace's language
  std::string last_action, last_action_author, last_action_time;  // empty in draft
  bool last_action_synced = false;
  std::string reviewer_comment;  // of the last transition, when it has one
  std::string deadline;          // the deadline in force (ISO date, end of day UTC+7), or empty
  std::optional<int> days_left;  // whole days until it; negative when past
  bool submitted = false;        // submitted or beyond (the deadline no longer matters)
  bool overdue = false;          // past the deadline and not submitted
  std::string last_sync, last_attempt, last_error;  // ISO UTC; empty: never
  std::size_t unsent = 0, waiting_for_server = 0, refused_count = 0, open_conflicts = 0;
  std::vector<RefusedEdit> refused;
  std::size_t waiting_for_review = 0;  // reports below waiting for this unit's review
};

struct Conflict {
  std::uint64_t id = 0;
  std::string unit, field, label, state;
  std::string current_value, current_author, current_device;
  std::string other_value, other_author, other_device;
};

// ---- reviewer ----

struct Tally {
  std::string title;
  int expected = 0, submitted = 0, accepted = 0, returned = 0, late = 0;
  std::vector<std::string> missing;  // "25459 Xã Tân Lập"
  // The deadline in force for each level among the units ("Cấp xã", "2020-03-10"): the
  // server's setting, else the template's.
  std::vector<std::pair<std::string, std::string>> deadlines;
};

struct Contributor {
  std::string unit, name;
  std::optional<double> value, denominator;  // ratio rows: numerator and denominator
};

struct DrillDown {
  std::string indicator, label, period, type;
  std::optional<double> value, numerator, denominator;  // nothing known: no value
  std::vector<Contributor> contributions;
  std::vector<std::string> missing;  // unit codes
  int flag_units = 0;                // a yes/no row: the units reporting (value = those with 1)
  // A province's row a department answers: the province's figure is the department's
  // accepted one unless the province entered its own.
  std::string department = {}, department_name = {};  // empty: not such a row
  std::optional<double> province_figure = {};
  bool province_overrides = false;
};

struct UnitReview {  // a unit below, as its reviewer sees it (client/src/core/review_units.cpp)
  UnitChoice unit;
  // "draft" (figures received, not submitted), "submitted", "returned", "accepted",
  // "finalised", or "missing" (nothing received from it)
  std::string state, state_label;
  std::string deadline;  // of its level (ISO date), or empty
  bool late = false;     // submitted after it, or not submitted and it is past
  std::string last_action, last_author, last_time, comment;  // of its last transition
  bool reviewed_here = false;  // this store's unit accepts or returns it
};

struct GoalTallyRow {
  std::string id, stt, label;
  int dat = 0, khong_dat = 0, missing = 0;
};

struct Coverage {  // whose reports a roll-up counts (accepted; or submitted too)
  int counted = 0, total = 0;
  std::string line;                  // "Số liệu tổng hợp từ 7/15 đơn vị"
  std::vector<std::string> missing;  // names of the units not counted (yet)
};

struct Contribution {  // a department's text beside its province's own section
  std::string section, heading;
  std::string own_text;  // the province's text now
  std::string department, department_name, text;
  bool accepted = false;  // the department's report was accepted
  bool taken_in = false;  // the province's text already holds it
};

struct DocumentPart {  // one field of the document frame (t:VB.<name>)
  std::string name, label, value;
};

enum class ExportFormat { docx, xlsx, csv, values_csv };

class Workspace {
 public:
  // Units matching a code or a name (diacritics optional) for the first run.
  static std::vector<UnitChoice> find_units(const std::string& query);
  // Makes a new store for a unit (a code, or a name that picks out one) and remembers the
  // author. Refuses an existing file. Throws naming the candidates when the name is ambiguous.
  static Workspace create(const WorkspaceOptions& options, const std::string& unit,
                          const std::string& author);
  // Opens an existing store (migrating it) made for the installed template.
  static Workspace open(const WorkspaceOptions& options);

  Workspace(Workspace&&) noexcept;
  Workspace& operator=(Workspace&&) noexcept;
  ~Workspace();

  Language language() const;
  const std::filesystem::path& store_file() const;
  StoreCheckInfo last_store_check();
  // How many times this process parsed the installed template (once, unless it changed on
  // disk): every Workspace shares it.
  static std::uint64_t template_parses();
  // A reviewer works on a unit below its own (code); empty: back to the store's unit.
  void select_unit(const std::string& code);
  UnitInfo unit();
  // Who writes from now on in this Workspace (not remembered; init remembers one).
  void set_author(const std::string& author);
  std::string role();  // "clerk" before enrolment

  // ---- what this unit fills ----
  std::vector<PartInfo> parts();
  // The valid indicator codes, and the closest to a mistyped one ("did you mean").
  std::string resolve_indicator(const std::string& code);  // canonical code, or throws
  std::vector<std::string> closest_codes(const std::string& code, std::size_t n = 3);
  Form form(const std::string& appendix);
  // One row of its appendix's form (any code case); Error naming the closest codes if unknown.
  FormRow row(const std::string& indicator);

  // ---- values ----
  SaveResult set_value(const std::string& indicator, const std::string& period,
                       const std::string& text);
  SaveResult set_values(const std::vector<CellInput>& cells);  // all or nothing
  std::vector<Problem> validate();
  // The whole import of a CSV (indicator,period,value); dry_run writes nothing.
  SaveResult import_csv(const std::string& csv_text, const std::string& file_name, bool dry_run);

  // ---- narrative ----
  std::vector<SectionText> sections();
  SectionText section(const std::string& id);
  // Stored NFC; only whitespace clears the section. false: the text was already that.
  bool set_text(const std::string& section, const std::string& utf8_text);
  // .docx (Word), .txt in UTF-8, UTF-16 with BOM, or Windows-1258: decoded, NFC, stored.
  // Returns how it was read: "docx", "UTF-8", "UTF-16", "Windows-1258".
  std::string import_text(const std::string& section, const std::filesystem::path& file);

  // ---- lists and goals ----
  std::string list_title(const std::string& table);
  std::vector<ListColumn> list_columns(const std::string& table);
  std::vector<ListRow> list_rows(const std::string& table, bool rolled_up = false);
  std::string add_row(const std::string& table,
                      const std::vector<std::pair<std::string, std::string>>& cells);  // row id
  void delete_row(const std::string& table, const std::string& row_id);
  std::vector<GoalRow> goals();
  // result: "dat", "khong_dat", or the label typed ("Đạt", "không đạt"). false: unchanged.
  bool assess(const std::string& goal, const std::string& result, const std::string& note);

  // ---- submission and review ----
  Completeness completeness();
  // Errors throw CellsRefused(validation_failed) listing them; warnings (rule warnings, the
  // empty rows and sections, units below not accepted) need a non-empty reason.
  // The transition is written like any edit and sent with the next sync; the report locks.
  SubmitResult submit(const std::string& override_reason, const std::string& comment);
  void accept(const std::string& comment);     // the selected unit below
  void give_back(const std::string& comment);  // return; the comment is required
  void finalise(const std::string& comment);   // the province's own report
  std::vector<ReviewEntry> review_history();
  std::vector<PendingReview> pending_reviews();
  std::vector<FieldValue> report_values();  // the selected unit's data as held here
  Changes changes();
  // The selected unit's data at its last submission against its previous submission (a
  // resubmission after a return): `known` false when it was submitted once or never.
  Changes resubmission_changes();

  // ---- sync ----
  // Writes the device key beside the store (as <key>.new before the server hears of it). A
  // store enrolled before may enroll again (revoked, or a new server): the old key is kept as
  // <key>.old-<device>, unsent edits are signed again with the new key at the next sync.
  EnrollResult enroll(const EnrollInput& input);
  std::string device_key_file() const;  // <store>.key
  // Throws the last error when every attempt failed (network) or a failure is final; a
  // cancelled sync returns with `cancelled` (nothing is lost: the outbox is kept).
  SyncReport sync(const SyncControl& control);
  Status status();
  std::vector<Conflict> conflicts(bool include_resolved = false);
  void resolve_conflict(std::uint64_t id, bool keep_current);
  // Writes a refused edit's value again (a new edit through the write path, e.g. once the
  // report was returned); Error when the op is not a refused one or the write is refused.
  // The refused edit is then marked as sent again (it leaves Status.refused), as by
  // retry_refused().
  void reapply(std::uint64_t op);
  // Queues every outstanding refused edit again (review transitions excepted: they must be
  // made again), in one transaction; the next sync sends them. Returns how many.
  std::size_t retry_refused();

  // ---- reviewer: completeness below, roll-up ----
  std::vector<Tally> completeness_below();
  std::vector<UnitReview> units_below();  // the store's unit's children, with their state
  // Roll-ups, drill-downs and rolled-up exports count accepted reports only; with this on,
  // submitted ones too (drafts never). Not remembered.
  void set_include_submitted(bool include);
  Coverage rollup_coverage();                // of the selected unit
  std::size_t contributor_count();           // units whose figures the selected unit's roll-up adds
  Form rollup(const std::string& appendix);  // PL1..PL7: cells hold the rolled-up figures
  std::vector<GoalTallyRow> rollup_goals();  // PL8
  DrillDown drilldown(const std::string& indicator, const std::string& period);

  // ---- the province's report: departments' text, document frame ----
  // Department texts for the sections this unit writes (one section, or all when empty).
  std::vector<Contribution> contributions(const std::string& section = "");
  // Copies a department's text into this unit's section (appended; or replacing it).
  // false: the section already holds it. Throws when that department wrote nothing there.
  bool take_in(const std::string& section, const std::string& department, bool replace);
  std::vector<DocumentPart> document();
  // name: "so_ky_hieu", ...; only whitespace clears it. Error naming the known names.
  void set_document(const std::string& name, const std::string& text);

  // ---- export ----
  std::string export_bytes(ExportFormat format, bool rolled_up);
  // Written beside `path` and renamed into place: a failure never leaves half a file.
  void export_file(ExportFormat format, bool rolled_up, const std::filesystem::path& path);
  void export_file_bytes(const std::string& bytes, const std::filesystem::path& path);
  // A CSV (indicator,period,value) with every row and period this unit fills, current values
  // filled in: importable after filling.
  std::string export_blank();

  struct Impl;  // opaque: client/src/core/workspace_impl.hpp

 private:
  explicit Workspace(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace tongket::client
