#include "module_functions.h"

#include <sys/mman.h>

#include <cstring>
#include <string>

#include "addon_data.h"
#include "convert.h"
#include "layouts.h"
#include "message_hooks.h"
#include "napi_helpers.h"
#include "weak_jack.h"

namespace jackbay {

namespace {

// ---- library status

Napi::Value LibraryInfo(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const JackLibrary& lib = jackLibrary();
  Napi::Object result = Napi::Object::New(env);
  result.Set("loaded", Napi::Boolean::New(env, lib.loaded));
  result.Set("path", lib.path.empty() ? env.Null() : Napi::String::New(env, lib.path));
  result.Set("error", lib.loadError.empty() ? env.Null() : Napi::String::New(env, lib.loadError));
  Napi::Array missing = Napi::Array::New(env, lib.missingOptional.size());
  for (uint32_t i = 0; i < lib.missingOptional.size(); ++i) missing.Set(i, lib.missingOptional[i]);
  result.Set("missingOptional", missing);
  return result;
}

Napi::Value Version(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const JackApi& api = requireLibrary(env);
  int major = 0, minor = 0, micro = 0, proto = 0;
  if (api.jack_get_version) api.jack_get_version(&major, &minor, &micro, &proto);
  Napi::Array result = Napi::Array::New(env, 4);
  result.Set(0u, major);
  result.Set(1u, minor);
  result.Set(2u, micro);
  result.Set(3u, proto);
  return result;
}

Napi::Value VersionString(const Napi::CallbackInfo& info) {
  return Napi::String::New(info.Env(), requireLibrary(info.Env()).jack_get_version_string());
}

Napi::Value ClientNameSize(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), requireLibrary(info.Env()).jack_client_name_size());
}

Napi::Value PortNameSize(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), requireLibrary(info.Env()).jack_port_name_size());
}

Napi::Value ClientPid(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto fn = requireSymbol(env, requireLibrary(env).jack_get_client_pid, "jack_get_client_pid");
  std::string name = toString(info[0]);
  return Napi::Number::New(env, fn(name.c_str()));
}

// ---- libjack's error and info hooks (message_hooks.h)

Napi::Value SetErrorFunction(const Napi::CallbackInfo& info) {
  requireLibrary(info.Env());
  setMessageHook(info.Env(), info.Env().GetInstanceData<AddonData>()->messageHooks, MessageKind::Error, info[0]);
  return info.Env().Undefined();
}

Napi::Value SetInfoFunction(const Napi::CallbackInfo& info) {
  requireLibrary(info.Env());
  setMessageHook(info.Env(), info.Env().GetInstanceData<AddonData>()->messageHooks, MessageKind::Info, info[0]);
  return info.Env().Undefined();
}

// ---- metadata reads

Napi::Array propertyValue(Napi::Env env, const char* data, const char* type) {
  Napi::Array pair = Napi::Array::New(env, 2);
  pair.Set(0u, Napi::Buffer<char>::Copy(env, data ? data : "", data ? std::strlen(data) : 0));
  pair.Set(1u, Napi::String::New(env, type ? type : ""));
  return pair;
}

Napi::Object descriptionToObject(Napi::Env env, const jack_description_t& desc) {
  Napi::Object object = Napi::Object::New(env);
  for (uint32_t i = 0; i < desc.property_cnt; ++i) {
    const jack_property_t& prop = desc.properties[i];
    object.Set(prop.key, propertyValue(env, prop.data, prop.type));
  }
  return object;
}

// getProperty(subject, key) -> [Buffer, type] | null
Napi::Value GetProperty(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const JackApi& api = requireLibrary(env);
  auto get = requireSymbol(env, api.jack_get_property, "jack_get_property");
  jack_uuid_t subject = subjectArg(info[0]);
  std::string key = toString(info[1]);
  char* data = nullptr;
  char* type = nullptr;
  if (get(subject, key.c_str(), &data, &type) != 0) return env.Null();
  Napi::Array result = propertyValue(env, data, type);
  if (data) api.jack_free(data);
  if (type) api.jack_free(type);
  return result;
}

// getProperties(subject) -> { key: [Buffer, type] }
Napi::Value GetProperties(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const JackApi& api = requireLibrary(env);
  auto get = requireSymbol(env, api.jack_get_properties, "jack_get_properties");
  auto freeDescription = requireSymbol(env, api.jack_free_description, "jack_free_description");
  jack_description_t desc;
  std::memset(&desc, 0, sizeof desc);
  if (get(subjectArg(info[0]), &desc) < 0) return Napi::Object::New(env);
  Napi::Object result = descriptionToObject(env, desc);
  freeDescription(&desc, 0);
  return result;
}

