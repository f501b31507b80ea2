// Small conversions shared by the native classes.
#pragma once

#include <napi.h>

#include <cstdint>
#include <string>

#include "weak_jack.h"

namespace jackbay {

// Every string JACK takes is a C string: one with a NUL byte would act on
// the name before the NUL ('system:playback_1\0junk' finds system:playback_1).
// Refused as Node refuses such paths: TypeError, code ERR_INVALID_ARG_VALUE.
inline std::string toString(const Napi::Value& value) {
  std::string text = value.As<Napi::String>().Utf8Value();
  if (text.find('\0') != std::string::npos) {
    Napi::TypeError error = Napi::TypeError::New(
        value.Env(), "a string passed to JACK must not contain a NUL byte (JACK's names are C strings)");
    error.Set("code", Napi::String::New(value.Env(), "ERR_INVALID_ARG_VALUE"));
    throw error;
  }
  return text;
}

// Ports cross into JS as the numeric value of jack_port_t*. User-space
// pointers fit in 48 bits, well inside a double's exact integer range.
inline Napi::Value portHandle(Napi::Env env, const jack_port_t* port) {
  return Napi::Number::New(env, static_cast<double>(reinterpret_cast<uintptr_t>(port)));
}

inline jack_port_t* toPort(const Napi::Value& value) {
  double handle = value.As<Napi::Number>().DoubleValue();
  if (!(handle > 0 && handle < 9007199254740992.0)) throw Napi::TypeError::New(value.Env(), "invalid port handle");
  return reinterpret_cast<jack_port_t*>(static_cast<uintptr_t>(handle));
}

// A NULL-terminated array of names from libjack, converted and freed.
inline Napi::Array takeNameList(Napi::Env env, const char** names) {
  Napi::Array array = Napi::Array::New(env);
  if (!names) return array;
  uint32_t i = 0;
  for (; names[i]; ++i) array.Set(i, Napi::String::New(env, names[i]));
  jack().jack_free(static_cast<void*>(names));
  return array;
}

// A string allocated by libjack, converted and freed; null stays null.
inline Napi::Value takeString(Napi::Env env, char* text) {
  if (!text) return env.Null();
  Napi::String result = Napi::String::New(env, text);
  jack().jack_free(text);
  return result;
}

inline Napi::Value uuidToJs(Napi::Env env, jack_uuid_t uuid) {
  return Napi::String::New(env, std::to_string(static_cast<unsigned long long>(uuid)));
}

// UUIDs travel as decimal strings (they are 64-bit, beyond a JS number).
inline bool parseUuid(const std::string& text, jack_uuid_t* out) {
  if (text.empty() || text.size() > 20) return false;
  unsigned long long value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    unsigned long long next = value * 10 + static_cast<unsigned>(c - '0');
    if (next / 10 != value) return false;  // overflow
    value = next;
  }
  *out = value;
  return true;
}

}  // namespace jackbay
