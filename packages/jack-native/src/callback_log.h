// The calls of one JACK callback, recorded without locks or allocation, so
// the callback may run on any thread, a realtime one included (PipeWire runs
// xrun and sync there): every call is counted, and the value of each of the
// last kSlots calls is kept until the one reader (the JS thread) takes them.
#pragma once

#include <atomic>
#include <cstdint>

namespace jackbay {

template <typename Value>
class CallbackLog {
 public:
  static_assert(std::atomic<Value>::is_always_lock_free, "a realtime thread records these");

  // From any thread. JACK calls a callback from one thread at a time, but a
  // library may report a value on the caller's thread as well (activation):
  // writers that meet retry, so each call is still counted, and the last
  // value published is the last call's. Never waits for another thread.
  void record(Value value) {
    uint32_t index = written_.load(std::memory_order_relaxed);
    do {
      values_[index % kSlots].store(value, std::memory_order_relaxed);
    } while (!written_.compare_exchange_weak(index, index + 1, std::memory_order_release,
                                             std::memory_order_relaxed));
  }

  // The reader: `each(value)` once per call recorded since the last read,
  // oldest first. When more than kSlots calls came in between, the oldest
  // of them are reported with later values; the last value is exact.
  template <typename Each>
  void read(Each&& each) {
    const uint32_t written = written_.load(std::memory_order_acquire);
    for (; read_ != written; ++read_) each(values_[read_ % kSlots].load(std::memory_order_relaxed));
  }

 private:
  static constexpr uint32_t kSlots = 64;
  std::atomic<uint32_t> written_{0};
  uint32_t read_ = 0;
  std::atomic<Value> values_[kSlots] = {};
};

}  // namespace jackbay