// getAllProperties() -> { subject: { key: [Buffer, type] } }
Napi::Value GetAllProperties(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const JackApi& api = requireLibrary(env);
  auto getAll = requireSymbol(env, api.jack_get_all_properties, "jack_get_all_properties");
  auto freeDescription = requireSymbol(env, api.jack_free_description, "jack_free_description");
  jack_description_t* descs = nullptr;
  int count = getAll(&descs);
  Napi::Object result = Napi::Object::New(env);
  if (count < 0) throw codedError(env, "ERR_JACK", "jack_get_all_properties failed");
  for (int i = 0; i < count; ++i) {
    result.Set(std::to_string(static_cast<unsigned long long>(descs[i].subject)),
               descriptionToObject(env, descs[i]));
    freeDescription(&descs[i], 0);
  }
  if (descs) api.jack_free(descs);
  return result;
}

// ---- per-port queries on handles. The TS layer only passes handles of
// ---- ports seen through a client that is still open.

Napi::Value PortName(const Napi::CallbackInfo& info) {
  return Napi::String::New(info.Env(), jack().jack_port_name(toPort(info[0])));
}

Napi::Value PortShortName(const Napi::CallbackInfo& info) {
  return Napi::String::New(info.Env(), jack().jack_port_short_name(toPort(info[0])));
}

Napi::Value PortFlags(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), jack().jack_port_flags(toPort(info[0])));
}

Napi::Value PortType(const Napi::CallbackInfo& info) {
  const char* type = jack().jack_port_type(toPort(info[0]));
  return Napi::String::New(info.Env(), type ? type : "");
}

Napi::Value PortUuid(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto fn = requireSymbol(env, jack().jack_port_uuid, "jack_port_uuid");
  return uuidToJs(env, fn(toPort(info[0])));
}

Napi::Value PortAliases(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto fn = requireSymbol(env, jack().jack_port_get_aliases, "jack_port_get_aliases");
  int size = jack().jack_port_name_size();
  std::string first(static_cast<size_t>(size) + 1, '\0');
  std::string second(static_cast<size_t>(size) + 1, '\0');
  char* aliases[2] = {first.data(), second.data()};
  int count = fn(toPort(info[0]), aliases);
  Napi::Array result = Napi::Array::New(env);
  uint32_t n = 0;
  // JACK2 counts the aliases but keeps their slots: after the first one is
  // unset, count is 1 and the remaining alias sits in slot 2.
  if (count > 0)
    for (int i = 0; i < 2; ++i)
      if (aliases[i][0]) result.Set(n++, Napi::String::New(env, aliases[i]));
  return result;
}

Napi::Value PortSetAlias(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto fn = requireSymbol(env, jack().jack_port_set_alias, "jack_port_set_alias");
  jack_port_t* port = toPort(info[0]);
  std::string alias = toString(info[1]);
  return Napi::Number::New(env, fn(port, alias.c_str()));
}

Napi::Value PortUnsetAlias(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto fn = requireSymbol(env, jack().jack_port_unset_alias, "jack_port_unset_alias");
  jack_port_t* port = toPort(info[0]);
  std::string alias = toString(info[1]);
  return Napi::Number::New(env, fn(port, alias.c_str()));
}

Napi::Value PortRequestMonitor(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(),
                           jack().jack_port_request_monitor(toPort(info[0]), info[1].ToBoolean() ? 1 : 0));
}

// portLatencyRange(handle, isPlayback) -> [min, max]
Napi::Value PortLatencyRange(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto fn = requireSymbol(env, jack().jack_port_get_latency_range, "jack_port_get_latency_range");
  jack_latency_range_t range{0, 0};
  fn(toPort(info[0]), info[1].ToBoolean() ? JackPlaybackLatency : JackCaptureLatency, &range);
  Napi::Array result = Napi::Array::New(env, 2);
  result.Set(0u, range.min);
  result.Set(1u, range.max);
  return result;
}

// setPortLatencyRange(handle, isPlayback, min, max)
Napi::Value SetPortLatencyRange(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto fn = requireSymbol(env, jack().jack_port_set_latency_range, "jack_port_set_latency_range");
  jack_latency_range_t range{info[2].As<Napi::Number>().Uint32Value(), info[3].As<Napi::Number>().Uint32Value()};
  fn(toPort(info[0]), info[1].ToBoolean() ? JackPlaybackLatency : JackCaptureLatency, &range);
  return env.Undefined();
}

// mlock(arrayBuffer) -> errno (0 on success); used by RingBuffer.mlock().
Napi::Value MlockBuffer(const Napi::CallbackInfo& info) {
  Napi::ArrayBuffer buffer = info[0].As<Napi::ArrayBuffer>();
  int rc = mlock(buffer.Data(), buffer.ByteLength());
  return Napi::Number::New(info.Env(), rc == 0 ? 0 : errno);
}

