// Every memory or array layout that C++ and TypeScript both read, described
// once. lib/layouts.ts holds the same values for the TS side; the addon's
// layouts() function reports these, and test/layouts.test.ts keeps the two equal.
#pragma once

#include <cstdint>

namespace jackbay {

// ---- Notifications: NativeClient.drainEvents returns kEventSlots values per
// ---- event, [kind, a, b, d, h1, h2, s1, s2, s3, s4] (see Event in
// ---- event_queue.h); lib/notifications.ts decodes them.

enum class EventKind : int32_t {
  Shutdown = 0,
  Freewheel = 1,
  Blocksize = 2,
  Samplerate = 3,
  ClientRegistration = 4,
  PortRegistration = 5,
  PortConnect = 6,
  PortRename = 7,
  GraphOrder = 8,
  Xrun = 9,
  PropertyChange = 10,
};
constexpr uint32_t kEventSlots = 10;

// ---- The shared ring (src/shared_ring.h ↔ lib/ringbuffer.ts): the write and
// ---- read indices (int32) on separate cache lines, then the data.

constexpr uint32_t kRingWriteIndexOffset = 0;
constexpr uint32_t kRingReadIndexOffset = 64;
constexpr uint32_t kRingDataOffset = 128;

// ---- Engine read-outs (lib/engine.ts): a MIDI monitor's ring holds records
// ---- of [time u32][size u32][bytes]; readMeters gives [peak, rms, clips] per meter.

constexpr uint32_t kMonitorRecordHeaderBytes = 8;
// ---- A MIDI send node's ring (JS writes, the realtime thread reads) holds
// ---- records of [size u32][bytes], each played at frame 0 of the next cycle.
constexpr uint32_t kMidiSendRecordHeaderBytes = 4;
constexpr uint32_t kMeterValues = 3;

// An analyser's read() (src/analyser.cpp ↔ lib/analyser.ts): per channel
// [peak, rms, kRms, truePeak, clips], then [momentary, shortTerm, integrated, range].
constexpr uint32_t kAnalyserChannelValues = 5;
constexpr uint32_t kAnalyserLoudnessValues = 4;

// ---- The JS process bridge (src/engine_rt.cpp ↔ lib/process.ts):
// ----   kBridgeGlobalBytes, then per slot a header of kBridgeSlotHeaderBytes:
// ----     state i32, cycle u32, frames u32, lastFrameTime u32 (u32 indices below)
// ----   then per slot: audio in (maxFrames f32 per port), audio out, MIDI in areas, MIDI out areas.
// ----   A MIDI area: count u32, used u32, lost u32, reserved u32, then records
// ----   of [time u32][size u32][bytes, padded to 4].

enum SlotState : int32_t { kSlotFree = 0, kSlotReady = 1, kSlotProcessing = 2, kSlotDone = 3 };
constexpr uint32_t kBridgeGlobalBytes = 64;
constexpr uint32_t kBridgeSlotHeaderBytes = 32;
constexpr uint32_t kBridgeMaxSlots = 64;
constexpr uint32_t kSlotHeaderState = 0;
constexpr uint32_t kSlotHeaderCycle = 1;
constexpr uint32_t kSlotHeaderFrames = 2;
constexpr uint32_t kSlotHeaderLastFrameTime = 3;
constexpr uint32_t kMidiAreaHeaderBytes = 16;
constexpr uint32_t kMidiAreaCount = 0;  // byte offsets in a MIDI area
constexpr uint32_t kMidiAreaUsed = 4;
constexpr uint32_t kMidiAreaLost = 8;
constexpr uint32_t kMidiRecordHeaderBytes = 8;

}  // namespace jackbay
