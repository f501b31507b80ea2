/*
 * The plain-C side of the engine benchmark (bench/engine.ts compiles it with
 * `gcc -O2 engine_bench.c -ljack -lm` into a temporary directory):
 *
 *   engine_bench source
 *       a client 'bench-source' whose port 'out' plays a -6 dBFS sine;
 *       prints "ready", runs until stdin closes.
 *   engine_bench meter N SECONDS SOURCE
 *       the reference for the engine's meter taps: registers N input ports,
 *       connects SOURCE to each and, in its process callback, computes peak,
 *       sum of squares and clip count per port, as src/engine.cpp does, and
 *       records each callback's duration (CLOCK_MONOTONIC) in a preallocated
 *       array. After SECONDS (the first half second is left out) it prints
 *       the durations in ns on one line.
 *   engine_bench midi-send RATE SECONDS DESTINATION
 *       sends RATE 3-byte MIDI events per second, spread evenly over each
 *       period, to DESTINATION for SECONDS; prints "ready" once connected
 *       and "sent COUNT" at the end.
 *   engine_bench bridge SECONDS CAPTURE1 CAPTURE2 PLAYBACK1 PLAYBACK2
 *       the reference for the JS process callback: the same design in plain C.
 *       The process callback copies two inputs into one of four slots and
 *       wakes a worker thread (not realtime, like Node's); the worker copies
 *       them to the slot's outputs and marks it done; the next cycle plays a
 *       done slot, or counts a late cycle. Prints "ready" once connected; after
 *       SECONDS, "cycles N late L xruns X", then when each late cycle was found
 *       (CLOCK_MONOTONIC ns, in the next cycle) on one line and when each xrun
 *       was reported on another (each line may be empty).
 */
#include <jack/jack.h>
#include <jack/midiport.h>
#include <math.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static jack_client_t *client;

static void fail(const char *what) {
  fprintf(stderr, "engine_bench: %s\n", what);
  exit(1);
}

static uint64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static jack_client_t *open_client(const char *name) {
  jack_status_t status;
  jack_client_t *c = jack_client_open(name, JackNoStartServer | JackUseExactName, &status);
  if (!c) fail("cannot open a JACK client");
  return c;
}

/* ---- source: a sine to meter */

static jack_port_t *source_port;
static double source_phase;

static int source_process(jack_nframes_t frames, void *arg) {
  (void)arg;
  float *out = jack_port_get_buffer(source_port, frames);
  const double step = 997.0 / jack_get_sample_rate(client);
  for (jack_nframes_t i = 0; i < frames; i++) {
    out[i] = (float)(0.5 * sin(2 * M_PI * source_phase));
    source_phase += step;
    if (source_phase >= 1) source_phase -= 1;
  }
  return 0;
}

static int run_source(void) {
  client = open_client("bench-source");
  source_port = jack_port_register(client, "out", JACK_DEFAULT_AUDIO_TYPE, JackPortIsOutput, 0);
  if (!source_port) fail("cannot register the source port");
  jack_set_process_callback(client, source_process, NULL);
  if (jack_activate(client)) fail("cannot activate");
  printf("ready\n");
  fflush(stdout);
  char line[64];
  while (fgets(line, sizeof line, stdin)) {
  }
  jack_client_close(client);
  return 0;
}

/* ---- meter: what the engine's meter taps do, in plain C */

struct meter {
  float peak;
  double sum_squares;
  uint64_t frames;
  uint64_t clips;
};

static int meter_count;
static jack_port_t **meter_ports;
static struct meter *meters;
static uint32_t *durations; /* ns per cycle, preallocated */
static size_t duration_capacity;
static volatile size_t duration_count;
static volatile int measuring;

