// Notifications from JACK's threads to the JS thread.
//
// JACK's notification thread records a fixed set of values per event and
// posts a semaphore; a dispatcher thread turns that into one thread-safe-
// function call per batch; the JS side drains everything queued. sem_post is
// async-signal-safe and never blocks, so even callbacks that PipeWire runs on
// its realtime thread (xrun) can wake JS without locking.
#pragma once

#include <napi.h>
#include <semaphore.h>

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "layouts.h"

namespace jackbay {

struct Event {
  explicit Event(EventKind k) : kind(k) {}
  EventKind kind;
  int64_t a = 0;  // flag/number argument (register, connect, size, status, change, port flags)
  int64_t b = 0;  // second port's flags for PortConnect
  double d = 0;   // xrun delay in µs
  double h1 = 0, h2 = 0;  // port handles (see convert.h), 0 when unavailable
  std::string s1, s2, s3, s4;  // names, reasons, types (see NativeClient::DrainEvents)
};

class EventQueue {
 public:
  EventQueue() = default;
  EventQueue(const EventQueue&) = delete;
  EventQueue& operator=(const EventQueue&) = delete;
  ~EventQueue() { stop(); }

  // Starts the dispatcher; `wake` is called (on the JS thread) once per batch.
  void start(Napi::Env env, Napi::Function wake);
  // Joins the dispatcher and releases the thread-safe function. Idempotent.
  void stop();
  // Keeps the Node event loop alive while the client is active.
  void setKeepAlive(Napi::Env env, bool keepAlive);

  // From JACK's notification thread (may allocate, may lock briefly).
  void push(Event&& event);
  // From any thread, including a realtime one: lock-free, allocation-free.
  void pushXrun(float delayedUsecs);
  // Wakes the JS thread without an event (realtime-safe).
  void wake();

  // JS thread: everything queued since the last drain, xruns included.
  std::vector<Event> drain();

 private:
  void run();

  std::mutex mutex_;
  std::vector<Event> pending_;
  // xruns: a counter and the last few delays, written without locks.
  static constexpr uint32_t kXrunSlots = 64;
  std::atomic<uint32_t> xrunWritten_{0};
  uint32_t xrunRead_ = 0;
  std::atomic<float> xrunDelays_[kXrunSlots] = {};

  sem_t semaphore_;
  std::atomic<bool> started_{false};
  std::atomic<bool> stopping_{false};
  std::atomic<bool> callPending_{false};
  std::thread thread_;
  Napi::ThreadSafeFunction tsfn_;
};

}  // namespace jackbay
