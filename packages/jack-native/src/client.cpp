#include "client.h"

#include <regex.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "convert.h"
#include "napi_helpers.h"
#include "uncancellable.h"

namespace jackbay {

namespace {

jack_position_t positionFromObject(const Napi::Object& object) {
  jack_position_t pos;
  std::memset(&pos, 0, sizeof pos);
  auto number = [&](const char* key) -> double {
    Napi::Value value = object.Get(key);
    return value.IsNumber() ? value.As<Napi::Number>().DoubleValue() : 0.0;
  };
  pos.frame = static_cast<jack_nframes_t>(number("frame"));
  pos.valid = static_cast<jack_position_bits_t>(static_cast<int>(number("valid")));
  pos.bar = static_cast<int32_t>(number("bar"));
  pos.beat = static_cast<int32_t>(number("beat"));
  pos.tick = static_cast<int32_t>(number("tick"));
  pos.bar_start_tick = number("barStartTick");
  pos.beats_per_bar = static_cast<float>(number("beatsPerBar"));
  pos.beat_type = static_cast<float>(number("beatType"));
  pos.ticks_per_beat = number("ticksPerBeat");
  pos.beats_per_minute = number("beatsPerMinute");
  pos.frame_time = number("frameTime");
  pos.next_time = number("nextTime");
  pos.bbt_offset = static_cast<jack_nframes_t>(number("bbtOffset"));
  pos.audio_frames_per_video_frame = static_cast<float>(number("audioFramesPerVideoFrame"));
  pos.video_offset = static_cast<jack_nframes_t>(number("videoOffset"));
  return pos;
}

Napi::Object positionToObject(Napi::Env env, const jack_position_t& pos) {
  Napi::Object object = Napi::Object::New(env);
  object.Set("unique1", Napi::Number::New(env, static_cast<double>(pos.unique_1)));
  object.Set("usecs", Napi::Number::New(env, static_cast<double>(pos.usecs)));
  object.Set("frameRate", Napi::Number::New(env, pos.frame_rate));
  object.Set("frame", Napi::Number::New(env, pos.frame));
  object.Set("valid", Napi::Number::New(env, pos.valid));
  object.Set("bar", Napi::Number::New(env, pos.bar));
  object.Set("beat", Napi::Number::New(env, pos.beat));
  object.Set("tick", Napi::Number::New(env, pos.tick));
  object.Set("barStartTick", Napi::Number::New(env, pos.bar_start_tick));
  object.Set("beatsPerBar", Napi::Number::New(env, pos.beats_per_bar));
  object.Set("beatType", Napi::Number::New(env, pos.beat_type));
  object.Set("ticksPerBeat", Napi::Number::New(env, pos.ticks_per_beat));
  object.Set("beatsPerMinute", Napi::Number::New(env, pos.beats_per_minute));
  object.Set("frameTime", Napi::Number::New(env, pos.frame_time));
  object.Set("nextTime", Napi::Number::New(env, pos.next_time));
  object.Set("bbtOffset", Napi::Number::New(env, pos.bbt_offset));
  object.Set("audioFramesPerVideoFrame", Napi::Number::New(env, pos.audio_frames_per_video_frame));
  object.Set("videoOffset", Napi::Number::New(env, pos.video_offset));
  object.Set("unique2", Napi::Number::New(env, static_cast<double>(pos.unique_2)));
  return object;
}

}  // namespace

Napi::Function NativeClient::Init(Napi::Env env) {
  return DefineClass(
      env, "NativeClient",
      {
          InstanceMethod<&NativeClient::IsOpen>("isOpen"),
          InstanceMethod<&NativeClient::Name>("name"),
          InstanceMethod<&NativeClient::Uuid>("uuid"),
          InstanceMethod<&NativeClient::Samplerate>("samplerate"),
          InstanceMethod<&NativeClient::Blocksize>("blocksize"),
          InstanceMethod<&NativeClient::SetBlocksize>("setBlocksize"),
          InstanceMethod<&NativeClient::Realtime>("realtime"),
          InstanceMethod<&NativeClient::FramesSinceCycleStart>("framesSinceCycleStart"),
          InstanceMethod<&NativeClient::FrameTime>("frameTime"),
          InstanceMethod<&NativeClient::LastFrameTime>("lastFrameTime"),
          InstanceMethod<&NativeClient::Activate>("activate"),
          InstanceMethod<&NativeClient::Deactivate>("deactivate"),
          InstanceMethod<&NativeClient::CpuLoad>("cpuLoad"),
          InstanceMethod<&NativeClient::CloseJs>("close"),
          InstanceMethod<&NativeClient::SetFreewheel>("setFreewheel"),
          InstanceMethod<&NativeClient::GetUuidForClientName>("getUuidForClientName"),
          InstanceMethod<&NativeClient::GetClientNameByUuid>("getClientNameByUuid"),
          InstanceMethod<&NativeClient::Connect>("connect"),
          InstanceMethod<&NativeClient::Disconnect>("disconnect"),
          InstanceMethod<&NativeClient::GetPorts>("getPorts"),
          InstanceMethod<&NativeClient::PortByName>("portByName"),
          InstanceMethod<&NativeClient::PortRegister>("portRegister"),
          InstanceMethod<&NativeClient::PortUnregister>("portUnregister"),
          InstanceMethod<&NativeClient::PortRename>("portRename"),
          InstanceMethod<&NativeClient::PortIsMine>("portIsMine"),
          InstanceMethod<&NativeClient::PortConnections>("portConnections"),
          InstanceMethod<&NativeClient::PortAllConnections>("portAllConnections"),
          InstanceMethod<&NativeClient::PortConnectedCount>("portConnectedCount"),
          InstanceMethod<&NativeClient::PortConnectedTo>("portConnectedTo"),
          InstanceMethod<&NativeClient::PortDisconnectAll>("portDisconnectAll"),
          InstanceMethod<&NativeClient::TransportStart>("transportStart"),
          InstanceMethod<&NativeClient::TransportStop>("transportStop"),
          InstanceMethod<&NativeClient::TransportQuery>("transportQuery"),
          InstanceMethod<&NativeClient::TransportFrame>("transportFrame"),
          InstanceMethod<&NativeClient::TransportLocate>("transportLocate"),
          InstanceMethod<&NativeClient::TransportReposition>("transportReposition"),
          InstanceMethod<&NativeClient::SetSyncTimeout>("setSyncTimeout"),
          InstanceMethod<&NativeClient::ReleaseTimebase>("releaseTimebase"),
          InstanceMethod<&NativeClient::SetProperty>("setProperty"),
          InstanceMethod<&NativeClient::RemoveProperty>("removeProperty"),
          InstanceMethod<&NativeClient::RemoveProperties>("removeProperties"),
          InstanceMethod<&NativeClient::RemoveAllProperties>("removeAllProperties"),
          InstanceMethod<&NativeClient::DrainEvents>("drainEvents"),
          InstanceMethod<&NativeClient::EngineUpdate>("engineUpdate"),
          InstanceMethod<&NativeClient::EngineReadMeters>("engineReadMeters"),
          InstanceMethod<&NativeClient::EngineSetSine>("engineSetSine"),
          InstanceMethod<&NativeClient::EngineCounters>("engineCounters"),
          InstanceMethod<&NativeClient::EngineMonitorCounts>("engineMonitorCounts"),
          InstanceMethod<&NativeClient::EngineSetTempo>("engineSetTempo"),
          InstanceMethod<&NativeClient::SetTimebaseMaster>("setTimebaseMaster"),
          InstanceMethod<&NativeClient::SetSyncCallbackEnabled>("setSyncCallbackEnabled"),
          InstanceMethod<&NativeClient::SyncAnswer>("syncAnswer"),
          InstanceMethod<&NativeClient::EngineSyncRequest>("engineSyncRequest"),
          InstanceMethod<&NativeClient::EngineCycleTimes>("engineCycleTimes"),
          InstanceMethod<&NativeClient::UseJsTimebase>("useJsTimebase"),
          InstanceMethod<&NativeClient::TimebaseRequest>("timebaseRequest"),
          InstanceMethod<&NativeClient::TimebaseAnswer>("timebaseAnswer"),
      });
}

// new NativeClient(name, useExactName, noStartServer, serverName|null, sessionId|null, wake, state?)
// `state` (an Int32Array) gets 1 in its first element when the server shuts the client down.
// Throws an Error with code 'ERR_JACK_OPEN' and the status bits on failure.
NativeClient::NativeClient(const Napi::CallbackInfo& info) : Napi::ObjectWrap<NativeClient>(info) {
  Napi::Env env = info.Env();
  addon_ = env.GetInstanceData<AddonData>();
  requireLibrary(env);

  std::string name = toString(info[0]);
  bool useExactName = info[1].ToBoolean();
  bool noStartServer = info[2].ToBoolean();
  std::string serverName = info[3].IsString() ? toString(info[3]) : "";
  std::string sessionId = info[4].IsString() ? toString(info[4]) : "";
  Napi::Function wake = info[5].As<Napi::Function>();
  if (info[6].IsTypedArray() && info[6].As<Napi::TypedArray>().TypedArrayType() == napi_int32_array &&
      info[6].As<Napi::Int32Array>().ElementLength() > 0) {
    stateRef_ = Napi::Persistent(info[6].As<Napi::Int32Array>());
    jsZombieFlag_ = reinterpret_cast<std::atomic<int32_t>*>(stateRef_.Value().Data());
  }

  int options = JackNullOption;
  if (useExactName) options |= JackUseExactName;
  if (noStartServer) options |= JackNoStartServer;
  if (!serverName.empty()) options |= JackServerName;
  if (!sessionId.empty()) options |= JackSessionID;

  jack_status_t status = static_cast<jack_status_t>(0);
  // jack_client_open reads its variadic arguments in the order of the option bits.
  auto openClient = [&] {
    const auto opts = static_cast<jack_options_t>(options);
    if (!serverName.empty() && !sessionId.empty())
      client_ = jack().jack_client_open(name.c_str(), opts, &status, serverName.c_str(), sessionId.c_str());
    else if (!serverName.empty())
      client_ = jack().jack_client_open(name.c_str(), opts, &status, serverName.c_str());
    else if (!sessionId.empty())
      client_ = jack().jack_client_open(name.c_str(), opts, &status, sessionId.c_str());
    else
      client_ = jack().jack_client_open(name.c_str(), opts, &status);
  };
  std::string refused = process_clients::open(Slots(), process_clients::serverFor(serverName), openClient);
  if (!refused.empty()) throw codedError(env, "ERR_ONE_SERVER", refused);

  if (!client_) {
    Napi::Error error = codedError(env, "ERR_JACK_OPEN", "jack_client_open failed");
    error.Set("status", Napi::Number::New(env, static_cast<int>(status)));
    throw error;
  }
  Value().Set("openStatus", Napi::Number::New(env, static_cast<int>(status)));
  events_.start(env, wake);
  engine_ = std::make_unique<Engine>(client_, &events_);
  InstallCallbacks();
  addon_->openClients.insert(this);
}

NativeClient::~NativeClient() { Close(); }

void NativeClient::Close() {
  if (addon_) addon_->openClients.erase(this);
  process_clients::close(Slots());
  engine_.reset();
  events_.stop();
}

void NativeClient::InstallCallbacks() {
  const JackApi& api = jack();
  // Every notification is requested up front: libjack only accepts callbacks
  // before activation, while our API lets JS subscribe at any time. Each runs
  // with thread cancellation held off (uncancellable.h: JACK2 cancels threads
  // wherever they are).
  api.jack_set_buffer_size_callback(client_, Uncancellable<&OnBufferSize>::call, this);
  api.jack_set_sample_rate_callback(client_, Uncancellable<&OnSampleRate>::call, this);
  api.jack_set_freewheel_callback(client_, Uncancellable<&OnFreewheel>::call, this);
  api.jack_set_client_registration_callback(client_, Uncancellable<&OnClientRegistration>::call, this);
  api.jack_set_port_registration_callback(client_, Uncancellable<&OnPortRegistration>::call, this);
  api.jack_set_port_connect_callback(client_, Uncancellable<&OnPortConnect>::call, this);
  if (api.jack_set_port_rename_callback)
    api.jack_set_port_rename_callback(client_, Uncancellable<&OnPortRename>::call, this);
  api.jack_set_graph_order_callback(client_, Uncancellable<&OnGraphOrder>::call, this);
  api.jack_set_xrun_callback(client_, Uncancellable<&OnXrun>::call, this);
  if (api.jack_set_property_change_callback)
    api.jack_set_property_change_callback(client_, Uncancellable<&OnPropertyChange>::call, this);
  api.jack_on_info_shutdown(client_, Uncancellable<&OnShutdown>::call, this);
  // The engine runs in every cycle; with an empty plan it does nothing.
  api.jack_set_process_callback(client_, Uncancellable<&OnProcess>::call, this);
}

bool NativeClient::CheckUsable(Napi::Env env) {
  if (!client_) throw codedError(env, "ERR_CLOSED", "the client is closed");
  if (zombie_.load()) throw codedError(env, "ERR_SHUTDOWN", "the JACK server has shut this client down");
  return true;
}

// ---- JACK callbacks (JACK's threads). They record and wake; they never call
// ---- the server. Reading a port's name by id is local to libjack.

namespace {
NativeClient* self(void* arg) { return static_cast<NativeClient*>(arg); }
}  // namespace

// Buffer size, sample rate, graph order and xrun: lock-free and allocation-
// free (EventQueue's counted kinds), as PipeWire may call them on its
// realtime thread or on the caller's.
int NativeClient::OnBufferSize(jack_nframes_t frames, void* arg) {
  self(arg)->events_.pushBlocksize(frames);
  return 0;
}

int NativeClient::OnSampleRate(jack_nframes_t rate, void* arg) {
  self(arg)->events_.pushSamplerate(rate);
  return 0;
}

void NativeClient::OnFreewheel(int starting, void* arg) {
  Event event(EventKind::Freewheel);
  event.a = starting ? 1 : 0;
  self(arg)->events_.push(std::move(event));
}

void NativeClient::OnClientRegistration(const char* name, int registered, void* arg) {
  Event event(EventKind::ClientRegistration);
  event.a = registered ? 1 : 0;
  event.s1 = name ? name : "";
  self(arg)->events_.push(std::move(event));
}

namespace {
// Name, type and flags of a port by id, captured while it still exists.
// Empty name: the port is no longer available. `client` is null while the
// client closes (Close() clears it before jack_client_close), and PipeWire's
// libjack still delivers notifications inside jack_client_close: nobody
// reads those events, and jack_port_by_id(NULL, …) fails an assertion there.
void describePort(jack_client_t* client, jack_port_id_t id, std::string* name, std::string* type,
                  int64_t* flags, double* handle) {
  if (!client) return;
  jack_port_t* port = jack().jack_port_by_id(client, id);
  if (!port) return;
  *handle = static_cast<double>(reinterpret_cast<uintptr_t>(port));
  const char* portName = jack().jack_port_name(port);
  const char* portType = jack().jack_port_type(port);
  if (portName) *name = portName;
  if (portType) *type = portType;
  *flags = jack().jack_port_flags(port);
}
}  // namespace

void NativeClient::OnPortRegistration(jack_port_id_t id, int registered, void* arg) {
  NativeClient* me = self(arg);
  Event event(EventKind::PortRegistration);
  event.a = registered ? 1 : 0;
  describePort(me->client_, id, &event.s1, &event.s2, &event.b, &event.h1);
  me->events_.push(std::move(event));
}

void NativeClient::OnPortConnect(jack_port_id_t a, jack_port_id_t b, int connected, void* arg) {
  NativeClient* me = self(arg);
  Event event(EventKind::PortConnect);
  int64_t flagsA = 0, flagsB = 0;
  describePort(me->client_, a, &event.s1, &event.s2, &flagsA, &event.h1);
  describePort(me->client_, b, &event.s3, &event.s4, &flagsB, &event.h2);
  // a: connected flag in bit 0, flags of port a above; b: flags of port b.
  event.a = (connected ? 1 : 0) | (flagsA << 1);
  event.b = flagsB;
  me->events_.push(std::move(event));
}

void NativeClient::OnPortRename(jack_port_id_t id, const char* oldName, const char* newName,
                                void* arg) {
  NativeClient* me = self(arg);
  Event event(EventKind::PortRename);
  describePort(me->client_, id, &event.s3, &event.s4, &event.b, &event.h1);
  event.s1 = oldName ? oldName : "";
  event.s2 = newName ? newName : "";
  me->events_.push(std::move(event));
}

int NativeClient::OnGraphOrder(void* arg) {
  self(arg)->events_.pushGraphOrder();
  return 0;
}

int NativeClient::OnXrun(void* arg) {
  NativeClient* me = self(arg);
  // PipeWire calls this on its realtime thread: no locks, no allocation.
  // No client: it is closing (see describePort).
  jack_client_t* client = me->client_.load();
  float delay = client && jack().jack_get_xrun_delayed_usecs ? jack().jack_get_xrun_delayed_usecs(client) : 0.0f;
  me->events_.pushXrun(delay);
  return 0;
}

void NativeClient::OnPropertyChange(jack_uuid_t subject, const char* key, jack_property_change_t change,
                                    void* arg) {
  Event event(EventKind::PropertyChange);
  event.s1 = std::to_string(static_cast<unsigned long long>(subject));
  event.s2 = key ? key : "";
  event.a = change;
  self(arg)->events_.push(std::move(event));
}

void NativeClient::OnShutdown(jack_status_t code, const char* reason, void* arg) {
  NativeClient* me = self(arg);
  me->zombie_.store(true);
  if (me->jsZombieFlag_) me->jsZombieFlag_->store(1);
  Event event(EventKind::Shutdown);
  event.a = code;
  event.s1 = reason ? reason : "";
  me->events_.push(std::move(event));
}

// ---- Lifecycle and properties

Napi::Value NativeClient::IsOpen(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), client_ != nullptr);
}

