// The realtime engine: DSP nodes that run inside JACK's process callback,
// configured from JavaScript at any time.
//
// Configuration reaches the realtime thread as an immutable Plan published
// through an atomic pointer and picked up at the top of a cycle. The realtime
// thread hands the previous plan back through a lock-free queue; the JS thread
// frees it. Node state that must survive a new plan (meter sums, sine phase)
// lives in nodes shared between plans, and parameters that change often (sine
// frequency and level, tempo) are atomics on the node, not new plans.
#pragma once

#include <napi.h>

#include <array>
#include <atomic>
#include <cstdint>
#include <ctime>
#include <map>
#include <memory>
#include <vector>

#include "shared_ring.h"
#include "weak_jack.h"

namespace jackbay {

// CLOCK_MONOTONIC is read through the vDSO: no system call, no lock, so the
// realtime thread may time itself with it.
inline uint64_t nowNanos() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1000000000u + static_cast<uint64_t>(ts.tv_nsec);
}

// Memory owned by JS (an ArrayBuffer) that the realtime thread uses: the
// reference keeps it alive until the last plan using it is freed.
struct JsMemory {
  Napi::Reference<Napi::ArrayBuffer> ref;
  uint8_t* data = nullptr;
  size_t length = 0;
};

// Sum of squares, frame and clip counts, published by the realtime thread
// under a sequence lock (odd while writing). They are cumulative; the reader
// keeps the last values it saw and reports differences.
struct MeterNode {
  jack_port_t* port = nullptr;
  std::atomic<uint32_t> seq{0};
  std::atomic<double> sumSquares{0};
  std::atomic<uint64_t> frames{0};
  std::atomic<uint64_t> clips{0};
  // The highest magnitude since the reader last took it: the realtime thread
  // only raises it (compare-exchange), the reader swaps in 0, so a peak is
  // never lost between two reads.
  std::atomic<float> peak{0};
  // Reader-side (JS thread) bookkeeping for deltas.
  double lastSumSquares = 0;
  uint64_t lastFrames = 0;
  uint64_t lastClips = 0;
};

struct MidiMonitorNode {
  jack_port_t* port = nullptr;
  std::shared_ptr<JsMemory> memory;
  SharedRing ring;
  std::atomic<uint64_t> lost{0};
  std::atomic<uint64_t> received{0};
  // Cycles JACK skipped for this client (an xrun) while the monitor ran:
  // their events never reach it, so they are neither received nor lost.
  std::atomic<uint64_t> missedCycles{0};
};

// MIDI that JS sends into an own MIDI output port: JS writes whole records
// into the ring, the realtime thread plays every record there at frame 0, in
// order. A record the port buffer cannot take this cycle waits for the next;
// one that could never fit (larger than an empty buffer) is dropped, counted.
struct MidiSendNode {
  jack_port_t* port = nullptr;
  std::shared_ptr<JsMemory> memory;
  SharedRing ring;
  std::atomic<uint64_t> sent{0};
  std::atomic<uint64_t> dropped{0};
};

struct ThruNode {
  std::vector<std::pair<jack_port_t*, jack_port_t*>> audio;
  std::vector<std::pair<jack_port_t*, jack_port_t*>> midi;
  uint16_t channelMask = 0xffff;  // MIDI channels passed; system messages always pass
};

struct SineNode {
  jack_port_t* port = nullptr;
  std::atomic<double> frequency{1000.0};
  std::atomic<float> level{0.0f};  // linear gain while on
  std::atomic<bool> on{false};
  // Realtime-thread state.
  double phase = 0;       // in cycles, [0, 1)
  float gain = 0;         // current, ramping toward level or 0
  float rampTarget = 0;   // the target the current ramp goes to
  float rampStep = 0;     // gain change per frame, fixed for the whole ramp
};

struct StreamNode {
  bool playback = true;
  std::vector<jack_port_t*> ports;
  std::shared_ptr<JsMemory> memory;
  SharedRing ring;
  std::vector<float> scratch;  // one cycle, interleaved; sized off the realtime thread
  std::atomic<uint64_t> xruns{0};  // underruns (playback) or overruns (capture)
};

