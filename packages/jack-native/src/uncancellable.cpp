#include "uncancellable.h"

#include <pthread.h>

namespace jackbay {

// pthread_setcancelstate is async-cancel-safe and neither locks nor allocates:
// fit for the realtime thread.
int holdCancel() {
  int previous = PTHREAD_CANCEL_ENABLE;
  pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, &previous);
  return previous;
}

void releaseCancel(int previousState) {
  int held = PTHREAD_CANCEL_DISABLE;
  pthread_setcancelstate(previousState, &held);
}

}  // namespace jackbay
