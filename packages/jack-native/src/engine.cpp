#include "engine.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <ctime>

#include "convert.h"
#include "event_queue.h"

namespace jackbay {

namespace {

constexpr double kTwoPi = 6.283185307179586476925286766559;
constexpr double kRampSeconds = 0.005;  // sine on/off/level ramps: no clicks

// Slot states of the JS process bridge (mirrored in lib/process.ts).
enum SlotState : int32_t { kFree = 0, kReady = 1, kProcessing = 2, kDone = 3 };
constexpr uint32_t kBridgeGlobalBytes = 64;
constexpr uint32_t kBridgeSlotHeaderBytes = 32;
// A MIDI area: count, bytes used, events lost, reserved (u32 each), then
// records of [time u32][size u32][bytes, padded to 4].
constexpr uint32_t kMidiAreaHeader = 16;

std::shared_ptr<JsMemory> jsMemory(const Napi::Value& value) {
  auto buffer = value.As<Napi::ArrayBuffer>();
  auto memory = std::make_shared<JsMemory>();
  memory->ref = Napi::Persistent(buffer);
  memory->data = static_cast<uint8_t*>(buffer.Data());
  memory->length = buffer.ByteLength();
  return memory;
}

uint32_t u32(const Napi::Object& object, const char* key) {
  return object.Get(key).As<Napi::Number>().Uint32Value();
}

std::vector<jack_port_t*> portList(const Napi::Value& value) {
  std::vector<jack_port_t*> ports;
  if (!value.IsArray()) return ports;
  auto array = value.As<Napi::Array>();
  for (uint32_t i = 0; i < array.Length(); ++i) ports.push_back(toPort(array.Get(i)));
  return ports;
}

std::vector<std::pair<jack_port_t*, jack_port_t*>> portPairs(const Napi::Value& value) {
  std::vector<std::pair<jack_port_t*, jack_port_t*>> pairs;
  if (!value.IsArray()) return pairs;
  auto array = value.As<Napi::Array>();
  for (uint32_t i = 0; i < array.Length(); ++i) {
    auto pair = array.Get(i).As<Napi::Array>();
    pairs.emplace_back(toPort(pair.Get(0u)), toPort(pair.Get(1u)));
  }
  return pairs;
}

SharedRing ringOf(const std::shared_ptr<JsMemory>& memory, uint32_t size, Napi::Env env) {
  if (size == 0 || (size & (size - 1)) != 0 || memory->length < SharedRing::kHeaderBytes + size)
    throw Napi::RangeError::New(env, "ring memory does not match its size");
  return SharedRing(memory->data, size);
}

inline float* audioBuffer(jack_port_t* port, jack_nframes_t frames) {
  return static_cast<float*>(jack().jack_port_get_buffer(port, frames));
}

// Every node adds to its output ports, which start each cycle silent: a sine,
// a thru and the process callback on one port are mixed, none hides another.
inline void mixInto(float* out, const float* in, jack_nframes_t frames) {
  for (jack_nframes_t i = 0; i < frames; ++i) out[i] += in[i];
}

}  // namespace

Engine::Engine(jack_client_t* client, EventQueue* wake) : client_(client), wake_(wake) {}

Engine::~Engine() {
  // Only after jack_client_close: no realtime thread runs any more.
  freeRetired();
  delete pending_.exchange(nullptr);
  delete active_;
}

// ---------------------------------------------------------------- realtime

namespace {
// CLOCK_MONOTONIC is read through the vDSO: no system call, no lock.
inline uint64_t nowNanos() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1000000000u + static_cast<uint64_t>(ts.tv_nsec);
}
}  // namespace

void Engine::process(jack_nframes_t frames) {
  const uint64_t start = nowNanos();
  processNodes(frames);
  const uint32_t index = timingIndex_.load(std::memory_order_relaxed);
  cycleNanos_[index % kTimingSlots].store(static_cast<uint32_t>(std::min<uint64_t>(nowNanos() - start, UINT32_MAX)),
                                           std::memory_order_relaxed);
  timingIndex_.store(index + 1, std::memory_order_release);
}

Napi::Value Engine::cycleTimes(Napi::Env env) const {
  const uint32_t end = timingIndex_.load(std::memory_order_acquire);
  const uint32_t count = std::min(end, kTimingSlots);
  Napi::Float64Array result = Napi::Float64Array::New(env, count);
  for (uint32_t i = 0; i < count; ++i)
    result[i] = cycleNanos_[(end - count + i) % kTimingSlots].load(std::memory_order_relaxed);
  return result;
}

