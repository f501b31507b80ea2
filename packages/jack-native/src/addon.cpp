// Module entry: per-environment state, the classes and the module functions.
#include <napi.h>

#include "addon_data.h"
#include "analyser.h"
#include "client.h"
#include "module_functions.h"

namespace jackbay {

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  auto* data = new AddonData();
  env.SetInstanceData(data);
  env.AddCleanupHook([data] {
    // Process exit or worker teardown with clients still open: close them
    // while the environment can still release their thread-safe functions.
    while (!data->openClients.empty()) (*data->openClients.begin())->Close();
    // libjack's hooks are process-wide: it must stop calling into this
    // environment before its functions and this AddonData go away.
    removeMessageHooks(data->messageHooks);
  });

  Napi::Function client = NativeClient::Init(env);
  exports.Set("NativeClient", client);
  exports.Set("NativeAnalyser", NativeAnalyser::Init(env));
  InitModuleFunctions(env, exports);
  return exports;
}

}  // namespace jackbay

static Napi::Object InitAddon(Napi::Env env, Napi::Object exports) { return jackbay::Init(env, exports); }

NODE_API_MODULE(jackbay, InitAddon)
