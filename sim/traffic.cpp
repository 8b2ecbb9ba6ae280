#include "sim/traffic.hpp"

#include "sim/network.hpp"
#include "sim/world.hpp"

#include <algorithm>

namespace socialcrm::sim {

namespace {

// Phrases generated posts are made of; short enough for every network.
constexpr const char* openings[] = {
  "Just tried",       "Anyone else using", "Big thanks to",
  "Still waiting on", "Loving the new",    "Question about",
  "Can't log in to",  "Great talk by",     "Thinking about switching to"};
constexpr const char* subjects[] = {
  "the mobile app", "the new release", "your support team",
  "the API",        "the dashboard",   "the onboarding",
  "the invoice",    "the webinar",     "the roadmap"};
constexpr const char* endings[] = {
  "today.", "- any tips?", "!", "again...", "this week.", "#crm",
  "- impressed.", "?"};

template <std::size_t N>
const char* pick(world& w, const char* const (&list)[N]) {
  return list[w.uniform(0, N - 1)];
}

std::string sentence(world& w, std::size_t max_len) {
  std::string s = std::string(pick(w, openings)) + " " + pick(w, subjects)
                  + " " + pick(w, endings);
  if (s.size() > max_len)
    s.resize(max_len);
  return s;
}

} // namespace

void traffic_generator::configure(traffic_mix m) {
  mix_ = std::move(m);
  owed_ = 0;
  last_tick_ms_ = 0;
}

std::size_t traffic_generator::generate(world& w, std::size_t n) {
  std::size_t made = 0;
  for (std::size_t i = 0; i < n; ++i)
    if (generate_one(w))
      ++made;
  return made;
}

std::size_t traffic_generator::tick(world& w, std::int64_t now_ms) {
  if (mix_.rate <= 0) {
    last_tick_ms_ = now_ms;
    return 0;
  }
  if (last_tick_ms_ == 0 || now_ms < last_tick_ms_)
    last_tick_ms_ = now_ms;
  owed_ += mix_.rate * static_cast<double>(now_ms - last_tick_ms_) / 1000.0;
  last_tick_ms_ = now_ms;
  // A burst after a long pause (or a clock jump) is capped: a second's
  // worth of items is plenty to look alive.
  owed_ = std::min(owed_, std::max(1.0, mix_.rate));
  auto due = static_cast<std::size_t>(owed_);
  owed_ -= static_cast<double>(due);
  return generate(w, due);
}

bool traffic_generator::generate_one(world& w) {
  const auto& nets = w.networks();
  if (nets.empty())
    return false;
  network& net = *nets[w.uniform(0, nets.size() - 1)];
  std::string id(net.id());
  auto population = w.users(id);
  std::vector<const user*> synthetic, org;
  for (const user* u : population)
    (u->synthetic ? synthetic : org).push_back(u);
  if (synthetic.empty())
    return false;
  // Whom traffic is addressed to: pages where the network has them, else
  // the org accounts (users created through the control API).
  std::vector<std::string> targets;
  if (net.has_pages())
    for (const page* p : w.pages(id))
      targets.push_back(p->id);
  else
    for (const user* u : org)
      targets.push_back(u->id);

  item draft;
  draft.network = id;
  draft.author_id = synthetic[w.uniform(0, synthetic.size() - 1)]->id;
  auto max_len = net.max_generated_text();
  draft.text = sentence(w, max_len);

  double roll = std::uniform_real_distribution<double>{0, 1}(w.rng());
  double mention = mix_.mention_ratio;
  double dm = mention + mix_.dm_ratio;
  double comment = dm + mix_.comment_ratio;
  double keyword = comment + mix_.keyword_ratio;
  std::string target =
    targets.empty() ? std::string{} : targets[w.uniform(0, targets.size() - 1)];

  if (roll < comment && roll >= dm && !target.empty()) {
    // A comment / reply on one of the target's own posts, if it has any.
    std::vector<const item*> own;
    for (const item* it : w.items(id))
      if (it->author_id == target && it->kind == item_kind::post)
        own.push_back(it);
    auto kind = net.supports(item_kind::comment) ? item_kind::comment
                                                 : item_kind::reply;
    if (!own.empty() && net.supports(kind)) {
      draft.kind = kind;
      draft.in_reply_to = own[w.uniform(0, own.size() - 1)]->id;
      draft.to_account = target;
    } else {
      roll = 0; // nothing to comment on: mention instead
    }
  }
  if (draft.in_reply_to.empty()) {
    if (roll < mention && !target.empty() && net.supports(item_kind::mention)) {
      draft.kind = item_kind::mention;
      draft.to_account = target;
      if (const user* u = w.find_user(id, target))
        draft.text = "@" + u->handle + " " + draft.text;
    } else if (roll >= mention && roll < dm && !target.empty()
               && net.supports(item_kind::dm)) {
      draft.kind = item_kind::dm;
      draft.to_account = target;
    } else if (roll >= comment && roll < keyword && !mix_.keywords.empty()) {
      draft.kind = item_kind::post;
      draft.text += " " + mix_.keywords[w.uniform(0, mix_.keywords.size() - 1)];
    } else {
      draft.kind = item_kind::post;
    }
  }
  if (draft.text.size() > max_len)
    draft.text.resize(max_len);
  w.add_item(std::move(draft));
  ++generated_;
  return true;
}

} // namespace socialcrm::sim
