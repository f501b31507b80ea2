// Functions of the module that need no client: library status, versions,
// size limits, libjack's message hooks, metadata reads and the per-port
// queries that take a port handle, and the layouts of layouts.h.
#pragma once

#include <napi.h>

namespace jackbay {

void InitModuleFunctions(Napi::Env env, Napi::Object exports);

}  // namespace jackbay
