#include "storage/write_failure.hpp"

#include <SQLiteCpp/Exception.h>
#include <spdlog/spdlog.h>
#include <sqlite3.h>

namespace socialcrm::storage {

bool is_storage_full(const std::exception& e) {
  auto* sql = dynamic_cast<const SQLite::Exception*>(&e);
  // The low byte is the primary code, whether SQLite reported an
  // extended one or not.
  return sql && ((sql->getErrorCode() & 0xff) == SQLITE_FULL
                 || (sql->getExtendedErrorCode() & 0xff) == SQLITE_FULL);
}

error_info storage_error(const std::exception& e) {
  if (is_storage_full(e))
    return make_error("storage_full",
                      "the server's storage is full, so nothing was written: "
                      "free space on the data directory's disk (or raise "
                      "[storage] max_size_mb) and try again");
  return make_error("storage_failure", e.what());
}

std::optional<std::string> failure_burst::failed(std::string_view where,
                                                 std::string_view error,
                                                 clock::time_point now) {
  std::lock_guard lock(mx_);
  auto it = bursts_.find(where);
  if (it == bursts_.end()) {
    it = bursts_.emplace(std::string(where), state{}).first;
    ++open_;
  }
  auto& b = it->second;
  ++b.failures;
  if (b.failures > 1 && now - b.last_line < quiet_) {
    ++b.unlogged;
    return std::nullopt;
  }
  auto line = std::string(where) + " write failed: " + std::string(error);
  if (b.unlogged > 0)
    line += " (" + std::to_string(b.unlogged)
            + " more failed since the last line)";
  else if (b.failures == 1)
    line += " (further failures within "
            + std::to_string(
              std::chrono::duration_cast<std::chrono::seconds>(quiet_).count())
            + " s are counted, not logged)";
  b.last_line = now;
  b.unlogged = 0;
  return line;
}

std::optional<std::string> failure_burst::succeeded(std::string_view where) {
  if (open_.load(std::memory_order_relaxed) == 0)
    return std::nullopt;
  std::lock_guard lock(mx_);
  auto it = bursts_.find(where);
  if (it == bursts_.end())
    return std::nullopt;
  auto line = std::string(where) + " writes succeed again after "
              + std::to_string(it->second.failures) + " failed ("
              + std::to_string(it->second.unlogged)
              + " not logged since the last line)";
  bursts_.erase(it);
  --open_;
  return line;
}

namespace {

failure_burst& process_bursts() {
  static failure_burst bursts;
  return bursts;
}

} // namespace

error_info write_failed(std::string_view where, const std::exception& e) {
  std::string what = e.what();
  if (auto* sql = dynamic_cast<const SQLite::Exception*>(&e))
    what += " (SQLite error " + std::to_string(sql->getExtendedErrorCode())
            + ")";
  if (auto line = process_bursts().failed(where, what,
                                          failure_burst::clock::now()))
    spdlog::error("{}", *line);
  return storage_error(e);
}

void write_succeeded(std::string_view where) {
  if (auto line = process_bursts().succeeded(where))
    spdlog::info("{}", *line);
}

} // namespace socialcrm::storage
