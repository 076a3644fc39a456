#include "store/pg/pg_conn.hpp"

#include <charconv>
#include <cstring>
#include <memory>

#include "tongket/error.hpp"

namespace tongket::server::pg {

namespace {

// What an SQLSTATE means to the caller: retry later, a disk or permission problem, damage,
// or a bug.
Errc errc_for(std::string_view state) {
  const auto cls = state.substr(0, 2);
  if (cls == "08" || cls == "53" || cls == "57" || cls == "40" || state == "55P03")
    return state == "53100" ? Errc::io_error : Errc::unavailable;
  if (cls == "XX") return state == "XX000" ? Errc::internal : Errc::store_corrupt;
  if (cls == "58" || state == "42501" || state == "25006") return Errc::io_error;
  return Errc::internal;
}

// The URL as a user may see it: a password given in it is replaced by "***" (libpq's own
// parser finds it, in either URI or key=value form).
std::string without_password(const std::string& url) {
  char* err = nullptr;
  PQconninfoOption* opts = PQconninfoParse(url.c_str(), &err);
  if (err) PQfreemem(err);
  if (!opts) return "<unreadable PostgreSQL URL>";
  std::string out = url;
  for (PQconninfoOption* o = opts; o->keyword; ++o) {
    if (std::strcmp(o->keyword, "password") != 0 || !o->val || !*o->val) continue;
    for (std::size_t at = out.find(o->val); at != std::string::npos; at = out.find(o->val, at))
      out.replace(at, std::strlen(o->val), "***");
  }
  PQconninfoFree(opts);
  return out;
}

void ignore_notice(void*, const char*) {}

std::string trimmed(const char* message) {
  std::string m = message ? message : "";
  while (!m.empty() && (m.back() == '\n' || m.back() == ' ')) m.pop_back();
  return m;
}

}  // namespace

Params& Params::add(std::int64_t value) {
  values_.emplace_back(std::to_string(value));
  lengths_.push_back(0);
  formats_.push_back(0);
  return *this;
}

Params& Params::add(std::string_view text) {
  values_.emplace_back(std::string(text));
  lengths_.push_back(0);
  formats_.push_back(0);
  return *this;
}

Params& Params::add_bytes(std::span<const std::uint8_t> bytes) {
  values_.emplace_back(std::string(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
  lengths_.push_back(static_cast<int>(bytes.size()));
  formats_.push_back(1);
  return *this;
}

Params& Params::add_null() {
  values_.emplace_back(std::nullopt);
  lengths_.push_back(0);
  formats_.push_back(0);
  return *this;
}

Params& Params::add_opt(const std::optional<std::int64_t>& value) {
  return value ? add(*value) : add_null();
}

Params& Params::add_opt(const std::optional<std::string>& value) {
  return value ? add(std::string_view(*value)) : add_null();
}

std::vector<const char*> Params::pointers() const {
  std::vector<const char*> out;
  out.reserve(values_.size());
  for (const auto& v : values_) out.push_back(v ? v->data() : nullptr);
  return out;
}

std::int64_t Result::affected() const {
  const char* n = PQcmdTuples(r_);
  std::int64_t v = 0;
  std::from_chars(n, n + std::strlen(n), v);
  return v;
}

std::int64_t Result::int64(int row, int col) const {
  const char* t = PQgetvalue(r_, row, col);
  const char* end = t + PQgetlength(r_, row, col);
  std::int64_t v = 0;
  auto [p, ec] = std::from_chars(t, end, v);
  if (ec != std::errc() || p != end || is_null(row, col))
    throw Error(Errc::store_corrupt,
                "store: column " + std::to_string(col) + " is not a number ('" + t + "')");
  return v;
}

std::optional<std::int64_t> Result::opt_int64(int row, int col) const {
  if (is_null(row, col)) return std::nullopt;
  return int64(row, col);
}

std::string Result::text(int row, int col) const {
  return std::string(PQgetvalue(r_, row, col), static_cast<std::size_t>(PQgetlength(r_, row, col)));
}

std::optional<std::string> Result::opt_text(int row, int col) const {
  if (is_null(row, col)) return std::nullopt;
  return text(row, col);
}

std::vector<std::uint8_t> Result::bytes(int row, int col) const {
  std::size_t n = 0;
  unsigned char* raw =
      PQunescapeBytea(reinterpret_cast<const unsigned char*>(PQgetvalue(r_, row, col)), &n);
  if (!raw) throw Error(Errc::internal, "store: out of memory reading a byte column");
  std::vector<std::uint8_t> out(raw, raw + n);
  PQfreemem(raw);
  return out;
}

Conn::Conn(const std::string& url) : display_url_(without_password(url)) {
  conn_ = PQconnectdb(url.c_str());
  if (!conn_ || PQstatus(conn_) != CONNECTION_OK) {
    std::string why = conn_ ? trimmed(PQerrorMessage(conn_)) : "out of memory";
    PQfinish(conn_);
    conn_ = nullptr;
    throw Error(Errc::unavailable, "cannot connect to the PostgreSQL store " + display_url_ + ": " +
                                       why +
                                       " (is PostgreSQL running, and is the URL recorded by "
                                       "`tongket-server init --database` right?)");
  }
  // Notices ("relation already exists, skipping") are not the user's business.
  PQsetNoticeProcessor(conn_, ignore_notice, nullptr);
}

Conn::~Conn() {
  PQfinish(conn_);
}

bool Conn::in_failed_transaction() const {
  return PQtransactionStatus(conn_) == PQTRANS_INERROR;
}

Error Conn::error(std::string_view what, const PGresult* r) const {
  const char* state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
  std::string msg = "store " + display_url_ + ": " + std::string(what) + ": " +
                    trimmed(r ? PQresultErrorMessage(r) : PQerrorMessage(conn_));
  Errc code = state ? errc_for(state) : Errc::unavailable;  // no SQLSTATE: the link is gone
  if (PQstatus(conn_) == CONNECTION_BAD) code = Errc::unavailable;
  return Error(code, msg);
}

void Conn::fail(std::string_view what, const PGresult* r) const {
  throw error(what, r);
}

Result Conn::check(PGresult* r, std::string_view sql) {
  Result result(r);
  auto status = PQresultStatus(r);
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK)
    fail(std::string(sql.substr(0, 70)), r);
  return result;
}

const std::string& Conn::prepared(std::string_view sql) {
  auto it = prepared_.find(sql);
  if (it == prepared_.end()) {
    std::string name = "s" + std::to_string(prepared_.size() + 1);
    check(PQprepare(conn_, name.c_str(), std::string(sql).c_str(), 0, nullptr), sql);
    it = prepared_.emplace(std::string(sql), std::move(name)).first;
  }
  return it->second;
}

Result Conn::run(std::string_view sql, const Params& params) {
  if (!queued_.empty()) return std::move(*pipeline(sql, &params));
  // A connection lost (the database restarted) is re-made on the next statement outside a
  // transaction; its prepared statements went with it.
  if (PQstatus(conn_) == CONNECTION_BAD) {
    PQreset(conn_);
    prepared_.clear();
    if (PQstatus(conn_) != CONNECTION_OK) fail("reconnect", nullptr);
    PQsetNoticeProcessor(conn_, ignore_notice, nullptr);
  }
  const std::string& name = prepared(sql);
  auto values = params.pointers();
  return check(PQexecPrepared(conn_, name.c_str(), params.count(), values.data(),
                              params.lengths().data(), params.formats().data(), 0),
               sql);
}

void Conn::queue(std::string_view sql, Params params, std::optional<Error> unless_one_row) {
  queued_.push_back({std::string(sql), std::move(params), std::move(unless_one_row)});
}

void Conn::flush() {
  if (!queued_.empty()) pipeline({}, nullptr);
}

void Conn::discard() {
  queued_.clear();
}

// The queued writes, then (when given) one more statement, in one pipeline: one round trip.
// The first failure is thrown once every result has been read (the connection stays usable).
std::optional<Result> Conn::pipeline(std::string_view sql, const Params* params) {
  std::vector<Queued> batch;
  batch.swap(queued_);
  for (const auto& q : batch) prepared(q.sql);
  if (params) prepared(sql);
  if (PQenterPipelineMode(conn_) != 1) fail("pipeline", nullptr);
  auto send = [&](const std::string& name, const Params& p) {
    auto values = p.pointers();
    if (PQsendQueryPrepared(conn_, name.c_str(), p.count(), values.data(), p.lengths().data(),
                            p.formats().data(), 0) != 1)
      fail("pipeline send", nullptr);
  };
  for (const auto& q : batch) send(prepared(q.sql), q.params);
  if (params) send(prepared(sql), *params);
  if (PQpipelineSync(conn_) != 1) fail("pipeline sync", nullptr);
  std::optional<Error> first;
  std::optional<Result> last;
  auto collect = [&](std::string_view what, const std::optional<Error>* unless_one_row) {
    Result r(PQgetResult(conn_));
    for (PGresult* rest = PQgetResult(conn_); rest; rest = PQgetResult(conn_)) PQclear(rest);
    const auto status = PQresultStatus(r.get());
    if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) {
      if (unless_one_row && *unless_one_row && r.affected() != 1 && !first)
        first = **unless_one_row;
    } else if (status != PGRES_PIPELINE_ABORTED && !first) {
      first = error(what.substr(0, 70), r.get());
    }
    return r;
  };
  for (const auto& q : batch) collect(q.sql, &q.unless_one_row);
  if (params) last.emplace(collect(sql, nullptr));
  // Then PGRES_PIPELINE_SYNC; out of pipeline mode once everything was read.
  for (int tries = 0; PQexitPipelineMode(conn_) != 1 && tries < 8; ++tries)
    PQclear(PQgetResult(conn_));
  if (first) throw *first;
  return last;
}

void Conn::exec(std::string_view sql) {
  check(PQexec(conn_, std::string(sql).c_str()), sql);
}

Transaction::Transaction(Conn& conn, Kind kind) : conn_(conn) {
  if (kind == Kind::snapshot) {
    conn_.exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    return;
  }
  conn_.exec("BEGIN");
  if (kind == Kind::plain) return;
  try {
    // Read committed after the lock: every statement sees every write committed before it.
    conn_.run("SELECT pg_advisory_xact_lock($1)", Params().add(kWriteLockKey));
  } catch (...) {
    conn_.exec("ROLLBACK");
    throw;
  }
}

Transaction::~Transaction() {
  if (done_) return;
  conn_.discard();
  try {
    conn_.exec("ROLLBACK");
  } catch (...) {
    // The connection is gone: so is the transaction.
  }
}

void Transaction::commit() {
  // COMMIT of a failed transaction "succeeds" as a ROLLBACK: that must not look committed.
  conn_.flush();
  if (conn_.in_failed_transaction())
    throw Error(Errc::internal, "store " + conn_.display_url() +
                                    ": a statement of this transaction failed; nothing of it "
                                    "was written");
  conn_.exec("COMMIT");
  done_ = true;
}

}  // namespace tongket::server::pg
