#include "analyser.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "layouts.h"
#include "napi_helpers.h"

namespace jackbay {

namespace {

constexpr uint32_t kScratchFrames = 2048;
constexpr double kNoLoudness = -std::numeric_limits<double>::infinity();
// The K-system meter's ballistics filter, as x42's and jkmeter's Kmeterdsp:
// ω = 9.72 / fs on x², then a second pole at 4ω every four samples.
constexpr double kKOmega = 9.72;

}  // namespace

Napi::Function NativeAnalyser::Init(Napi::Env env) {
  return DefineClass(env, "NativeAnalyser",
                     {
                         InstanceMethod<&NativeAnalyser::Read>("read"),
                         InstanceMethod<&NativeAnalyser::ResetLoudness>("resetLoudness"),
                         InstanceMethod<&NativeAnalyser::HasLoudness>("hasLoudness"),
                         InstanceMethod<&NativeAnalyser::Close>("close"),
                     });
}

NativeAnalyser::NativeAnalyser(const Napi::CallbackInfo& info)
    : Napi::ObjectWrap<NativeAnalyser>(info),
      momentary_(kNoLoudness),
      shortTerm_(kNoLoudness),
      integrated_(kNoLoudness),
      range_(std::numeric_limits<double>::quiet_NaN()) {
  Napi::Env env = info.Env();
  if (info.Length() < 5 || !info[0].IsArrayBuffer() || !info[1].IsNumber() || !info[2].IsNumber() ||
      !info[3].IsNumber() || !info[4].IsBoolean())
    throw Napi::TypeError::New(env, "NativeAnalyser(memory, size, channels, rate, loudness)");
  auto buffer = info[0].As<Napi::ArrayBuffer>();
  const uint32_t size = info[1].As<Napi::Number>().Uint32Value();
  channels_ = info[2].As<Napi::Number>().Uint32Value();
  rate_ = info[3].As<Napi::Number>().DoubleValue();
  if (size == 0 || (size & (size - 1)) != 0 || buffer.ByteLength() < SharedRing::kHeaderBytes + size)
    throw Napi::RangeError::New(env, "ring memory does not match its size");
  if (channels_ < 1 || channels_ > 2) throw Napi::RangeError::New(env, "an analyser takes 1 or 2 channels");
  if (!(rate_ >= 8000 && rate_ <= 768000)) throw Napi::RangeError::New(env, "sample rate out of range");
  if (info[4].As<Napi::Boolean>().Value()) {
    const Ebur128Library& lib = ebur128Library();
    if (!lib.loaded) throw codedError(env, "ERR_LOUDNESS_UNAVAILABLE", "loudness unavailable: " + lib.loadError);
    api_ = &lib.api;
  }
  memory_ = Napi::Persistent(buffer);
  ring_ = SharedRing(static_cast<uint8_t*>(buffer.Data()), size);
  omega_ = kKOmega / rate_;
  state_.assign(channels_, Channel{});
  scratch_.assign(kScratchFrames * channels_, 0.0f);
  updateLoudness(true);
}

NativeAnalyser::~NativeAnalyser() { destroyLoudness(); }

void NativeAnalyser::destroyLoudness() {
  if (loudness_) api_->ebur128_destroy(&loudness_);
  loudness_ = nullptr;
}

// (Re)starts the measurement: momentary, short-term, integrated and range
// (histogram mode is left off: its 0.1 dB bins would round the integrated
// value; the block lists grow by about 100 kB an hour).
void NativeAnalyser::ResetLoudness(const Napi::CallbackInfo& info) {
  if (!api_) throw codedError(info.Env(), "ERR_LOUDNESS_UNAVAILABLE", "loudness unavailable: " + ebur128Library().loadError);
  destroyLoudness();
  updateLoudness(true);
}

Napi::Value NativeAnalyser::HasLoudness(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), api_ != nullptr);
}

void NativeAnalyser::Close(const Napi::CallbackInfo&) {
  destroyLoudness();
  api_ = nullptr;
  ring_ = SharedRing();
  if (!memory_.IsEmpty()) memory_.Reset();
}

