#include "event_queue.h"

#include <cerrno>
#include <iterator>

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

void EventQueue::pushBlocksize(uint32_t frames) {
  blocksizes_.record(frames);
  wake();
}

void EventQueue::pushSamplerate(uint32_t rate) {
  samplerates_.record(rate);
  wake();
}

void EventQueue::pushGraphOrder() {
  graphOrdersWritten_.fetch_add(1, std::memory_order_release);
  wake();
}

void EventQueue::pushXrun(float delayedUsecs) {
  xrunDelays_.record(delayedUsecs);
  wake();
}

void EventQueue::wake() {
  if (started_) sem_post(&semaphore_);
}

std::vector<Event> EventQueue::drain() {
  // Clear the flag first: anything pushed after this line schedules a new call.
  callPending_.store(false);
  std::vector<Event> queued;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    queued.swap(pending_);
  }
  // The counted kinds are read after the queue, so whatever JACK reported
  // before a shutdown is in the same batch, ahead of the shutdown.
  std::vector<Event> events;
  samplerates_.read([&](uint32_t rate) { events.emplace_back(EventKind::Samplerate).a = rate; });
  blocksizes_.read([&](uint32_t frames) { events.emplace_back(EventKind::Blocksize).a = frames; });
  const uint32_t graphOrders = graphOrdersWritten_.load(std::memory_order_acquire);
  for (; graphOrdersRead_ != graphOrders; ++graphOrdersRead_) events.emplace_back(EventKind::GraphOrder);
  xrunDelays_.read([&](float delay) { events.emplace_back(EventKind::Xrun).d = delay; });
  events.insert(events.end(), std::make_move_iterator(queued.begin()), std::make_move_iterator(queued.end()));
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
