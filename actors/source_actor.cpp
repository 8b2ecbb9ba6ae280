#include "actors/source_actor.hpp"

#include "actors/store_actor.hpp"
#include "protocol/actor_error.hpp"
#include "storage/account_repository.hpp"
#include "storage/cursor_repository.hpp"
#include "storage/database.hpp"
#include "storage/secret_box.hpp"

#include <caf/event_based_actor.hpp>
#include <caf/stateful_actor.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>

namespace socialcrm {

namespace {

/// Refresh a token this long before it expires, so no poll ever carries an
/// expired one.
constexpr unix_ms refresh_margin_ms = 60'000;

/// How long a source waits for the classifier to acknowledge a page: the
/// classifier's own request to the store times out first, so the source
/// hears the store's error rather than a silence. Until the answer comes
/// the cursor does not move; after a timeout the page is polled again.
constexpr auto ingest_timeout = store_request_timeout + std::chrono::seconds(5);

struct account_session {
  std::unique_ptr<networks::connector> conn;
  networks::credentials creds;
  bool dead = false; // token revoked: reauth_required
};

struct source_state {
  source_state() = default;

  std::shared_ptr<const source_context> ctx;
  source_spec spec;
  std::map<std::int64_t, account_session> accounts;
  std::map<std::string, std::string> cursors;
  size_t next = 0;         // next task of the current cycle
  bool more = false;       // a page said more is waiting
  bool paused = false;
  int failures = 0;        // consecutive, for the backoff
  int reauth_failures = 0; // consecutive failed writes of reauth_required
  std::uint64_t gen = 0;   // ticks of an older generation are ignored
  bool watched = false;    // the console's event stream wants our posts
  unix_ms last_report = 0; // when the registry last heard from us
  bool report_pending = false; // a deferred report is scheduled
  actor_info info;
  static inline const char* name = "source";
};

using source_pointer = caf::stateful_actor<source_state>*;

/// How often a source reports its routine at most: the running / polling
/// round trip of each cycle (up to ten a second at the shortest poll
/// interval) and the counters that move with it. `top` refreshes every
/// second and its rates span 10 s: every other second keeps them current,
/// and 10,000 sources then send the registry at most 5,000 reports a
/// second, about 2% of a core (bench/console). Every other change of
/// state (paused, backing off, reauth required) is reported at once.
constexpr unix_ms report_interval_ms = 2000;

void report(source_pointer self) {
  auto& st = self->state;
  st.info.mailbox = static_cast<std::int64_t>(self->mailbox().size());
  st.last_report = now_ms();
  caf::anon_send(st.ctx->registry, status_atom::value, st.info);
}

bool routine(actor_state x) {
  return x == actor_state::running || x == actor_state::polling;
}

// Reports now, or, for routine news within report_interval_ms of the last
// report, once that interval is over (the latest figures then).
void report_soon(source_pointer self, bool urgent) {
  auto& st = self->state;
  auto since = now_ms() - st.last_report;
  if (urgent || since >= report_interval_ms)
    return report(self);
  if (st.report_pending)
    return;
  st.report_pending = true;
  self->delayed_send(self, std::chrono::milliseconds(report_interval_ms - since),
                     flush_atom::value);
}

void set_state(source_pointer self, actor_state s) {
  auto before = self->state.info.state;
  if (before != s) {
    self->state.info.state = s;
    report_soon(self, !(routine(before) && routine(s)));
  }
}

void tick_now(source_pointer self) {
  self->send(self, tick_atom::value, self->state.gen);
}

void tick_at(source_pointer self, unix_ms when) {
  auto delay = std::max<unix_ms>(0, when - now_ms());
  self->state.info.next_poll = when;
  self->delayed_send(self, std::chrono::milliseconds(delay), tick_atom::value,
                     self->state.gen);
}

// Reads credentials and cursors: at start and on restart.
void load(source_pointer self) {
  auto& st = self->state;
  storage::database db(st.ctx->db_path, storage::access::read_only);
  storage::account_repository accounts(db.handle());
  storage::cursor_repository cursors(db.handle());
  st.accounts.clear();
  for (auto& task : st.spec.tasks) {
    if (!st.accounts.count(task.account_id)) {
      account_session session;
      auto a = accounts.find(task.account_id);
      auto opts = connector_options_for(*st.ctx, task.net);
      if (a && a->status == account_status::active && opts) {
        auto access = st.ctx->box->open(a->access_token);
        auto refresh = a->refresh_token.empty()
                         ? expected<std::string>(std::string())
                         : st.ctx->box->open(a->refresh_token);
        session.conn = networks::make_connector(task.net, *opts);
        if (access && refresh && session.conn)
          session.creds = {*access, *refresh, a->token_expires_at,
                           a->network_user_id, a->handle, a->page_id};
        else
          session.dead = true;
      } else {
        session.dead = true;
      }
      st.accounts.emplace(task.account_id, std::move(session));
    }
    if (auto c = cursors.get(task.cursor_key))
      st.cursors[task.cursor_key] = *c;
  }
}

void fail(source_pointer self, const std::string& why) {
  auto& st = self->state;
  ++st.failures;
  ++st.info.errors;
  st.info.last_error = why;
  st.info.last_error_at = now_ms();
  set_state(self, actor_state::backing_off);
  tick_at(self, now_ms() + backoff_delay_ms(st.failures, st.ctx->poll_interval_s));
}

// Stores that the account needs to be linked again. Until the store has
// it, the account stays active on disk: a failed write is tried again
// after a backoff, for as long as the account is dead here (a restart
// reads it afresh, and meets the refused token again if it still is).
void persist_reauth(source_pointer self, std::int64_t account_id) {
  auto& st = self->state;
  account_update u;
  u.account_id = account_id;
  u.new_status = true;
  u.status = account_status::reauth_required;
  self->request(st.ctx->store, store_request_timeout, account_atom::value, u)
    .await([self](bool) { self->state.reauth_failures = 0; },
           [self, account_id](caf::error& e) {
             auto& s = self->state;
             auto delay = backoff_delay_ms(++s.reauth_failures,
                                           s.ctx->poll_interval_s);
             spdlog::warn("{}: could not mark account {} reauth_required "
                          "({}); trying again in {} ms",
                          s.info.id, account_id, to_error_info(e).message,
                          delay);
             self->delayed_send(self, std::chrono::milliseconds(delay),
                                account_atom::value, account_id);
           });
}

void mark_reauth(source_pointer self, std::int64_t account_id,
                 const std::string& why) {
  auto& st = self->state;
  st.accounts[account_id].dead = true;
  st.info.last_error = why;
  st.info.last_error_at = now_ms();
  ++st.info.errors;
  spdlog::warn("{}: account {} needs to be linked again: {}", st.info.id,
               account_id, why);
  persist_reauth(self, account_id);
  bool all_dead = std::all_of(st.accounts.begin(), st.accounts.end(),
                              [](auto& kv) { return kv.second.dead; });
  set_state(self, all_dead ? actor_state::reauth_required
                           : actor_state::polling);
  if (!all_dead)
    tick_now(self);
}

void refresh(source_pointer self, std::int64_t account_id) {
  auto& st = self->state;
  auto& acct = st.accounts[account_id];
  auto r = acct.conn->refresh(acct.creds);
  if (!r) {
    if (r.error.kind == networks::failure_kind::transient)
      return fail(self, r.error.message);
    return mark_reauth(self, account_id, r.error.message);
  }
  // Persist the new tokens before using them: the network has rotated the
  // refresh token (X's old one is dead at once; Bluesky's still works for
  // the PDS's 2-hour grace period, REFRESH_GRACE_MS, then no more), so the
  // new one must reach our disk too.
  account_update u;
  u.account_id = account_id;
  u.tokens = true;
  u.access_token = st.ctx->box->seal(r.value->access_token);
  u.refresh_token = r.value->refresh_token.empty()
                      ? std::string()
                      : st.ctx->box->seal(r.value->refresh_token);
  u.expires_at = r.value->expires_at;
  auto fresh = *r.value;
  self->request(st.ctx->store, store_request_timeout, account_atom::value, u)
    .await(
      [self, account_id, fresh](bool) {
        self->state.accounts[account_id].creds = fresh;
        tick_now(self);
      },
      [self](caf::error& e) { fail(self, to_error_info(e).message); });
}

void on_failure(source_pointer self, const source_task& task,
                const networks::failure& f) {
  auto& st = self->state;
  switch (f.kind) {
    case networks::failure_kind::rate_limited:
      // Not an error: the window is spent, wait for its reset.
      set_state(self, actor_state::backing_off);
      tick_at(self, std::max(f.retry_at, now_ms() + 1));
      return;
    case networks::failure_kind::reauth_required:
      if (!st.accounts[task.account_id].creds.refresh_token.empty())
        return refresh(self, task.account_id);
      return mark_reauth(self, task.account_id, f.message);
    case networks::failure_kind::rejected:
      // This request will not succeed by retrying; the others may.
      ++st.info.errors;
      st.info.last_error = f.message;
      st.info.last_error_at = now_ms();
      ++st.next;
      tick_now(self);
      return;
    case networks::failure_kind::transient:
    case networks::failure_kind::bad_response:
      return fail(self, f.message);
  }
}

/// Posts of one batch a watcher sees at most, and the text of each: the
/// event stream is for reading along, not a second copy of the feed.
constexpr std::size_t watched_posts_max = 20;
constexpr std::size_t watched_text_max = 280;

std::vector<post> watched_copy(const std::vector<post>& posts) {
  std::vector<post> out(posts.begin(),
                        posts.begin()
                          + static_cast<std::ptrdiff_t>(
                            std::min(posts.size(), watched_posts_max)));
  for (auto& p : out) {
    if (p.text.size() > watched_text_max) {
      // Cut at a character boundary, not inside a UTF-8 sequence.
      auto cut = watched_text_max;
      while (cut > 0 && (static_cast<unsigned char>(p.text[cut]) & 0xC0) == 0x80)
        --cut;
      p.text.resize(cut);
      p.text += "…";
    }
    p.media_url.clear();
  }
  return out;
}

// The token's tightest rate-limit window after a request, for the console
// (a lookup in the shared budgets, no request of its own).
void note_budget(source_pointer self, network net, const std::string& token) {
  auto& st = self->state;
  if (!st.ctx->budgets)
    return;
  auto r = st.ctx->budgets->tightest(networks::budget_prefix(net, token));
  st.info.budget_limit = r.limit;
  st.info.budget_remaining = r.remaining;
  st.info.budget_reset = r.reset_at;
}

void poll_next(source_pointer self) {
  auto& st = self->state;
  if (st.next >= st.spec.tasks.size()) {
    // One cycle done; poll again at once when a page said more is waiting.
    st.next = 0;
    auto again = st.more;
    st.more = false;
    // Between cycles it waits: running, not polling (a request in flight).
    if (st.info.state == actor_state::polling)
      st.info.state = actor_state::running;
    report_soon(self, false);
    tick_at(self, again ? now_ms()
                        : now_ms()
                            + static_cast<unix_ms>(st.ctx->poll_interval_s
                                                   * 1000));
    return;
  }
  auto& task = st.spec.tasks[st.next];
  auto& acct = st.accounts[task.account_id];
  if (acct.dead || !acct.conn) {
    ++st.next;
    return tick_now(self);
  }
  if (acct.creds.expires_at != 0 && !acct.creds.refresh_token.empty()
      && now_ms() + refresh_margin_ms >= acct.creds.expires_at)
    return refresh(self, task.account_id);
  set_state(self, actor_state::polling);
  auto req = task.req;
  req.cursor = st.cursors[task.cursor_key];
  ++st.info.polls;
  st.info.handled = st.info.polls;
  st.info.last_poll = now_ms();
  auto page = acct.conn->poll(acct.creds, req);
  note_budget(self, task.net, acct.creds.access_token);
  if (!page)
    return on_failure(self, task, page.error);
  st.failures = 0;
  st.info.last_success = now_ms();
  if (page.value->posts.empty() && page.value->cursor == req.cursor) {
    ++st.next;
    return tick_now(self);
  }
  ingest_batch batch;
  batch.source = st.spec.ref;
  batch.posts = std::move(page.value->posts);
  batch.cursors.push_back({task.cursor_key, page.value->cursor});
  auto key = task.cursor_key;
  auto cursor = page.value->cursor;
  auto more = page.value->more;
  // A copy for the watchers only while there are any (a bounded one).
  std::vector<post> shown;
  if (st.watched)
    shown = watched_copy(batch.posts);
  self->request(st.ctx->classifier, ingest_timeout, ingest_atom::value,
                std::move(batch))
    .await(
      [self, key, cursor, more, shown = std::move(shown)](const ingest_ack& ack) {
        // Stored, cursor included: only now does the cursor move.
        auto& s = self->state;
        s.cursors[key] = cursor;
        s.info.posts += ack.stored;
        s.info.duplicates += ack.duplicates;
        if (s.watched && !shown.empty()) {
          actor_event ev;
          ev.id = s.info.id;
          ev.kind = s.info.kind;
          ev.event = "posts";
          ev.state = s.info.state;
          ev.posts = shown;
          ev.stored = ack.stored;
          ev.duplicates = ack.duplicates;
          self->send(s.ctx->registry, std::move(ev));
        }
        s.more = s.more || more;
        ++s.next;
        tick_now(self);
      },
      [self](caf::error& e) { fail(self, to_error_info(e).message); });
}

caf::behavior source_behavior(source_pointer self,
                              std::shared_ptr<const source_context> ctx,
                              source_spec spec) {
  auto& st = self->state;
  st.ctx = std::move(ctx);
  st.spec = std::move(spec);
  st.info.id = st.spec.id;
  st.info.kind = "source";
  st.info.state = actor_state::starting;
  st.info.tasks = static_cast<std::int64_t>(st.spec.tasks.size());
  st.info.target = st.spec.ref.account_id
                     ? "account:" + std::to_string(st.spec.ref.account_id)
                     : "column:" + std::to_string(st.spec.ref.column_id);
  {
    std::vector<std::string> nets;
    for (auto& t : st.spec.tasks) {
      std::string n(to_string(t.net));
      if (std::find(nets.begin(), nets.end(), n) == nets.end())
        nets.push_back(n);
    }
    for (auto& n : nets)
      st.info.network += (st.info.network.empty() ? "" : ",") + n;
  }
  caf::anon_send(st.ctx->registry, register_atom::value, st.info.id,
                 std::string("source"), caf::actor_cast<caf::actor>(self));
  load(self);
  tick_now(self);
  return {
    [self](tick_atom, std::uint64_t gen) {
      auto& s = self->state;
      if (gen != s.gen || s.paused
          || s.info.state == actor_state::reauth_required)
        return;
      poll_next(self);
    },
    [self](pause_atom) {
      self->state.paused = true;
      ++self->state.gen;
      set_state(self, actor_state::paused);
    },
    [self](resume_atom) {
      if (!self->state.paused)
        return;
      self->state.paused = false;
      ++self->state.gen;
      set_state(self, actor_state::running);
      tick_now(self);
    },
    // Poll now, not at the next interval (the console's `poll`, a column's
    // refresh); a paused source stays paused.
    [self](poll_atom) {
      auto& s = self->state;
      if (s.paused || s.info.state == actor_state::reauth_required)
        return;
      ++s.gen;
      s.next = 0;
      tick_now(self);
    },
    [self](restart_atom) {
      auto& s = self->state;
      ++s.gen;
      ++s.info.restarts;
      s.paused = false;
      s.failures = 0;
      s.next = 0;
      load(self);
      set_state(self, actor_state::running);
      tick_now(self);
    },
    [self](account_atom, std::int64_t account_id) {
      auto& accounts = self->state.accounts;
      if (auto i = accounts.find(account_id);
          i != accounts.end() && i->second.dead)
        persist_reauth(self, account_id);
    },
    [self](info_atom) { return self->state.info; },
    [self](watched_atom, bool on) { self->state.watched = on; },
    // A deferred report (report_soon).
    [self](flush_atom) {
      self->state.report_pending = false;
      report(self);
    },
  };
}

} // namespace

std::optional<networks::connector_options>
connector_options_for(const source_context& ctx, network net) {
  auto url = ctx.base_urls.find(net);
  if (url == ctx.base_urls.end())
    return std::nullopt;
  networks::connector_options opts{url->second, ctx.budgets, "", ""};
  if (auto ca = ctx.ca_files.find(net); ca != ctx.ca_files.end())
    opts.ca_file = ca->second;
  if (auto c = ctx.oauth_clients.find(net); c != ctx.oauth_clients.end()) {
    opts.client_id = c->second.first;
    opts.client_secret = c->second.second;
  }
  return opts;
}

unix_ms backoff_delay_ms(int failures, double poll_interval_s) {
  // 1 s, 2 s, 4 s ... 60 s for the default 15 s interval; a test with a
  // 0.1 s interval backs off 150 times faster.
  double scale = std::min(1.0, poll_interval_s / backoff_unscaled_interval_s);
  // Doubling stops at the ceiling, long before the shift could overflow.
  int doublings = std::clamp(failures - 1, 0, backoff_max_doublings);
  double base = static_cast<double>(backoff_first_ms * (1 << doublings));
  return static_cast<unix_ms>(
           std::min(base, static_cast<double>(backoff_max_ms)) * scale)
         + 1;
}

caf::actor spawn_source(caf::actor_system& sys,
                        std::shared_ptr<const source_context> ctx,
                        source_spec spec) {
  return sys.spawn<caf::detached>(source_behavior, std::move(ctx),
                                  std::move(spec));
}

} // namespace socialcrm