Napi::Value NativeClient::Name(const Napi::CallbackInfo& info) {
  CheckUsable(info.Env());
  return Napi::String::New(info.Env(), jack().jack_get_client_name(client_));
}

Napi::Value NativeClient::Uuid(const Napi::CallbackInfo& info) {
  CheckUsable(info.Env());
  auto fn = requireSymbol(info.Env(), jack().jack_client_get_uuid, "jack_client_get_uuid");
  return takeString(info.Env(), fn(client_));
}

Napi::Value NativeClient::Samplerate(const Napi::CallbackInfo& info) {
  CheckUsable(info.Env());
  return Napi::Number::New(info.Env(), jack().jack_get_sample_rate(client_));
}

Napi::Value NativeClient::Blocksize(const Napi::CallbackInfo& info) {
  CheckUsable(info.Env());
  return Napi::Number::New(info.Env(), jack().jack_get_buffer_size(client_));
}

Napi::Value NativeClient::SetBlocksize(const Napi::CallbackInfo& info) {
  CheckUsable(info.Env());
  uint32_t frames = info[0].As<Napi::Number>().Uint32Value();
  return Napi::Number::New(info.Env(), jack().jack_set_buffer_size(client_, frames));
}

Napi::Value NativeClient::Realtime(const Napi::CallbackInfo& info) {
  CheckUsable(info.Env());
  return Napi::Boolean::New(info.Env(), jack().jack_is_realtime(client_) != 0);
}

