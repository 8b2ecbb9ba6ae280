// Per network (SPEC S-1.6): what a person addresses to the organisation
// (a mention, a DM or page message, a comment or reply, whichever the
// network has) reaches the store through a real `socialcrm serve` polling a
// real `socialcrm sim`, with its kind and author, and an author associated
// with a lead beforehand is matched to that lead.

#include "tests/app/ingest_env.hpp"

#include <SQLiteCpp/Statement.h>
#include <catch2/catch.hpp>

using namespace socialcrm;
using socialcrm::test::ingest_env;

namespace {

struct stored_row {
  std::string kind;
  std::string author;
  std::int64_t account_id = 0;
};

stored_row row_of(ingest_env& env, const std::string& net,
                  const std::string& external_id) {
  storage::database db(env.db_path, storage::access::read_only);
  SQLite::Statement st(db.handle(),
                       "SELECT kind, author_id, COALESCE(account_id, 0) "
                       "FROM posts WHERE network = ? AND external_id = ?");
  st.bind(1, net);
  st.bind(2, external_id);
  INFO(net << " post " << external_id);
  REQUIRE(st.executeStep());
  return {st.getColumn(0).getString(), st.getColumn(1).getString(),
          st.getColumn(2).getInt64()};
}

/// Whether the stored post joins to the lead through its social profile,
/// as the CRM view finds a person's posts.
bool matched(ingest_env& env, std::int64_t lead, const std::string& net,
             const std::string& external_id) {
  storage::database db(env.db_path, storage::access::read_only);
  SQLite::Statement st(db.handle(),
                       "SELECT COUNT(*) FROM posts p JOIN social_profiles s "
                       "ON s.network = p.network AND s.network_user_id = "
                       "p.author_id WHERE s.record_type = 'lead' AND "
                       "s.record_id = ? AND p.network = ? AND "
                       "p.external_id = ?");
  st.bind(1, lead);
  st.bind(2, net);
  st.bind(3, external_id);
  REQUIRE(st.executeStep());
  return st.getColumn(0).getInt64() == 1;
}

std::string count_of(const std::string& net) {
  return "SELECT COUNT(*) FROM posts WHERE network = '" + net + "'";
}

} // namespace

TEST_CASE("Facebook mentions, page messages and comments reach the store "
          "with kind and author",
          "[ingestion][facebook][integration]") {
  ingest_env env;
  auto owner = env.add_user("facebook", "acme_admin");
  auto fan = env.add_user("facebook", "fan");
  auto prospect = env.add_user("facebook", "prospect");
  auto page = env.add_page("facebook", owner, "Acme");
  auto account = env.link(network::facebook, owner, "acme", page);
  auto lead = env.add_lead(network::facebook, prospect, "prospect",
                           "Prospect");
  auto ours = env.post("facebook", page, "our spring sale", "post");
  auto mention = env.post("facebook", fan, "@Acme hello", "mention", page);
  auto message = env.post("facebook", fan, "do you ship?", "dm", page);
  auto comment = env.post("facebook", prospect, "is it online too?",
                          "comment", "", ours);
  env.start_server();
  REQUIRE(env.wait_count(count_of("facebook"), 4) == 4);

  auto m = row_of(env, "facebook", mention);
  CHECK(m.kind == "mention");
  CHECK(m.author == fan);
  CHECK(m.account_id == account);
  auto msg = row_of(env, "facebook", message);
  CHECK(msg.kind == "message");
  CHECK(msg.author == fan);
  auto c = row_of(env, "facebook", comment);
  CHECK(c.kind == "comment");
  CHECK(c.author == prospect);
  CHECK(row_of(env, "facebook", ours).kind == "post");
  CHECK(matched(env, lead, "facebook", comment));

  SECTION("a message arriving later is polled too") {
    auto later = env.post("facebook", prospect, "one more thing", "dm", page);
    REQUIRE(env.wait_count(count_of("facebook"), 5) == 5);
    CHECK(row_of(env, "facebook", later).kind == "message");
    CHECK(matched(env, lead, "facebook", later));
  }
}