void Engine::processNodes(jack_nframes_t frames) {
  cycles.fetch_add(1, std::memory_order_relaxed);
  if (Plan* incoming = pending_.exchange(nullptr, std::memory_order_acq_rel)) {
    if (!active_ || retired_.push(active_)) {
      active_ = incoming;
      adoptedSeq_.store(incoming->seq, std::memory_order_release);
    } else {
      // The JS thread has not collected old plans yet; try again next cycle.
      Plan* expected = nullptr;
      if (!pending_.compare_exchange_strong(expected, incoming)) retired_.push(incoming);
    }
  }
  Plan* plan = active_;
  if (!plan) return;
  const JackApi& api = jack();

  for (jack_port_t* port : plan->clearAudio) std::memset(audioBuffer(port, frames), 0, frames * sizeof(float));
  for (jack_port_t* port : plan->clearMidi) api.jack_midi_clear_buffer(api.jack_port_get_buffer(port, frames));

  for (const auto& thru : plan->thrus) {
    for (const auto& [in, out] : thru->audio) mixInto(audioBuffer(out, frames), audioBuffer(in, frames), frames);
    for (const auto& [in, out] : thru->midi) {
      void* inBuffer = api.jack_port_get_buffer(in, frames);
      void* outBuffer = api.jack_port_get_buffer(out, frames);
      uint32_t count = api.jack_midi_get_event_count(inBuffer);
      for (uint32_t i = 0; i < count; ++i) {
        jack_midi_event_t event;
        if (api.jack_midi_event_get(&event, inBuffer, i) != 0 || event.size == 0) continue;
        uint8_t status = event.buffer[0];
        if (status >= 0x80 && status < 0xf0 && !(thru->channelMask & (1u << (status & 0x0f)))) continue;
        api.jack_midi_event_write(outBuffer, event.time, event.buffer, event.size);
      }
    }
  }

  const double rate = api.jack_get_sample_rate(client_);
  const float rampFrames = static_cast<float>(kRampSeconds * rate);
  for (const auto& sine : plan->sines) {
    float* out = audioBuffer(sine->port, frames);
    const double increment = sine->frequency.load(std::memory_order_relaxed) / rate;
    const float target = sine->on.load(std::memory_order_relaxed) ? sine->level.load(std::memory_order_relaxed) : 0.0f;
    // A ramp to a new target takes rampFrames whatever the distance, so on,
    // off and level changes all last 5 ms; its step is fixed when it starts
    // (recomputed every cycle it would shrink, and periods shorter than the
    // ramp would stretch it into a long tail).
    if (target != sine->rampTarget) {
      sine->rampTarget = target;
      sine->rampStep = std::fabs(target - sine->gain) / rampFrames;
    }
    const float step = sine->rampStep;
    double phase = sine->phase;
    float gain = sine->gain;
    for (jack_nframes_t i = 0; i < frames; ++i) {
      out[i] += gain * static_cast<float>(std::sin(kTwoPi * phase));
      phase += increment;
      if (phase >= 1.0) phase -= std::floor(phase);
      if (gain < target)
        gain = std::min(target, gain + step);
      else if (gain > target)
        gain = std::max(target, gain - step);
    }
    sine->phase = phase;
    sine->gain = gain;
  }

  for (const auto& stream : plan->playbacks) {
    const uint32_t channels = static_cast<uint32_t>(stream->ports.size());
    const uint32_t need = frames * channels * sizeof(float);
    if (frames * channels > stream->scratch.size() || stream->ring.readSpace() < need) {
      stream->xruns.fetch_add(1, std::memory_order_relaxed);
      continue;  // outputs stay silent
    }
    stream->ring.get(stream->scratch.data(), need);
    for (uint32_t c = 0; c < channels; ++c) {
      float* out = audioBuffer(stream->ports[c], frames);
      for (jack_nframes_t i = 0; i < frames; ++i) out[i] += stream->scratch[i * channels + c];
    }
  }

  if (plan->bridge) runBridge(*plan->bridge, frames);

  for (const auto& stream : plan->captures) {
    const uint32_t channels = static_cast<uint32_t>(stream->ports.size());
    const uint32_t need = frames * channels * sizeof(float);
    if (frames * channels > stream->scratch.size() || stream->ring.writeSpace() < need) {
      stream->xruns.fetch_add(1, std::memory_order_relaxed);
      continue;
    }
    for (uint32_t c = 0; c < channels; ++c) {
      const float* in = audioBuffer(stream->ports[c], frames);
      for (jack_nframes_t i = 0; i < frames; ++i) stream->scratch[i * channels + c] = in[i];
    }
    stream->ring.put(0, stream->scratch.data(), need);
    stream->ring.commitWrite(need);
  }

  for (const auto& meter : plan->meters) {
    const float* in = audioBuffer(meter->port, frames);
    float peak = 0;
    double sum = 0;
    uint64_t clips = 0;
    for (jack_nframes_t i = 0; i < frames; ++i) {
      const float magnitude = std::fabs(in[i]);
      peak = std::max(peak, magnitude);
      sum += static_cast<double>(in[i]) * in[i];
      if (magnitude >= 1.0f) ++clips;
    }
    float current = meter->peak.load(std::memory_order_relaxed);
    while (peak > current && !meter->peak.compare_exchange_weak(current, peak, std::memory_order_relaxed)) {
    }
    const uint32_t seq = meter->seq.load(std::memory_order_relaxed);
    meter->seq.store(seq + 1, std::memory_order_relaxed);
    std::atomic_thread_fence(std::memory_order_release);
    meter->sumSquares.store(meter->sumSquares.load(std::memory_order_relaxed) + sum, std::memory_order_relaxed);
    meter->frames.store(meter->frames.load(std::memory_order_relaxed) + frames, std::memory_order_relaxed);
    meter->clips.store(meter->clips.load(std::memory_order_relaxed) + clips, std::memory_order_relaxed);
    meter->seq.store(seq + 2, std::memory_order_release);
  }

  if (!plan->monitors.empty()) {
    const jack_nframes_t cycleStart = api.jack_last_frame_time(client_);
    bool any = false;
    for (const auto& monitor : plan->monitors) {
      void* buffer = api.jack_port_get_buffer(monitor->port, frames);
      const uint32_t count = api.jack_midi_get_event_count(buffer);
      for (uint32_t i = 0; i < count; ++i) {
        jack_midi_event_t event;
        if (api.jack_midi_event_get(&event, buffer, i) != 0) continue;
        const uint32_t header[2] = {cycleStart + event.time, static_cast<uint32_t>(event.size)};
        const uint32_t record = sizeof header + static_cast<uint32_t>(event.size);
        if (monitor->ring.writeSpace() < record) {
          monitor->lost.fetch_add(1, std::memory_order_relaxed);
          continue;
        }
        monitor->ring.put(0, header, sizeof header);
        monitor->ring.put(sizeof header, event.buffer, static_cast<uint32_t>(event.size));
        monitor->ring.commitWrite(record);
        monitor->received.fetch_add(1, std::memory_order_relaxed);
        any = true;
      }
    }
    if (any) wake_->wake();
  }
}