Napi::Value NativeClient::FramesSinceCycleStart(const Napi::CallbackInfo& info) {
  CheckUsable(info.Env());
  return Napi::Number::New(info.Env(), jack().jack_frames_since_cycle_start(client_));
}

Napi::Value NativeClient::FrameTime(const Napi::CallbackInfo& info) {
  CheckUsable(info.Env());
  return Napi::Number::New(info.Env(), jack().jack_frame_time(client_));
}

Napi::Value NativeClient::LastFrameTime(const Napi::CallbackInfo& info) {
  CheckUsable(info.Env());
  return Napi::Number::New(info.Env(), jack().jack_last_frame_time(client_));
}

Napi::Value NativeClient::Activate(const Napi::CallbackInfo& info) {
  CheckUsable(info.Env());
  int result = jack().jack_activate(client_);
  if (result == 0) events_.setKeepAlive(info.Env(), true);
  return Napi::Number::New(info.Env(), result);
}

Napi::Value NativeClient::Deactivate(const Napi::CallbackInfo& info) {
  CheckUsable(info.Env());
  int result = jack().jack_deactivate(client_);
  events_.setKeepAlive(info.Env(), false);
  return Napi::Number::New(info.Env(), result);
}

Napi::Value NativeClient::CpuLoad(const Napi::CallbackInfo& info) {
  CheckUsable(info.Env());
  return Napi::Number::New(info.Env(), jack().jack_cpu_load(client_));
}