// The JS process callback's shared memory (see lib/process.ts for the layout).
struct BridgeNode {
  std::shared_ptr<JsMemory> memory;
  uint32_t slots = 0;
  uint32_t maxFrames = 0;
  uint32_t midiArea = 0;  // bytes per MIDI port per slot
  uint32_t slotBytes = 0;
  uint32_t headerBytes = 0;
  std::vector<jack_port_t*> audioIn, audioOut, midiIn, midiOut;
  uint32_t cycle = 0;  // realtime-thread cycle counter
};

// The JS timebase callback, asynchronous: the realtime thread posts each
// request (the frame JACK asks about) and fills BBT from the latest answer JS
// gave, carried to the asked frame at that answer's tempo; JS answers for the
// frame it expects to be asked next. Published under a sequence lock.
struct TimebaseAnswer {
  std::atomic<uint32_t> seq{0};
  std::atomic<bool> valid{false};
  std::atomic<uint32_t> frame{0};
  std::atomic<int32_t> bar{1}, beat{1};
  std::atomic<double> tick{0}, barStartTick{0}, ticksPerBeat{1920}, bpm{120};
  std::atomic<float> beatsPerBar{4}, beatType{4};
};

struct TimebaseRequest {
  std::atomic<uint32_t> seq{0};  // bumped by each realtime call
  std::atomic<uint32_t> state{0}, frames{0}, frame{0}, rate{0};
  std::atomic<bool> newPos{false};
};

struct TimebaseNode {
  std::atomic<double> bpm{120.0};
  std::atomic<float> beatsPerBar{4.0f};
  std::atomic<float> beatType{4.0f};
  std::atomic<double> ticksPerBeat{1920.0};
};

struct Plan {
  uint64_t seq = 0;  // publication order, so the JS thread can tell when the RT thread runs it
  std::vector<jack_port_t*> clearAudio;  // own audio outputs: silence unless a node writes
  std::vector<jack_port_t*> clearMidi;   // own MIDI outputs
  std::vector<std::shared_ptr<ThruNode>> thrus;
  std::vector<std::shared_ptr<SineNode>> sines;
  std::vector<std::shared_ptr<StreamNode>> playbacks;
  std::shared_ptr<BridgeNode> bridge;
  std::vector<std::shared_ptr<StreamNode>> captures;
  std::vector<std::shared_ptr<MeterNode>> meters;
  std::vector<std::shared_ptr<MidiMonitorNode>> monitors;
  std::vector<std::shared_ptr<MidiSendNode>> sends;
};

// A fixed-capacity single-producer single-consumer queue of plan pointers
// (realtime thread → JS thread).
class RetiredPlans {
 public:
  bool push(Plan* plan) {
    uint32_t w = write_.load(std::memory_order_relaxed);
    if (w - read_.load(std::memory_order_acquire) >= kCapacity) return false;
    items_[w % kCapacity] = plan;
    write_.store(w + 1, std::memory_order_release);
    return true;
  }
  Plan* pop() {
    uint32_t r = read_.load(std::memory_order_relaxed);
    if (r == write_.load(std::memory_order_acquire)) return nullptr;
    Plan* plan = items_[r % kCapacity];
    read_.store(r + 1, std::memory_order_release);
    return plan;
  }

 private:
  static constexpr uint32_t kCapacity = 64;
  std::array<Plan*, kCapacity> items_{};
  std::atomic<uint32_t> write_{0};
  std::atomic<uint32_t> read_{0};
};

class EventQueue;

class Engine {
 public:
  Engine(jack_client_t* client, EventQueue* wake);
  ~Engine();

  // ---- realtime thread (engine_rt.cpp)
  void process(jack_nframes_t frames);
  void timebase(jack_transport_state_t state, jack_nframes_t frames, jack_position_t* pos, int newPos);
  int sync(jack_transport_state_t state, jack_position_t* pos);

