#include "event_queue.h"

#include <cerrno>

namespace jackbay {

void EventQueue::start(Napi::Env env, Napi::Function wake) {
  sem_init(&semaphore_, 0, 0);
  tsfn_ = Napi::ThreadSafeFunction::New(env, wake, "jackbay-events", 0, 1);
  tsfn_.Unref(env);
  started_ = true;
  thread_ = std::thread([this] { run(); });
}

void EventQueue::setKeepAlive(Napi::Env env, bool keepAlive) {
  if (!started_) return;
  if (keepAlive)
    tsfn_.Ref(env);
  else
    tsfn_.Unref(env);
}

void EventQueue::stop() {
  if (!started_) return;
  started_ = false;
  stopping_.store(true);
  sem_post(&semaphore_);
  if (thread_.joinable()) thread_.join();
  tsfn_.Release();
  sem_destroy(&semaphore_);
}

void EventQueue::push(Event&& event) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    pending_.push_back(std::move(event));
  }
  wake();
}

void EventQueue::pushXrun(float delayedUsecs) {
  uint32_t index = xrunWritten_.load(std::memory_order_relaxed);
  xrunDelays_[index % kXrunSlots].store(delayedUsecs, std::memory_order_relaxed);
  xrunWritten_.store(index + 1, std::memory_order_release);
  wake();
}

void EventQueue::wake() {
  if (started_) sem_post(&semaphore_);
}

std::vector<Event> EventQueue::drain() {
  // Clear the flag first: anything pushed after this line schedules a new call.
  callPending_.store(false);
  std::vector<Event> events;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    events.swap(pending_);
  }
  uint32_t written = xrunWritten_.load(std::memory_order_acquire);
  // If more xruns happened than we keep delays for, the oldest delays are
  // gone; each xrun is still reported once.
  for (; xrunRead_ != written; ++xrunRead_) {
    Event xrun(EventKind::Xrun);
    xrun.d = xrunDelays_[xrunRead_ % kXrunSlots].load(std::memory_order_relaxed);
    events.push_back(std::move(xrun));
  }
  return events;
}

namespace {
// The wake-up call into JS, in raw N-API on purpose: at process exit a call
// still queued runs while the environment is torn down and JS cannot run;
// node-addon-api would turn that failed call into a C++ exception there,
// which ends the process ("terminate called …"). An exception thrown by the
// JS function itself stays pending and is reported as uncaught, as usual.
void callWake(Napi::Env env, Napi::Function wake) {
  if (env == nullptr || wake.IsEmpty()) return;
  napi_value undefined = nullptr;
  napi_value result = nullptr;
  if (napi_get_undefined(env, &undefined) != napi_ok) return;
  napi_call_function(env, undefined, wake, 0, nullptr, &result);
}
}  // namespace

void EventQueue::run() {
  for (;;) {
    while (sem_wait(&semaphore_) == -1 && errno == EINTR) {
    }
    if (stopping_.load()) return;
    if (!callPending_.exchange(true)) {
      if (tsfn_.NonBlockingCall(callWake) != napi_ok) callPending_.store(false);
    }
  }
}

}  // namespace jackbay
