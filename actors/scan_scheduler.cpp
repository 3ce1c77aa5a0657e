#include "actors/scan_scheduler.h"

#include <algorithm>

namespace heimdall::actors {
namespace {

using self_ptr = caf::stateful_actor<scheduler_state>*;

void admit_waiting(self_ptr self) {
  auto& st = self->state;
  const auto& ctx = *st.context;
  while (st.running.size() < ctx.max_running && !st.queue.empty()) {
    scan_history h = std::move(st.queue.front());
    st.queue.pop_front();
    std::string id = h.scan_id;
    auto pipeline = std::make_shared<scan_pipeline>(std::move(h), ctx.engine, ctx.settings, *ctx.log);
    auto scan = self->spawn<caf::monitored>(scan_actor, std::move(pipeline), ctx.log, caf::actor(self), ctx.limits);
    st.running.emplace(std::move(id), std::move(scan));
  }
}

}  // namespace

caf::behavior scan_scheduler(self_ptr self, std::shared_ptr<const scheduler_context> context) {
  self->state.context = std::move(context);
  self->set_down_handler([self](caf::down_msg& down) {
    auto& running = self->state.running;
    for (auto it = running.begin(); it != running.end(); ++it) {
      if (it->second.address() == down.source) {
        running.erase(it);
        break;
      }
    }
    admit_waiting(self);
  });
  return {
      [=](admit_atom, scan_history& h) {
        self->state.queue.push_back(std::move(h));
        admit_waiting(self);
      },
      [=](cancel_atom, const std::string& id) -> caf::result<std::string> {
        auto& st = self->state;
        if (auto it = st.running.find(id); it != st.running.end()) {
          self->delegate(it->second, cancel_atom::value);  // the scan actor answers
          return caf::delegated<std::string>();
        }
        auto queued = std::find_if(st.queue.begin(), st.queue.end(), [&](const scan_history& h) { return h.scan_id == id; });
        if (queued == st.queue.end()) return std::string("unknown");
        std::uint64_t tag = st.next_tag++;
        st.cancels.emplace(tag, self->make_response_promise());
        st.context->log->append_async(scan_stream(id), expected_version::exact(queued->version),
                                      {cancelled_event("cancelled before it started")},
                                      [me = caf::actor(self), tag](result<append_result> r) {
                                        caf::anon_send(me, appended_atom::value,
                                                       append_ack{tag, r ? status::ok() : r.error()});
                                      });
        st.queue.erase(queued);
        return caf::delegated<std::string>();
      },
      [=](appended_atom, append_ack& ack) {
        auto it = self->state.cancels.find(ack.tag);
        if (it == self->state.cancels.end()) return;
        it->second.deliver(ack.error.is_ok() ? std::string() : ack.error.to_string());
        self->state.cancels.erase(it);
      },
      [=](scan_done_atom, const std::string& id) {
        self->state.running.erase(id);
        admit_waiting(self);
      },
      [=](shutdown_atom) {
        for (auto& [id, scan] : self->state.running) self->send(scan, shutdown_atom::value);
        self->quit();
      },
  };
}

}  // namespace heimdall::actors
