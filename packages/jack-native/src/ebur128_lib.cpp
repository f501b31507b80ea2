#include "ebur128_lib.h"

#include <dlfcn.h>

#include <cstdlib>
#include <mutex>

namespace jackbay {

namespace {

Ebur128Library load() {
  Ebur128Library lib;
  const char* override = std::getenv("JACKBAY_LIBEBUR128");
  const char* file = (override && *override) ? override : "libebur128.so.1";
  void* handle = dlopen(file, RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    const char* why = dlerror();
    lib.loadError = std::string("libebur128 not found (") + file + ": " + (why ? why : "unknown error") + ")";
    return lib;
  }
  std::string missing;
#define EBUR128_SYMBOL(name)                                                     \
  lib.api.name = reinterpret_cast<decltype(lib.api.name)>(dlsym(handle, #name)); \
  if (!lib.api.name) missing += (missing.empty() ? "" : ", ") + std::string(#name);
#include "ebur128_symbols.def"
#undef EBUR128_SYMBOL
  if (!missing.empty()) {
    lib.loadError = std::string("libebur128 lacks ") + missing;
    return lib;
  }
  lib.loaded = true;
  return lib;
}

}  // namespace

const Ebur128Library& ebur128Library() {
  static std::once_flag once;
  static Ebur128Library* lib = nullptr;
  std::call_once(once, [] { lib = new Ebur128Library(load()); });
  return *lib;
}

}  // namespace jackbay
