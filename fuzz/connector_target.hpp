#pragma once

// The body of the five connector targets: one network's connector polls
// every feed it has, refreshes its token and acts, and every request gets
// the fuzzer's input as the answer. The networks are untrusted: whatever
// they send, a connector returns a value or a failure; it never crashes,
// leaks or loops.
//
// Input: byte 0 picks the status of the answer (mostly 200, so the page
// decoders see most inputs; else a 4xx/5xx for the error mappings), the
// rest is the body.

#include "fuzz/fake_network.hpp"
#include "networks/connector.hpp"

#include <cstddef>
#include <cstdint>
#include <string>

namespace socialcrm::fuzz {

inline void run_connector(network net, const std::uint8_t* data,
                          std::size_t size) {
  if (size == 0)
    return;
  static constexpr unsigned statuses[8] = {200, 200, 200, 200,
                                           400, 401, 429, 503};
  http::response answer;
  answer.status = statuses[data[0] & 7];
  answer.headers.set("Content-Type", "application/json; charset=utf-8");
  answer.body.assign(reinterpret_cast<const char*>(data) + 1, size - 1);
  set_answer(std::move(answer));

  networks::connector_options opts;
  opts.base_url = "http://127.0.0.1:9/" + std::string(to_string(net));
  opts.client_id = "socialcrm";
  auto c = networks::make_connector(net, opts);
  networks::credentials who;
  who.access_token = "token";
  who.refresh_token = "refresh";
  who.account_user_id = net == network::bluesky ? "did:plc:brand" : "1";
  who.handle = "brand";
  who.page_id = "page1";

  auto feeds = c->account_feeds();
  if (c->has_timelines())
    feeds.push_back(networks::feed::timeline);
  if (c->can_search())
    feeds.push_back(networks::feed::search);
  for (auto f : feeds) {
    networks::poll_request req;
    req.what = f;
    req.user_id = net == network::bluesky ? "did:plc:someone" : "42";
    req.terms = {"socialcrm", "two words"};
    auto page = c->poll(who, req);
    // The next poll starts from the cursor this one made.
    if (page) {
      req.cursor = page.value->cursor;
      c->poll(who, req);
    }
  }
  c->refresh(who);
  using k = networks::action::kind;
  for (auto what : {k::post, k::reply, k::comment, k::like, k::repost,
                    k::message}) {
    networks::action a;
    a.what = what;
    a.text = "hello";
    a.target_id = net == network::bluesky
                    ? "at://did:plc:someone/app.bsky.feed.post/3k"
                    : "42";
    a.idempotency_key = "key";
    c->act(who, a);
  }
}

} // namespace socialcrm::fuzz
