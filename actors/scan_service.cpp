#include "actors/scan_service.h"

#include <algorithm>
#include <thread>

#include "actors/scan_scheduler.h"
#include "base/uuid.h"

namespace heimdall::actors {
namespace {

bool is_sha(const std::string& text) {
  return (text.size() == 40 || text.size() == 64) &&
         std::all_of(text.begin(), text.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

result<scan_history> load_history(const event_log& log, const std::string& scan_id) {
  auto events = log.read_stream(scan_stream(scan_id), 1, SIZE_MAX);
  if (!events) return events.error();
  return fold_scan_history(scan_id, events.value());
}

// Scans a previous process left non-terminal, oldest trigger first.
result<std::vector<scan_history>> unfinished_scans(const event_log& log) {
  std::vector<std::pair<std::uint64_t, scan_history>> found;
  status failed = status::ok();
  status walked = log.projection_for_each("scans", "", [&](std::string_view id, std::string_view json) {
    auto record = scan_record_from_json(json);
    if (!record || record.value().is_terminal()) return true;
    auto events = log.read_stream(scan_stream(id), 1, SIZE_MAX);
    if (!events) return (failed = events.error()).is_ok();
    auto h = fold_scan_history(id, events.value());
    if (!h) return (failed = h.error()).is_ok();
    found.emplace_back(events.value().front().seq, std::move(h.value()));  // fold checked it exists
    return true;
  });
  if (!walked.is_ok()) return walked;
  if (!failed.is_ok()) return failed;
  std::sort(found.begin(), found.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<scan_history> out;
  for (auto& [seq, h] : found) out.push_back(std::move(h));
  return out;
}

}  // namespace

struct scan_service::impl {
  event_log& log;
  std::unique_ptr<caf::actor_system_config> config;
  std::unique_ptr<caf::actor_system> system;
  caf::actor scheduler;
  recovery_report recovered;

  explicit impl(event_log& l) : log(l) {}
  ~impl() {
    if (system) {
      caf::anon_send(scheduler, shutdown_atom::value);
      scheduler = caf::actor();
      system->await_all_actors_done();
    }
  }
};

result<scan_record> get_scan(const event_log& log, const std::string& scan_id) {
  auto stored = log.projection_get("scans", scan_id);
  if (!stored) return stored.error();
  if (!stored.value()) return status(errc::not_found, "Scan '" + scan_id + "' not found");
  return scan_record_from_json(*stored.value());
}

scan_service::scan_service(std::unique_ptr<impl> impl) : impl_(std::move(impl)) {}
scan_service::~scan_service() = default;

const recovery_report& scan_service::recovered() const { return impl_->recovered; }

result<std::unique_ptr<scan_service>> scan_service::start(event_log& log, scan_service_options options) {
  auto engine = scan_engine::load(options.rules_dir, options.advisories_dir);
  if (!engine) return engine.error();
  auto unfinished = unfinished_scans(log);
  if (!unfinished) return unfinished.error();

  auto context = std::make_shared<scheduler_context>();
  context->log = &log;
  context->engine = std::move(engine.value());
  context->settings = std::make_shared<const scan_settings>(std::move(options.settings));
  context->limits = scan_limits{options.stage_time_limit, options.scan_time_limit, options.max_starts};
  std::size_t cores = std::max(1u, std::thread::hardware_concurrency());
  context->max_running = options.max_concurrent_scans ? options.max_concurrent_scans : cores;

  auto state = std::make_unique<impl>(log);
  state->config = std::make_unique<caf::actor_system_config>();
  // Actors only coordinate; stage work runs on detached workers, so a
  // couple of cooperative threads are plenty.
  state->config->set("scheduler.max-threads", std::min<std::size_t>(cores, 4));
  state->system = std::make_unique<caf::actor_system>(*state->config);
  state->scheduler = state->system->spawn(scan_scheduler, std::shared_ptr<const scheduler_context>(context));
  for (auto& h : unfinished.value()) {
    (h.starts == 0 ? state->recovered.requeued : state->recovered.resumed).push_back(h.scan_id);
    caf::anon_send(state->scheduler, admit_atom::value, std::move(h));
  }
  return std::unique_ptr<scan_service>(new scan_service(std::move(state)));
}

result<scan_record> scan_service::trigger(const scan_request& request) {
  auto repo = find_repo(impl_->log, request.repo_id);
  if (!repo) return repo.error();
  if (request.scan_type != "full" && request.scan_type != "incremental") {
    return status(errc::invalid_argument, "scan_type must be full or incremental, not '" + request.scan_type + "'");
  }
  if (!uuid::parse(request.triggered_by)) {
    return status(errc::invalid_argument, "triggered_by '" + request.triggered_by + "' is not a user id");
  }
  for (const auto* sha : {&request.commit_sha, &request.base_commit_sha}) {
    if (*sha && !is_sha(**sha)) {
      return status(errc::invalid_argument, "'" + **sha + "' is not a full lowercase commit sha");
    }
  }
  if (request.scan_type == "incremental" && !request.base_commit_sha && !request.parent_scan_id) {
    return status(errc::invalid_argument, "an incremental scan needs base_commit_sha or parent_scan_id");
  }
  if (request.parent_scan_id) {
    auto parent = get_scan(impl_->log, *request.parent_scan_id);
    if (!parent) return parent.error();
    if (parent.value().repo_id != request.repo_id) {
      return status(errc::invalid_argument, "parent scan " + *request.parent_scan_id + " is of another repository");
    }
  }
  std::string id = uuid::v7().to_string();
  auto appended = impl_->log.append(scan_stream(id), expected_version::no_stream(), {queued_event(request)});
  if (!appended) return appended.error();
  auto h = load_history(impl_->log, id);
  if (!h) return h.error();
  // Read before the scheduler has it: the caller is answered with the scan
  // as queued (the spec's 202 says "queued"), not with however far it got.
  auto queued = get_scan(impl_->log, id);
  caf::anon_send(impl_->scheduler, admit_atom::value, std::move(h.value()));
  return queued;
}

status scan_service::cancel(const std::string& scan_id) {
  auto scan = get_scan(impl_->log, scan_id);
  if (!scan) return scan.error();
  if (scan.value().is_terminal()) {
    return status(errc::conflict, "Scan '" + scan_id + "' is already " + scan.value().status);
  }
  caf::scoped_actor self{*impl_->system};
  std::string outcome;
  self->request(impl_->scheduler, caf::infinite, cancel_atom::value, scan_id)
      .receive([&](const std::string& reply) { outcome = reply; },
               [&](const caf::error& e) { outcome = "the scheduler did not answer: " + impl_->system->render(e); });
  if (outcome.empty()) return status::ok();
  if (outcome == "unknown") {
    // Between its scan.queued and its admission, or just finished.
    auto now = get_scan(impl_->log, scan_id);
    if (now && now.value().is_terminal()) {
      return status(errc::conflict, "Scan '" + scan_id + "' is already " + now.value().status);
    }
    return status(errc::conflict, "Scan '" + scan_id + "' cannot be cancelled right now; try again");
  }
  return status(errc::conflict, "Scan '" + scan_id + "': " + outcome);
}

}  // namespace heimdall::actors