void Engine::runBridge(BridgeNode& bridge, jack_nframes_t frames) {
  const JackApi& api = jack();
  uint8_t* base = bridge.memory->data;
  auto header = [&](uint32_t slot) {
    return reinterpret_cast<std::atomic<int32_t>*>(base + kBridgeGlobalBytes + slot * kBridgeSlotHeaderBytes);
  };
  auto field = [&](uint32_t slot, uint32_t index) {
    return reinterpret_cast<uint32_t*>(base + kBridgeGlobalBytes + slot * kBridgeSlotHeaderBytes) + index;
  };
  auto slotData = [&](uint32_t slot) { return base + bridge.headerBytes + slot * bridge.slotBytes; };
  const uint32_t audioBytes = bridge.maxFrames * sizeof(float);
  const uint32_t cycle = bridge.cycle++;
  if (frames > bridge.maxFrames) {
    lateCycles.fetch_add(1, std::memory_order_relaxed);
    return;
  }

  // 1. Play what JS produced for the previous cycle, if it is done.
  if (cycle > 0) {
    const uint32_t previous = (cycle - 1) % bridge.slots;
    std::atomic<int32_t>* state = header(previous);
    if (state->load(std::memory_order_acquire) == kDone && *field(previous, 1) == cycle - 1) {
      uint8_t* data = slotData(previous);
      uint8_t* out = data + bridge.audioIn.size() * audioBytes;
      for (size_t i = 0; i < bridge.audioOut.size(); ++i)
        mixInto(audioBuffer(bridge.audioOut[i], frames), reinterpret_cast<const float*>(out + i * audioBytes), frames);
      uint8_t* midiOut =
          data + (bridge.audioIn.size() + bridge.audioOut.size()) * audioBytes + bridge.midiIn.size() * bridge.midiArea;
      for (size_t i = 0; i < bridge.midiOut.size(); ++i) {
        void* buffer = api.jack_port_get_buffer(bridge.midiOut[i], frames);
        const uint8_t* area = midiOut + i * bridge.midiArea;
        uint32_t count, used;
        std::memcpy(&count, area, 4);
        std::memcpy(&used, area + 4, 4);
        if (used > bridge.midiArea - kMidiAreaHeader) used = bridge.midiArea - kMidiAreaHeader;
        uint32_t offset = kMidiAreaHeader;
        for (uint32_t e = 0; e < count && offset + 8 <= kMidiAreaHeader + used; ++e) {
          uint32_t time, size;
          std::memcpy(&time, area + offset, 4);
          std::memcpy(&size, area + offset + 4, 4);
          if (offset + 8 + size > kMidiAreaHeader + used) break;
          if (time >= frames || api.jack_midi_event_write(buffer, time, area + offset + 8, size) != 0)
            bridgeMidiLost.fetch_add(1, std::memory_order_relaxed);
          offset += 8 + ((size + 3) & ~3u);
        }
      }
      state->store(kFree, std::memory_order_release);
    } else {
      lateCycles.fetch_add(1, std::memory_order_relaxed);  // outputs stay silent
    }
  }

  // 2. Hand this cycle's inputs to JS, unless JS still holds the slot.
  const uint32_t slot = cycle % bridge.slots;
  std::atomic<int32_t>* state = header(slot);
  const int32_t current = state->load(std::memory_order_acquire);
  if (current != kFree && current != kDone) return;
  uint8_t* data = slotData(slot);
  for (size_t i = 0; i < bridge.audioIn.size(); ++i)
    std::memcpy(data + i * audioBytes, audioBuffer(bridge.audioIn[i], frames), frames * sizeof(float));
  uint8_t* midiIn = data + (bridge.audioIn.size() + bridge.audioOut.size()) * audioBytes;
  for (size_t i = 0; i < bridge.midiIn.size(); ++i) {
    void* buffer = api.jack_port_get_buffer(bridge.midiIn[i], frames);
    uint8_t* area = midiIn + i * bridge.midiArea;
    const uint32_t count = api.jack_midi_get_event_count(buffer);
    uint32_t stored = 0, used = 0, lost = 0;
    // As in the seed's lost_midi_events: JACK's own count (events lost when
    // several connections were mixed into this input) plus any we had no room for.
    const uint32_t upstream = api.jack_midi_get_lost_event_count(buffer);
    for (uint32_t e = 0; e < count; ++e) {
      jack_midi_event_t event;
      if (api.jack_midi_event_get(&event, buffer, e) != 0) continue;
      const uint32_t padded = (static_cast<uint32_t>(event.size) + 3) & ~3u;
      if (kMidiAreaHeader + used + 8 + padded > bridge.midiArea) {
        ++lost;
        continue;
      }
      const uint32_t record[2] = {event.time, static_cast<uint32_t>(event.size)};
      std::memcpy(area + kMidiAreaHeader + used, record, 8);
      std::memcpy(area + kMidiAreaHeader + used + 8, event.buffer, event.size);
      used += 8 + padded;
      ++stored;
    }
    const uint32_t reported = lost + upstream;
    std::memcpy(area, &stored, 4);
    std::memcpy(area + 4, &used, 4);
    std::memcpy(area + 8, &reported, 4);
    if (lost) bridgeMidiLost.fetch_add(lost, std::memory_order_relaxed);
  }
  // The MIDI output areas start empty each cycle.
  uint8_t* midiOut = midiIn + bridge.midiIn.size() * bridge.midiArea;
  for (size_t i = 0; i < bridge.midiOut.size(); ++i) std::memset(midiOut + i * bridge.midiArea, 0, kMidiAreaHeader);
  *field(slot, 1) = cycle;
  *field(slot, 2) = frames;
  *field(slot, 3) = api.jack_last_frame_time(client_);
  state->store(kReady, std::memory_order_release);
  wake_->wake();
}

