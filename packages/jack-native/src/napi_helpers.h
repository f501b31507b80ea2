// N-API helpers shared by the native classes: the coded errors the TS layer
// maps to JackError subclasses (lib/library.ts), argument checks, and the one
// way to require libjack itself or one of its optional functions.
#pragma once

#include <napi.h>

#include <string>

#include "convert.h"
#include "weak_jack.h"

namespace jackbay {

// An Error whose `code` is a machine-readable reason for the TS layer.
inline Napi::Error codedError(Napi::Env env, const char* code, const std::string& message) {
  Napi::Error error = Napi::Error::New(env, message);
  error.Set("code", Napi::String::New(env, code));
  return error;
}

// libjack's function table; throws 'ERR_JACK_LIBRARY' when libjack could not be loaded.
inline const JackApi& requireLibrary(Napi::Env env) {
  const JackLibrary& lib = jackLibrary();
  if (!lib.loaded) throw codedError(env, "ERR_JACK_LIBRARY", lib.loadError);
  return lib.api;
}

// An optional libjack function; throws 'ERR_UNSUPPORTED' naming it when this
// libjack lacks it (older JACK1, some PipeWire versions).
template <typename Fn>
Fn requireSymbol(Napi::Env env, Fn fn, const char* name) {
  if (!fn) throw codedError(env, "ERR_UNSUPPORTED", name);
  return fn;
}

// A metadata subject: a UUID as a decimal string; throws 'ERR_BAD_UUID'.
inline jack_uuid_t subjectArg(const Napi::Value& value) {
  jack_uuid_t uuid = 0;
  if (!parseUuid(toString(value), &uuid)) throw codedError(value.Env(), "ERR_BAD_UUID", "invalid UUID");
  return uuid;
}

}  // namespace jackbay
