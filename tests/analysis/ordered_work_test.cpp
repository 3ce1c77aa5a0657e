// ordered_work (analysis/ordered_work.h): results handed back in index
// order on the calling thread whatever the number of threads, the window
// bound, cancellation, exceptions; and the three stages that use it give
// the same output on one thread and on several.
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "analysis/ordered_work.h"
#include "analysis/static_analysis.h"
#include "analysis/taint.h"
#include "analysis/threat_model.h"
#include "tests/analysis/scratch_tree.h"
#include "tests/analysis/shipped.h"

using namespace heimdall;
using namespace heimdall::analysis;
using heimdall::analysis::test::scratch_tree;

TEST_CASE("run_in_order hands results back in order on the calling thread", "[ordered_work]") {
  for (unsigned threads : {1u, 2u, 3u, 8u}) {
    const std::size_t n = 500;
    std::vector<std::size_t> slots(n);
    std::vector<std::size_t> order;
    std::atomic<std::size_t> started{0};
    std::atomic<std::size_t> max_ahead{0};
    std::atomic<std::size_t> consumed{0};
    const auto caller = std::this_thread::get_id();
    bool all_on_caller = true;
    auto work = [&](std::size_t i, unsigned) {
      started++;
      std::size_t ahead = i - consumed.load();
      std::size_t seen = max_ahead.load();
      while (ahead > seen && !max_ahead.compare_exchange_weak(seen, ahead)) {
      }
      if (i % 37 == 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));  // a slow file
      slots[i] = i * i;
    };
    auto done = [&](std::size_t i) {
      all_on_caller = all_on_caller && std::this_thread::get_id() == caller;
      CHECK(slots[i] == i * i);
      order.push_back(i);
      consumed = i + 1;
    };
    REQUIRE(run_in_order(n, threads, work, done, {}));
    CHECK(started == n);
    CHECK(all_on_caller);
    REQUIRE(order.size() == n);
    for (std::size_t i = 0; i < n; ++i) CHECK(order[i] == i);
    CHECK(max_ahead <= kWindowPerThread * threads);
  }
}

TEST_CASE("run_in_order stops handing results on once cancelled", "[ordered_work]") {
  for (unsigned threads : {1u, 2u, 4u}) {
    int checks = 0;
    std::vector<std::size_t> order;
    bool complete = run_in_order(
        100, threads, [](std::size_t, unsigned) {}, [&](std::size_t i) { order.push_back(i); },
        [&] { return ++checks > 3; });
    CHECK_FALSE(complete);
    CHECK(order.size() <= 3);
    for (std::size_t i = 0; i < order.size(); ++i) CHECK(order[i] == i);
  }
}

TEST_CASE("run_in_order rethrows an exception from work on the calling thread", "[ordered_work]") {
  for (unsigned threads : {1u, 2u, 4u}) {
    std::vector<std::size_t> order;
    auto work = [](std::size_t i, unsigned) {
      if (i == 20) throw std::runtime_error("bad file");
    };
    CHECK_THROWS_WITH(run_in_order(50, threads, work, [&](std::size_t i) { order.push_back(i); }, {}), "bad file");
    CHECK(order.size() <= 20);
  }
}

TEST_CASE("the stages give the same output on one thread and on several", "[ordered_work]") {
  scratch_tree t;
  for (int i = 0; i < 40; ++i) {
    std::string n = std::to_string(i);
    t.write("app" + n + ".py",
            "from flask import Flask, request\nimport os\napp = Flask(__name__)\n\n@app.route('/r" + n +
                "', methods=['POST'])\ndef handler" + n + "():\n    os.system('ls ' + request.args.get('d'))\n"
                "    password = request.form['password']\n    print(password)\n");
    t.write("web" + n + ".js",
            "const { exec } = require('child_process');\napp.get('/x" + n +
                "', (req, res) => exec('ls ' + req.query.dir));\nconst key = 'AKIAIOSFODNN7EXAMPLE';\n");
    t.write("lib" + n + ".c", "#include <string.h>\nvoid copy(char *d, const char *s) { strcpy(d, s); }\n");
  }
  auto inv = take_inventory(t.root(), inventory_limits{});
  REQUIRE(inv);
  // "rule file:line" of each finding a stage reports through `run(on_finding)`.
  auto ids = [](auto run) {
    std::vector<std::string> out;
    auto summary = run([&](finding f) {
      out.push_back(f.rule_id + " " + f.file_path + ":" + std::to_string(f.line_start));
    });
    REQUIRE(summary);
    return out;
  };

  auto model = [&](unsigned threads) {
    auto m = build_threat_model(t.root(), *inv, {}, threads);
    REQUIRE(m);
    return to_json(*m);
  };
  std::string one = model(1);
  CHECK(one.find("handler7") != std::string::npos);
  CHECK(model(3) == one);

  auto statics = [&](unsigned threads) {
    return ids([&](auto on_finding) {
      return run_static_analysis(t.root(), *inv, test::shipped_rule_pack(), test::shipped_secret_detectors(),
                                 on_finding, {}, nullptr, threads);
    });
  };
  auto static_one = statics(1);
  CHECK(static_one.size() >= 80);
  CHECK(statics(3) == static_one);

  auto m = build_threat_model(t.root(), *inv);
  REQUIRE(m);
  auto taints = [&](unsigned threads) {
    return ids([&](auto on_finding) {
      return run_taint_analysis(t.root(), *inv, test::shipped_taint_spec(), *m, on_finding, {}, threads);
    });
  };
  auto taint_one = taints(1);
  CHECK(taint_one.size() >= 80);
  CHECK(taints(3) == taint_one);
}