void Engine::timebase(jack_transport_state_t state, jack_nframes_t frames, jack_position_t* pos, int newPos) {
  if (jsTimebase_.load(std::memory_order_acquire)) {
    jsTimebase(state, frames, pos, newPos);
    return;
  }
  // BBT follows from the frame alone, so repositioning and rolling need no
  // incremental state (the formula of JACK's transport documentation).
  const double bpm = tempo_.bpm.load(std::memory_order_relaxed);
  const double beatsPerBar = tempo_.beatsPerBar.load(std::memory_order_relaxed);
  const double ticksPerBeat = tempo_.ticksPerBeat.load(std::memory_order_relaxed);
  const double rate = pos->frame_rate ? pos->frame_rate : jack().jack_get_sample_rate(client_);
  const double beats = pos->frame / rate / 60.0 * bpm;
  const int64_t wholeBeats = static_cast<int64_t>(std::floor(beats));
  const int64_t perBar = std::max<int64_t>(1, static_cast<int64_t>(beatsPerBar));
  const int64_t bar = wholeBeats / perBar;
  pos->valid = static_cast<jack_position_bits_t>(pos->valid | JackPositionBBT);
  pos->bar = static_cast<int32_t>(bar + 1);
  pos->beat = static_cast<int32_t>(wholeBeats - bar * perBar + 1);
  pos->tick = static_cast<int32_t>((beats - static_cast<double>(wholeBeats)) * ticksPerBeat);
  pos->bar_start_tick = static_cast<double>(bar) * static_cast<double>(perBar) * ticksPerBeat;
  pos->beats_per_bar = static_cast<float>(beatsPerBar);
  pos->beat_type = tempo_.beatType.load(std::memory_order_relaxed);
  pos->ticks_per_beat = ticksPerBeat;
  pos->beats_per_minute = bpm;
}

