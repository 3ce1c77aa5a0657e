#include "store/log_inspect.h"

#include <filesystem>
#include <memory>
#include <unordered_map>
#include <unordered_set>

#include "store/event_codec.h"
#include "store/event_types.h"
#include "store/keys.h"
#include "store/log_storage.h"
#include "store/projection.h"

namespace heimdall {
namespace {

constexpr std::size_t kMaxListedProblems = 50;

void add_problem(verify_report& report, std::string problem) {
  if (report.problems.size() < kMaxListedProblems) report.problems.push_back(std::move(problem));
  ++report.problem_count;
}

std::unique_ptr<rocksdb::Iterator> iterate(const log_storage& st, rocksdb::ColumnFamilyHandle* cf) {
  rocksdb::ReadOptions ro;
  ro.readahead_size = 4 << 20;
  return std::unique_ptr<rocksdb::Iterator>(st.db->NewIterator(ro, cf));
}

std::string printable(std::string_view bytes) {
  std::string out;
  for (unsigned char c : bytes) {
    if (c >= 0x20 && c < 0x7f) {
      out.push_back(static_cast<char>(c));
    } else {
      char buf[5];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    }
  }
  return out;
}

}  // namespace

result<std::vector<stream_info>> list_streams(const event_log& log, const std::string& prefix) {
  const auto& st = log.storage();
  std::vector<stream_info> out;
  auto it = iterate(st, st.streams);
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix);) {
    auto first = keys::parse_stream_key(it->key().ToStringView());
    if (!first) return status(errc::corruption, "malformed stream index key '" + printable(it->key().ToStringView()) + "'");
    std::string stream(first->stream);
    // The stream's keys are contiguous; step past its last one.
    std::string end = keys::stream_key(stream, UINT64_MAX);
    it->Seek(end);
    if (it->Valid()) {
      it->Prev();
    } else {
      it->SeekToLast();
    }
    auto last = keys::parse_stream_key(it->key().ToStringView());
    auto entry = keys::parse_index_value(it->value().ToStringView());
    stream_info info{stream, last ? last->version : 0, entry ? entry->seq : 0, ""};
    std::string envelope;
    if (st.db->Get(rocksdb::ReadOptions(), st.log, keys::seq_key(info.last_seq), &envelope).ok()) {
      if (auto e = decode_envelope(envelope)) info.last_time = e->time;
    }
    out.push_back(std::move(info));
    it->Next();
  }
  if (!it->status().ok()) return log_storage::from_rocksdb(it->status(), "listing streams");
  return out;
}

result<log_stats> compute_stats(const event_log& log) {
  const auto& st = log.storage();
  log_stats stats;
  auto it = iterate(st, st.log);
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    auto e = decode_envelope(it->value().ToStringView());
    if (!e) return e.error();
    if (stats.events == 0) stats.first_seq = e->seq;
    stats.last_seq = e->seq;
    ++stats.events;
    stats.envelope_bytes += it->value().size();
    ++stats.events_by_type[e->type];
  }
  if (!it->status().ok()) return log_storage::from_rocksdb(it->status(), "reading the log");
  auto streams = list_streams(log);
  if (!streams) return streams.error();
  stats.streams = streams->size();
  std::error_code ec;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(log.dir(), ec)) {
    if (entry.is_regular_file(ec)) stats.disk_bytes += entry.file_size(ec);
  }
  return stats;
}

