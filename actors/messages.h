// messages: what the scheduler, scan actors and stage workers send each
// other (CAF 0.17 atoms and payloads). Included only by the actor .cpp files,
// which keeps CAF's headers out of everything else. The payloads never leave
// the process, so they need no serialization (CAF_ALLOW_UNSAFE_MESSAGE_TYPE).
#pragma once

#include <caf/all.hpp>

#include <string>
#include <vector>

#include "actors/scan_events.h"
#include "actors/scan_history.h"
#include "base/result.h"
#include "store/event.h"

namespace heimdall::actors {

using admit_atom = caf::atom_constant<caf::atom("admit")>;          // scheduler: a queued scan
using cancel_atom = caf::atom_constant<caf::atom("cancel")>;        // scheduler, scan: cancel it
using scan_done_atom = caf::atom_constant<caf::atom("scandone")>;   // scan -> scheduler: terminal is durable
using shutdown_atom = caf::atom_constant<caf::atom("shutdown")>;    // scheduler, scan: the process stops
using findings_atom = caf::atom_constant<caf::atom("findings")>;    // worker -> scan: a batch
using stage_done_atom = caf::atom_constant<caf::atom("stagedone")>; // worker -> scan: stage outcome
using appended_atom = caf::atom_constant<caf::atom("appended")>;    // log callback -> owner
using timeout_atom = caf::atom_constant<caf::atom("timeout")>;      // scan -> itself: a time limit
using cleaned_atom = caf::atom_constant<caf::atom("cleaned")>;      // worker -> scan: workspace removed

// A stage worker's result: the stage's output events, or why it failed.
struct stage_outcome {
  status error;  // ok on success
  std::vector<new_event> events;
};

// Outcome of an append the owner is waiting for; `tag` says which.
struct append_ack {
  std::uint64_t tag = 0;
  status error;
};

}  // namespace heimdall::actors

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(heimdall::actors::stage_outcome)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(heimdall::actors::append_ack)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(heimdall::actors::scan_history)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::vector<heimdall::actors::recorded_finding>)
