// Every libjack client of the process, across Node environments (the main
// thread and each worker): libjack keeps ONE global context per process (the
// graph and engine shared memory, a sync table, one "server running" flag, a
// client table indexed by each server's own client numbers), so two rules
// hold for the whole process, and this registry is the addon's one static.
//
// 1. A client the server has shut down is closed before any new open. After
//    its server died, JACK2 (1.9.21) deletes every remaining client inside the
//    next jack_client_open ("Cleanup client ref = 2"); a later
//    jack_client_close of that handle, by close() or the finalizer, is a
//    use after free.
// 2. One server per process. A second server's client shares the first one's
//    context: it reads the first server's graph, and when the second server
//    dies the next open unmaps the context under the first server's realtime
//    thread (SIGSEGV). Opening a client of another server while a client of
//    one server is open is refused ('ERR_ONE_SERVER', kind 'unsupported').
#pragma once

#include <atomic>
#include <functional>
#include <string>

#include "weak_jack.h"

namespace jackbay {

// A client's slots the registry reads and clears; owned by its NativeClient.
struct ClientSlots {
  std::atomic<jack_client_t*>* client;
  std::atomic<bool>* shutDown;  // set by the client's shutdown callback
};

namespace process_clients {

// The server a jack_client_open with this server name (empty: none given)
// talks to, resolved as libjack resolves it.
std::string serverFor(const std::string& requested);

// Under the process-wide lock: closes every client the server has shut down
// (clearing its client slot), then, if a live client of another server is
// open, returns why this open is refused and opens nothing. Otherwise runs
// `open` (which must store the new client, or null, in slots.client) and
// registers the slots when it succeeded. Returns "" when not refused.
std::string open(const ClientSlots& slots, const std::string& server, const std::function<void()>& open);

// Closes the client in these slots, if still open, and forgets them. Idempotent.
void close(const ClientSlots& slots);

}  // namespace process_clients
}  // namespace jackbay