void Engine::jsTimebase(jack_transport_state_t state, jack_nframes_t frames, jack_position_t* pos, int newPos) {
  TimebaseRequest& request = timebaseRequest_;
  request.state.store(static_cast<uint32_t>(state), std::memory_order_relaxed);
  request.frames.store(frames, std::memory_order_relaxed);
  request.frame.store(pos->frame, std::memory_order_relaxed);
  request.rate.store(pos->frame_rate, std::memory_order_relaxed);
  request.newPos.store(newPos != 0, std::memory_order_relaxed);
  request.seq.fetch_add(1, std::memory_order_release);
  wake_->wake();

  // The latest answer, read consistently (bounded retries: never wait).
  TimebaseAnswer& answer = timebaseAnswer_;
  for (int attempt = 0; attempt < 8; ++attempt) {
    const uint32_t before = answer.seq.load(std::memory_order_acquire);
    if (before & 1) continue;
    const bool valid = answer.valid.load(std::memory_order_relaxed);
    const double fromFrame = answer.frame.load(std::memory_order_relaxed);
    const double bar0 = answer.bar.load(std::memory_order_relaxed);
    const double beat0 = answer.beat.load(std::memory_order_relaxed);
    const double tick0 = answer.tick.load(std::memory_order_relaxed);
    const double barStart0 = answer.barStartTick.load(std::memory_order_relaxed);
    const double ticksPerBeat = answer.ticksPerBeat.load(std::memory_order_relaxed);
    const double bpm = answer.bpm.load(std::memory_order_relaxed);
    const float beatsPerBar = answer.beatsPerBar.load(std::memory_order_relaxed);
    const float beatType = answer.beatType.load(std::memory_order_relaxed);
    std::atomic_thread_fence(std::memory_order_acquire);
    if (answer.seq.load(std::memory_order_relaxed) != before) continue;
    if (!valid || ticksPerBeat <= 0 || beatsPerBar < 1) return;  // no BBT until JS answers
    // Carry the answer to the asked frame at its tempo: exact when JS
    // answered for this very frame, a constant-tempo estimate otherwise.
    const double rate = pos->frame_rate ? pos->frame_rate : jack().jack_get_sample_rate(client_);
    const double ticksPerBar = std::floor(beatsPerBar) * ticksPerBeat;
    const double elapsed = (static_cast<double>(pos->frame) - fromFrame) / rate / 60.0 * bpm * ticksPerBeat;
    const double intoBar = (beat0 - 1) * ticksPerBeat + tick0 + elapsed;
    const double bars = std::floor(intoBar / ticksPerBar);
    const double rest = intoBar - bars * ticksPerBar;
    const double beat = std::floor(rest / ticksPerBeat);
    pos->valid = static_cast<jack_position_bits_t>(pos->valid | JackPositionBBT);
    pos->bar = static_cast<int32_t>(bar0 + bars);
    pos->beat = static_cast<int32_t>(beat + 1);
    pos->tick = static_cast<int32_t>(rest - beat * ticksPerBeat);
    pos->bar_start_tick = barStart0 + bars * ticksPerBar;
    pos->beats_per_bar = beatsPerBar;
    pos->beat_type = beatType;
    pos->ticks_per_beat = ticksPerBeat;
    pos->beats_per_minute = bpm;
    return;
  }
}

void Engine::useJsTimebase(bool on) {
  timebaseAnswer_.valid.store(false, std::memory_order_relaxed);
  jsTimebase_.store(on, std::memory_order_release);
}

Napi::Value Engine::timebaseRequest(Napi::Env env) const {
  const TimebaseRequest& request = timebaseRequest_;
  Napi::Array result = Napi::Array::New(env, 6);
  result.Set(0u, request.seq.load(std::memory_order_acquire));
  result.Set(1u, request.state.load(std::memory_order_relaxed));
  result.Set(2u, request.frames.load(std::memory_order_relaxed));
  result.Set(3u, request.frame.load(std::memory_order_relaxed));
  result.Set(4u, request.rate.load(std::memory_order_relaxed));
  result.Set(5u, request.newPos.load(std::memory_order_relaxed));
  return result;
}

