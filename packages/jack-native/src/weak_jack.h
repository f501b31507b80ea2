// Run-time binding to libjack (Ardour's weak_libjack pattern): the addon never
// links against libjack, so `require` works on machines without JACK and the
// same binary runs against JACK1, JACK2 or PipeWire's libjack.
#pragma once

#include <jack/jack.h>
#include <jack/metadata.h>
#include <jack/midiport.h>
#include <jack/ringbuffer.h>
#include <jack/session.h>
#include <jack/statistics.h>
#include <jack/transport.h>
#include <jack/uuid.h>

#include <string>
#include <vector>

namespace jackbay {

struct JackApi {
#define JACK_REQUIRED(name) decltype(&::name) name = nullptr;
#define JACK_OPTIONAL(name) decltype(&::name) name = nullptr;
#include "jack_symbols.def"
#undef JACK_REQUIRED
#undef JACK_OPTIONAL
};

struct JackLibrary {
  bool loaded = false;          // every required symbol was found
  std::string path;             // the file dlopen resolved, e.g. /usr/lib/.../libjack.so.0
  std::string loadError;        // why loading failed, for the error message
  std::vector<std::string> missingOptional;
  JackApi api;
};

// Loads libjack once per process (dlopen handles are process-wide anyway).
// JACKBAY_LIBJACK overrides the file name, which tests use to simulate a
// machine without JACK.
const JackLibrary& jackLibrary();

// Shorthand for the function table; only valid when jackLibrary().loaded.
inline const JackApi& jack() { return jackLibrary().api; }

}  // namespace jackbay
