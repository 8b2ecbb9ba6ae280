#include "web/live_messages.hpp"

#include "web/codecs.hpp"

#include <nlohmann/json.hpp>

namespace socialcrm::web::live {

namespace {

using nlohmann::json;

// Post texts come from the networks: invalid UTF-8 is replaced, never
// thrown on.
std::string dump(const json& j) {
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

ws_text make(std::string s) {
  return std::make_shared<const std::string>(std::move(s));
}

std::string post_text(std::int64_t seq, const std::string& views_json,
                      const std::string& post_json) {
  std::string out;
  out.reserve(post_json.size() + views_json.size() + 48);
  out += "{\"type\":\"post\",\"seq\":";
  out += std::to_string(seq);
  out += ",\"views\":";
  out += views_json;
  out += ",\"post\":";
  out += post_json;
  out += "}";
  return out;
}

} // namespace

ws_text post_message(const stored_post& item, const std::string& views_json) {
  return make(post_text(item.seq, views_json, dump(to_json(item))));
}

ws_text standing_message(const standing_event& ev) {
  auto authors = json::array();
  for (const auto& a : ev.authors)
    authors.push_back({{"network", to_string(a.net)}, {"user_id", a.user_id}});
  json person = nullptr;
  if (ev.person)
    person = {{"record_type", to_string(ev.person.type)},
              {"record_id", std::to_string(ev.person.id)}};
  return make(dump({{"type", "standing_changed"},
                    {"seq", ev.seq},
                    {"person", person},
                    {"from", to_string(ev.from)},
                    {"to", to_string(ev.to)},
                    {"authors", authors}}));
}

ws_text resync_message(const std::string& reason) {
  return make(dump({{"type", "resync"}, {"reason", reason}}));
}

ws_text error_message(const std::string& code, const std::string& message) {
  return make(dump({{"type", "error"},
                    {"error", {{"code", code}, {"message", message}}}}));
}

std::shared_ptr<const http::ws_batch_format> batch_format() {
  static const auto format = std::make_shared<const http::ws_batch_format>(
    http::ws_batch_format{"{\"type\":\"batch\",\"events\":[", ",", "]}"});
  return format;
}

ws_text pong_message() {
  static const ws_text pong = make("{\"type\":\"pong\"}");
  return pong;
}

ws_text subscribed_message(std::int64_t seq) {
  return make(dump({{"type", "subscribed"}, {"seq", seq}}));
}

message_cache::entry& message_cache::slot(std::int64_t seq) {
  if (auto i = recent_.find(seq); i != recent_.end())
    return i->second;
  if (order_.size() >= max_events) {
    recent_.erase(order_.front());
    order_.pop_front();
  }
  order_.push_back(seq);
  auto& e = recent_[seq];
  e.seq = seq;
  return e;
}

ws_text message_cache::post(const stored_post& item,
                            const std::string& views_json) {
  std::string post_json;
  {
    std::lock_guard guard{mutex_};
    auto& e = slot(item.seq);
    for (auto& [views, text] : e.variants)
      if (views == views_json)
        return text;
    post_json = e.post_json;
  }
  // Serialise outside the lock; two sessions racing here build the same
  // text and the second one is simply not remembered.
  if (post_json.empty())
    post_json = dump(to_json(item));
  auto text = make(post_text(item.seq, views_json, post_json));
  std::lock_guard guard{mutex_};
  auto& e = slot(item.seq);
  if (e.post_json.empty())
    e.post_json = std::move(post_json);
  if (e.variants.size() < max_variants)
    e.variants.emplace_back(views_json, text);
  return text;
}

message_cache::batch_match_ptr
message_cache::find_batch(std::int64_t first_seq, std::size_t size,
                          const std::string& filter) {
  std::lock_guard guard{batch_mutex_};
  auto b = batches_.find(first_seq);
  if (b == batches_.end() || b->second.size != size)
    return nullptr;
  auto m = b->second.by_filter.find(filter);
  return m == b->second.by_filter.end() ? nullptr : m->second;
}

void message_cache::remember_batch(std::int64_t first_seq, std::size_t size,
                                   const std::string& filter,
                                   batch_match_ptr m) {
  std::lock_guard guard{batch_mutex_};
  auto b = batches_.find(first_seq);
  if (b == batches_.end()) {
    if (batch_order_.size() >= max_batches) {
      batches_.erase(batch_order_.front());
      batch_order_.pop_front();
    }
    batch_order_.push_back(first_seq);
    b = batches_.emplace(first_seq, batch_entry{size, {}}).first;
  }
  // seqs are unique, so a first seq names one batch; a different size
  // would be a different hub's batch and is simply not remembered.
  if (b->second.size == size)
    b->second.by_filter.emplace(filter, std::move(m));
}

ws_text message_cache::standing(const standing_event& ev) {
  {
    std::lock_guard guard{mutex_};
    auto& e = slot(ev.seq);
    if (!e.variants.empty())
      return e.variants.front().second;
  }
  auto text = standing_message(ev);
  std::lock_guard guard{mutex_};
  auto& e = slot(ev.seq);
  if (e.variants.empty())
    e.variants.emplace_back(std::string(), text);
  return text;
}

} // namespace socialcrm::web::live
