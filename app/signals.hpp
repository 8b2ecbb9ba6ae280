#pragma once

namespace socialcrm::app {

/// Blocks SIGINT, SIGTERM and SIGHUP in the calling thread; threads started
/// later inherit the mask, so only the waits below ever see them. Call it
/// first thing in main().
void block_signals();

/// Undoes block_signals in the calling thread, for a command that runs no
/// server and no threads of its own that must not see them (the console:
/// Ctrl-C ends it, or what it runs, with the default action or a handler).
void unblock_signals();

/// Waits for SIGINT, SIGTERM or SIGHUP and returns its number: SIGHUP
/// asks serve to reload its TLS files, the others to stop.
int wait_for_signal();

/// Waits for SIGINT, SIGTERM or SIGHUP (all of which stop a process that
/// reloads nothing) and returns its number.
int wait_for_stop_signal();

} // namespace socialcrm::app
