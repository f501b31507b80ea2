// Run-time binding to libebur128 (EBU R128 loudness, true peak), loaded with
// dlopen like libjack (weak_jack.h): the addon loads where the library is
// missing, and only loudness reports that it is unavailable.
#pragma once

#include <ebur128.h>

#include <string>

namespace jackbay {

struct Ebur128Api {
#define EBUR128_SYMBOL(name) decltype(&::name) name = nullptr;
#include "ebur128_symbols.def"
#undef EBUR128_SYMBOL
};

struct Ebur128Library {
  bool loaded = false;    // every symbol was found
  std::string loadError;  // why not, for the error message
  Ebur128Api api;
};

// Loads libebur128.so.1 once per process. JACKBAY_LIBEBUR128 overrides the
// file name, which tests use to simulate a machine without it.
const Ebur128Library& ebur128Library();

}  // namespace jackbay
