#pragma once

#include <cstdio>
#include <cstdlib>

// A broken invariant stops the fuzzer like a crash does, so that libFuzzer
// saves the input; the message says which one, since the stack alone may not.
#define FUZZ_CHECK(condition)                                                                \
  do {                                                                                       \
    if (!(condition)) {                                                                      \
      std::fprintf(stderr, "%s:%d: invariant broken: %s\n", __FILE__, __LINE__, #condition); \
      std::abort();                                                                          \
    }                                                                                        \
  } while (false)
