#include "actors/scan_actor.h"

#include <algorithm>
#include <atomic>

namespace heimdall::actors {
namespace {

using self_ptr = caf::stateful_actor<scan_state>*;

// Acks of appends that change what the actor does next; other appends
// need no answer unless they fail.
enum ack_tag : std::uint64_t { plain = 0, terminal = 1, cancelled = 2 };

std::string seconds(std::chrono::milliseconds d) {
  auto ms = d.count();
  return ms % 1000 == 0 ? std::to_string(ms / 1000) + " s" : std::to_string(ms) + " ms";
}

void append(self_ptr self, std::vector<new_event> events, ack_tag tag = plain) {
  auto& st = self->state;
  std::uint64_t expected = st.version;
  st.version += events.size();
  st.log->append_async(st.stream, expected_version::exact(expected), std::move(events),
                       [me = caf::actor(self), tag](result<append_result> r) {
                         caf::anon_send(me, appended_atom::value,
                                        append_ack{tag, r ? status::ok() : r.error()});
                       });
}

void quit_if_finished(self_ptr self) {
  auto& st = self->state;
  if (st.terminal_durable && st.cleaned && !st.worker_busy) self->quit();
}

// Workspace removal can take a while for a large tree: a worker does it.
void clean_up(self_ptr self) {
  auto& st = self->state;
  if (st.worker_busy) return;  // again when the worker reports back
  st.worker_busy = true;
  self->spawn<caf::detached>([pipeline = st.pipeline, me = caf::actor(self)](caf::blocking_actor*) {
    pipeline->remove_workspace();
    caf::anon_send(me, cleaned_atom::value);
  });
}

// Records the scan's failure (the stage's too, when one was running) and
// winds down.
void fail(self_ptr self, const std::string& error) {
  auto& st = self->state;
  if (st.ending) return;
  st.ending = true;
  st.stop->store(true);
  std::vector<new_event> events;
  std::string message = error;
  if (st.current) {
    events.push_back(stage_event(*st.current, "failed", error));
    message = std::string(stage_name(*st.current)) + ": " + error;
  }
  events.push_back(failed_event(message));
  append(self, std::move(events), terminal);
  clean_up(self);
}

void start_stage(self_ptr self, stage s) {
  auto& st = self->state;
  st.current = s;
  std::uint64_t run = ++st.run;
  st.stop = std::make_shared<std::atomic<bool>>(false);
  append(self, {status_event(stage_scan_status(s)), stage_event(s, "running")});
  st.worker_busy = true;
  self->spawn<caf::detached>(
      [pipeline = st.pipeline, stop = st.stop, s, run, me = caf::actor(self)](caf::blocking_actor*) {
        auto emit = [&](std::vector<recorded_finding> batch) { caf::anon_send(me, findings_atom::value, std::move(batch)); };
        auto out = pipeline->run_stage(s, emit, *stop);
        stage_outcome outcome;
        if (out) outcome.events = std::move(out.value()); else outcome.error = out.error();
        caf::anon_send(me, stage_done_atom::value, run, std::move(outcome));
      });
  self->delayed_send(self, st.limits.stage, timeout_atom::value, run);
}

void next_stage(self_ptr self) {
  auto& st = self->state;
  // Nothing run yet in this process: begin (or resume) where the log says.
  std::optional<stage> next = st.pipeline->history().next_stage();
  if (st.current) {
    auto it = std::find(kStages.begin(), kStages.end(), *st.current);
    next = it + 1 == kStages.end() ? std::nullopt : std::optional<stage>(*(it + 1));
  }
  if (next) return start_stage(self, *next);
  // Done: the workspace goes first, so a completed scan has left nothing
  // behind; scan.completed follows once it is removed (see cleaned_atom).
  st.current.reset();
  st.ending = st.completing = true;
  clean_up(self);
}

}  // namespace

caf::behavior scan_actor(self_ptr self, std::shared_ptr<scan_pipeline> pipeline, event_log* log,
                         caf::actor scheduler, scan_limits limits) {
  auto& st = self->state;
  const scan_history& h = pipeline->history();
  st.pipeline = std::move(pipeline);
  st.log = log;
  st.scheduler = std::move(scheduler);
  st.limits = limits;
  st.stream = scan_stream(h.scan_id);
  st.version = h.version;
  st.stop = std::make_shared<std::atomic<bool>>(false);

  if (h.starts >= limits.max_starts) {
    // Resuming has already been tried this often: the scan (or the process
    // running it) keeps dying, so stop here rather than loop.
    fail(self, "interrupted: the scan was interrupted " + std::to_string(h.starts) + " times");
  } else {
    append(self, {status_event("running")});
    self->delayed_send(self, limits.scan, timeout_atom::value, std::uint64_t{0});
    next_stage(self);
  }

  return {
      [=](findings_atom, std::vector<recorded_finding>& batch) {
        if (self->state.ending) return;  // stopping: the rest of the stage does not count
        std::vector<new_event> events;
        events.reserve(batch.size());
        for (const auto& f : batch) events.push_back(finding_event(f));
        append(self, std::move(events));
      },
      [=](stage_done_atom, std::uint64_t run, stage_outcome& outcome) {
        auto& st = self->state;
        st.worker_busy = false;
        if (st.ending) {
          if (!st.cleaned) clean_up(self);
          return quit_if_finished(self);
        }
        if (run != st.run) return;
        if (!outcome.error.is_ok()) return fail(self, outcome.error.message());
        outcome.events.push_back(stage_event(*st.current, "completed"));
        append(self, std::move(outcome.events));
        next_stage(self);
      },
      [=](timeout_atom, std::uint64_t run) {
        auto& st = self->state;
        if (st.ending) return;
        if (run == 0) return fail(self, "the scan exceeded its time limit of " + seconds(st.limits.scan));
        if (run == st.run && st.worker_busy) {
          fail(self, "the stage exceeded its time limit of " + seconds(st.limits.stage));
        }
      },
      [=](cancel_atom) -> caf::result<std::string> {
        auto& st = self->state;
        if (st.ending && !st.cancelling) return std::string("the scan is already finishing");
        st.cancel_replies.push_back(self->make_response_promise());
        if (st.cancelling) return caf::delegated<std::string>();
        st.ending = st.cancelling = true;
        st.stop->store(true);
        clean_up(self);  // once the worker has stopped; scan.cancelled follows
        return caf::delegated<std::string>();
      },
      [=](cleaned_atom) {
        auto& st = self->state;
        st.worker_busy = false;
        st.cleaned = true;
        if (st.cancelling && !st.terminal_durable) {
          append(self, {cancelled_event("cancelled by request")}, cancelled);
          return;
        }
        if (st.completing) {
          append(self, {completed_event(st.pipeline->final_counts())}, terminal);
          return;
        }
        quit_if_finished(self);
      },
      [=](appended_atom, append_ack& ack) {
        auto& st = self->state;
        if (!ack.error.is_ok()) {
          // An event refused as malformed is a fault in what this scan
          // built, not a log that cannot write: the scan fails, with the
          // reason recorded (the failure's own events are plain), rather
          // than stop with no end that anyone waiting would see.
          if (ack.error.code() == errc::invalid_argument && !st.ending) {
            return fail(self, "internal error: the event log refused an event: " + ack.error.message());
          }
          // The log refuses writes (see event_log.h): nothing more can be
          // recorded. Stop; the next start resumes the scan from the log.
          st.stop->store(true);
          for (auto& rp : st.cancel_replies) rp.deliver(std::string("the event log failed: ") + ack.error.message());
          self->send(st.scheduler, scan_done_atom::value, st.pipeline->history().scan_id);
          return self->quit();
        }
        if (ack.tag == plain) return;
        st.terminal_durable = true;
        for (auto& rp : st.cancel_replies) rp.deliver(std::string());
        st.cancel_replies.clear();
        self->send(st.scheduler, scan_done_atom::value, st.pipeline->history().scan_id);
        quit_if_finished(self);
      },
      [=](shutdown_atom) {
        self->state.stop->store(true);
        self->quit();
      },
  };
}

}  // namespace heimdall::actors
