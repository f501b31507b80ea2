#include "process_clients.h"

#include <cstdlib>
#include <mutex>
#include <vector>

namespace jackbay::process_clients {

namespace {

struct Entry {
  ClientSlots slots;
  std::string server;
};

// Held around every jack_client_open and jack_client_close of the process.
// No JACK thread takes it (the callbacks only set atomics), so holding it
// while libjack waits for its own threads cannot deadlock.
std::mutex& processLock() {
  static std::mutex lock;
  return lock;
}

std::vector<Entry>& entries() {
  static std::vector<Entry> list;
  return list;
}

void closeSlots(const ClientSlots& slots) {
  jack_client_t* client = slots.client->exchange(nullptr);
  // jack_client_close deactivates first; after it returns no JACK thread
  // touches the client's owner any more.
  if (client) jack().jack_client_close(client);
}

void forget(const ClientSlots& slots) {
  auto& list = entries();
  for (auto it = list.begin(); it != list.end(); ++it)
    if (it->slots.client == slots.client) {
      list.erase(it);
      return;
    }
}

}  // namespace

std::string serverFor(const std::string& requested) {
  if (!requested.empty()) return requested;
  // libjack reads the same variable (jack_default_server_name).
  const char* fromEnv = std::getenv("JACK_DEFAULT_SERVER");
  return fromEnv && *fromEnv ? fromEnv : "default";
}

std::string open(const ClientSlots& slots, const std::string& server, const std::function<void()>& open) {
  std::lock_guard<std::mutex> guard(processLock());
  auto& list = entries();
  for (auto it = list.begin(); it != list.end();) {
    if (it->slots.shutDown->load()) {
      closeSlots(it->slots);
      it = list.erase(it);
    } else {
      ++it;
    }
  }
  for (const Entry& entry : list)
    if (entry.server != server)
      return "this process has a client of JACK server '" + entry.server +
             "' open; libjack keeps one server context per process, so a client of server '" + server +
             "' would share it (and crash the process when either server goes away). Close the other "
             "server's clients first, or talk to the second server from a child process.";
  open();
  if (slots.client->load()) list.push_back(Entry{slots, server});
  return "";
}

void close(const ClientSlots& slots) {
  std::lock_guard<std::mutex> guard(processLock());
  forget(slots);
  closeSlots(slots);
}

}  // namespace jackbay::process_clients
