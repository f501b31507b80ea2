// Per-instance state of the addon (one per Node environment: the main thread
// and each worker get their own), so nothing here is a mutable static.
#pragma once

#include <napi.h>

#include <set>

#include "message_hooks.h"

namespace jackbay {

class NativeClient;

struct AddonData {
  // Open clients, closed by the environment cleanup hook at exit so libjack
  // never calls into a torn-down environment.
  std::set<NativeClient*> openClients;
  // This environment's functions for libjack's error and info messages,
  // removed by the cleanup hook before this struct is freed.
  MessageHooks messageHooks;
};

}  // namespace jackbay
