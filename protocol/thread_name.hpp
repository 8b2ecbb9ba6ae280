#pragma once

#include <pthread.h>

namespace socialcrm {

/// Names the calling thread as `top -H`, `perf` and gdb show it (Linux
/// keeps the first 15 characters). The server's threads carry "scrm." and
/// what they do, so an operator can tell the WebSocket writer from the
/// checkpointer when one of them is busy.
inline void name_this_thread(const char* name) {
  pthread_setname_np(pthread_self(), name);
}

} // namespace socialcrm
