// status and result<T>: how fallible calls in store/ report errors.
//
// Errors are values: nothing in store/ throws across its public interface.
// A status is either ok or carries a code and a human-readable message that
// names the object involved (stream, seq, path) and the reason. result<T>
// holds either a T or a non-ok status. Both are plain values: copy them,
// return them, compare codes. Thread-compatible (no internal locking).
#pragma once

#include <cassert>
#include <optional>
#include <string>
#include <utility>

namespace heimdall {

enum class errc {
  ok = 0,
  invalid_argument,  // the caller's input is malformed; nothing was changed
  not_found,         // the named object does not exist
  conflict,          // optimistic-concurrency check failed; nothing written
  io_error,          // the disk refused (no space, permission, ...)
  corruption,        // stored bytes do not decode or checksums fail
  locked,            // another process holds the data directory
  read_only,         // opened read-only, or poisoned after a write error
  closed,            // the object is shutting down
};

const char* errc_name(errc code);

class status {
 public:
  status() = default;
  status(errc code, std::string message) : code_(code), message_(std::move(message)) {}

  static status ok() { return status(); }

  bool is_ok() const { return code_ == errc::ok; }
  errc code() const { return code_; }
  const std::string& message() const { return message_; }

  // "conflict: stream 'scan-1' is at version 3, expected 2"
  std::string to_string() const;

 private:
  errc code_ = errc::ok;
  std::string message_;
};

template <class T>
class result {
 public:
  result(T value) : value_(std::move(value)) {}  // NOLINT: implicit by design
  result(status error) : error_(std::move(error)) {  // NOLINT
    assert(!error_.is_ok() && "a result built from a status must carry an error");
  }

  bool is_ok() const { return value_.has_value(); }
  explicit operator bool() const { return is_ok(); }

  T& value() & { assert(is_ok()); return *value_; }
  const T& value() const& { assert(is_ok()); return *value_; }
  T&& value() && { assert(is_ok()); return std::move(*value_); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  const status& error() const { return error_; }

 private:
  std::optional<T> value_;
  status error_;
};

}  // namespace heimdall