// timebaseAnswer(frame, bar, beat, tick, barStartTick, beatsPerBar, beatType, ticksPerBeat, bpm)
void Engine::timebaseAnswer(const Napi::CallbackInfo& info) {
  auto number = [&](size_t i) { return info[i].As<Napi::Number>().DoubleValue(); };
  TimebaseAnswer& answer = timebaseAnswer_;
  const uint32_t seq = answer.seq.load(std::memory_order_relaxed);
  answer.seq.store(seq + 1, std::memory_order_relaxed);
  std::atomic_thread_fence(std::memory_order_release);
  answer.frame.store(static_cast<uint32_t>(number(0)), std::memory_order_relaxed);
  answer.bar.store(static_cast<int32_t>(number(1)), std::memory_order_relaxed);
  answer.beat.store(static_cast<int32_t>(number(2)), std::memory_order_relaxed);
  answer.tick.store(number(3), std::memory_order_relaxed);
  answer.barStartTick.store(number(4), std::memory_order_relaxed);
  answer.beatsPerBar.store(static_cast<float>(number(5)), std::memory_order_relaxed);
  answer.beatType.store(static_cast<float>(number(6)), std::memory_order_relaxed);
  answer.ticksPerBeat.store(number(7), std::memory_order_relaxed);
  answer.bpm.store(number(8), std::memory_order_relaxed);
  answer.valid.store(true, std::memory_order_relaxed);
  answer.seq.store(seq + 2, std::memory_order_release);
}

int Engine::sync(jack_transport_state_t state, jack_position_t* pos) {
  // A new request (a new round, another state or position) invalidates the
  // last answer; JS answers asynchronously and JACK asks again next cycle
  // until ready. JACK calls this before process() in each cycle of a round.
  const uint64_t cycle = cycles.load(std::memory_order_relaxed);
  const bool newRound = !syncAsked_ || cycle - syncLastCycle_ > 1;
  syncAsked_ = true;
  syncLastCycle_ = cycle;
  if (newRound || static_cast<int32_t>(state) != syncLastState_.load(std::memory_order_relaxed) ||
      pos->frame != syncLastFrame_.load(std::memory_order_relaxed)) {
    syncLastState_.store(static_cast<int32_t>(state), std::memory_order_relaxed);
    syncLastFrame_.store(pos->frame, std::memory_order_relaxed);
    syncSeq_.fetch_add(1, std::memory_order_release);
  }
  wake_->wake();
  return syncReady_.load(std::memory_order_acquire) &&
                 syncAnsweredSeq_.load(std::memory_order_acquire) == syncSeq_.load(std::memory_order_relaxed)
             ? 1
             : 0;
}

// ---------------------------------------------------------------- JS thread

void Engine::freeRetired() {
  while (Plan* plan = retired_.pop()) delete plan;
}

