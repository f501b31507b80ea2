// NativeClient: one jack_client_t and its notification plumbing.
//
// A thin layer: it converts arguments, calls libjack and returns JACK's own
// results (0 / error codes, null handles). Policy — which errors to raise,
// Port objects, callbacks — lives in the TypeScript layer (lib/client.ts).
// Ports cross the boundary as numeric handles: the jack_port_t* value, which
// stays valid (and stable) for the lifetime of the client.
#pragma once

#include <napi.h>

#include <atomic>

#include <memory>

#include "addon_data.h"
#include "engine.h"
#include "event_queue.h"
#include "process_clients.h"
#include "weak_jack.h"

namespace jackbay {

class NativeClient : public Napi::ObjectWrap<NativeClient> {
 public:
  static Napi::Function Init(Napi::Env env);
  explicit NativeClient(const Napi::CallbackInfo& info);
  ~NativeClient() override;

  // Deactivates and closes the client and stops the event thread. Idempotent;
  // called by close(), the finalizer and the environment cleanup hook.
  void Close();

 private:
  // Lifecycle and client properties
  Napi::Value IsOpen(const Napi::CallbackInfo& info);
  Napi::Value Name(const Napi::CallbackInfo& info);
  Napi::Value Uuid(const Napi::CallbackInfo& info);
  Napi::Value Samplerate(const Napi::CallbackInfo& info);
  Napi::Value Blocksize(const Napi::CallbackInfo& info);
  Napi::Value SetBlocksize(const Napi::CallbackInfo& info);
  Napi::Value Realtime(const Napi::CallbackInfo& info);
  Napi::Value FramesSinceCycleStart(const Napi::CallbackInfo& info);
  Napi::Value FrameTime(const Napi::CallbackInfo& info);
  Napi::Value LastFrameTime(const Napi::CallbackInfo& info);
  Napi::Value Activate(const Napi::CallbackInfo& info);
  Napi::Value Deactivate(const Napi::CallbackInfo& info);
  Napi::Value CpuLoad(const Napi::CallbackInfo& info);
  Napi::Value CloseJs(const Napi::CallbackInfo& info);
  Napi::Value SetFreewheel(const Napi::CallbackInfo& info);
  Napi::Value GetUuidForClientName(const Napi::CallbackInfo& info);
  Napi::Value GetClientNameByUuid(const Napi::CallbackInfo& info);

  // Connections and port lookup
  Napi::Value Connect(const Napi::CallbackInfo& info);
  Napi::Value Disconnect(const Napi::CallbackInfo& info);
  Napi::Value GetPorts(const Napi::CallbackInfo& info);
  Napi::Value PortByName(const Napi::CallbackInfo& info);
  Napi::Value PortRegister(const Napi::CallbackInfo& info);
  Napi::Value PortUnregister(const Napi::CallbackInfo& info);
  Napi::Value PortRename(const Napi::CallbackInfo& info);
  Napi::Value PortIsMine(const Napi::CallbackInfo& info);
  Napi::Value PortConnections(const Napi::CallbackInfo& info);
  Napi::Value PortAllConnections(const Napi::CallbackInfo& info);
  Napi::Value PortConnectedCount(const Napi::CallbackInfo& info);
  Napi::Value PortConnectedTo(const Napi::CallbackInfo& info);
  Napi::Value PortDisconnectAll(const Napi::CallbackInfo& info);

  // Transport
  Napi::Value TransportStart(const Napi::CallbackInfo& info);
  Napi::Value TransportStop(const Napi::CallbackInfo& info);
  Napi::Value TransportQuery(const Napi::CallbackInfo& info);
  Napi::Value TransportFrame(const Napi::CallbackInfo& info);
  Napi::Value TransportLocate(const Napi::CallbackInfo& info);
  Napi::Value TransportReposition(const Napi::CallbackInfo& info);
  Napi::Value SetSyncTimeout(const Napi::CallbackInfo& info);
  Napi::Value ReleaseTimebase(const Napi::CallbackInfo& info);

  // Metadata (writes need a client; reads are module functions)
  Napi::Value SetProperty(const Napi::CallbackInfo& info);
  Napi::Value RemoveProperty(const Napi::CallbackInfo& info);
  Napi::Value RemoveProperties(const Napi::CallbackInfo& info);
  Napi::Value RemoveAllProperties(const Napi::CallbackInfo& info);

  // Notifications
  Napi::Value DrainEvents(const Napi::CallbackInfo& info);

  // The realtime engine (see engine.h and lib/engine.ts)
  Napi::Value EngineUpdate(const Napi::CallbackInfo& info);
  Napi::Value EngineReadMeters(const Napi::CallbackInfo& info);
  Napi::Value EngineSetSine(const Napi::CallbackInfo& info);
  Napi::Value EngineCounters(const Napi::CallbackInfo& info);
  Napi::Value EngineMonitorCounts(const Napi::CallbackInfo& info);
  Napi::Value EngineSetTempo(const Napi::CallbackInfo& info);
  Napi::Value SetTimebaseMaster(const Napi::CallbackInfo& info);
  Napi::Value SetSyncCallbackEnabled(const Napi::CallbackInfo& info);
  Napi::Value SyncAnswer(const Napi::CallbackInfo& info);
  Napi::Value EngineSyncRequest(const Napi::CallbackInfo& info);
  Napi::Value EngineCycleTimes(const Napi::CallbackInfo& info);
  Napi::Value UseJsTimebase(const Napi::CallbackInfo& info);
  Napi::Value TimebaseRequest(const Napi::CallbackInfo& info);
  Napi::Value TimebaseAnswer(const Napi::CallbackInfo& info);

  // Throws a JS error and returns false when the client cannot be used.
  bool CheckUsable(Napi::Env env);
  ClientSlots Slots() { return ClientSlots{&client_, &zombie_}; }
  void InstallCallbacks();

  static int OnBufferSize(jack_nframes_t frames, void* arg);
  static int OnSampleRate(jack_nframes_t rate, void* arg);
  static void OnFreewheel(int starting, void* arg);
  static void OnClientRegistration(const char* name, int registered, void* arg);
  static void OnPortRegistration(jack_port_id_t id, int registered, void* arg);
  static void OnPortConnect(jack_port_id_t a, jack_port_id_t b, int connected, void* arg);
  static void OnPortRename(jack_port_id_t id, const char* oldName, const char* newName, void* arg);
  static int OnGraphOrder(void* arg);
  static int OnXrun(void* arg);
  static void OnPropertyChange(jack_uuid_t subject, const char* key, jack_property_change_t change,
                               void* arg);
  static void OnShutdown(jack_status_t code, const char* reason, void* arg);
  static int OnProcess(jack_nframes_t frames, void* arg);
  static void OnTimebase(jack_transport_state_t state, jack_nframes_t frames, jack_position_t* pos, int newPos,
                         void* arg);
  static int OnSync(jack_transport_state_t state, jack_position_t* pos, void* arg);

  AddonData* addon_ = nullptr;
  // Cleared by Close(), or by another open in the process once the server
  // has shut this client down (process_clients.h).
  std::atomic<jack_client_t*> client_{nullptr};
  std::atomic<bool> zombie_{false};  // the server shut this client down
  // The same fact in JS-owned memory, so JS can check it without a native call.
  Napi::Reference<Napi::Int32Array> stateRef_;
  std::atomic<int32_t>* jsZombieFlag_ = nullptr;
  EventQueue events_;
  std::unique_ptr<Engine> engine_;  // created with the client, destroyed after jack_client_close
};

}  // namespace jackbay
