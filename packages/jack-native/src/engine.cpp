// The engine's JS-thread side: building and publishing plans, reading what
// the realtime thread publishes (src/engine_rt.cpp runs the plans).
#include <algorithm>
#include <cmath>
#include <ctime>

#include "convert.h"
#include "engine.h"
#include "event_queue.h"
#include "layouts.h"

namespace jackbay {

namespace {

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

}  // namespace

Engine::Engine(jack_client_t* client, EventQueue* wake) : client_(client), wake_(wake) {}

Engine::~Engine() {
  // Only after jack_client_close: no realtime thread runs any more.
  freeRetired();
  delete pending_.exchange(nullptr);
  delete active_;
}

Napi::Value Engine::cycleTimes(Napi::Env env) const {
  const uint32_t end = timingIndex_.load(std::memory_order_acquire);
  const uint32_t count = std::min(end, kTimingSlots);
  Napi::Float64Array result = Napi::Float64Array::New(env, count);
  for (uint32_t i = 0; i < count; ++i)
    result[i] = cycleNanos_[(end - count + i) % kTimingSlots].load(std::memory_order_relaxed);
  return result;
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

  std::map<uint32_t, std::shared_ptr<MidiSendNode>> sends;
  Napi::Value sendList = spec.Get("sends");
  auto sendSpecs = sendList.IsArray() ? sendList.As<Napi::Array>() : Napi::Array::New(env);
  for (uint32_t i = 0; i < sendSpecs.Length(); ++i) {
    auto item = sendSpecs.Get(i).As<Napi::Object>();
    const uint32_t id = u32(item, "id");
    auto found = sends_.find(id);
    std::shared_ptr<MidiSendNode> node;
    if (found != sends_.end()) {
      node = found->second;  // its port and ring never change (a new sender gets a new id)
    } else {
      node = std::make_shared<MidiSendNode>();
      node->port = toPort(item.Get("port"));
      node->memory = jsMemory(item.Get("memory"));
      node->ring = ringOf(node->memory, u32(item, "size"), env);
    }
    sends[id] = node;
    plan->sends.push_back(node);
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
    if (bridge->slots == 0 || bridge->slots > kBridgeMaxSlots ||
        bridge->midiArea < kMidiAreaHeaderBytes + kMidiRecordHeaderBytes ||
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
  sends_ = std::move(sends);
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
    if (index + kMeterValues > capacity) break;
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
    Napi::Array counts = Napi::Array::New(env, 3);
    counts.Set(0u, Napi::Number::New(env, static_cast<double>(node->received.load())));
    counts.Set(1u, Napi::Number::New(env, static_cast<double>(node->lost.load())));
    counts.Set(2u, Napi::Number::New(env, static_cast<double>(node->missedCycles.load())));
    monitors.Set(std::to_string(id), counts);
  }
  result.Set("monitors", monitors);
  Napi::Object streams = Napi::Object::New(env);
  for (const auto& [id, node] : streams_)
    streams.Set(std::to_string(id), Napi::Number::New(env, static_cast<double>(node->xruns.load())));
  result.Set("streams", streams);
  Napi::Object sends = Napi::Object::New(env);
  for (const auto& [id, node] : sends_) {
    Napi::Array pair = Napi::Array::New(env, 2);
    pair.Set(0u, Napi::Number::New(env, static_cast<double>(node->sent.load())));
    pair.Set(1u, Napi::Number::New(env, static_cast<double>(node->dropped.load())));
    sends.Set(std::to_string(id), pair);
  }
  result.Set("sends", sends);
  result.Set("syncRequest", Napi::Number::New(env, syncSeq_.load()));
  return result;
}

bool Engine::monitorCounts(uint32_t id, double out[3]) const {
  const auto found = monitors_.find(id);
  if (found == monitors_.end()) return false;
  out[0] = static_cast<double>(found->second->received.load());
  out[1] = static_cast<double>(found->second->lost.load());
  out[2] = static_cast<double>(found->second->missedCycles.load());
  return true;
}

}  // namespace jackbay
