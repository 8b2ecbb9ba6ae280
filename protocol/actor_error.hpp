#pragma once

#include "protocol/error.hpp"

#include <caf/atom.hpp>
#include <caf/error.hpp>
#include <caf/make_message.hpp>

namespace socialcrm {

/// Errors between actors carry the stable code of an error_info: the
/// category atom "crm" marks them, and the context holds code and message,
/// so the HTTP edge can map them without knowing which actor failed.
inline caf::error to_caf_error(const error_info& e) {
  return caf::error(1, caf::atom("crm"), caf::make_message(e.code, e.message));
}

/// The error_info inside a caf::error: ours, or "actor_failure" for CAF's
/// own (timeouts, dead actors).
error_info to_error_info(const caf::error& e);

} // namespace socialcrm
