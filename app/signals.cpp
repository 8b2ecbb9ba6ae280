#include "app/signals.hpp"

#include <csignal>
#include <pthread.h>

namespace socialcrm::app {

namespace {

sigset_t handled_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGHUP);
  return set;
}

} // namespace

void block_signals() {
  auto set = handled_signals();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

void unblock_signals() {
  auto set = handled_signals();
  pthread_sigmask(SIG_UNBLOCK, &set, nullptr);
}

int wait_for_signal() {
  auto set = handled_signals();
  int sig = 0;
  sigwait(&set, &sig);
  return sig;
}

int wait_for_stop_signal() {
  return wait_for_signal();
}

} // namespace socialcrm::app