Napi::Value NativeClient::CloseJs(const Napi::CallbackInfo& info) {
  Close();
  return info.Env().Undefined();
}

Napi::Value NativeClient::SetFreewheel(const Napi::CallbackInfo& info) {
  CheckUsable(info.Env());
  return Napi::Number::New(info.Env(), jack().jack_set_freewheel(client_, info[0].ToBoolean() ? 1 : 0));
}

Napi::Value NativeClient::GetUuidForClientName(const Napi::CallbackInfo& info) {
  CheckUsable(info.Env());
  auto fn = requireSymbol(info.Env(), jack().jack_get_uuid_for_client_name, "jack_get_uuid_for_client_name");
  std::string name = toString(info[0]);
  return takeString(info.Env(), fn(client_, name.c_str()));
}

Napi::Value NativeClient::GetClientNameByUuid(const Napi::CallbackInfo& info) {
  CheckUsable(info.Env());
  auto fn = requireSymbol(info.Env(), jack().jack_get_client_name_by_uuid, "jack_get_client_name_by_uuid");
  std::string uuid = toString(info[0]);
  return takeString(info.Env(), fn(client_, uuid.c_str()));
}

// ---- Connections and ports

Napi::Value NativeClient::Connect(const Napi::CallbackInfo& info) {
  CheckUsable(info.Env());
  std::string source = toString(info[0]);
  std::string destination = toString(info[1]);
  return Napi::Number::New(info.Env(), jack().jack_connect(client_, source.c_str(), destination.c_str()));
}

