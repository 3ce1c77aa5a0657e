// log_storage: the RocksDB database behind an event_log and its column
// families. Internal to store/: event_log.cpp owns it; the operator code in
// log_inspect.cpp reads through it. Column families and key layouts are in
// keys.h and docs/EVENT_LOG.md.
#pragma once

#include <rocksdb/db.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"

namespace heimdall {

// Names of the column families every log has, besides RocksDB's "default"
// (which holds the format marker and the projections' checkpoints).
inline constexpr const char* kLogCf = "log";
inline constexpr const char* kStreamsCf = "streams";
inline constexpr std::string_view kProjectionCfPrefix = "proj.";

// Meta keys in the default column family.
inline constexpr const char* kFormatKey = "format";
inline constexpr const char* kFormatValue = "heimdall-event-log 1";
std::string checkpoint_key(std::string_view projection);  // -> BE64(last applied seq)
std::string rebuilding_key(std::string_view projection);  // present while a rebuild runs

struct log_storage {
  std::unique_ptr<rocksdb::DB> db;
  rocksdb::ColumnFamilyHandle* meta = nullptr;  // the default CF; owned by db
  rocksdb::ColumnFamilyHandle* log = nullptr;
  rocksdb::ColumnFamilyHandle* streams = nullptr;
  // Parallel to all_projections().
  std::vector<rocksdb::ColumnFamilyHandle*> projections;

  rocksdb::ColumnFamilyHandle* projection_cf(std::string_view name) const;
  // Maps a RocksDB status to ours, naming `what` (a path or key).
  static status from_rocksdb(const rocksdb::Status& s, const std::string& what);
};

}  // namespace heimdall