static int meter_process(jack_nframes_t frames, void *arg) {
  (void)arg;
  const uint64_t start = now_ns();
  for (int m = 0; m < meter_count; m++) {
    const float *in = jack_port_get_buffer(meter_ports[m], frames);
    float peak = 0;
    double sum = 0;
    uint64_t clips = 0;
    for (jack_nframes_t i = 0; i < frames; i++) {
      const float magnitude = fabsf(in[i]);
      peak = magnitude > peak ? magnitude : peak;
      sum += (double)in[i] * in[i];
      if (magnitude >= 1.0f) clips++;
    }
    struct meter *meter = &meters[m];
    if (peak > meter->peak) meter->peak = peak;
    meter->sum_squares += sum;
    meter->frames += frames;
    meter->clips += clips;
  }
  const uint64_t elapsed = now_ns() - start;
  if (measuring && duration_count < duration_capacity)
    durations[duration_count++] = (uint32_t)(elapsed > UINT32_MAX ? UINT32_MAX : elapsed);
  return 0;
}

static int run_meter(int count, double seconds, const char *source) {
  client = open_client("bench-c-meter");
  meter_count = count;
  meter_ports = calloc(count, sizeof *meter_ports);
  meters = calloc(count, sizeof *meters);
  duration_capacity = (size_t)(seconds * jack_get_sample_rate(client)) + 1024;
  durations = calloc(duration_capacity, sizeof *durations);
  if (!meter_ports || !meters || !durations) fail("out of memory");
  for (int m = 0; m < count; m++) {
    char name[32];
    snprintf(name, sizeof name, "in_%d", m + 1);
    meter_ports[m] = jack_port_register(client, name, JACK_DEFAULT_AUDIO_TYPE, JackPortIsInput, 0);
    if (!meter_ports[m]) fail("cannot register a port");
  }
  jack_set_process_callback(client, meter_process, NULL);
  if (jack_activate(client)) fail("cannot activate");
  for (int m = 0; m < count; m++)
    if (jack_connect(client, source, jack_port_name(meter_ports[m]))) fail("cannot connect the source");
  usleep(500000); /* settle: the first cycles fault pages in */
  measuring = 1;
  usleep((useconds_t)(seconds * 1e6));
  measuring = 0;
  jack_deactivate(client);
  const size_t n = duration_count;
  if (n == 0) fail("no cycles measured");
  for (size_t i = 0; i < n; i++) printf(i ? " %u" : "%u", durations[i]);
  printf("\n");
  jack_client_close(client);
  return 0;
}

/* ---- midi-send: a steady stream of MIDI events */

static jack_port_t *midi_port;
static double midi_rate;
static double midi_due; /* events due so far, fractional */
static uint64_t midi_sent;
static volatile int midi_on;

static int midi_process(jack_nframes_t frames, void *arg) {
  (void)arg;
  void *buffer = jack_port_get_buffer(midi_port, frames);
  jack_midi_clear_buffer(buffer);
  if (!midi_on) return 0;
  midi_due += midi_rate * frames / jack_get_sample_rate(client);
  const uint64_t first = midi_sent;
  const uint64_t count = (uint64_t)midi_due - first;
  for (uint64_t k = 0; k < count; k++) {
    /* Numbered: note-on and note-off alternate, the note counts up, so the
       receiver can check that every event came, in order. */
    const uint64_t n = first + k;
    const unsigned char event[3] = {(unsigned char)((n & 1) ? 0x80 : 0x90), (unsigned char)(n / 2 % 128), 64};
    if (jack_midi_event_write(buffer, (jack_nframes_t)(k * frames / count), event, 3)) break;
    midi_sent = n + 1;
  }
  return 0;
}

static int run_midi_send(double rate, double seconds, const char *destination) {
  client = open_client("bench-midi-send");
  midi_port = jack_port_register(client, "out", JACK_DEFAULT_MIDI_TYPE, JackPortIsOutput, 0);
  if (!midi_port) fail("cannot register the MIDI port");
  midi_rate = rate;
  jack_set_process_callback(client, midi_process, NULL);
  if (jack_activate(client)) fail("cannot activate");
  if (jack_connect(client, jack_port_name(midi_port), destination)) fail("cannot connect");
  printf("ready\n");
  fflush(stdout);
  midi_on = 1;
  usleep((useconds_t)(seconds * 1e6));
  midi_on = 0;
  usleep(100000);
  printf("sent %llu\n", (unsigned long long)midi_sent);
  fflush(stdout);
  jack_client_close(client);
  return 0;
}

