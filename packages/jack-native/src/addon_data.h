// Per-instance state of the addon (one per Node environment: the main thread
// and each worker get their own), so nothing here is a mutable static.
#pragma once

#include <napi.h>

#include <set>

namespace jackbay {

class NativeClient;

struct AddonData {
  // Open clients, closed by the environment cleanup hook at exit so libjack
  // never calls into a torn-down environment.
  std::set<NativeClient*> openClients;
};

}  // namespace jackbay