result<verify_report> verify_log(const event_log& log) {
  const auto& st = log.storage();
  verify_report report;

  auto checksums = st.db->VerifyChecksum();
  if (!checksums.ok()) add_problem(report, "checksum verification failed: " + checksums.ToString());

  // Pass 1: the log itself, and each event's index entries; replay into
  // fresh projection state as we go.
  const auto& projections = all_projections();
  std::vector<std::unique_ptr<projection_batch>> replay;
  for (const auto* p : projections) {
    replay.push_back(p->begin([](std::string_view) { return std::optional<std::string>(); }));
  }
  std::unordered_map<std::string, std::uint64_t> stream_versions;
  std::unordered_map<std::string, std::unordered_set<uuid, uuid_hash>> stream_ids;
  std::uint64_t expected_seq = 1;
  auto it = iterate(st, st.log);
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    auto key_seq = keys::parse_seq_key(it->key().ToStringView());
    if (!key_seq) {
      add_problem(report, "malformed log key '" + printable(it->key().ToStringView()) + "'");
      continue;
    }
    if (*key_seq != expected_seq) {
      add_problem(report, "seq gap: expected seq " + std::to_string(expected_seq) + ", found " + std::to_string(*key_seq));
    }
    expected_seq = *key_seq + 1;
    ++report.events;
    auto decoded = decode_envelope(it->value().ToStringView());
    if (!decoded) {
      add_problem(report, "seq " + std::to_string(*key_seq) + ": " + decoded.error().message());
      continue;
    }
    event& e = decoded.value();
    std::string where = "seq " + std::to_string(e.seq) + " (" + e.stream + " v" + std::to_string(e.version) + ")";
    if (e.seq != *key_seq) add_problem(report, "log key seq " + std::to_string(*key_seq) + " holds envelope " + where);
    if (status s = validate_stream_name(e.stream); !s.is_ok()) add_problem(report, where + ": " + s.message());
    std::uint64_t& version = stream_versions[e.stream];
    if (e.version != version + 1) {
      add_problem(report, where + ": stream version should be " + std::to_string(version + 1));
    }
    version = e.version;
    std::string value;
    auto s = st.db->Get(rocksdb::ReadOptions(), st.streams, keys::stream_key(e.stream, e.version), &value);
    auto entry = keys::parse_index_value(value);
    if (!s.ok() || !entry) {
      add_problem(report, where + ": stream index entry is " + (s.ok() ? "malformed" : "missing"));
    } else if (entry->seq != e.seq || entry->id != e.id) {
      add_problem(report, where + ": stream index entry points at seq " + std::to_string(entry->seq) + ", id " +
                              entry->id.to_string());
    }
    if (!stream_ids[e.stream].insert(e.id).second) {
      add_problem(report, where + ": event id " + e.id.to_string() + " appears twice in the stream");
    }
    if (status u = upcast(e); !u.is_ok()) {
      add_problem(report, where + ": " + u.message());
      continue;
    }
    for (auto& b : replay) b->apply(e);
  }
  if (!it->status().ok()) return log_storage::from_rocksdb(it->status(), "reading the log");
  report.streams = stream_versions.size();
  std::uint64_t last_seq = expected_seq - 1;

  // Pass 2: the index holds nothing beyond one entry per event. Pass 1
  // showed each event's entry exists, so an entry for a version past its
  // stream's last is the only kind of stray there can be.
  auto index = iterate(st, st.streams);
  for (index->SeekToFirst(); index->Valid(); index->Next()) {
    auto pos = keys::parse_stream_key(index->key().ToStringView());
    auto known = pos ? stream_versions.find(std::string(pos->stream)) : stream_versions.end();
    if (!pos || !keys::parse_index_value(index->value().ToStringView()) || known == stream_versions.end() ||
        pos->version > known->second) {
      add_problem(report, "stream index has a stray entry '" + printable(index->key().ToStringView()) + "'");
    }
  }
  if (!index->status().ok()) return log_storage::from_rocksdb(index->status(), "reading the stream index");

  // Pass 3: each projection equals the replay, byte for byte.
  for (std::size_t j = 0; j < projections.size(); ++j) {
    std::string name(projections[j]->name());
    std::map<std::string, std::string> expected;
    replay[j]->finish([&](const std::string& key, const std::optional<std::string>& value) {
      if (value) expected[key] = *value;
    });
    std::string value;
    auto s = st.db->Get(rocksdb::ReadOptions(), st.meta, rebuilding_key(name), &value);
    if (s.ok()) add_problem(report, "projection " + name + ": an interrupted rebuild has not finished (open the log for writing to finish it)");
    s = st.db->Get(rocksdb::ReadOptions(), st.meta, checkpoint_key(name), &value);
    std::uint64_t checkpoint = s.ok() && value.size() == 8 ? keys::get_be64(value) : 0;
    if (checkpoint != last_seq) {
      add_problem(report, "projection " + name + ": checkpoint is seq " + std::to_string(checkpoint) +
                              ", the log ends at seq " + std::to_string(last_seq));
    }
    if (st.projections[j] == nullptr) {
      if (!expected.empty()) add_problem(report, "projection " + name + ": column family is missing");
      continue;
    }
    auto stored = iterate(st, st.projections[j]);
    auto want = expected.begin();
    stored->SeekToFirst();
    while (stored->Valid() || want != expected.end()) {
      int order = !stored->Valid() ? 1 : want == expected.end() ? -1 : stored->key().compare(want->first);
      if (order < 0) {
        add_problem(report, "projection " + name + ": key '" + printable(stored->key().ToStringView()) +
                                "' is stored but the log does not produce it");
        stored->Next();
      } else if (order > 0) {
        add_problem(report, "projection " + name + ": key '" + printable(want->first) + "' is missing; replay gives " + want->second);
        ++want;
      } else {
        if (stored->value() != want->second) {
          add_problem(report, "projection " + name + ": key '" + printable(want->first) + "' is stored as " +
                                  stored->value().ToString() + " but replay gives " + want->second);
        }
        stored->Next();
        ++want;
      }
    }
    if (!stored->status().ok()) return log_storage::from_rocksdb(stored->status(), "reading projection " + name);
  }
  return report;
}

}  // namespace heimdall
