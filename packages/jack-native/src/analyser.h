// A level and loudness analyser fed from a capture ring: the engine's capture
// stream (engine_rt.cpp) copies each cycle's samples of one or two ports into
// the ring on JACK's realtime thread, and read() drains it here, off that
// thread: peak, RMS, the K-system meter's RMS, true peak, clips, and EBU R128
// loudness through libebur128 (ebur128_lib.h).
//
// It runs on the thread that calls read(): in Jackbay the service's JS thread,
// about 30 times a second. Not a thread of its own, because then read(),
// resetLoudness() and libebur128's state would need a lock or a second ring
// between two non-realtime threads for nothing: the analysis of a stereo pair
// costs well under a millisecond per read, and the ring holds seconds of
// audio, so a busy JS thread delays readings but loses no sample (a full ring
// is counted as overruns by the capture stream, never hidden).
#pragma once

#include <napi.h>

#include <cstdint>
#include <vector>

#include "ebur128_lib.h"
#include "shared_ring.h"

namespace jackbay {

class NativeAnalyser : public Napi::ObjectWrap<NativeAnalyser> {
 public:
  static Napi::Function Init(Napi::Env env);
  // new NativeAnalyser(memory: ArrayBuffer, size: number, channels: 1 | 2, rate: number, loudness: boolean)
  explicit NativeAnalyser(const Napi::CallbackInfo& info);
  ~NativeAnalyser() override;

 private:
  struct Channel {
    float peak = 0;         // since the last read
    double sumSquares = 0;  // since the last read
    double clips = 0;       // samples at or above full scale since the last read
    double truePeak = 0;    // since the last read (libebur128, 4x oversampled)
    double z1 = 0, z2 = 0;  // K-meter ballistics (jkmeter's Kmeterdsp)
  };

  // read(out: Float64Array): number of frames analysed since the last call.
  Napi::Value Read(const Napi::CallbackInfo& info);
  void ResetLoudness(const Napi::CallbackInfo& info);
  Napi::Value HasLoudness(const Napi::CallbackInfo& info);
  void Close(const Napi::CallbackInfo& info);

  void analyse(const float* frames, uint32_t count);
  void updateLoudness(bool all);
  void destroyLoudness();

  Napi::Reference<Napi::ArrayBuffer> memory_;
  SharedRing ring_;
  uint32_t channels_ = 0;
  double rate_ = 0;
  double omega_ = 0;
  uint32_t kPhase_ = 0;
  std::vector<Channel> state_;
  std::vector<float> scratch_;
  uint64_t framesSinceRead_ = 0;
  uint64_t framesSinceGlobal_ = 0;
  const Ebur128Api* api_ = nullptr;
  ebur128_state* loudness_ = nullptr;
  double momentary_, shortTerm_, integrated_, range_;
};

}  // namespace jackbay
