// Every callback the addon gives JACK runs with thread cancellation held off.
//
// JACK2 ends a client's threads with pthread_cancel, of the asynchronous kind
// (JackPosixThread's default): jack_deactivate cancels the realtime thread,
// jack_client_close the notification thread too, wherever each is. A cancel
// that acts inside our C++ unwinds from the middle of it: in a destructor or a
// noexcept call that ends the process ("terminate called without an active
// exception", seen in CI as a test process closed its clients); in malloc it
// would leave the heap locked. Held off, the cancel acts as the callback
// returns, in JACK2's own code, which is where JACK2 expects its threads to
// end. PipeWire's libjack cancels a thread only when asked to
// (jack_client_kill_thread), never as a client closes; there this costs two
// calls per callback that only set a flag of the thread.
#pragma once

#include <type_traits>

namespace jackbay {

// Defined in their own file, and not noexcept: a cancel held meanwhile acts
// inside releaseCancel, and the unwinding needs that call to be one the
// compiler knows may unwind.
int holdCancel();
void releaseCancel(int previousState);

template <auto Callback>
struct Uncancellable;

// Uncancellable<&f>::call has f's signature; JACK gets it in f's place.
template <typename Result, typename... Args, Result (*Callback)(Args...)>
struct Uncancellable<Callback> {
  static Result call(Args... args) {
    const int previous = holdCancel();
    if constexpr (std::is_void_v<Result>) {
      run(args...);
      releaseCancel(previous);
    } else {
      Result result = run(args...);
      releaseCancel(previous);
      return result;
    }
  }

 private:
  // Never inlined into call(): the callback's destructors stay in this frame,
  // so call() has no cleanups and no exception table, and a cancel that acts
  // at any instruction of call() (before the hold, after the release) unwinds
  // through it.
  [[gnu::noinline]] static Result run(Args... args) { return Callback(args...); }
};

}  // namespace jackbay
