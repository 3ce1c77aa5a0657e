// machine_cpu: how much of the machine other processes took while a
// benchmark ran. These machines are shared: a latency measured while the
// neighbours used the cores says little about the code, and the benchmarks
// print this beside it so a reader can tell.
#pragma once

#include <chrono>

namespace heimdall::bench {

// CPU used by everything on the machine and by this process (all its
// threads), in clock ticks. Zeros when /proc is missing.
struct cpu_sample {
  double machine_ticks = 0, own_ticks = 0;
  std::chrono::steady_clock::time_point at = std::chrono::steady_clock::now();
};

cpu_sample sample_cpu();

// Cores' worth of CPU that processes other than this one used between two
// samples, less `excluded_seconds` of CPU spent by processes of the
// benchmark itself (a client it forked, say).
double others_cores(const cpu_sample& a, const cpu_sample& b, double excluded_seconds = 0);

}  // namespace heimdall::bench
