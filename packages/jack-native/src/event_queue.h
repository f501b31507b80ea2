// Notifications from JACK's threads to the JS thread.
//
// JACK's threads record a fixed set of values per event and post a
// semaphore; a dispatcher thread turns that into one thread-safe-function
// call per batch; the JS side drains everything recorded. Most events are
// queued under a mutex (they carry names); buffer size, sample rate, graph
// order and xruns are counted with atomics instead (CallbackLog), because
// PipeWire runs some callbacks on its realtime thread (xrun and sync do) and
// those may not lock or allocate on any server. sem_post is async-signal-safe
// and never blocks, so they can wake JS as well.
#pragma once

#include <napi.h>
#include <semaphore.h>

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "callback_log.h"
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
  void pushBlocksize(uint32_t frames);
  void pushSamplerate(uint32_t rate);
  void pushGraphOrder();
  void pushXrun(float delayedUsecs);
  // Wakes the JS thread without an event (realtime-safe).
  void wake();

  // JS thread: everything recorded since the last drain. The counted kinds
  // come first, each in the order of its calls; then the queued events in
  // theirs (a shutdown, always queued, stays last).
  std::vector<Event> drain();

 private:
  void run();

  std::mutex mutex_;
  std::vector<Event> pending_;
  // The counted kinds, written without locks.
  CallbackLog<uint32_t> samplerates_;
  CallbackLog<uint32_t> blocksizes_;
  std::atomic<uint32_t> graphOrdersWritten_{0};
  uint32_t graphOrdersRead_ = 0;
  CallbackLog<float> xrunDelays_;  // µs

  sem_t semaphore_;
  std::atomic<bool> started_{false};
  std::atomic<bool> stopping_{false};
  std::atomic<bool> callPending_{false};
  std::thread thread_;
  Napi::ThreadSafeFunction tsfn_;
};

}  // namespace jackbay