Napi::Value NativeClient::Disconnect(const Napi::CallbackInfo& info) {
  CheckUsable(info.Env());
  std::string source = toString(info[0]);
  std::string destination = toString(info[1]);
  return Napi::Number::New(info.Env(),
                           jack().jack_disconnect(client_, source.c_str(), destination.c_str()));
}

// getPorts(pattern, typePattern, flags): JACK's own selection, POSIX extended
// regular expressions. An invalid pattern throws 'ERR_BAD_REGEX' instead of
// being silently ignored as libjack does.
Napi::Value NativeClient::GetPorts(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  CheckUsable(env);
  std::string pattern = info[0].IsString() ? toString(info[0]) : "";
  std::string typePattern = info[1].IsString() ? toString(info[1]) : "";
  unsigned long flags = info[2].As<Napi::Number>().Uint32Value();
  for (const std::string* p : {&pattern, &typePattern}) {
    if (p->empty()) continue;
    regex_t compiled;
    int rc = regcomp(&compiled, p->c_str(), REG_EXTENDED | REG_NOSUB);
    if (rc != 0) {
      char message[256];
      regerror(rc, &compiled, message, sizeof message);
      regfree(&compiled);
      throw codedError(env, "ERR_BAD_REGEX", "invalid regular expression '" + *p + "': " + message);
    }
    regfree(&compiled);
  }
  const char** names = jack().jack_get_ports(client_, pattern.empty() ? nullptr : pattern.c_str(),
                                             typePattern.empty() ? nullptr : typePattern.c_str(), flags);
  return takeNameList(env, names);
}

