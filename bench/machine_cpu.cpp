#include "bench/machine_cpu.h"

#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <string>

namespace heimdall::bench {

cpu_sample sample_cpu() {
  cpu_sample s;
  std::ifstream stat("/proc/stat");
  std::string cpu;
  double user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0;
  if (stat >> cpu >> user >> nice >> system >> idle >> iowait >> irq >> softirq) {
    s.machine_ticks = user + nice + system + irq + softirq;  // busy; idle, iowait and steal excluded
  }
  std::ifstream self("/proc/self/stat");
  std::string line;
  std::getline(self, line);
  // Fields after the parenthesised command: state is field 3, utime 14, stime 15.
  auto close = line.rfind(')');
  if (close != std::string::npos) {
    std::istringstream rest(line.substr(close + 2));
    std::string field;
    double utime = 0, stime = 0;
    for (int i = 3; i <= 15 && rest >> field; ++i) {
      if (i == 14) utime = std::stod(field);
      if (i == 15) stime = std::stod(field);
    }
    s.own_ticks = utime + stime;
  }
  return s;
}

double others_cores(const cpu_sample& a, const cpu_sample& b, double excluded_seconds) {
  double secs = std::chrono::duration<double>(b.at - a.at).count();
  if (secs <= 0) return 0;
  double tick = static_cast<double>(sysconf(_SC_CLK_TCK));
  double others = ((b.machine_ticks - a.machine_ticks) - (b.own_ticks - a.own_ticks)) / tick - excluded_seconds;
  return std::max(0.0, others / secs);
}

}  // namespace heimdall::bench
