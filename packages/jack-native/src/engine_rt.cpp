// The engine's realtime side: everything JACK's process thread runs (the
// process, timebase and sync callbacks). Only atomics, memcpy and libjack's
// buffer functions: no allocation, no lock, no logging, no waiting.
#include <algorithm>
#include <cmath>
#include <cstring>

#include "engine.h"
#include "event_queue.h"
#include "layouts.h"

namespace jackbay {

namespace {

constexpr double kTwoPi = 6.283185307179586476925286766559;
constexpr double kRampSeconds = 0.005;  // sine on/off/level ramps: no clicks

inline float* audioBuffer(jack_port_t* port, jack_nframes_t frames) {
  return static_cast<float*>(jack().jack_port_get_buffer(port, frames));
}

// Every node adds to its output ports, which start each cycle silent: a sine,
// a thru and the process callback on one port are mixed, none hides another.
inline void mixInto(float* out, const float* in, jack_nframes_t frames) {
  for (jack_nframes_t i = 0; i < frames; ++i) out[i] += in[i];
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

  for (const auto& send : plan->sends) runMidiSend(*send, frames);

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

  if (plan->monitors.empty()) {
    monitorsFollowing_ = false;
  } else {
    const jack_nframes_t cycleStart = api.jack_last_frame_time(client_);
    // The frame time skips the cycles JACK did not run us for (an xrun):
    // whatever was played then is never seen, only counted. A difference of
    // unsigned frame times, so a wrap at 2^32 is no gap; a jump back is none.
    const jack_nframes_t gap = cycleStart - monitorsNextCycle_;
    const uint64_t missed = monitorsFollowing_ && frames > 0 && gap != 0 && gap < 0x80000000u ? (gap + frames - 1) / frames : 0;
    monitorsNextCycle_ = cycleStart + frames;
    monitorsFollowing_ = true;
    bool any = false;
    for (const auto& monitor : plan->monitors) {
      if (missed != 0) monitor->missedCycles.fetch_add(missed, std::memory_order_relaxed);
      void* buffer = api.jack_port_get_buffer(monitor->port, frames);
      const uint32_t count = api.jack_midi_get_event_count(buffer);
      for (uint32_t i = 0; i < count; ++i) {
        jack_midi_event_t event;
        if (api.jack_midi_event_get(&event, buffer, i) != 0) continue;
        const uint32_t header[2] = {cycleStart + event.time, static_cast<uint32_t>(event.size)};
        static_assert(sizeof header == kMonitorRecordHeaderBytes);
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

void Engine::runMidiSend(MidiSendNode& send, jack_nframes_t frames) {
  const JackApi& api = jack();
  void* buffer = api.jack_port_get_buffer(send.port, frames);
  bool wrote = false;
  for (;;) {
    const uint32_t available = send.ring.readSpace();
    if (available < kMidiSendRecordHeaderBytes) return;
    uint32_t size = 0;
    static_assert(sizeof size == kMidiSendRecordHeaderBytes);
    send.ring.peek(&size, sizeof size);
    if (size == 0 || size > available - sizeof size) {
      // JS publishes whole records: this is not one (the memory is writable
      // from JS). Everything queued is dropped, counted, rather than misread.
      send.ring.skip(available);
      send.dropped.fetch_add(1, std::memory_order_relaxed);
      return;
    }
    jack_midi_data_t* data =
        size <= api.jack_midi_max_event_size(buffer) ? api.jack_midi_event_reserve(buffer, 0, size) : nullptr;
    if (!data) {
      // The buffer is full for this cycle: the rest waits, in order. Only an
      // event that does not fit even an empty buffer is dropped.
      if (wrote) return;
      send.ring.skip(sizeof size + size);
      send.dropped.fetch_add(1, std::memory_order_relaxed);
      continue;
    }
    send.ring.skip(sizeof size);
    send.ring.get(data, size);
    send.sent.fetch_add(1, std::memory_order_relaxed);
    wrote = true;
  }
}

void Engine::runBridge(BridgeNode& bridge, jack_nframes_t frames) {
  const JackApi& api = jack();
  uint8_t* base = bridge.memory->data;
  auto header = [&](uint32_t slot) {
    return reinterpret_cast<std::atomic<int32_t>*>(base + kBridgeGlobalBytes + slot * kBridgeSlotHeaderBytes) +
           kSlotHeaderState;
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
    if (state->load(std::memory_order_acquire) == kSlotDone &&
        *field(previous, kSlotHeaderCycle) == cycle - 1) {
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
        std::memcpy(&count, area + kMidiAreaCount, 4);
        std::memcpy(&used, area + kMidiAreaUsed, 4);
        if (used > bridge.midiArea - kMidiAreaHeaderBytes) used = bridge.midiArea - kMidiAreaHeaderBytes;
        uint32_t offset = kMidiAreaHeaderBytes;
        for (uint32_t e = 0; e < count && offset + kMidiRecordHeaderBytes <= kMidiAreaHeaderBytes + used; ++e) {
          uint32_t time, size;
          std::memcpy(&time, area + offset, 4);
          std::memcpy(&size, area + offset + 4, 4);
          if (offset + kMidiRecordHeaderBytes + size > kMidiAreaHeaderBytes + used) break;
          if (time >= frames || api.jack_midi_event_write(buffer, time, area + offset + kMidiRecordHeaderBytes, size) != 0)
            bridgeMidiLost.fetch_add(1, std::memory_order_relaxed);
          offset += kMidiRecordHeaderBytes + ((size + 3) & ~3u);
        }
      }
      state->store(kSlotFree, std::memory_order_release);
    } else {
      lateCycles.fetch_add(1, std::memory_order_relaxed);  // outputs stay silent
    }
  }

  // 2. Hand this cycle's inputs to JS, unless JS still holds the slot.
  const uint32_t slot = cycle % bridge.slots;
  std::atomic<int32_t>* state = header(slot);
  const int32_t current = state->load(std::memory_order_acquire);
  if (current != kSlotFree && current != kSlotDone) return;
  uint8_t* data = slotData(slot);
  for (size_t i = 0; i < bridge.audioIn.size(); ++i)
    std::memcpy(data + i * audioBytes, audioBuffer(bridge.audioIn[i], frames), frames * sizeof(float));
  uint8_t* midiIn = data + (bridge.audioIn.size() + bridge.audioOut.size()) * audioBytes;
  for (size_t i = 0; i < bridge.midiIn.size(); ++i) {
    void* buffer = api.jack_port_get_buffer(bridge.midiIn[i], frames);
    uint8_t* area = midiIn + i * bridge.midiArea;
    const uint32_t count = api.jack_midi_get_event_count(buffer);
    uint32_t stored = 0, used = 0, lost = 0;
    // As the Python `jack` module's lost_midi_events: JACK's own count (events lost when
    // several connections were mixed into this input) plus any we had no room for.
    const uint32_t upstream = api.jack_midi_get_lost_event_count(buffer);
    for (uint32_t e = 0; e < count; ++e) {
      jack_midi_event_t event;
      if (api.jack_midi_event_get(&event, buffer, e) != 0) continue;
      const uint32_t padded = (static_cast<uint32_t>(event.size) + 3) & ~3u;
      if (kMidiAreaHeaderBytes + used + kMidiRecordHeaderBytes + padded > bridge.midiArea) {
        ++lost;
        continue;
      }
      const uint32_t record[2] = {event.time, static_cast<uint32_t>(event.size)};
      static_assert(sizeof record == kMidiRecordHeaderBytes);
      std::memcpy(area + kMidiAreaHeaderBytes + used, record, sizeof record);
      std::memcpy(area + kMidiAreaHeaderBytes + used + sizeof record, event.buffer, event.size);
      used += sizeof record + padded;
      ++stored;
    }
    const uint32_t reported = lost + upstream;
    std::memcpy(area + kMidiAreaCount, &stored, 4);
    std::memcpy(area + kMidiAreaUsed, &used, 4);
    std::memcpy(area + kMidiAreaLost, &reported, 4);
    if (lost) bridgeMidiLost.fetch_add(lost, std::memory_order_relaxed);
  }
  // The MIDI output areas start empty each cycle.
  uint8_t* midiOut = midiIn + bridge.midiIn.size() * bridge.midiArea;
  for (size_t i = 0; i < bridge.midiOut.size(); ++i) std::memset(midiOut + i * bridge.midiArea, 0, kMidiAreaHeaderBytes);
  *field(slot, kSlotHeaderCycle) = cycle;
  *field(slot, kSlotHeaderFrames) = frames;
  *field(slot, kSlotHeaderLastFrameTime) = api.jack_last_frame_time(client_);
  state->store(kSlotReady, std::memory_order_release);
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

}  // namespace jackbay