/* ---- bridge: the JS process callback's design, in plain C */

enum { BRIDGE_SLOTS = 4, BRIDGE_MAX_FRAMES = 8192, BRIDGE_MAX_EVENTS = 1 << 20 };
enum { SLOT_FREE, SLOT_READY, SLOT_DONE };

struct bridge_slot {
  atomic_int state;
  uint32_t cycle; /* which cycle's inputs it holds */
  jack_nframes_t frames;
  float audio[4][BRIDGE_MAX_FRAMES]; /* in 1, in 2, out 1, out 2 */
};

static jack_port_t *bridge_in[2], *bridge_out[2];
static struct bridge_slot bridge_slots[BRIDGE_SLOTS];
static sem_t bridge_wake;
static atomic_int bridge_stop;
static uint32_t bridge_cycle;
static volatile int bridge_measuring;
static uint64_t bridge_cycles, bridge_late;
static uint64_t bridge_late_at[BRIDGE_MAX_EVENTS]; /* when each late cycle was found, ns */
static uint64_t bridge_xrun_at[BRIDGE_MAX_EVENTS];
static atomic_uint bridge_xruns;

static int bridge_process(jack_nframes_t frames, void *arg) {
  (void)arg;
  if (frames > BRIDGE_MAX_FRAMES) return 0;
  const uint32_t cycle = bridge_cycle++;
  if (cycle > 0) {
    struct bridge_slot *previous = &bridge_slots[(cycle - 1) % BRIDGE_SLOTS];
    if (atomic_load(&previous->state) == SLOT_DONE) {
      for (int i = 0; i < 2; i++)
        memcpy(jack_port_get_buffer(bridge_out[i], frames), previous->audio[2 + i], frames * sizeof(float));
      atomic_store(&previous->state, SLOT_FREE);
    } else if (bridge_measuring) {
      /* As the engine: the previous cycle's output was not ready. */
      if (bridge_late < BRIDGE_MAX_EVENTS) bridge_late_at[bridge_late] = now_ns();
      bridge_late++;
    }
  }
  if (bridge_measuring) bridge_cycles++;
  struct bridge_slot *slot = &bridge_slots[cycle % BRIDGE_SLOTS];
  if (atomic_load(&slot->state) != SLOT_FREE && atomic_load(&slot->state) != SLOT_DONE) return 0;
  slot->cycle = cycle;
  slot->frames = frames;
  for (int i = 0; i < 2; i++)
    memcpy(slot->audio[i], jack_port_get_buffer(bridge_in[i], frames), frames * sizeof(float));
  atomic_store(&slot->state, SLOT_READY);
  sem_post(&bridge_wake);
  return 0;
}

static void *bridge_worker(void *arg) {
  (void)arg;
  for (;;) {
    while (sem_wait(&bridge_wake) != 0) {
    }
    if (atomic_load(&bridge_stop)) return NULL;
    /* As the JS side: the newest ready cycle; older ones are too late
       already, and their slots go back. */
    int newest = -1;
    for (int s = 0; s < BRIDGE_SLOTS; s++) {
      if (atomic_load(&bridge_slots[s].state) != SLOT_READY) continue;
      if (newest < 0 || (int32_t)(bridge_slots[s].cycle - bridge_slots[newest].cycle) > 0) {
        if (newest >= 0) atomic_store(&bridge_slots[newest].state, SLOT_FREE);
        newest = s;
      } else {
        atomic_store(&bridge_slots[s].state, SLOT_FREE);
      }
    }
    if (newest < 0) continue;
    struct bridge_slot *slot = &bridge_slots[newest];
    for (int i = 0; i < 2; i++) memcpy(slot->audio[2 + i], slot->audio[i], slot->frames * sizeof(float));
    atomic_store(&slot->state, SLOT_DONE);
  }
}

