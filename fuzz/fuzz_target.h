// fuzz_target: what every harness in fuzz/ defines — libFuzzer's entry
// point, which must accept any bytes and return 0. Under -DHEIMDALL_FUZZ=ON
// (clang) libFuzzer drives it; otherwise replay_main.cpp feeds it the
// inputs kept under fuzz/regressions/ (see fuzz/README.md).
#pragma once

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);
