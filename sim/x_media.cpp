// X media upload: the one-shot POST /2/media/upload (and v1.1's
// upload.json, for older clients) and the chunked v2 flow (initialize,
// append, finalize, STATUS). Uploads record nothing in the published log:
// the post that attaches the media does.

#include "sim/x_network.hpp"

#include "sim/multipart.hpp"

#include <algorithm>
#include <charconv>

namespace socialcrm::sim::x {

using nlohmann::json;

namespace {

/// The size limit of a media type (X: images 5 MB, GIFs 15 MB, videos
/// 512 MB).
std::size_t limit_of(std::string_view media_type) {
  if (media_type == "image/gif")
    return max_gif_bytes;
  if (media_type.rfind("video/", 0) == 0)
    return max_video_bytes;
  return max_image_bytes;
}

/// The data of initialize, finalize and STATUS answers.
json upload_data(const media& m, const upload_session& s, world& w) {
  json d = {{"id", m.id},
            {"media_key", media_key(m)},
            {"expires_after_secs", std::max<std::int64_t>(0, s.expires_at
                                                               - w.now())}};
  if (s.finalized)
    d["size"] = s.total_bytes;
  return d;
}

} // namespace

// --- one-shot upload (POST /2/media/upload, POST /1.1/media/upload.json) ---

http::response x_network::upload_media(const call& c, world& w,
                                       const caller& who, bool v1) {
  std::optional<std::size_t> size;
  std::string type = "image/jpeg";
  std::string category = c.any_param("media_category").value_or("tweet_image");
  auto ctype = c.http.headers.value("Content-Type");
  if (auto parts = parse_multipart(ctype, c.http.body)) {
    for (const auto& p : *parts) {
      if (p.name == "media") {
        size = p.body.size();
        if (!p.content_type.empty())
          type = p.content_type;
      } else if (p.name == "media_data") {
        size = base64_decoded_size(p.body);
      } else if (p.name == "media_category") {
        category = std::string(p.body);
      } else if (p.name == "media_type") {
        type = std::string(p.body);
      }
    }
  } else if (auto data = c.any_param("media_data")) {
    size = base64_decoded_size(*data);
  }
  if (!size || *size == 0) {
    if (v1)
      return json_response(400, {{"errors", json::array({{{"code", 38},
                                                           {"message",
                                                            "media parameter "
                                                            "is missing."}}})}});
    return invalid_request("media", "", "`media` is required");
  }
  auto limit = category == "tweet_gif" ? max_gif_bytes : max_image_bytes;
  if (*size > limit) {
    auto msg = "File size exceeds " + std::to_string(limit) + " bytes.";
    if (v1)
      return json_response(
        400, {{"errors", json::array({{{"code", 324}, {"message", msg}}})}});
    return invalid_request("media", std::to_string(*size), msg);
  }
  const media& m = w.add_media("x", who.me->id, *size, type);
  /// Uploaded media must be attached within a day.
  constexpr int expires_after_secs = 86400;
  if (v1)
    return json_response(200, {{"media_id", std::stoull(m.id)},
                               {"media_id_string", m.id},
                               {"size", m.bytes},
                               {"expires_after_secs", expires_after_secs},
                               {"image", {{"image_type", type}}}});
  return json_response(200, {{"data", {{"id", m.id},
                                       {"media_key", "3_" + m.id},
                                       {"size", m.bytes},
                                       {"expires_after_secs",
                                        expires_after_secs}}}});
}

// --- chunked upload (POST /2/media/upload/initialize, /{id}/append,
// /{id}/finalize, GET /2/media/upload?command=STATUS) ---------------------

bool x_network::attachable_media(world& w, const std::string& media_id) const {
  if (!w.find_media("x", media_id))
    return false;
  auto it = uploads_.find(media_id);
  return it == uploads_.end() || it->second.finalized;
}

http::response x_network::media_initialize(const call& c, world& w,
                                           const caller& who) {
  json b;
  if (auto error = read_object_body(c, b))
    return *error;
  if (!b.contains("media_type") || !b.at("media_type").is_string())
    return invalid_request("media_type", "", "`media_type` is required");
  if (!b.contains("total_bytes") || !b.at("total_bytes").is_number_integer()
      || b.at("total_bytes").get<std::int64_t>() <= 0)
    return invalid_request("total_bytes",
                           b.contains("total_bytes")
                             ? b.at("total_bytes").dump()
                             : "",
                           "`total_bytes` must be a positive integer");
  auto type = b.at("media_type").get<std::string>();
  auto total = b.at("total_bytes").get<std::size_t>();
  auto limit = limit_of(type);
  if (total > limit)
    return invalid_request("total_bytes", std::to_string(total),
                           "File size exceeds " + std::to_string(limit)
                             + " bytes.");
  const media& m = w.add_media("x", who.me->id, total, type);
  upload_session s;
  s.owner_id = who.me->id;
  s.total_bytes = total;
  s.expires_at = w.now() + media_expires_s;
  auto& stored = uploads_[m.id] = std::move(s);
  return json_response(200, {{"data", upload_data(m, stored, w)}});
}

http::response x_network::media_append(const call& c, world& w,
                                       const caller& who,
                                       const std::string& media_id) {
  auto it = uploads_.find(media_id);
  if (it == uploads_.end() || it->second.owner_id != who.me->id
      || it->second.expires_at < w.now())
    return invalid_request("id", media_id, "Invalid media id.");
  auto& s = it->second;
  if (s.finalized)
    return invalid_request("id", media_id, "The upload is already "
                                           "finalized.");
  // multipart/form-data (raw bytes in "media") or a JSON body (base64).
  std::optional<std::size_t> size;
  std::string index_text;
  auto ctype = c.http.headers.value("Content-Type");
  if (auto parts = parse_multipart(ctype, c.http.body)) {
    for (const auto& p : *parts) {
      if (p.name == "media")
        size = p.body.size();
      else if (p.name == "media_data")
        size = base64_decoded_size(p.body);
      else if (p.name == "segment_index")
        index_text = std::string(p.body);
    }
  } else if (auto body = c.json_body(); body && body->is_object()) {
    if (body->contains("media") && body->at("media").is_string())
      size = base64_decoded_size(body->at("media").get<std::string>());
    if (body->contains("segment_index"))
      index_text = body->at("segment_index").is_string()
                     ? body->at("segment_index").get<std::string>()
                     : body->at("segment_index").dump();
  }
  int index = -1;
  auto [end, ec] = std::from_chars(index_text.data(),
                                   index_text.data() + index_text.size(),
                                   index);
  if (index_text.empty() || ec != std::errc{}
      || end != index_text.data() + index_text.size() || index < 0
      || index > max_segment_index)
    return invalid_request("segment_index", index_text,
                           "`segment_index` must be between 0 and "
                             + std::to_string(max_segment_index));
  if (!size || *size == 0)
    return invalid_request("media", "", "`media` is required");
  if (*size > max_chunk_bytes)
    return invalid_request("media", std::to_string(*size),
                           "A segment may not exceed "
                             + std::to_string(max_chunk_bytes) + " bytes.");
  s.segments[index] = *size;
  return json_response(200, {{"data", {{"expires_at", s.expires_at}}}});
}

http::response x_network::media_finalize(const call&, world& w,
                                         const caller& who,
                                         const std::string& media_id) {
  auto it = uploads_.find(media_id);
  const media* m = w.find_media("x", media_id);
  if (it == uploads_.end() || !m || it->second.owner_id != who.me->id
      || it->second.expires_at < w.now())
    return invalid_request("id", media_id, "Invalid media id.");
  auto& s = it->second;
  std::size_t received = 0;
  int expected = 0;
  for (const auto& [index, bytes] : s.segments) {
    if (index != expected++)
      return invalid_request("id", media_id,
                             "Segment " + std::to_string(expected - 1)
                               + " is missing.");
    received += bytes;
  }
  if (received != s.total_bytes)
    return invalid_request("id", media_id,
                           "File size mismatch: " + std::to_string(received)
                             + " bytes received, "
                             + std::to_string(s.total_bytes)
                             + " declared.");
  // Processing is instant here: no processing_info, so clients attach the
  // media at once, as they do with images on X.
  s.finalized = true;
  return json_response(200, {{"data", upload_data(*m, s, w)}});
}

http::response x_network::media_status(const call& c, world& w,
                                       const caller& who) {
  auto command = c.param("command").value_or("");
  auto media_id = c.param("media_id").value_or("");
  if (command != "STATUS")
    return invalid_request("command", command, "`command` must be STATUS");
  auto it = uploads_.find(media_id);
  const media* m = w.find_media("x", media_id);
  if (it == uploads_.end() || !m || it->second.owner_id != who.me->id)
    return invalid_request("media_id", media_id, "Invalid media id.");
  json d = upload_data(*m, it->second, w);
  d["processing_info"] = {{"state", it->second.finalized ? "succeeded"
                                                         : "pending"},
                          {"progress_percent",
                           it->second.finalized ? 100 : 0}};
  return json_response(200, {{"data", d}});
}

} // namespace socialcrm::sim::x
