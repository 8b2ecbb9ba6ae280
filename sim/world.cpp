#include "sim/world.hpp"

#include "sim/network.hpp"

#include <sodium.h>

#include <algorithm>
#include <chrono>

namespace socialcrm::sim {

namespace {

std::string key_of(std::string_view network_id, std::string_view id) {
  std::string k;
  k.reserve(network_id.size() + 1 + id.size());
  k.append(network_id).push_back('\n');
  k.append(id);
  return k;
}

// Names the synthetic population is drawn from (deterministic per seed).
constexpr const char* first_names[] = {
  "Ada",  "Bruno", "Chloe", "Dario", "Elena", "Farid", "Greta", "Hugo",
  "Ines", "Jonas", "Kira",  "Lucas", "Maya",  "Nils",  "Olga",  "Pavel",
  "Rosa", "Sami",  "Tara",  "Uwe",   "Vera",  "Wim",   "Yara",  "Zoe"};
constexpr const char* last_names[] = {
  "Almeida", "Berg",  "Costa", "Dahl",  "Eriksen", "Fischer", "Garcia",
  "Haas",    "Ivanov", "Jensen", "Klein", "Lopez", "Moreau",  "Novak",
  "Ortiz",   "Petit", "Quinn", "Rossi", "Silva", "Torres",  "Ueda"};

} // namespace

std::int64_t sim_clock::now_ms() const {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch())
           .count()
         + offset_ms_;
}

world::world(world_options opts, std::vector<std::unique_ptr<network>> nets)
  : opts_(opts), networks_(std::move(nets)), rng_(opts.seed) {
  // Idempotent; -1 only when no entropy source exists, which the emulator
  // does not need (its randomness is the seeded generator).
  if (sodium_init() < 0) {
  }
  for (auto& n : networks_)
    seed_population(*n);
}

world::~world() = default;

network* world::find_network(std::string_view id) {
  for (auto& n : networks_)
    if (n->id() == id)
      return n.get();
  return nullptr;
}

std::uint64_t world::uniform(std::uint64_t lo, std::uint64_t hi) {
  return std::uniform_int_distribution<std::uint64_t>{lo, hi}(rng_);
}