static int bridge_xrun(void *arg) {
  (void)arg;
  const unsigned n = atomic_fetch_add(&bridge_xruns, 1);
  if (bridge_measuring && n < BRIDGE_MAX_EVENTS) bridge_xrun_at[n] = now_ns();
  return 0;
}

static void print_times(const uint64_t *times, uint64_t count) {
  for (uint64_t i = 0; i < count && i < BRIDGE_MAX_EVENTS; i++) printf(i ? " %llu" : "%llu", (unsigned long long)times[i]);
  printf("\n");
}

static int run_bridge(double seconds, char **ports) {
  client = open_client("bench-c-bridge");
  for (int i = 0; i < 2; i++) {
    char name[16];
    snprintf(name, sizeof name, "in_%d", i + 1);
    bridge_in[i] = jack_port_register(client, name, JACK_DEFAULT_AUDIO_TYPE, JackPortIsInput, 0);
    snprintf(name, sizeof name, "out_%d", i + 1);
    bridge_out[i] = jack_port_register(client, name, JACK_DEFAULT_AUDIO_TYPE, JackPortIsOutput, 0);
    if (!bridge_in[i] || !bridge_out[i]) fail("cannot register a port");
  }
  memset(bridge_slots, 0, sizeof bridge_slots); /* every page touched before the realtime thread runs */
  sem_init(&bridge_wake, 0, 0);
  pthread_t worker;
  if (pthread_create(&worker, NULL, bridge_worker, NULL)) fail("cannot start the worker");
  jack_set_process_callback(client, bridge_process, NULL);
  jack_set_xrun_callback(client, bridge_xrun, NULL);
  if (jack_activate(client)) fail("cannot activate");
  for (int i = 0; i < 2; i++)
    if (jack_connect(client, ports[i], jack_port_name(bridge_in[i])) ||
        jack_connect(client, jack_port_name(bridge_out[i]), ports[2 + i]))
      fail("cannot connect");
  usleep(500000); /* settle, as the JS side does */
  printf("ready\n");
  fflush(stdout);
  const unsigned xruns0 = atomic_load(&bridge_xruns);
  bridge_measuring = 1;
  usleep((useconds_t)(seconds * 1e6));
  bridge_measuring = 0;
  const unsigned xruns = atomic_load(&bridge_xruns) - xruns0;
  jack_deactivate(client);
  atomic_store(&bridge_stop, 1);
  sem_post(&bridge_wake);
  pthread_join(worker, NULL);
  printf("cycles %llu late %llu xruns %u\n", (unsigned long long)bridge_cycles, (unsigned long long)bridge_late, xruns);
  print_times(bridge_late_at, bridge_late);
  /* Only the xruns recorded while measuring, as far as the array holds them. */
  const uint64_t recorded = xruns0 < BRIDGE_MAX_EVENTS ? BRIDGE_MAX_EVENTS - xruns0 : 0;
  print_times(bridge_xrun_at + (xruns0 < BRIDGE_MAX_EVENTS ? xruns0 : 0), xruns < recorded ? xruns : recorded);
  fflush(stdout);
  jack_client_close(client);
  return 0;
}

int main(int argc, char **argv) {
  if (argc == 2 && !strcmp(argv[1], "source")) return run_source();
  if (argc == 5 && !strcmp(argv[1], "meter")) return run_meter(atoi(argv[2]), atof(argv[3]), argv[4]);
  if (argc == 5 && !strcmp(argv[1], "midi-send"))
    return run_midi_send(atof(argv[2]), atof(argv[3]), argv[4]);
  if (argc == 7 && !strcmp(argv[1], "bridge")) return run_bridge(atof(argv[2]), argv + 3);
  fprintf(stderr, "usage: engine_bench source | meter N SECONDS SOURCE | midi-send RATE SECONDS DESTINATION | bridge SECONDS CAPTURE1 CAPTURE2 PLAYBACK1 PLAYBACK2\n");
  return 2;
}
