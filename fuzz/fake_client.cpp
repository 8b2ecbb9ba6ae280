// http::client for the fuzz build: answers from fake_network.hpp instead of
// a socket, so the connectors' whole decoding path (api_client, the
// network's error mapping, the page decoding) runs on the fuzzer's bytes.

#include "http/client.hpp"
#include "fuzz/fake_network.hpp"

namespace socialcrm {

namespace {
http::response answer;
std::size_t sent = 0;
} // namespace

void fuzz::set_answer(http::response r) {
  answer = std::move(r);
  sent = 0;
}

std::size_t fuzz::requests_sent() {
  return sent;
}

namespace http {

struct client::impl {};

client::client(client_options) {}
client::~client() = default;
client::client(client&&) noexcept = default;
client& client::operator=(client&&) noexcept = default;

client_result client::send(const std::string&, const std::string&,
                           const header_list&, const std::string&) {
  ++sent;
  return {answer, {}};
}

client_result client::post(const std::string& url, const std::string& body,
                           const std::string& content_type,
                           header_list headers) {
  headers.set("Content-Type", content_type);
  return send("POST", url, headers, body);
}

void client::close() {}

std::size_t client::connections_opened() const {
  return 1;
}

} // namespace http
} // namespace socialcrm
