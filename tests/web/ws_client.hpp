#pragma once

// A small WebSocket client for the live feed's tests, on Boost.Beast: the
// handshake with chosen headers (cookie, bearer, Origin), JSON messages
// both ways, and reads that give up after a limit without breaking the
// stream (an async read driven by run_for, kept pending between calls).
// Then helpers of tests/web/live_test.cpp that read live messages.

#include "http/message.hpp"
#include "http/url.hpp"
#include "tests/web/social_fixture.hpp"

// GCC 12 with the sanitizers reports boost::optional inside Beast's
// response parser (the client's handshake) as maybe uninitialized: a
// known false positive of that header, not of this code.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/websocket/stream.hpp>
#pragma GCC diagnostic pop
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <chrono>
#include <deque>
#include <fstream>
#include <functional>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace socialcrm::test {

class ws_client {
public:
  using json = nlohmann::json;

  /// Connects to `base` ("http://host:port") and asks for a WebSocket on
  /// `path`. Returns the HTTP status of the answer: 101 when upgraded,
  /// else the refusal's status with its body in `refusal`.
  /// `receive_buffer` > 0 shrinks the socket's receive buffer first (a
  /// client that reads slowly fills up quickly).
  unsigned open(const std::string& base, const http::header_list& headers,
                const std::string& path = "/api/v1/live",
                int receive_buffer = 0) {
    auto u = http::parse_url(base);
    if (!u)
      throw std::runtime_error("bad base url " + base);
    boost::asio::ip::tcp::resolver resolver(ioc_);
    auto endpoints = resolver.resolve(u->host, std::to_string(u->port));
    auto& sock = ws_.next_layer();
    sock.open(boost::asio::ip::tcp::v4());
    if (receive_buffer > 0)
      sock.set_option(
        boost::asio::socket_base::receive_buffer_size(receive_buffer));
    boost::asio::connect(sock, endpoints);
    ws_.set_option(boost::beast::websocket::stream_base::decorator(
      [headers](boost::beast::websocket::request_type& req) {
        for (const auto& [name, value] : headers)
          req.set(name, value);
      }));
    // Asynchronous: Beast 1.74's blocking handshake drops the response of
    // a refused upgrade, and the refusal is what these tests look at.
    boost::beast::websocket::response_type res;
    boost::beast::error_code ec;
    bool done = false;
    ws_.async_handshake(res, u->host + ":" + std::to_string(u->port), path,
                        [&](boost::beast::error_code e) {
                          ec = e;
                          done = true;
                        });
    ioc_.restart();
    ioc_.run_for(std::chrono::seconds(30));
    if (!done)
      throw std::runtime_error("no answer to the WebSocket handshake");
    refusal = res.body();
    open_ = !ec;
    return res.result_int();
  }

  /// The refusal's `error.code`, when the upgrade was refused.
  std::string refusal_code() const {
    auto j = json::parse(refusal, nullptr, false);
    return j.is_object() && j.contains("error")
             ? j["error"].value("code", "")
             : "";
  }

  // Writes are asynchronous too: a read may be pending, and Beast allows
  // one read and one write in flight, not a blocking write beside them.
  void send_text(const std::string& text) {
    bool wrote = false;
    boost::beast::error_code ec;
    ws_.text(true);
    ws_.async_write(boost::asio::buffer(text),
                    [&](boost::beast::error_code e, std::size_t) {
                      wrote = true;
                      ec = e;
                    });
    ioc_.restart();
    while (!wrote && ioc_.run_one() > 0) {
    }
    if (ec) {
      open_ = false;
      throw std::runtime_error("websocket write failed: " + ec.message());
    }
  }
  void send(const json& j) { send_text(j.dump()); }

  /// The next message, or nullopt when none came within `limit` or the
  /// connection closed (then closed() is true).
  /// A `batch` message's events come one by one, as if sent apart; the
  /// batches are counted in `batches`.
  std::optional<json> next(std::chrono::milliseconds limit
                           = std::chrono::seconds(20)) {
    if (!unbatched_.empty()) {
      auto m = std::move(unbatched_.front());
      unbatched_.pop_front();
      return m;
    }
    if (!open_)
      return std::nullopt;
    if (!reading_) {
      reading_ = true;
      done_ = false;
      ws_.async_read(buffer_, [this](boost::beast::error_code ec,
                                     std::size_t) {
        done_ = true;
        error_ = ec;
      });
    }
    ioc_.restart();
    ioc_.run_for(limit);
    if (!done_)
      return std::nullopt;
    reading_ = false;
    if (error_) {
      open_ = false;
      return std::nullopt;
    }
    auto text = boost::beast::buffers_to_string(buffer_.data());
    buffer_.consume(buffer_.size());
    auto m = json::parse(text);
    if (m.value("type", "") != "batch")
      return m;
    ++batches;
    auto& events = m.at("events");
    if (!events.is_array() || events.size() < 2)
      throw std::runtime_error("a batch holds two events or more: " + text);
    for (auto& e : events)
      unbatched_.push_back(std::move(e));
    return next(limit);
  }

