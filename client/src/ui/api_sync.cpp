// Sync as a background job (start, progress, cancel), conflicts, and refused edits.
#include "tongket/error.hpp"
#include "ui/api_common.hpp"
#include "ui/json_views.hpp"

namespace tongket::ui {

using nlohmann::json;

namespace {

json job_json(SyncJob& job) {
  std::lock_guard lock(job.mutex);
  json out = {{"running", job.running}, {"progress", job.progress}, {"error", job.error}};
  out["result"] = job.result ? to_json(*job.result) : json(nullptr);
  return out;
}

// The worker: its own Workspace on the same store (a Workspace is single-threaded).
void run_sync(AppState& state) {
  SyncJob& job = state.sync();
  try {
    auto ws = client::Workspace::open(state.workspace_options());
    client::SyncControl control;
    control.cancel = &job.cancel;
    control.on_progress = [&job](const std::string& line) {
      std::lock_guard lock(job.mutex);
      job.progress.push_back(line);
    };
    control.on_retry = [&job](const std::string& failure, double wait_s) {
      std::lock_guard lock(job.mutex);
      job.progress.push_back(failure + " — thử lại sau " +
                             std::to_string(static_cast<int>(wait_s + 0.5)) + " giây");
    };
    auto report = ws.sync(control);
    std::lock_guard lock(job.mutex);
    job.result = std::move(report);
  } catch (const std::exception& e) {
    std::lock_guard lock(job.mutex);
    job.error = e.what();
  }
  std::lock_guard lock(job.mutex);
  job.running = false;
}

json start_sync(AppState& state) {
  SyncJob& job = state.sync();
  {
    std::lock_guard lock(job.mutex);
    if (job.running) throw Error(Errc::conflict, "Đang đồng bộ; hãy chờ lần này xong.");
    if (!state.initialised())
      throw Error(Errc::not_found, "Chưa chọn đơn vị: hãy hoàn tất bước khởi tạo trước.");
    job.running = true;
    job.progress.clear();
    job.result.reset();
    job.error.clear();
    job.cancel = false;
  }
  if (job.worker.joinable()) job.worker.join();  // the previous run has finished
  job.worker = std::thread(run_sync, std::ref(state));
  return job_json(job);
}

// Applies a refused edit again from its stored value (e.g. once the report was returned).
json reapply(AppState& state, std::uint64_t op) {
  return state.with_workspace([&](auto& ws) {
    ws.reapply(op);
    return to_json(ws.status());
  });
}

}  // namespace

void add_sync_routes(httplib::Server& server, AppState& state) {
  server.Post("/api/sync", api([&state](const httplib::Request&) { return start_sync(state); }));
  server.Get("/api/sync",
             api([&state](const httplib::Request&) { return job_json(state.sync()); }));
  server.Post("/api/sync/cancel", api([&state](const httplib::Request&) {
                state.sync().cancel = true;
                return job_json(state.sync());
              }));
  server.Get("/api/conflicts", api([&state](const httplib::Request&) {
               return state.with_workspace([](auto& ws) {
                 json out = json::array();
                 for (const auto& c : ws.conflicts()) out.push_back(to_json(c));
                 return out;
               });
             }));
  server.Post(R"(/api/conflicts/(\d+))", api([&state](const httplib::Request& req) {
                const auto id = std::stoull(req.matches[1]);
                const std::string keep = member(body_object(req), "keep", true);
                if (keep != "current" && keep != "other")
                  throw Error(Errc::invalid_argument,
                              "Hãy chọn giữ giá trị hiện tại (current) hoặc giá trị kia (other).");
                return state.with_workspace([&](auto& ws) {
                  ws.resolve_conflict(id, keep == "current");
                  return json{{"resolved", id}};
                });
              }));
  server.Post(R"(/api/refused/(\d+)/reapply)", api([&state](const httplib::Request& req) {
                return reapply(state, std::stoull(req.matches[1]));
              }));
}

}  // namespace tongket::ui
