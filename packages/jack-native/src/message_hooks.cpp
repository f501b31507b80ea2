#include "message_hooks.h"

#include <algorithm>
#include <atomic>
#include <mutex>
#include <vector>

#include "uncancellable.h"
#include "weak_jack.h"

namespace jackbay {

namespace {

// Process-wide, like libjack's hooks themselves. Allocated once and never
// freed: libjack's threads may log during process exit, after static
// destructors would have run.
struct Channel {
  // The environments' hooks in the order they were set; the last one hears libjack.
  std::vector<MessageHook*> owners;
  // owners.back(), readable without the lock so an unset channel costs nothing.
  std::atomic<MessageHook*> current{nullptr};
};

struct Registry {
  std::mutex mutex;  // held while a message is handed over, so an owner cannot go away meanwhile
  Channel channels[2];
};

Registry& registry() {
  static Registry* instance = new Registry();
  return *instance;
}

void forward(MessageKind kind, const char* text) {
  Registry& r = registry();
  Channel& channel = r.channels[static_cast<int>(kind)];
  if (!channel.current.load(std::memory_order_acquire)) return;
  std::lock_guard<std::mutex> lock(r.mutex);
  MessageHook* hook = channel.current.load(std::memory_order_relaxed);
  if (!hook) return;
  auto* message = new std::string(text ? text : "");
  if (hook->tsfn.NonBlockingCall(message) != napi_ok) delete message;
}

void onJackError(const char* text) { forward(MessageKind::Error, text); }
void onJackInfo(const char* text) { forward(MessageKind::Info, text); }

MessageHook& hookOf(MessageHooks& hooks, MessageKind kind) {
  return kind == MessageKind::Error ? hooks.error : hooks.info;
}

// With the lock held: points libjack at our C function while some
// environment has a function, else back at libjack's default printer.
void publish(MessageKind kind) {
  Channel& channel = registry().channels[static_cast<int>(kind)];
  MessageHook* owner = channel.owners.empty() ? nullptr : channel.owners.back();
  channel.current.store(owner, std::memory_order_release);
  const JackLibrary& lib = jackLibrary();
  if (!lib.loaded) return;
  auto setter = kind == MessageKind::Error ? lib.api.jack_set_error_function : lib.api.jack_set_info_function;
  // libjack calls these on its own threads too (notification and realtime):
  // held off cancellation, as every other callback (uncancellable.h).
  setter(owner ? (kind == MessageKind::Error ? Uncancellable<&onJackError>::call
                                             : Uncancellable<&onJackInfo>::call)
               : nullptr);
}

// With the lock held: takes `hook` out of its channel and releases its function once.
void removeHook(MessageKind kind, MessageHook& hook) {
  if (!hook.set) return;
  auto& owners = registry().channels[static_cast<int>(kind)].owners;
  owners.erase(std::remove(owners.begin(), owners.end(), &hook), owners.end());
  publish(kind);
  hook.tsfn.Release();
  hook.set = false;
}

}  // namespace

// In raw N-API on purpose, as EventQueue's wake-up call: during environment
// teardown a failed call must not become a C++ exception.
void deliverMessage(Napi::Env env, Napi::Function callback, void*, std::string* message) {
  if (env != nullptr && !callback.IsEmpty()) {
    napi_value undefined = nullptr;
    napi_value text = nullptr;
    napi_value result = nullptr;
    if (napi_get_undefined(env, &undefined) == napi_ok &&
        napi_create_string_utf8(env, message->data(), message->size(), &text) == napi_ok)
      napi_call_function(env, undefined, callback, 1, &text, &result);
  }
  delete message;
}

void setMessageHook(Napi::Env env, MessageHooks& hooks, MessageKind kind, Napi::Value callback) {
  std::lock_guard<std::mutex> lock(registry().mutex);
  MessageHook& hook = hookOf(hooks, kind);
  removeHook(kind, hook);
  if (!callback.IsFunction()) return;
  hook.tsfn = MessageFn::New(env, callback.As<Napi::Function>(), "jackbay-messages", 0, 1);
  hook.tsfn.Unref(env);
  hook.set = true;
  registry().channels[static_cast<int>(kind)].owners.push_back(&hook);
  publish(kind);
}

void removeMessageHooks(MessageHooks& hooks) {
  std::lock_guard<std::mutex> lock(registry().mutex);
  removeHook(MessageKind::Error, hooks.error);
  removeHook(MessageKind::Info, hooks.info);
}

}  // namespace jackbay
