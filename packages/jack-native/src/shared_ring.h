// The realtime side of lib/ringbuffer.ts: the same single-producer
// single-consumer byte ring, on memory that JavaScript allocated (so JS reads
// and writes it in place). Layout in layouts.h; `size` is a power of two; one
// byte stays free.
// Only atomics and memcpy: safe on JACK's realtime thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <cstring>

#include "layouts.h"

namespace jackbay {

class SharedRing {
 public:
  SharedRing() = default;
  SharedRing(uint8_t* memory, uint32_t size)
      : write_(reinterpret_cast<std::atomic<int32_t>*>(memory + kRingWriteIndexOffset)),
        read_(reinterpret_cast<std::atomic<int32_t>*>(memory + kRingReadIndexOffset)),
        data_(memory + kRingDataOffset),
        size_(size),
        mask_(size - 1) {}

  static constexpr uint32_t kHeaderBytes = kRingDataOffset;

  uint32_t writeSpace() const {
    uint32_t w = static_cast<uint32_t>(write_->load(std::memory_order_relaxed));
    uint32_t r = static_cast<uint32_t>(read_->load(std::memory_order_acquire));
    return (r - w - 1) & mask_;
  }

  uint32_t readSpace() const {
    uint32_t w = static_cast<uint32_t>(write_->load(std::memory_order_acquire));
    uint32_t r = static_cast<uint32_t>(read_->load(std::memory_order_relaxed));
    return (w - r) & mask_;
  }

  // Writes all of `count` bytes or nothing; publishing is left to commitWrite
  // so a record made of several pieces appears at once.
  void put(uint32_t offset, const void* src, uint32_t count) {
    uint32_t start = (static_cast<uint32_t>(write_->load(std::memory_order_relaxed)) + offset) & mask_;
    uint32_t first = count < size_ - start ? count : size_ - start;
    std::memcpy(data_ + start, src, first);
    if (count > first) std::memcpy(data_, static_cast<const uint8_t*>(src) + first, count - first);
  }

  void commitWrite(uint32_t count) {
    uint32_t w = static_cast<uint32_t>(write_->load(std::memory_order_relaxed));
    write_->store(static_cast<int32_t>((w + count) & mask_), std::memory_order_release);
  }

  void get(void* dst, uint32_t count) {
    // Masked like every index here: the memory is writable from JS.
    uint32_t start = static_cast<uint32_t>(read_->load(std::memory_order_relaxed)) & mask_;
    uint32_t first = count < size_ - start ? count : size_ - start;
    std::memcpy(dst, data_ + start, first);
    if (count > first) std::memcpy(static_cast<uint8_t*>(dst) + first, data_, count - first);
    read_->store(static_cast<int32_t>((start + count) & mask_), std::memory_order_release);
  }

  // Copies `count` bytes from the read side without consuming them.
  void peek(void* dst, uint32_t count) const {
    uint32_t start = static_cast<uint32_t>(read_->load(std::memory_order_relaxed)) & mask_;
    uint32_t first = count < size_ - start ? count : size_ - start;
    std::memcpy(dst, data_ + start, first);
    if (count > first) std::memcpy(static_cast<uint8_t*>(dst) + first, data_, count - first);
  }

  // Consumes `count` bytes without copying them.
  void skip(uint32_t count) {
    uint32_t start = static_cast<uint32_t>(read_->load(std::memory_order_relaxed)) & mask_;
    read_->store(static_cast<int32_t>((start + count) & mask_), std::memory_order_release);
  }

  bool valid() const { return data_ != nullptr; }

 private:
  std::atomic<int32_t>* write_ = nullptr;
  std::atomic<int32_t>* read_ = nullptr;
  uint8_t* data_ = nullptr;
  uint32_t size_ = 0;
  uint32_t mask_ = 0;
};

}  // namespace jackbay