void Engine::update(Napi::Env env, const Napi::Object& spec) {
  auto plan = std::make_unique<Plan>();
  plan->seq = publishedSeq_ + 1;
  plan->clearAudio = portList(spec.Get("clearAudio"));
  plan->clearMidi = portList(spec.Get("clearMidi"));

  std::map<uint32_t, std::shared_ptr<MeterNode>> meters;
  std::vector<uint32_t> meterOrder;
  auto meterSpecs = spec.Get("meters").As<Napi::Array>();
  for (uint32_t i = 0; i < meterSpecs.Length(); ++i) {
    auto item = meterSpecs.Get(i).As<Napi::Object>();
    const uint32_t id = u32(item, "id");
    jack_port_t* port = toPort(item.Get("port"));
    auto found = meters_.find(id);
    std::shared_ptr<MeterNode> node;
    if (found != meters_.end() && found->second->port == port) {
      node = found->second;
    } else {
      node = std::make_shared<MeterNode>();
      node->port = port;
    }
    meters[id] = node;
    meterOrder.push_back(id);
    plan->meters.push_back(node);
  }

  std::map<uint32_t, std::shared_ptr<MidiMonitorNode>> monitors;
  auto monitorSpecs = spec.Get("monitors").As<Napi::Array>();
  for (uint32_t i = 0; i < monitorSpecs.Length(); ++i) {
    auto item = monitorSpecs.Get(i).As<Napi::Object>();
    const uint32_t id = u32(item, "id");
    auto found = monitors_.find(id);
    std::shared_ptr<MidiMonitorNode> node;
    if (found != monitors_.end()) {
      node = found->second;
    } else {
      // Nodes in use by the realtime thread are never written: a live
      // monitor's port cannot change (a new tap gets a new id).
      node = std::make_shared<MidiMonitorNode>();
      node->port = toPort(item.Get("port"));
      node->memory = jsMemory(item.Get("memory"));
      node->ring = ringOf(node->memory, u32(item, "size"), env);
    }
    monitors[id] = node;
    plan->monitors.push_back(node);
  }

  std::map<uint32_t, std::shared_ptr<ThruNode>> thrus;
  auto thruSpecs = spec.Get("thrus").As<Napi::Array>();
  for (uint32_t i = 0; i < thruSpecs.Length(); ++i) {
    auto item = thruSpecs.Get(i).As<Napi::Object>();
    auto node = std::make_shared<ThruNode>();
    node->audio = portPairs(item.Get("audio"));
    node->midi = portPairs(item.Get("midi"));
    node->channelMask = static_cast<uint16_t>(u32(item, "channelMask"));
    thrus[u32(item, "id")] = node;
    plan->thrus.push_back(node);
  }

  std::map<uint32_t, std::shared_ptr<SineNode>> sines;
  auto sineSpecs = spec.Get("sines").As<Napi::Array>();
  for (uint32_t i = 0; i < sineSpecs.Length(); ++i) {
    auto item = sineSpecs.Get(i).As<Napi::Object>();
    const uint32_t id = u32(item, "id");
    auto found = sines_.find(id);
    std::shared_ptr<SineNode> node;
    if (found != sines_.end()) {
      node = found->second;
    } else {
      node = std::make_shared<SineNode>();
      node->port = toPort(item.Get("port"));
    }
    sines[id] = node;
    plan->sines.push_back(node);
  }

  std::map<uint32_t, std::shared_ptr<StreamNode>> streams;
  auto streamSpecs = spec.Get("streams").As<Napi::Array>();
  for (uint32_t i = 0; i < streamSpecs.Length(); ++i) {
    auto item = streamSpecs.Get(i).As<Napi::Object>();
    const uint32_t id = u32(item, "id");
    auto found = streams_.find(id);
    const size_t maxFrames = u32(item, "maxFrames");
    std::shared_ptr<StreamNode> node;
    if (found != streams_.end() && found->second->scratch.size() >= maxFrames * found->second->ports.size()) {
      node = found->second;
    } else {
      // New, or the blocksize outgrew its scratch buffer: a new node on the
      // same ring (its indices live in the shared memory), counters carried over.
      node = std::make_shared<StreamNode>();
      if (found != streams_.end()) {
        const StreamNode& old = *found->second;
        node->playback = old.playback;
        node->ports = old.ports;
        node->memory = old.memory;
        node->ring = old.ring;
        node->xruns.store(old.xruns.load());
      } else {
        node->playback = item.Get("playback").ToBoolean();
        node->ports = portList(item.Get("ports"));
        node->memory = jsMemory(item.Get("memory"));
        node->ring = ringOf(node->memory, u32(item, "size"), env);
      }
      node->scratch.assign(maxFrames * node->ports.size(), 0.0f);
    }
    streams[id] = node;
    (node->playback ? plan->playbacks : plan->captures).push_back(node);
  }

  Napi::Value bridgeSpec = spec.Get("bridge");
  const auto sameBridge = [&](const Napi::Object& item) {
    // The same memory means the same JS bridge, with the same ports and slots.
    return bridge_ && bridge_->memory->data == item.Get("memory").As<Napi::ArrayBuffer>().Data();
  };
  if (bridgeSpec.IsObject() && sameBridge(bridgeSpec.As<Napi::Object>())) {
    plan->bridge = bridge_;
  } else if (bridgeSpec.IsObject()) {
    auto item = bridgeSpec.As<Napi::Object>();
    auto bridge = std::make_shared<BridgeNode>();
    bridge->memory = jsMemory(item.Get("memory"));
    bridge->slots = u32(item, "slots");
    bridge->maxFrames = u32(item, "maxFrames");
    bridge->midiArea = u32(item, "midiArea");
    bridge->audioIn = portList(item.Get("audioIn"));
    bridge->audioOut = portList(item.Get("audioOut"));
    bridge->midiIn = portList(item.Get("midiIn"));
    bridge->midiOut = portList(item.Get("midiOut"));
    // Sizes in 64 bits: the checks below must not be fooled by a wrap.
    const uint64_t headerBytes = kBridgeGlobalBytes + uint64_t{bridge->slots} * kBridgeSlotHeaderBytes;
    const uint64_t slotBytes =
        (bridge->audioIn.size() + bridge->audioOut.size()) * uint64_t{bridge->maxFrames} * sizeof(float) +
        (bridge->midiIn.size() + bridge->midiOut.size()) * uint64_t{bridge->midiArea};
    if (bridge->slots == 0 || bridge->slots > 64 || bridge->midiArea < kMidiAreaHeader + 8 ||
        bridge->midiArea % 4 != 0 || bridge->memory->length < headerBytes + bridge->slots * slotBytes)
      throw Napi::RangeError::New(env, "process bridge memory does not match its layout");
    bridge->headerBytes = static_cast<uint32_t>(headerBytes);
    bridge->slotBytes = static_cast<uint32_t>(slotBytes);
    plan->bridge = bridge;
  }
  bridge_ = plan->bridge;

  // Registries change only once the whole plan is valid: a spec rejected
  // above leaves the engine as it was.
  meters_ = std::move(meters);
  meterOrder_ = std::move(meterOrder);
  monitors_ = std::move(monitors);
  thrus_ = std::move(thrus);
  sines_ = std::move(sines);
  streams_ = std::move(streams);

  freeRetired();
  publishedSeq_ = plan->seq;
  // A plan the realtime thread never picked up can be freed right here.
  delete pending_.exchange(plan.release(), std::memory_order_acq_rel);

  // A port is about to be unregistered: the realtime thread may still be in
  // a cycle of the old plan, which uses it. Wait until it runs the new one
  // (bounded: the JS side asks only while the client is active).
  Napi::Value settle = spec.Get("settleMs");
  if (settle.IsNumber()) {
    const uint64_t deadline = nowNanos() + static_cast<uint64_t>(settle.As<Napi::Number>().DoubleValue() * 1e6);
    const timespec pause{0, 200000};
    while (adoptedSeq_.load(std::memory_order_acquire) < publishedSeq_ && nowNanos() < deadline)
      nanosleep(&pause, nullptr);
  }
}