// portByName(name) -> handle or null
Napi::Value NativeClient::PortByName(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  CheckUsable(env);
  std::string name = toString(info[0]);
  // jack_port_by_name also matches aliases, and a port without aliases has
  // empty ones: "" would find an arbitrary port.
  if (name.empty()) return env.Null();
  jack_port_t* port = jack().jack_port_by_name(client_, name.c_str());
  if (!port) return env.Null();
  return portHandle(env, port);
}

// portRegister(shortname, type, flags) -> handle, or 0 when JACK refused
Napi::Value NativeClient::PortRegister(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  CheckUsable(env);
  std::string name = toString(info[0]);
  std::string type = toString(info[1]);
  unsigned long flags = info[2].As<Napi::Number>().Uint32Value();
  jack_port_t* port = jack().jack_port_register(client_, name.c_str(), type.c_str(), flags, 0);
  return Napi::Number::New(env, static_cast<double>(reinterpret_cast<uintptr_t>(port)));
}

Napi::Value NativeClient::PortUnregister(const Napi::CallbackInfo& info) {
  CheckUsable(info.Env());
  return Napi::Number::New(info.Env(), jack().jack_port_unregister(client_, toPort(info[0])));
}

Napi::Value NativeClient::PortRename(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  CheckUsable(env);
  jack_port_t* port = toPort(info[0]);
  std::string name = toString(info[1]);
  auto fn = requireSymbol(env, jack().jack_port_rename, "jack_port_rename");
  return Napi::Number::New(env, fn(client_, port, name.c_str()));
}

Napi::Value NativeClient::PortIsMine(const Napi::CallbackInfo& info) {
  CheckUsable(info.Env());
  return Napi::Boolean::New(info.Env(), jack().jack_port_is_mine(client_, toPort(info[0])) != 0);
}

Napi::Value NativeClient::PortConnections(const Napi::CallbackInfo& info) {
  CheckUsable(info.Env());
  return takeNameList(info.Env(), jack().jack_port_get_connections(toPort(info[0])));
}

Napi::Value NativeClient::PortAllConnections(const Napi::CallbackInfo& info) {
  CheckUsable(info.Env());
  return takeNameList(info.Env(), jack().jack_port_get_all_connections(client_, toPort(info[0])));
}

Napi::Value NativeClient::PortConnectedCount(const Napi::CallbackInfo& info) {
  CheckUsable(info.Env());
  return Napi::Number::New(info.Env(), jack().jack_port_connected(toPort(info[0])));
}

Napi::Value NativeClient::PortConnectedTo(const Napi::CallbackInfo& info) {
  CheckUsable(info.Env());
  jack_port_t* port = toPort(info[0]);
  std::string other = toString(info[1]);
  return Napi::Boolean::New(info.Env(), jack().jack_port_connected_to(port, other.c_str()) != 0);
}

Napi::Value NativeClient::PortDisconnectAll(const Napi::CallbackInfo& info) {
  CheckUsable(info.Env());
  return Napi::Number::New(info.Env(), jack().jack_port_disconnect(client_, toPort(info[0])));
}

// ---- Transport

Napi::Value NativeClient::TransportStart(const Napi::CallbackInfo& info) {
  CheckUsable(info.Env());
  jack().jack_transport_start(client_);
  return info.Env().Undefined();
}

Napi::Value NativeClient::TransportStop(const Napi::CallbackInfo& info) {
  CheckUsable(info.Env());
  jack().jack_transport_stop(client_);
  return info.Env().Undefined();
}

// transportQuery() -> [state, position]
Napi::Value NativeClient::TransportQuery(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  CheckUsable(env);
  jack_position_t pos;
  std::memset(&pos, 0, sizeof pos);
  jack_transport_state_t state = jack().jack_transport_query(client_, &pos);
  Napi::Array result = Napi::Array::New(env, 2);
  result.Set(0u, Napi::Number::New(env, state));
  result.Set(1u, positionToObject(env, pos));
  return result;
}