TEST_CASE("Google+ page posts and comments reach the store with kind and "
          "author",
          "[ingestion][googleplus][integration]") {
  ingest_env env;
  auto owner = env.add_user("googleplus", "acme_admin");
  auto fan = env.add_user("googleplus", "fan");
  auto prospect = env.add_user("googleplus", "prospect");
  auto page = env.add_page("googleplus", owner, "Acme Page");
  auto account = env.link(network::googleplus, owner, "acme", page);
  auto lead = env.add_lead(network::googleplus, prospect, "prospect",
                           "Prospect");
  auto ours = env.post("googleplus", page, "our news", "post");
  auto from_fan = env.post("googleplus", fan, "great!", "comment", "", ours);
  auto from_lead = env.post("googleplus", prospect, "when?", "comment", "",
                            ours);
  env.start_server();
  REQUIRE(env.wait_count(count_of("googleplus"), 3) == 3);

  auto c = row_of(env, "googleplus", from_fan);
  CHECK(c.kind == "comment");
  CHECK(c.author == fan);
  CHECK(c.account_id == account);
  CHECK(row_of(env, "googleplus", from_lead).kind == "comment");
  auto own = row_of(env, "googleplus", ours);
  CHECK(own.kind == "post");
  CHECK(own.author == page);
  CHECK(matched(env, lead, "googleplus", from_lead));
}

TEST_CASE("Mastodon mentions, direct messages and replies reach the store "
          "with kind and author",
          "[ingestion][mastodon][integration]") {
  ingest_env env;
  auto org = env.add_user("mastodon", "acme");
  auto fan = env.add_user("mastodon", "fan");
  auto prospect = env.add_user("mastodon", "prospect");
  auto account = env.link(network::mastodon, org, "acme");
  auto lead = env.add_lead(network::mastodon, prospect, "prospect",
                           "Prospect");
  auto ours = env.post("mastodon", org, "we launched", "post");
  auto mention = env.post("mastodon", fan, "@acme hello", "mention", org);
  auto dm = env.post("mastodon", fan, "a private question", "dm", org);
  auto reply = env.post("mastodon", prospect, "congrats!", "reply", "", ours);
  env.start_server();
  REQUIRE(env.wait_count(count_of("mastodon"), 4) == 4);

  auto m = row_of(env, "mastodon", mention);
  CHECK(m.kind == "mention");
  CHECK(m.author == fan);
  CHECK(m.account_id == account);
  auto d = row_of(env, "mastodon", dm);
  CHECK(d.kind == "dm");
  CHECK(d.author == fan);
  auto r = row_of(env, "mastodon", reply);
  CHECK(r.kind == "reply");
  CHECK(r.author == prospect);
  CHECK(row_of(env, "mastodon", ours).kind == "post");
  CHECK(matched(env, lead, "mastodon", reply));
  // The lead's timeline lists the reply too: still stored once.
  CHECK(env.count("SELECT COUNT(DISTINCT external_id) FROM posts WHERE "
                  "network = 'mastodon'")
        == env.count(count_of("mastodon")));
}

TEST_CASE("Bluesky mentions and replies reach the store with kind and "
          "author",
          "[ingestion][bluesky][integration]") {
  ingest_env env;
  auto org = env.add_user("bluesky", "acme");
  auto fan = env.add_user("bluesky", "fan");
  auto prospect = env.add_user("bluesky", "prospect");
  auto account = env.link(network::bluesky, org, "acme.bsky.social");
  auto lead = env.add_lead(network::bluesky, prospect,
                           "prospect.bsky.social", "Prospect");
  auto ours = env.post("bluesky", org, "launch day", "post");
  auto mention = env.post("bluesky", fan, "@acme hello", "mention", org);
  auto reply = env.post("bluesky", prospect, "congrats!", "reply", "", ours);
  env.start_server();
  REQUIRE(env.wait_count(count_of("bluesky"), 3) == 3);

  auto m = row_of(env, "bluesky", mention);
  CHECK(m.kind == "mention");
  CHECK(m.author == fan);
  CHECK(m.account_id == account);
  auto r = row_of(env, "bluesky", reply);
  CHECK(r.kind == "reply");
  CHECK(r.author == prospect);
  CHECK(row_of(env, "bluesky", ours).kind == "post");
  CHECK(matched(env, lead, "bluesky", reply));

  SECTION("a mention arriving later is polled too") {
    auto later = env.post("bluesky", prospect, "@acme ping", "mention", org);
    REQUIRE(env.wait_count(count_of("bluesky"), 4) == 4);
    CHECK(row_of(env, "bluesky", later).kind == "mention");
    CHECK(matched(env, lead, "bluesky", later));
  }
}