// layouts() -> the values of layouts.h, for test/layouts.test.ts to compare with lib/layouts.ts.
Napi::Value Layouts(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto object = [&](std::initializer_list<std::pair<const char*, Napi::Value>> fields) {
    Napi::Object result = Napi::Object::New(env);
    for (const auto& [key, value] : fields) result.Set(key, value);
    return result;
  };
  auto number = [&](double value) { return Napi::Number::New(env, value); };
  auto kind = [&](EventKind k) { return number(static_cast<int32_t>(k)); };
  return object({
      {"events", object({{"slots", number(kEventSlots)},
                         {"kinds", object({{"shutdown", kind(EventKind::Shutdown)},
                                           {"freewheel", kind(EventKind::Freewheel)},
                                           {"blocksize", kind(EventKind::Blocksize)},
                                           {"samplerate", kind(EventKind::Samplerate)},
                                           {"clientRegistration", kind(EventKind::ClientRegistration)},
                                           {"portRegistration", kind(EventKind::PortRegistration)},
                                           {"portConnect", kind(EventKind::PortConnect)},
                                           {"portRename", kind(EventKind::PortRename)},
                                           {"graphOrder", kind(EventKind::GraphOrder)},
                                           {"xrun", kind(EventKind::Xrun)},
                                           {"propertyChange", kind(EventKind::PropertyChange)}})}})},
      {"ring", object({{"writeIndex", number(kRingWriteIndexOffset)},
                       {"readIndex", number(kRingReadIndexOffset)},
                       {"data", number(kRingDataOffset)}})},
      {"monitor", object({{"recordHeaderBytes", number(kMonitorRecordHeaderBytes)}})},
      {"midiSend", object({{"recordHeaderBytes", number(kMidiSendRecordHeaderBytes)}})},
      {"meter", object({{"values", number(kMeterValues)}})},
      {"analyser", object({{"channelValues", number(kAnalyserChannelValues)},
                           {"loudnessValues", number(kAnalyserLoudnessValues)}})},
      {"bridge", object({{"globalBytes", number(kBridgeGlobalBytes)},
                         {"slotHeaderBytes", number(kBridgeSlotHeaderBytes)},
                         {"maxSlots", number(kBridgeMaxSlots)},
                         {"slotHeader", object({{"state", number(kSlotHeaderState)},
                                                {"cycle", number(kSlotHeaderCycle)},
                                                {"frames", number(kSlotHeaderFrames)},
                                                {"lastFrameTime", number(kSlotHeaderLastFrameTime)}})},
                         {"slotState", object({{"free", number(kSlotFree)},
                                               {"ready", number(kSlotReady)},
                                               {"processing", number(kSlotProcessing)},
                                               {"done", number(kSlotDone)}})},
                         {"midiAreaHeaderBytes", number(kMidiAreaHeaderBytes)},
                         {"midiArea", object({{"count", number(kMidiAreaCount)},
                                              {"used", number(kMidiAreaUsed)},
                                              {"lost", number(kMidiAreaLost)}})},
                         {"midiRecordHeaderBytes", number(kMidiRecordHeaderBytes)}})},
  });
}

}  // namespace

void InitModuleFunctions(Napi::Env env, Napi::Object exports) {
  const struct {
    const char* name;
    Napi::Value (*fn)(const Napi::CallbackInfo&);
  } functions[] = {
      {"libraryInfo", LibraryInfo},
      {"version", Version},
      {"versionString", VersionString},
      {"clientNameSize", ClientNameSize},
      {"portNameSize", PortNameSize},
      {"clientPid", ClientPid},
      {"setErrorFunction", SetErrorFunction},
      {"setInfoFunction", SetInfoFunction},
      {"getProperty", GetProperty},
      {"getProperties", GetProperties},
      {"getAllProperties", GetAllProperties},
      {"portName", PortName},
      {"portShortName", PortShortName},
      {"portFlags", PortFlags},
      {"portType", PortType},
      {"portUuid", PortUuid},
      {"portAliases", PortAliases},
      {"portSetAlias", PortSetAlias},
      {"portUnsetAlias", PortUnsetAlias},
      {"portRequestMonitor", PortRequestMonitor},
      {"portLatencyRange", PortLatencyRange},
      {"setPortLatencyRange", SetPortLatencyRange},
      {"mlock", MlockBuffer},
      {"layouts", Layouts},
  };
  for (const auto& f : functions) exports.Set(f.name, Napi::Function::New(env, f.fn, f.name));
}

}  // namespace jackbay