// JACK2's jack_get_current_transport_frame: the queried frame, plus the time
// since the cycle began only while rolling. Done here rather than called:
// PipeWire's (0.3.65) subtracts the segment start from a running count that
// lags it after a locate while stopped, and the unsigned difference made 0
// of every such locate (jack_transport_query has the right frame).
Napi::Value NativeClient::TransportFrame(const Napi::CallbackInfo& info) {
  CheckUsable(info.Env());
  jack_position_t pos;
  std::memset(&pos, 0, sizeof pos);
  if (jack().jack_transport_query(client_, &pos) != JackTransportRolling) return Napi::Number::New(info.Env(), pos.frame);
  return Napi::Number::New(info.Env(), jack().jack_get_current_transport_frame(client_));
}

Napi::Value NativeClient::TransportLocate(const Napi::CallbackInfo& info) {
  CheckUsable(info.Env());
  uint32_t frame = info[0].As<Napi::Number>().Uint32Value();
  return Napi::Number::New(info.Env(), jack().jack_transport_locate(client_, frame));
}

Napi::Value NativeClient::TransportReposition(const Napi::CallbackInfo& info) {
  CheckUsable(info.Env());
  jack_position_t pos = positionFromObject(info[0].As<Napi::Object>());
  return Napi::Number::New(info.Env(), jack().jack_transport_reposition(client_, &pos));
}

Napi::Value NativeClient::SetSyncTimeout(const Napi::CallbackInfo& info) {
  CheckUsable(info.Env());
  double usecs = info[0].As<Napi::Number>().DoubleValue();
  return Napi::Number::New(info.Env(), jack().jack_set_sync_timeout(client_, static_cast<jack_time_t>(usecs)));
}

Napi::Value NativeClient::ReleaseTimebase(const Napi::CallbackInfo& info) {
  CheckUsable(info.Env());
  return Napi::Number::New(info.Env(), jack().jack_release_timebase(client_));
}

// ---- Metadata writes

// setProperty(subject, key, value: string | Buffer, type) -> int
Napi::Value NativeClient::SetProperty(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  CheckUsable(env);
  auto set = requireSymbol(env, jack().jack_set_property, "jack_set_property");
  jack_uuid_t subject = subjectArg(info[0]);
  std::string key = toString(info[1]);
  std::string value;
  if (info[2].IsBuffer()) {
    auto buffer = info[2].As<Napi::Buffer<char>>();
    value.assign(buffer.Data(), buffer.Length());
  } else {
    value = toString(info[2]);
  }
  std::string type = toString(info[3]);
  return Napi::Number::New(env, set(client_, subject, key.c_str(), value.c_str(), type.empty() ? nullptr : type.c_str()));
}

Napi::Value NativeClient::RemoveProperty(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  CheckUsable(env);
  auto remove = requireSymbol(env, jack().jack_remove_property, "jack_remove_property");
  jack_uuid_t subject = subjectArg(info[0]);
  std::string key = toString(info[1]);
  return Napi::Number::New(env, remove(client_, subject, key.c_str()));
}

Napi::Value NativeClient::RemoveProperties(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  CheckUsable(env);
  auto remove = requireSymbol(env, jack().jack_remove_properties, "jack_remove_properties");
  return Napi::Number::New(env, remove(client_, subjectArg(info[0])));
}

Napi::Value NativeClient::RemoveAllProperties(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  CheckUsable(env);
  auto remove = requireSymbol(env, jack().jack_remove_all_properties, "jack_remove_all_properties");
  return Napi::Number::New(env, remove(client_));
}

// ---- Notifications

// drainEvents() -> flat array, kEventSlots per event (layouts.h):
// [kind, a, b, d, h1, h2, s1, s2, s3, s4] — see EventKind and the callbacks above.
Napi::Value NativeClient::DrainEvents(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::vector<Event> events = events_.drain();
  Napi::Array flat = Napi::Array::New(env, events.size() * kEventSlots);
  uint32_t i = 0;
  for (const Event& event : events) {
    flat.Set(i++, Napi::Number::New(env, static_cast<int32_t>(event.kind)));
    flat.Set(i++, Napi::Number::New(env, static_cast<double>(event.a)));
    flat.Set(i++, Napi::Number::New(env, static_cast<double>(event.b)));
    flat.Set(i++, Napi::Number::New(env, event.d));
    flat.Set(i++, Napi::Number::New(env, event.h1));
    flat.Set(i++, Napi::Number::New(env, event.h2));
    flat.Set(i++, Napi::String::New(env, event.s1));
    flat.Set(i++, Napi::String::New(env, event.s2));
    flat.Set(i++, Napi::String::New(env, event.s3));
    flat.Set(i++, Napi::String::New(env, event.s4));
  }
  return flat;
}

// ---- The realtime engine

int NativeClient::OnProcess(jack_nframes_t frames, void* arg) {
  self(arg)->engine_->process(frames);
  return 0;
}

void NativeClient::OnTimebase(jack_transport_state_t state, jack_nframes_t frames, jack_position_t* pos,
                              int newPos, void* arg) {
  self(arg)->engine_->timebase(state, frames, pos, newPos);
}

