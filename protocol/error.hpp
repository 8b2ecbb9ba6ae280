#pragma once

#include <string>
#include <utility>
#include <variant>

namespace socialcrm {

/// An error as a value: a stable snake_case code that outside programs may
/// rely on (API.md's `error.code`) and a message for people.
struct error_info {
  std::string code;
  std::string message;
};

/// A value or an error_info. Small on purpose: errors cross component
/// boundaries as values (STYLE.md), and C++20 has no std::expected yet.
template <class T>
class expected {
public:
  expected(T value) : v_(std::move(value)) {}
  expected(error_info err) : v_(std::move(err)) {}

  explicit operator bool() const { return v_.index() == 0; }
  T& operator*() { return std::get<0>(v_); }
  const T& operator*() const { return std::get<0>(v_); }
  T* operator->() { return &std::get<0>(v_); }
  const T* operator->() const { return &std::get<0>(v_); }
  const error_info& error() const { return std::get<1>(v_); }

private:
  std::variant<T, error_info> v_;
};

inline error_info make_error(std::string code, std::string message) {
  return {std::move(code), std::move(message)};
}

} // namespace socialcrm