void Engine::readMeters(float* out, size_t capacity) {
  size_t index = 0;
  for (uint32_t id : meterOrder_) {
    if (index + 3 > capacity) break;
    MeterNode& meter = *meters_.at(id);
    double sum = 0;
    uint64_t frames = 0, clips = 0;
    // Sequence lock: retry while the realtime thread is mid-update. Bounded,
    // so the reader never spins on a stalled writer.
    for (int attempt = 0; attempt < 1000; ++attempt) {
      const uint32_t before = meter.seq.load(std::memory_order_acquire);
      if (before & 1) continue;
      sum = meter.sumSquares.load(std::memory_order_relaxed);
      frames = meter.frames.load(std::memory_order_relaxed);
      clips = meter.clips.load(std::memory_order_relaxed);
      std::atomic_thread_fence(std::memory_order_acquire);
      if (meter.seq.load(std::memory_order_relaxed) == before) break;
    }
    const float peak = meter.peak.exchange(0.0f, std::memory_order_relaxed);
    const uint64_t newFrames = frames - meter.lastFrames;
    out[index++] = peak;
    out[index++] = newFrames > 0 ? static_cast<float>(std::sqrt(std::max(0.0, sum - meter.lastSumSquares) / newFrames)) : 0.0f;
    out[index++] = static_cast<float>(clips - meter.lastClips);
    meter.lastSumSquares = sum;
    meter.lastFrames = frames;
    meter.lastClips = clips;
  }
}

void Engine::setSine(uint32_t id, double frequency, float level, bool on) {
  auto found = sines_.find(id);
  if (found == sines_.end()) return;
  found->second->frequency.store(frequency, std::memory_order_relaxed);
  found->second->level.store(level, std::memory_order_relaxed);
  found->second->on.store(on, std::memory_order_relaxed);
}

void Engine::setTempo(double bpm, float beatsPerBar, float beatType, double ticksPerBeat) {
  tempo_.bpm.store(bpm, std::memory_order_relaxed);
  tempo_.beatsPerBar.store(beatsPerBar, std::memory_order_relaxed);
  tempo_.beatType.store(beatType, std::memory_order_relaxed);
  tempo_.ticksPerBeat.store(ticksPerBeat, std::memory_order_relaxed);
}

void Engine::setSyncReady(uint32_t requestSeq, bool ready) {
  syncReady_.store(ready, std::memory_order_relaxed);
  syncAnsweredSeq_.store(requestSeq, std::memory_order_release);
}

Napi::Value Engine::counters(Napi::Env env) {
  freeRetired();
  Napi::Object result = Napi::Object::New(env);
  result.Set("cycles", Napi::Number::New(env, static_cast<double>(cycles.load())));
  result.Set("lateCycles", Napi::Number::New(env, static_cast<double>(lateCycles.load())));
  result.Set("bridgeMidiLost", Napi::Number::New(env, static_cast<double>(bridgeMidiLost.load())));
  Napi::Object monitors = Napi::Object::New(env);
  for (const auto& [id, node] : monitors_) {
    Napi::Array pair = Napi::Array::New(env, 2);
    pair.Set(0u, Napi::Number::New(env, static_cast<double>(node->received.load())));
    pair.Set(1u, Napi::Number::New(env, static_cast<double>(node->lost.load())));
    monitors.Set(std::to_string(id), pair);
  }
  result.Set("monitors", monitors);
  Napi::Object streams = Napi::Object::New(env);
  for (const auto& [id, node] : streams_)
    streams.Set(std::to_string(id), Napi::Number::New(env, static_cast<double>(node->xruns.load())));
  result.Set("streams", streams);
  result.Set("syncRequest", Napi::Number::New(env, syncSeq_.load()));
  return result;
}

}  // namespace jackbay
