// libjack's error and info hooks, per environment.
//
// libjack keeps one process-wide C function pointer for each kind of message,
// while every Node environment (the main thread, each worker) may set its own
// JS function. Each environment's functions live in its AddonData; one
// process-wide list per kind remembers which environments have one, and the
// last to set it hears libjack. When that environment removes its function
// or is torn down, the one before it hears libjack again.
#pragma once

#include <napi.h>

#include <string>

namespace jackbay {

enum class MessageKind { Error = 0, Info = 1 };

void deliverMessage(Napi::Env env, Napi::Function callback, void* context, std::string* message);
using MessageFn = Napi::TypedThreadSafeFunction<void, std::string, deliverMessage>;

// One environment's JS function for one kind. Only touched under the
// process-wide lock in message_hooks.cpp.
struct MessageHook {
  MessageFn tsfn;
  bool set = false;
};

struct MessageHooks {
  MessageHook error;
  MessageHook info;
};

// Sets (a function) or removes (anything else) this environment's function for `kind`.
void setMessageHook(Napi::Env env, MessageHooks& hooks, MessageKind kind, Napi::Value callback);

// From the environment's cleanup hook, before its AddonData is freed:
// libjack stops reaching this environment, then its functions are released.
void removeMessageHooks(MessageHooks& hooks);

}  // namespace jackbay