  /// Reads until `stop(message)` holds (that message included); fails
  /// the caller's check by returning what came when the limit passes.
  std::vector<json> until(const std::function<bool(const json&)>& stop,
                          std::chrono::milliseconds limit
                          = std::chrono::seconds(30)) {
    std::vector<json> out;
    auto end = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < end) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        end - std::chrono::steady_clock::now());
      auto m = next(std::max(left, std::chrono::milliseconds(1)));
      if (!m)
        break;
      out.push_back(*m);
      if (stop(*m))
        return out;
    }
    timed_out = true;
    return out;
  }

  /// Sends a ping and returns every message before the pong: the server
  /// answers in order, so everything it had for us by then came first.
  std::vector<json> drain(std::chrono::milliseconds limit
                          = std::chrono::seconds(30)) {
    send({{"type", "ping"}});
    auto out = until([](const json& m) { return m.value("type", "") == "pong"; },
                     limit);
    if (!out.empty() && out.back().value("type", "") == "pong")
      out.pop_back();
    return out;
  }

  /// Subscribes and returns what came up to the `subscribed` ack (the
  /// replay), the ack last.
  std::vector<json> subscribe(const json& views,
                              std::optional<std::int64_t> resume_from = {}) {
    json msg{{"type", "subscribe"}, {"views", views}};
    if (resume_from)
      msg["resume_from"] = *resume_from;
    if (batch)
      msg["batch"] = true;
    send(msg);
    return until([](const json& m) {
      auto t = m.value("type", "");
      return t == "subscribed" || t == "error" || t == "resync";
    });
  }

  void close() {
    if (!open_)
      return;
    bool closed = false;
    ws_.async_close(boost::beast::websocket::close_code::normal,
                    [&](boost::beast::error_code) { closed = true; });
    ioc_.restart();
    ioc_.run_for(std::chrono::seconds(5));
    (void)closed;
    open_ = false;
  }

  bool closed() const { return !open_; }

  std::string refusal;
  bool timed_out = false;
  bool batch = false;      // subscribe() asks for batches
  std::size_t batches = 0; // batch messages read

private:
  boost::asio::io_context ioc_;
  boost::beast::websocket::stream<boost::asio::ip::tcp::socket> ws_{ioc_};
  boost::beast::flat_buffer buffer_;
  std::deque<json> unbatched_; // the rest of the last batch
  bool open_ = false;
  bool reading_ = false;
  bool done_ = false;
  boost::beast::error_code error_;
};

// -- reading live messages ----------------------------------------------------

inline bool is_post(const nlohmann::json& m) {
  return m.value("type", "") == "post";
}

inline std::string text_of(const nlohmann::json& m) {
  return is_post(m) ? m["post"].value("text", "") : "";
}

inline bool has_text(const nlohmann::json& m, const std::string& token) {
  return text_of(m).find(token) != std::string::npos;
}

/// The tokens (from `tokens`) found in the posts among `msgs`, with
/// repeats: a post sent twice shows twice.
inline std::multiset<std::string>
tokens_in(const std::vector<nlohmann::json>& msgs,
          const std::vector<std::string>& tokens) {
  std::multiset<std::string> out;
  for (const auto& m : msgs)
    for (const auto& t : tokens)
      if (has_text(m, t))
        out.insert(t);
  return out;
}

// -- live test helpers --------------------------------------------------------

inline const nlohmann::json unknown_conversations
  = nlohmann::json::array({{{"column", "unknown"}, {"view", "conversations"}}});

inline http::header_list cookie_of(const api_client& c) {
  http::header_list h;
  h.add("Cookie", "socialcrm_session=" + c.cookie);
  return h;
}

/// A live socket of `who`, subscribed to `views`.
inline std::unique_ptr<ws_client>
live(social_env& env, const api_client& who,
     const nlohmann::json& views = unknown_conversations) {
  auto ws = std::make_unique<ws_client>();
  REQUIRE(ws->open(env.server().base(), cookie_of(who)) == 101);
  auto ack = ws->subscribe(views);
  REQUIRE(!ack.empty());
  REQUIRE(ack.back().value("type", "") == "subscribed");
  return ws;
}

inline std::string profile_id(api_client& admin, const std::string& name) {
  auto r = admin.get("/api/v1/profiles");
  REQUIRE(r.status == 200);
  for (auto& p : r.body.at("items"))
    if (p.at("name") == name)
      return p.at("id").get<std::string>();
  FAIL("no profile " << name);
  return {};
}

/// kB of a /proc/PID/status line ("VmRSS", "VmHWM").
inline long status_kb(pid_t pid, const std::string& field) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind(field + ":", 0) == 0)
      return std::stol(line.substr(field.size() + 1));
  return -1;
}

} // namespace socialcrm::test