void NativeAnalyser::analyse(const float* frames, uint32_t count) {
  const uint32_t channels = channels_;
  for (uint32_t c = 0; c < channels; ++c) {
    Channel& ch = state_[c];
    float peak = ch.peak;
    double sum = 0, clips = 0, z1 = ch.z1, z2 = ch.z2;
    uint32_t phase = kPhase_;
    for (uint32_t i = 0; i < count; ++i) {
      const float x = frames[i * channels + c];
      const float magnitude = std::fabs(x);
      peak = std::max(peak, magnitude);
      if (magnitude >= 1.0f) clips += 1;
      const double square = static_cast<double>(x) * x;
      sum += square;
      z1 += omega_ * (square - z1);
      if (++phase == 4) {
        phase = 0;
        z2 += 4 * omega_ * (z1 - z2);
      }
    }
    ch.peak = peak;
    ch.sumSquares += sum;
    ch.clips += clips;
    // Denormals off the filter state, as Kmeterdsp does.
    ch.z1 = z1 + 1e-20;
    ch.z2 = z2 + 1e-20;
  }
  kPhase_ = (kPhase_ + count) % 4;
  framesSinceRead_ += count;
  framesSinceGlobal_ += count;
  if (loudness_ && api_->ebur128_add_frames_float(loudness_, frames, count) == EBUR128_SUCCESS) {
    for (uint32_t c = 0; c < channels; ++c) {
      double truePeak = 0;
      if (api_->ebur128_prev_true_peak(loudness_, c, &truePeak) == EBUR128_SUCCESS)
        state_[c].truePeak = std::max(state_[c].truePeak, truePeak);
    }
  }
}

void NativeAnalyser::updateLoudness(bool all) {
  if (!api_) return;
  if (!loudness_) {
    loudness_ = api_->ebur128_init(channels_, static_cast<unsigned long>(rate_),
                                   EBUR128_MODE_M | EBUR128_MODE_S | EBUR128_MODE_I | EBUR128_MODE_LRA |
                                       EBUR128_MODE_TRUE_PEAK);
    momentary_ = shortTerm_ = integrated_ = kNoLoudness;
    range_ = std::numeric_limits<double>::quiet_NaN();
    framesSinceGlobal_ = 0;
    if (!loudness_) return;
  }
  double value;
  momentary_ = api_->ebur128_loudness_momentary(loudness_, &value) == EBUR128_SUCCESS ? value : kNoLoudness;
  shortTerm_ = api_->ebur128_loudness_shortterm(loudness_, &value) == EBUR128_SUCCESS ? value : kNoLoudness;
  // Integrated loudness and range walk every block so far: ten times a second is enough.
  if (all || framesSinceGlobal_ >= rate_ / 10) {
    framesSinceGlobal_ = 0;
    integrated_ = api_->ebur128_loudness_global(loudness_, &value) == EBUR128_SUCCESS ? value : kNoLoudness;
    range_ = api_->ebur128_loudness_range(loudness_, &value) == EBUR128_SUCCESS ? value
                                                                                  : std::numeric_limits<double>::quiet_NaN();
  }
}

Napi::Value NativeAnalyser::Read(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const size_t needed = channels_ * kAnalyserChannelValues + kAnalyserLoudnessValues;
  if (info.Length() < 1 || !info[0].IsTypedArray() ||
      info[0].As<Napi::TypedArray>().TypedArrayType() != napi_float64_array ||
      info[0].As<Napi::Float64Array>().ElementLength() < needed)
    throw Napi::TypeError::New(env, "read(out) needs a Float64Array of " + std::to_string(needed) + " values");
  if (!ring_.valid()) throw codedError(env, "ERR_CLOSED", "the analyser is closed");
  Napi::Float64Array out = info[0].As<Napi::Float64Array>();
  // Whole frames only: the capture stream publishes whole cycles.
  const uint32_t frameBytes = channels_ * sizeof(float);
  for (;;) {
    const uint32_t available = ring_.readSpace() / frameBytes;
    if (available == 0) break;
    const uint32_t count = std::min(available, kScratchFrames);
    ring_.get(scratch_.data(), count * frameBytes);
    analyse(scratch_.data(), count);
  }
  const uint64_t frames = framesSinceRead_;
  size_t index = 0;
  for (Channel& ch : state_) {
    out[index++] = ch.peak;
    out[index++] = frames > 0 ? std::sqrt(ch.sumSquares / static_cast<double>(frames)) : 0.0;
    out[index++] = std::sqrt(std::max(0.0, ch.z2));
    out[index++] = api_ ? std::max(ch.truePeak, static_cast<double>(ch.peak)) : std::numeric_limits<double>::quiet_NaN();
    out[index++] = ch.clips;
    ch.peak = 0;
    ch.sumSquares = 0;
    ch.clips = 0;
    ch.truePeak = 0;
  }
  if (frames > 0) updateLoudness(false);
  const bool loud = api_ != nullptr;
  const double nan = std::numeric_limits<double>::quiet_NaN();
  out[index++] = loud ? momentary_ : nan;
  out[index++] = loud ? shortTerm_ : nan;
  out[index++] = loud ? integrated_ : nan;
  out[index++] = loud ? range_ : nan;
  framesSinceRead_ = 0;
  return Napi::Number::New(env, static_cast<double>(frames));
}

}  // namespace jackbay