std::string world::random_token(std::size_t bytes) {
  std::vector<unsigned char> raw(bytes);
  for (auto& b : raw)
    b = static_cast<unsigned char>(uniform(0, 255));
  std::string out(sodium_base64_ENCODED_LEN(
                    bytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING),
                  '\0');
  sodium_bin2base64(out.data(), out.size(), raw.data(), raw.size(),
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  out.resize(std::char_traits<char>::length(out.c_str()));
  return out;
}

void world::seed_population(network& net) {
  for (std::size_t i = 0; i < synthetic_users_per_network; ++i) {
    std::string first = first_names[uniform(0, std::size(first_names) - 1)];
    std::string last = last_names[uniform(0, std::size(last_names) - 1)];
    std::string handle = first + "_" + last + std::to_string(i);
    std::transform(handle.begin(), handle.end(), handle.begin(),
                   [](unsigned char c) { return std::tolower(c); });
    // Synthetic users sign in with "password" (documented in API.md's
    // emulator section) so demos can walk through OAuth as them.
    add_user(net.id(), handle, first + " " + last, "password", true);
  }
}

// --- users and pages ---------------------------------------------------

const user& world::add_user(std::string_view network_id, std::string handle,
                            std::string name, std::string password,
                            bool synthetic) {
  user u;
  auto* net = find_network(network_id);
  u.id = net ? net->make_id(id_kind::user, next_number(), nullptr)
             : std::to_string(next_number());
  u.network = std::string(network_id);
  u.handle = std::move(handle);
  u.name = std::move(name);
  u.password = std::move(password);
  u.synthetic = synthetic;
  u.created_at = now();
  user_index_[key_of(network_id, u.id)] = users_.size();
  users_.push_back(std::move(u));
  return users_.back();
}

const user* world::find_user(std::string_view network_id,
                             std::string_view id) const {
  auto it = user_index_.find(key_of(network_id, id));
  return it == user_index_.end() ? nullptr : &users_[it->second];
}

const user* world::find_user_by_handle(std::string_view network_id,
                                       std::string_view handle) const {
  for (const auto& u : users_)
    if (u.network == network_id && u.handle == handle)
      return &u;
  return nullptr;
}

std::vector<const user*> world::users(std::string_view network_id) const {
  std::vector<const user*> out;
  for (const auto& u : users_)
    if (u.network == network_id)
      out.push_back(&u);
  return out;
}

const page& world::add_page(std::string_view network_id, std::string owner_id,
                            std::string name) {
  page p;
  auto* net = find_network(network_id);
  p.id = net ? net->make_id(id_kind::page, next_number(), nullptr)
             : std::to_string(next_number());
  p.network = std::string(network_id);
  p.owner_id = std::move(owner_id);
  p.name = std::move(name);
  p.created_at = now();
  page_index_[key_of(network_id, p.id)] = pages_.size();
  pages_.push_back(std::move(p));
  return pages_.back();
}

const page* world::find_page(std::string_view network_id,
                             std::string_view id) const {
  auto it = page_index_.find(key_of(network_id, id));
  return it == page_index_.end() ? nullptr : &pages_[it->second];
}

std::vector<const page*> world::pages_of(std::string_view network_id,
                                         std::string_view owner_id) const {
  std::vector<const page*> out;
  for (const auto& p : pages_)
    if (p.network == network_id && p.owner_id == owner_id)
      out.push_back(&p);
  return out;
}

std::vector<const page*> world::pages(std::string_view network_id) const {
  std::vector<const page*> out;
  for (const auto& p : pages_)
    if (p.network == network_id)
      out.push_back(&p);
  return out;
}

// --- items ---------------------------------------------------------------

item& world::add_item(item draft) {
  draft.seq = ++seq_;
  draft.created_at = now();
  auto* net = find_network(draft.network);
  draft.id = net ? net->make_id(id_kind::item, next_number(), &draft)
                 : std::to_string(next_number());
  if (draft.conversation_id.empty()) {
    if (const item* parent = find_item(draft.network, draft.in_reply_to))
      draft.conversation_id = parent->conversation_id;
    else if (draft.kind == item_kind::dm)
      // One conversation per pair of participants, whoever writes first.
      draft.conversation_id = std::min(draft.author_id, draft.to_account)
                              + "-"
                              + std::max(draft.author_id, draft.to_account);
    else
      draft.conversation_id = draft.id;
  }
  item_index_[key_of(draft.network, draft.id)] = items_.size();
  items_.push_back(std::move(draft));
  item& stored = items_.back();
  by_network_[stored.network].push_back(&stored);
  if (net)
    net->on_item_added(*this, stored);
  return stored;
}

item* world::find_item(std::string_view network_id, std::string_view id) {
  if (id.empty())
    return nullptr;
  auto it = item_index_.find(key_of(network_id, id));
  return it == item_index_.end() ? nullptr : &items_[it->second];
}

std::vector<const item*> world::items(std::string_view network_id) const {
  return items_in_order(network_id);
}

const std::vector<const item*>& world::items_in_order(
  std::string_view network_id) const {
  static const std::vector<const item*> none;
  auto it = by_network_.find(network_id);
  return it == by_network_.end() ? none : it->second;
}

std::size_t world::item_count(std::string_view network_id) const {
  return items_in_order(network_id).size();
}

const media& world::upload_media(std::string_view network_id,
                                 std::string owner_id, std::size_t bytes,
                                 std::string content_type) {
  published_entry e;
  e.network = std::string(network_id);
  e.action = "media";
  e.actor_id = owner_id;
  const media& m = add_media(network_id, std::move(owner_id), bytes,
                             std::move(content_type));
  e.external_id = m.id;
  e.media_bytes = {m.bytes};
  record_published(std::move(e));
  return m;
}

const media& world::add_media(std::string_view network_id,
                              std::string owner_id, std::size_t bytes,
                              std::string content_type) {
  media m;
  auto* net = find_network(network_id);
  m.id = net ? net->make_id(id_kind::media, next_number(), nullptr)
             : std::to_string(next_number());
  m.network = std::string(network_id);
  m.owner_id = std::move(owner_id);
  m.bytes = bytes;
  m.content_type = std::move(content_type);
  m.created_at = now();
  media_index_[key_of(network_id, m.id)] = media_.size();
  media_.push_back(std::move(m));
  return media_.back();
}

const media* world::find_media(std::string_view network_id,
                               std::string_view id) const {
  auto it = media_index_.find(key_of(network_id, id));
  return it == media_index_.end() ? nullptr : &media_[it->second];
}

// --- OAuth -------------------------------------------------------------------

const app_client& world::add_client(app_client c) {
  client_index_[key_of(c.network, c.client_id)] = clients_.size();
  clients_.push_back(std::move(c));
  return clients_.back();
}

const app_client* world::find_client(std::string_view network_id,
                                     std::string_view client_id) const {
  auto it = client_index_.find(key_of(network_id, client_id));
  return it == client_index_.end() ? nullptr : &clients_[it->second];
}

const auth_code& world::add_code(auth_code c) {
  code_index_[key_of(c.network, c.code)] = codes_.size();
  codes_.push_back(std::move(c));
  return codes_.back();
}

auth_code* world::find_code(std::string_view network_id, std::string_view code) {
  auto it = code_index_.find(key_of(network_id, code));
  return it == code_index_.end() ? nullptr : &codes_[it->second];
}

const token& world::issue_token(std::string_view network_id, token_kind kind,
                                std::string user_id, std::string page_id,
                                std::string client_id, std::string scopes,
                                std::int64_t ttl_s, std::string_view prefix) {
  token t;
  t.value = std::string(prefix) + random_token(30);
  t.network = std::string(network_id);
  t.kind = kind;
  t.user_id = std::move(user_id);
  t.page_id = std::move(page_id);
  t.client_id = std::move(client_id);
  t.scopes = std::move(scopes);
  t.expires_at = ttl_s > 0 ? now() + ttl_s : 0;
  token_index_[key_of(network_id, t.value)] = tokens_.size();
  tokens_.push_back(std::move(t));
  return tokens_.back();
}

token* world::find_token(std::string_view network_id, std::string_view value) {
  auto it = token_index_.find(key_of(network_id, value));
  return it == token_index_.end() ? nullptr : &tokens_[it->second];
}

const token* world::valid_access_token(std::string_view network_id,
                                       std::string_view value) {
  const token* t = find_token(network_id, value);
  if (!t || t->kind != token_kind::access || t->revoked)
    return nullptr;
  if (t->expires_at != 0 && t->expires_at <= now())
    return nullptr;
  return t;
}

std::size_t world::revoke_tokens(std::string_view network_id,
                                 std::string_view user_id,
                                 std::string_view value) {
  std::size_t n = 0;
  for (auto& t : tokens_) {
    if (t.network != network_id || t.revoked)
      continue;
    if (!value.empty() && t.value != value)
      continue;
    if (!user_id.empty() && t.user_id != user_id)
      continue;
    t.revoked = true;
    ++n;
  }
  return n;
}

// --- rate limits, faults, stats, published ---------------------------------

rate_window world::take_rate(std::string_view network_id,
                             const std::string& key, std::uint32_t limit,
                             std::int64_t window_s) {
  double window_ms = static_cast<double>(window_s) * 1000.0 * opts_.window_scale;
  if (auto* o = limiter_.find_override(network_id)) {
    if (o->limit)
      limit = *o->limit;
    if (o->window_s)
      window_ms = *o->window_s * 1000.0;
  }
  // A window shorter than a millisecond would never be observable.
  auto ms = std::max<std::int64_t>(1, static_cast<std::int64_t>(window_ms));
  std::string full_key = key_of(network_id, key);
  auto now_ms = clock_.now_ms();
  rate_window w = faults_.take(network_id, fault_kind::rate_limit, now_ms)
                    ? limiter_.spend(full_key, limit, ms, now_ms)
                    : limiter_.take(full_key, limit, ms, now_ms);
  auto& st = stats(network_id);
  if (w.violation)
    ++st.violations;
  if (!w.allowed)
    ++st.throttled;
  return w;
}

std::vector<const item*>
world::page_with_faults(std::string_view network_id,
                        const std::vector<const item*>& all,
                        std::size_t begin, std::size_t end) {
  end = std::min(end, all.size());
  begin = std::min(begin, end);
  std::vector<const item*> out(all.begin() + static_cast<long>(begin),
                               all.begin() + static_cast<long>(end));
  if (out.empty())
    return out;
  auto now_ms = clock_.now_ms();
  if (faults_.take(network_id, fault_kind::duplicate, now_ms)) {
    // The item the previous page ended with comes again; on a first page
    // the last item is served twice.
    if (begin > 0)
      out.insert(out.begin(), all[begin - 1]);
    else
      out.push_back(out.back());
  }
  if (faults_.take(network_id, fault_kind::out_of_order, now_ms)) {
    // Across pages too: the next page's first item shows up early (as when
    // items shift between pages while a client walks them), then the page
    // comes in reverse order.
    if (end < all.size())
      out.push_back(all[end]);
    std::reverse(out.begin(), out.end());
  }
  return out;
}

network_stats& world::stats(std::string_view network_id) {
  auto it = stats_.find(network_id);
  if (it == stats_.end())
    it = stats_.emplace(std::string(network_id), network_stats{}).first;
  return it->second;
}

void world::record_published(published_entry e) {
  e.seq = ++seq_;
  e.created_at = now();
  published_.push_back(std::move(e));
}

} // namespace socialcrm::sim
