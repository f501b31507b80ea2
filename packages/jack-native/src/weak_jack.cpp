#include "weak_jack.h"

#include <dlfcn.h>
#include <link.h>

#include <cstdlib>
#include <mutex>

namespace jackbay {

namespace {

JackLibrary load() {
  JackLibrary lib;
  const char* override = std::getenv("JACKBAY_LIBJACK");
  const char* file = (override && *override) ? override : "libjack.so.0";
  void* handle = dlopen(file, RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    const char* why = dlerror();
    lib.loadError = std::string("cannot load ") + file + ": " + (why ? why : "unknown error");
    return lib;
  }
  struct link_map* map = nullptr;
  if (dlinfo(handle, RTLD_DI_LINKMAP, &map) == 0 && map && map->l_name) lib.path = map->l_name;
  if (lib.path.empty()) lib.path = file;

  std::string missingRequired;
#define JACK_REQUIRED(name)                                                   \
  lib.api.name = reinterpret_cast<decltype(lib.api.name)>(dlsym(handle, #name)); \
  if (!lib.api.name) missingRequired += (missingRequired.empty() ? "" : ", ") + std::string(#name);
#define JACK_OPTIONAL(name)                                                   \
  lib.api.name = reinterpret_cast<decltype(lib.api.name)>(dlsym(handle, #name)); \
  if (!lib.api.name) lib.missingOptional.emplace_back(#name);
#include "jack_symbols.def"
#undef JACK_REQUIRED
#undef JACK_OPTIONAL

  if (!missingRequired.empty()) {
    lib.loadError = lib.path + " lacks required functions: " + missingRequired;
    // The handle stays open: symbols may already be referenced, and a
    // process-lifetime dlopen costs nothing.
    return lib;
  }
  lib.loaded = true;
  return lib;
}

}  // namespace

const JackLibrary& jackLibrary() {
  static std::once_flag once;
  static JackLibrary* lib = nullptr;
  // Leaked on purpose: libjack may call back into us during process exit.
  std::call_once(once, [] { lib = new JackLibrary(load()); });
  return *lib;
}

}  // namespace jackbay
