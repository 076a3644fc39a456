#include "ui_bench.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <fstream>
#include <stdexcept>
#include <thread>

#include "processes.hpp"
#include "timing.hpp"
#include "tongket/client_store.hpp"
#include "tongket/workspace.hpp"

namespace tongket::bench {

namespace {

constexpr int kFormOpens = 40;
constexpr int kSaves = 400;
constexpr int kOpens = 20;

// A whole province in one client store (as a reviewer's after its first sync): every unit of
// Tây Ninh with the values its level fills.
std::filesystem::path province_store(BenchEnv& env, std::string& how) {
  auto pulled = env.work / "pull-province.db";
  auto store = env.work / "ui-province.db";
  std::filesystem::remove(store);
  if (std::filesystem::exists(pulled)) {
    std::filesystem::copy_file(pulled, store);
    how = "the pull benchmark's synced store of Tây Ninh";
    return store;
  }
  client::WorkspaceOptions options;
  options.store = store;
  client::Workspace::create(options, kBenchProvince, "Bench Reviewer");
  auto s = ClientStore::open(store);
  std::size_t units = 0, values = 0;
  for (const auto& u : env.units.units()) {
    if (u.code != kBenchProvince && !env.units.within(u.code, kBenchProvince)) continue;
    std::vector<FieldWrite> writes;
    for (const auto& v : env.generator->values(u))
      writes.push_back({u.code, FieldKey::value(v.indicator, v.period), v.value});
    if (writes.empty()) continue;
    s.set_fields(writes, "bench", system_time_ms());
    ++units;
    values += writes.size();
  }
  how = "built here: " + fmt(static_cast<double>(units)) + " units of Tây Ninh, " +
        fmt(static_cast<double>(values)) + " values";
  return store;
}

size_t collect(char* data, size_t size, size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

// One keep-alive connection to the app, with its session cookie.
class AppClient {
 public:
  AppClient(std::string base, const std::string& token) : base_(std::move(base)) {
    curl_ = curl_easy_init();
    curl_easy_setopt(curl_, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(curl_, CURLOPT_COOKIEFILE, "");  // the cookie engine, in memory
    request("GET", "/?token=" + token, "");
  }
  ~AppClient() {
    curl_slist_free_all(headers_);
    curl_easy_cleanup(curl_);
  }
  // The status; the body in `body`.
  long request(const std::string& method, const std::string& path, const std::string& data,
               std::string* body = nullptr) {
    std::string sink;
    std::string& out = body ? *body : sink;
    out.clear();
    curl_slist_free_all(headers_);
    headers_ = curl_slist_append(nullptr, ("Origin: " + base_).c_str());
    headers_ = curl_slist_append(headers_, "Content-Type: application/json");
    curl_easy_setopt(curl_, CURLOPT_HTTPHEADER, headers_);
    curl_easy_setopt(curl_, CURLOPT_URL, (base_ + path).c_str());
    curl_easy_setopt(curl_, CURLOPT_WRITEDATA, &out);
    curl_easy_setopt(curl_, CURLOPT_CUSTOMREQUEST, method.c_str());
    if (method == "POST") {
      curl_easy_setopt(curl_, CURLOPT_POSTFIELDS, data.c_str());
    } else {
      curl_easy_setopt(curl_, CURLOPT_HTTPGET, 1L);
      curl_easy_setopt(curl_, CURLOPT_CUSTOMREQUEST, nullptr);
    }
    if (curl_easy_perform(curl_) != CURLE_OK) throw std::runtime_error("ui bench: request failed");
    long status = 0;
    curl_easy_getinfo(curl_, CURLINFO_RESPONSE_CODE, &status);
    return status;
  }

 private:
  std::string base_;
  CURL* curl_ = nullptr;
  curl_slist* headers_ = nullptr;
};

struct Timings {
  std::vector<double> seconds;
  double p(double q) {
    std::sort(seconds.begin(), seconds.end());
    return seconds[static_cast<std::size_t>(q * static_cast<double>(seconds.size() - 1))];
  }
};

template <typename F>
Timings time_each(int n, F&& f) {
  Timings t;
  for (int i = 0; i < n; ++i) {
    auto start = Clock::now();
    f(i);
    t.seconds.push_back(since(start));
  }
  return t;
}

// The first line `tongket ui` printed into its log: its URL.
std::string wait_for_url(const std::filesystem::path& log) {
  for (int i = 0; i < 600; ++i) {
    std::ifstream in(log);
    std::string line;
    if (std::getline(in, line) && line.rfind("http://", 0) == 0 && in) return line;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  throw std::runtime_error("tongket ui printed no URL; see " + log.string());
}

// Opening the store (what every CLI command and the web app's sync pay): the damage check
// only when it matters (after an unclean shutdown, every 7 days, `tongket check`), beside an
// open that runs it. No other connection is open meanwhile (one would look like an unclean
// shutdown: its WAL file).
void open_figures(BenchEnv& env, const std::filesystem::path& store) {
  client::WorkspaceOptions options;
  options.store = store;
  const auto bytes = static_cast<double>(std::filesystem::file_size(store));
  auto clean = time_each(kOpens, [&](int) { auto ws = client::Workspace::open(options); });
  options.check_store = true;
  auto checked = time_each(kOpens, [&](int) { auto ws = client::Workspace::open(options); });
  env.results.add({"client: open the store (Workspace::open) of a province reviewer, " +
                       fmt_bytes(bytes) + ", no check due (" + std::to_string(kOpens) + " opens)",
                   "p50 " + fmt_seconds(clean.p(0.5)) + ", p99 " + fmt_seconds(clean.p(0.99)),
                   "with PRAGMA quick_check (tongket check; after an unclean shutdown): p50 " +
                       fmt_seconds(checked.p(0.5)) + ", p99 " + fmt_seconds(checked.p(0.99)),
                   "-"});
}

}  // namespace

void run_ui(BenchEnv& env) {
  std::string how;
  const auto store = province_store(env, how);
  const auto log = env.work / "ui.log";
  Child ui({TONGKET_BENCH_CLIENT_BIN, "ui", "--no-browser", "--store", store.string()}, log);
  const std::string url = wait_for_url(log);
  const auto token_at = url.find("?token=");
  const std::string base = url.substr(0, url.find('/', 7));
  AppClient app(base, url.substr(token_at + 7));
  std::string body;
  if (app.request("GET", "/api/forms/PL3", "", &body) != 200)
    throw std::runtime_error("ui bench: GET /api/forms/PL3: " + body);

  auto form = time_each(kFormOpens, [&](int) { app.request("GET", "/api/forms/PL3", "", &body); });
  auto page = time_each(kFormOpens, [&](int) { app.request("GET", "/app.css", "", &body); });
  auto save = time_each(kSaves, [&](int i) {
    const std::string cell = R"({"cells":[{"indicator":"PL3.1","period":"2019","text":")" +
                             std::to_string(100 + i) + R"("}]})";
    if (app.request("POST", "/api/values", cell, &body) != 200)
      throw std::runtime_error("ui bench: POST /api/values: " + body);
  });
  ui.stop();

  // Baseline: the same kind of write straight into the store (same file, the app stopped).
  Timings direct;
  {
    auto direct_store = ClientStore::open(store);
    direct = time_each(kSaves, [&](int i) {
      direct_store.set_field(kBenchProvince, FieldKey::value("PL3.1", "2018"), 200 + i, "bench",
                             direct_store.next_hlc(system_time_ms()));
    });
  }
  open_figures(env, store);

  const double form_p50 = form.p(0.5), form_p99 = form.p(0.99);
  env.results.add({"ui: open the PL3 form (GET /api/forms/PL3) on a province store (" + how + ")",
                   "p50 " + fmt_seconds(form_p50) + ", p99 " + fmt_seconds(form_p99),
                   "same server, static /app.css: p50 " + fmt_seconds(page.p(0.5)) + ", p99 " +
                       fmt_seconds(page.p(0.99)),
                   "< 300 ms: " + verdict(form_p99 < 0.3)});
  const double save_p99 = save.p(0.99);
  env.results.add({"ui: save one cell (POST /api/values, validated, outbox), " +
                       std::to_string(kSaves) + " round trips",
                   "p50 " + fmt_seconds(save.p(0.5)) + ", p99 " + fmt_seconds(save_p99),
                   "direct ClientStore::set_field: p50 " + fmt_seconds(direct.p(0.5)) + ", p99 " +
                       fmt_seconds(direct.p(0.99)),
                   "p99 < 30 ms: " + verdict(save_p99 < 0.03)});
}

}  // namespace tongket::bench
