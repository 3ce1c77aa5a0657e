// The projections that serve the API's repo and finding reads; their keys
// are described in finding_projections.cpp. Stateless and thread-safe.
#pragma once

#include "store/projection.h"

namespace heimdall {

const projection& repos_projection();
const projection& findings_projection();

}  // namespace heimdall
