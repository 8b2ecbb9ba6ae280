// `socialcrm console tail [SELECTOR]`: actor events as they happen, over
// the event stream WebSocket (GET /api/v1/admin/actors/events,
// web/actor_watch.hpp). One line per event, or with --json one JSON object
// per line; it runs until Ctrl-C (or the server stops).

#include "app/console_detail.hpp"

#include "http/url.hpp"
#include "http/ws_client.hpp"
#include "protocol/types.hpp"

#include <csignal>
#include <cstdio>

#include <algorithm>
#include <atomic>

namespace socialcrm::app::console {

namespace {

/// How often a waiting read looks at Ctrl-C.
constexpr std::chrono::milliseconds interrupt_check{250};

std::atomic<bool> interrupted{false};

extern "C" void on_interrupt(int) {
  interrupted = true;
}

// Ctrl-C ends tail, not the shell it may run in; the old handler is back
// when tail returns.
struct interrupt_guard {
  interrupt_guard() {
    interrupted = false;
    struct sigaction sa {};
    sa.sa_handler = on_interrupt;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, &old_int);
    sigaction(SIGTERM, &sa, &old_term);
  }
  ~interrupt_guard() {
    sigaction(SIGINT, &old_int, nullptr);
    sigaction(SIGTERM, &old_term, nullptr);
  }
  interrupt_guard(const interrupt_guard&) = delete;
  interrupt_guard& operator=(const interrupt_guard&) = delete;
  struct sigaction old_int {};
  struct sigaction old_term {};
};

std::string one_line(std::string text) {
  std::replace(text.begin(), text.end(), '\n', ' ');
  std::replace(text.begin(), text.end(), '\r', ' ');
  return text;
}

void print_event(const json& e) {
  auto head = rfc3339_ms(e.value("at", 0LL)) + " " + e.value("id", "") + " ";
  auto what = e.value("event", "");
  if (what == "state" || what == "registered" || what == "stopped"
      || what == "failed") {
    std::printf("%s%s %s -> %s%s%s\n", head.c_str(), what.c_str(),
                e.value("previous", "").c_str(), e.value("state", "").c_str(),
                e.contains("error") ? ": " : "",
                e.contains("error")
                  ? one_line(e["error"].get<std::string>()).c_str()
                  : "");
  } else if (what == "error") {
    std::printf("%serror: %s\n", head.c_str(),
                one_line(e.value("error", "")).c_str());
  } else if (what == "posts") {
    auto& posts = e["posts"];
    std::printf("%sposts %zu emitted (%lld new, %lld duplicates)\n",
                head.c_str(), posts.size(),
                static_cast<long long>(e.value("stored", 0LL)),
                static_cast<long long>(e.value("duplicates", 0LL)));
    for (auto& p : posts)
      std::printf("  %s %s @%s: %s\n", p.value("network", "").c_str(),
                  p.value("external_id", "").c_str(),
                  p["author"].value("handle", "").c_str(),
                  one_line(p.value("text", "")).c_str());
  } else {
    std::printf("%s%s\n", head.c_str(), what.c_str());
  }
}

std::string events_url(const session& s, const selector& sel) {
  auto base = s.base;
  if (base.rfind("https://", 0) == 0)
    base = "wss://" + base.substr(8);
  else if (base.rfind("http://", 0) == 0)
    base = "ws://" + base.substr(7);
  return base + "/api/v1/admin/actors/events" + query_of(sel);
}

} // namespace

int cmd_tail(session& s, const std::vector<std::string>& words) {
  std::string why;
  auto sel = parse_selector(words, why);
  if (!sel) {
    std::fprintf(stderr, "socialcrm console tail: %s\n", why.c_str());
    return exit_usage;
  }
  http::ws_client_options o;
  o.ca_file = s.ca_file;
  o.user_agent = "socialcrm-console";
  http::ws_client ws(o);
  http::header_list h;
  h.set("Authorization", "Bearer " + s.token);
  if (auto refused_by = ws.open(events_url(s, *sel), h)) {
    answer a;
    a.status = refused_by->status;
    a.error = refused_by->error;
    a.body = json::parse(refused_by->body, nullptr, false);
    return refused(a);
  }
  interrupt_guard guard;
  std::string text;
  while (!interrupted) {
    auto r = ws.read(text, interrupt_check);
    if (r == http::ws_client::read_result::timeout)
      continue;
    if (r == http::ws_client::read_result::closed) {
      std::fprintf(stderr, "socialcrm console tail: the stream ended: %s\n",
                   ws.close_reason().c_str());
      return exit_failure;
    }
    auto m = json::parse(text, nullptr, false);
    if (!m.is_object())
      continue;
    auto type = m.value("type", "");
    if (type == "watching") {
      if (!s.json_out)
        std::fprintf(stderr, "watching actor events%s (Ctrl-C ends)\n",
                     words.empty() ? "" : " of the selected actors");
    } else if (type == "dropped") {
      std::fprintf(stderr, "socialcrm console tail: %lld events dropped "
                           "(this terminal fell behind)\n",
                   static_cast<long long>(m.value("count", 0LL)));
    } else if (type == "actor_event") {
      auto& e = m["event"];
      if (!sel->ids.empty()
          && std::find(sel->ids.begin(), sel->ids.end(), e.value("id", ""))
               == sel->ids.end())
        continue;
      if (s.json_out)
        std::printf("%s\n", e.dump().c_str());
      else
        print_event(e);
    } else if (type == "error") {
      std::fprintf(stderr, "socialcrm console tail: %s\n",
                   m["error"].value("message", "").c_str());
    }
    std::fflush(stdout);
  }
  ws.close();
  return exit_done;
}

} // namespace socialcrm::app::console