int NativeClient::OnSync(jack_transport_state_t state, jack_position_t* pos, void* arg) {
  return self(arg)->engine_->sync(state, pos);
}

Napi::Value NativeClient::EngineUpdate(const Napi::CallbackInfo& info) {
  CheckUsable(info.Env());
  engine_->update(info.Env(), info[0].As<Napi::Object>());
  return info.Env().Undefined();
}

// engineReadMeters(out: Float32Array): 3 floats per meter, in the spec's order.
Napi::Value NativeClient::EngineReadMeters(const Napi::CallbackInfo& info) {
  CheckUsable(info.Env());
  auto out = info[0].As<Napi::Float32Array>();
  engine_->readMeters(out.Data(), out.ElementLength());
  return info.Env().Undefined();
}

Napi::Value NativeClient::EngineSetSine(const Napi::CallbackInfo& info) {
  CheckUsable(info.Env());
  engine_->setSine(info[0].As<Napi::Number>().Uint32Value(), info[1].As<Napi::Number>().DoubleValue(),
                   info[2].As<Napi::Number>().FloatValue(), info[3].ToBoolean());
  return info.Env().Undefined();
}

Napi::Value NativeClient::EngineCounters(const Napi::CallbackInfo& info) {
  CheckUsable(info.Env());
  return engine_->counters(info.Env());
}

// engineMonitorCounts(id, out: Float64Array(3)) -> whether the monitor exists. One
// monitor read without building every node's counts: a hub reads hundreds per tick.
Napi::Value NativeClient::EngineMonitorCounts(const Napi::CallbackInfo& info) {
  CheckUsable(info.Env());
  auto out = info[1].As<Napi::Float64Array>();
  if (out.ElementLength() < 3) throw Napi::RangeError::New(info.Env(), "out must hold 3 numbers");
  return Napi::Boolean::New(info.Env(), engine_->monitorCounts(info[0].As<Napi::Number>().Uint32Value(), out.Data()));
}

Napi::Value NativeClient::EngineSetTempo(const Napi::CallbackInfo& info) {
  CheckUsable(info.Env());
  engine_->setTempo(info[0].As<Napi::Number>().DoubleValue(), info[1].As<Napi::Number>().FloatValue(),
                    info[2].As<Napi::Number>().FloatValue(), info[3].As<Napi::Number>().DoubleValue());
  return info.Env().Undefined();
}

// setTimebaseMaster(conditional) -> 0, or EBUSY when a conditional request found another master
Napi::Value NativeClient::SetTimebaseMaster(const Napi::CallbackInfo& info) {
  CheckUsable(info.Env());
  return Napi::Number::New(info.Env(),
                           jack().jack_set_timebase_callback(client_, info[0].ToBoolean() ? 1 : 0,
                                                             Uncancellable<&OnTimebase>::call, this));
}

Napi::Value NativeClient::SetSyncCallbackEnabled(const Napi::CallbackInfo& info) {
  CheckUsable(info.Env());
  bool on = info[0].ToBoolean();
  return Napi::Number::New(
      info.Env(), jack().jack_set_sync_callback(client_, on ? Uncancellable<&OnSync>::call : nullptr, this));
}

// engineSyncRequest() -> the sequence number of JACK's latest sync request
Napi::Value NativeClient::EngineSyncRequest(const Napi::CallbackInfo& info) {
  CheckUsable(info.Env());
  return Napi::Number::New(info.Env(), engine_->syncRequestSeq());
}

// engineCycleTimes() -> Float64Array of recent process() durations in ns
Napi::Value NativeClient::EngineCycleTimes(const Napi::CallbackInfo& info) {
  CheckUsable(info.Env());
  return engine_->cycleTimes(info.Env());
}

Napi::Value NativeClient::UseJsTimebase(const Napi::CallbackInfo& info) {
  CheckUsable(info.Env());
  engine_->useJsTimebase(info[0].ToBoolean());
  return info.Env().Undefined();
}

Napi::Value NativeClient::TimebaseRequest(const Napi::CallbackInfo& info) {
  CheckUsable(info.Env());
  return engine_->timebaseRequest(info.Env());
}

Napi::Value NativeClient::TimebaseAnswer(const Napi::CallbackInfo& info) {
  CheckUsable(info.Env());
  engine_->timebaseAnswer(info);
  return info.Env().Undefined();
}

// syncAnswer(requestSeq, ready)
Napi::Value NativeClient::SyncAnswer(const Napi::CallbackInfo& info) {
  CheckUsable(info.Env());
  engine_->setSyncReady(info[0].As<Napi::Number>().Uint32Value(), info[1].ToBoolean());
  return info.Env().Undefined();
}

}  // namespace jackbay