  // ---- JS thread (engine.cpp)
  // Builds a plan from a JS description (see lib/engine.ts) and publishes it.
  void update(Napi::Env env, const Napi::Object& spec);
  // Writes peak, RMS and clip count of each meter of the current spec into `out`.
  void readMeters(float* out, size_t capacity);
  void setSine(uint32_t id, double frequency, float level, bool on);
  void setTempo(double bpm, float beatsPerBar, float beatType, double ticksPerBeat);
  // Switches BBT between the native tempo and the JS callback's answers.
  void useJsTimebase(bool on);
  // [seq, state, frames, frame, rate, newPos] of JACK's latest timebase call.
  Napi::Value timebaseRequest(Napi::Env env) const;
  void timebaseAnswer(const Napi::CallbackInfo& info);
  // { cycles, lateCycles, bridgeMidiLost, monitors: {id: [received, lost, missedCycles]}, streams: {id: xruns},
  //   sends: {id: [sent, dropped]}, syncRequest }
  Napi::Value counters(Napi::Env env);
  // One MIDI monitor's [received, lost, missedCycles] into out; false when it is gone.
  bool monitorCounts(uint32_t id, double out[3]) const;
  void setSyncReady(uint32_t requestSeq, bool ready);
  uint32_t syncRequestSeq() const { return syncSeq_.load(std::memory_order_acquire); }
  void freeRetired();

  // The last kTimingSlots cycle durations of process() in nanoseconds
  // (oldest first), for benchmarks.
  Napi::Value cycleTimes(Napi::Env env) const;

  std::atomic<uint64_t> lateCycles{0};
  std::atomic<uint64_t> bridgeMidiLost{0};
  std::atomic<uint64_t> cycles{0};

 private:
  void processNodes(jack_nframes_t frames);
  void jsTimebase(jack_transport_state_t state, jack_nframes_t frames, jack_position_t* pos, int newPos);
  void runBridge(BridgeNode& bridge, jack_nframes_t frames);
  void runMidiSend(MidiSendNode& send, jack_nframes_t frames);

  jack_client_t* client_;
  EventQueue* wake_;
  std::atomic<Plan*> pending_{nullptr};
  Plan* active_ = nullptr;  // realtime thread only
  // The frame time the next cycle should start at while MIDI monitors run
  // (realtime thread only): a later one means JACK skipped cycles for us.
  jack_nframes_t monitorsNextCycle_ = 0;
  bool monitorsFollowing_ = false;
  std::atomic<uint64_t> adoptedSeq_{0};  // seq of the plan the realtime thread runs
  uint64_t publishedSeq_ = 0;            // JS thread
  RetiredPlans retired_;

  // JS-thread registries of live nodes by id, so a new plan keeps their state.
  std::map<uint32_t, std::shared_ptr<MeterNode>> meters_;
  std::map<uint32_t, std::shared_ptr<MidiMonitorNode>> monitors_;
  std::map<uint32_t, std::shared_ptr<MidiSendNode>> sends_;
  std::map<uint32_t, std::shared_ptr<SineNode>> sines_;
  std::map<uint32_t, std::shared_ptr<StreamNode>> streams_;
  std::map<uint32_t, std::shared_ptr<ThruNode>> thrus_;
  // The bridge lives as long as its memory: its cycle count must not restart
  // when another node changes the plan.
  std::shared_ptr<BridgeNode> bridge_;
  std::vector<uint32_t> meterOrder_;

  static constexpr uint32_t kTimingSlots = 8192;
  std::array<std::atomic<uint32_t>, kTimingSlots> cycleNanos_{};
  std::atomic<uint32_t> timingIndex_{0};

  TimebaseNode tempo_;
  std::atomic<bool> jsTimebase_{false};
  TimebaseRequest timebaseRequest_;
  TimebaseAnswer timebaseAnswer_;
  // Slow-sync: the realtime thread asks (seq), JS answers ready for that seq.
  std::atomic<uint32_t> syncSeq_{0};
  std::atomic<uint32_t> syncAnsweredSeq_{0};
  std::atomic<bool> syncReady_{false};
  std::atomic<int32_t> syncLastState_{-1};
  std::atomic<uint32_t> syncLastFrame_{0};
  // Realtime thread: the process cycle of the last sync call. JACK asks every
  // cycle of a round until the answer is yes, so a gap starts a new round.
  uint64_t syncLastCycle_ = 0;
  bool syncAsked_ = false;
};

}  // namespace jackbay
