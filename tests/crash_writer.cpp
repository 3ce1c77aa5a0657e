// crash_writer DIR: the victim of crash_test. Appends events to the log in
// DIR from several threads, forever, and reports each acknowledged append
// on stdout as one line:
//   <first_seq> <last_seq> <stream> <last_version> <id>[,<id>...]
// A line is written only after the append is acknowledged, so every line
// the parent reads names events the log promised to keep.
#include <unistd.h>

#include <cstdio>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "store/event_log.h"

using namespace heimdall;

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: crash_writer DIR\n");
    return 2;
  }
  auto opened = event_log::open(argv[1]);
  if (!opened) {
    std::fprintf(stderr, "crash_writer: %s\n", opened.error().to_string().c_str());
    return 2;
  }
  auto& log = *opened.value();
  std::mutex out_mu;
  std::vector<std::thread> threads;
  for (int t = 0; t < 6; ++t) {
    threads.emplace_back([&, t] {
      std::mt19937 rng(static_cast<unsigned>(getpid() * 31 + t));
      std::string stream;
      std::uint64_t version = 0;
      for (int i = 0;; ++i) {
        if (i % 25 == 0) {  // a new scan every 25 appends
          stream = "scan-" + uuid::v7().to_string();
          version = 0;
        }
        std::vector<new_event> events;
        int n = 1 + static_cast<int>(rng() % 3);
        for (int k = 0; k < n; ++k) {
          new_event e;
          e.id = uuid::v7();
          if (version == 0 && k == 0) {
            e.type = "scan.queued";
            e.schema = 2;
            e.data = R"({"repo_id":"01936d2f-8c4e-7890-b123-456789abcdef","scan_type":"full",)"
                     R"("triggered_by":"01936d2e-1234-5678-9abc-def012345678","commit_sha":null,)"
                     R"("base_commit_sha":null,"parent_scan_id":null})";
          } else {
            e.type = "scan.finding_added";
            e.data = R"({"finding_id":")" + uuid::v7().to_string() + R"(","title":"t","severity":")" +
                     (rng() % 2 ? "high" : "low") + "\"}";
          }
          events.push_back(std::move(e));
        }
        std::string ids;
        for (const auto& e : events) ids += (ids.empty() ? "" : ",") + e.id.to_string();
        auto r = log.append(stream, expected_version::exact(version), std::move(events));
        if (!r) {
          std::fprintf(stderr, "crash_writer: %s\n", r.error().to_string().c_str());
          std::_Exit(3);
        }
        version = r->stream_version;
        std::string line = std::to_string(r->first_seq) + " " + std::to_string(r->last_seq) + " " + stream + " " +
                           std::to_string(version) + " " + ids + "\n";
        std::lock_guard<std::mutex> lock(out_mu);
        if (write(1, line.data(), line.size()) != static_cast<ssize_t>(line.size())) std::_Exit(4);
      }
    });
  }
  for (auto& th : threads) th.join();
}
