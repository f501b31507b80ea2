/*
 * The plain-C reference of the benchmark: the operations bench/run.ts times
 * for our library, calling libjack directly. bench/run.ts compiles it with
 * `gcc -O2 jack_bench.c -ljack` into a temporary directory.
 *
 *   jack_bench hold PAIRS
 *       a client 'helper' with PAIRS output and PAIRS input ports
 *       (out_N, in_N); prints "ready", exits when stdin closes.
 *   jack_bench serve HELPER PAIRS LOOKUPS READS REGISTERS GETPORTS
 *       prints "ready", then for each operation name read from stdin runs
 *       one batch of it and prints the time in ms, until stdin closes;
 *       "activate" and "deactivate" do that and print "ok".
 *   jack_bench serve-callbacks …
 *       the same, with graph notification callbacks installed as our
 *       library always has them (each notes the port's name, type and flags).
 */
#include <jack/jack.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static jack_client_t *client;
static int pairs, lookups, reads, registers, getports;
static char **names;          /* helper:out_N then helper:in_N */
static char **out_names, **in_names;
static jack_port_t **ports;   /* the helper's ports, looked up once */
static jack_port_t **own;     /* ports registered by op_register */
static volatile uintptr_t sink; /* keeps the compiler from dropping reads */

static void fail(const char *what) {
  fprintf(stderr, "jack_bench: %s\n", what);
  exit(1);
}

static void op_get_ports(void) {
  for (int i = 0; i < getports; i++) {
    const char **list = jack_get_ports(client, NULL, NULL, 0);
    if (!list) fail("jack_get_ports returned NULL");
    sink += (uintptr_t)list[0];
    jack_free(list);
  }
}

static void op_port_by_name(void) {
  int count = 2 * pairs;
  for (int i = 0; i < lookups; i++) {
    jack_port_t *port = jack_port_by_name(client, names[i % count]);
    if (!port) fail("jack_port_by_name failed");
    sink += (uintptr_t)port;
  }
}

static void op_read_port(void) {
  int count = 2 * pairs;
  for (int i = 0; i < reads; i++) {
    jack_port_t *port = ports[i % count];
    sink += (uintptr_t)jack_port_flags(port);
    sink += (uintptr_t)jack_port_type(port);
    sink += (uintptr_t)jack_port_name(port);
  }
}

/* What a C program does to get port handles, as a binding's getPorts must. */
static void op_get_ports_handles(void) {
  for (int i = 0; i < getports; i++) {
    const char **list = jack_get_ports(client, NULL, NULL, 0);
    if (!list) fail("jack_get_ports returned NULL");
    for (const char **name = list; *name; name++) sink += (uintptr_t)jack_port_by_name(client, *name);
    jack_free(list);
  }
}

static void op_connect(void) {
  for (int i = 0; i < pairs; i++)
    if (jack_connect(client, out_names[i], in_names[i])) fail("jack_connect failed");
  for (int i = 0; i < pairs; i++)
    if (jack_disconnect(client, out_names[i], in_names[i])) fail("jack_disconnect failed");
}

static void op_register(void) {
  char name[32];
  for (int i = 0; i < registers; i++) {
    snprintf(name, sizeof name, "reg_%d", i);
    own[i] = jack_port_register(client, name, JACK_DEFAULT_AUDIO_TYPE, JackPortIsOutput, 0);
    if (!own[i]) fail("jack_port_register failed");
  }
  for (int i = 0; i < registers; i++)
    if (jack_port_unregister(client, own[i])) fail("jack_port_unregister failed");
}

/* What our addon's notification callbacks do, minus handing the result on. */
static void note_port(jack_port_id_t id) {
  jack_port_t *port = jack_port_by_id(client, id);
  if (!port) return;
  sink += (uintptr_t)jack_port_name(port) + (uintptr_t)jack_port_type(port) + jack_port_flags(port);
}
static void on_port_registration(jack_port_id_t id, int registered, void *arg) {
  (void)registered, (void)arg;
  note_port(id);
}
static void on_port_connect(jack_port_id_t a, jack_port_id_t b, int connected, void *arg) {
  (void)connected, (void)arg;
  note_port(a);
  note_port(b);
}
static void on_client_registration(const char *name, int registered, void *arg) {
  (void)arg;
  sink += (uintptr_t)name + registered;
}
static int on_graph_order(void *arg) {
  (void)arg;
  sink++;
  return 0;
}

static void install_callbacks(void) {
  jack_set_port_registration_callback(client, on_port_registration, NULL);
  jack_set_port_connect_callback(client, on_port_connect, NULL);
  jack_set_client_registration_callback(client, on_client_registration, NULL);
  jack_set_graph_order_callback(client, on_graph_order, NULL);
}

static jack_client_t *open_client(const char *name) {
  jack_status_t status;
  jack_client_t *c = jack_client_open(name, JackNoStartServer | JackUseExactName, &status);
  if (!c) fail("jack_client_open failed");
  return c;
}

static int hold(int count) {
  jack_client_t *helper = open_client("helper");
  char name[32];
  for (int i = 0; i < count; i++) {
    snprintf(name, sizeof name, "out_%d", i);
    if (!jack_port_register(helper, name, JACK_DEFAULT_AUDIO_TYPE, JackPortIsOutput, 0))
      fail("helper: port registration failed");
    snprintf(name, sizeof name, "in_%d", i);
    if (!jack_port_register(helper, name, JACK_DEFAULT_AUDIO_TYPE, JackPortIsInput, 0))
      fail("helper: port registration failed");
  }
  if (jack_activate(helper)) fail("helper: activation failed");
  printf("ready\n");
  fflush(stdout);
  while (getchar() != EOF) {
  }
  jack_client_close(helper);
  return 0;
}

static char *full_name(const char *helper, const char *kind, int index) {
  char *name = malloc(strlen(helper) + 32);
  sprintf(name, "%s:%s_%d", helper, kind, index);
  return name;
}

static const struct {
  const char *name;
  void (*run)(void);
} OPERATIONS[] = {
    {"getPorts", op_get_ports},   {"getPortsHandles", op_get_ports_handles},
    {"getPortByName", op_port_by_name}, {"readPort", op_read_port},
    {"connect", op_connect},      {"register", op_register},
};

static int serve(void) {
  char line[64];
  printf("ready\n");
  fflush(stdout);
  while (fgets(line, sizeof line, stdin)) {
    line[strcspn(line, "\n")] = 0;
    /* Only the side being measured is active, so idle sides get no notifications. */
    if (!strcmp(line, "activate") || !strcmp(line, "deactivate")) {
      int rc = line[0] == 'a' ? jack_activate(client) : jack_deactivate(client);
      if (rc) fail(line);
      printf("ok\n");
      fflush(stdout);
      continue;
    }
    size_t i = 0;
    while (i < sizeof OPERATIONS / sizeof OPERATIONS[0] && strcmp(OPERATIONS[i].name, line)) i++;
    if (i == sizeof OPERATIONS / sizeof OPERATIONS[0]) fail("unknown operation");
    double start = now_ms();
    OPERATIONS[i].run();
    printf("%.4f\n", now_ms() - start);
    fflush(stdout);
  }
  return 0;
}

int main(int argc, char **argv) {
  if (argc == 3 && strcmp(argv[1], "hold") == 0) return hold(atoi(argv[2]));
  int callbacks = argc == 8 && strcmp(argv[1], "serve-callbacks") == 0;
  if (argc != 8 || (strcmp(argv[1], "serve") != 0 && !callbacks)) {
    fprintf(stderr, "usage: jack_bench hold PAIRS | serve[-callbacks] HELPER PAIRS LOOKUPS READS "
                    "REGISTERS GETPORTS\n");
    return 2;
  }
  const char *helper = argv[2];
  pairs = atoi(argv[3]);
  lookups = atoi(argv[4]);
  reads = atoi(argv[5]);
  registers = atoi(argv[6]);
  getports = atoi(argv[7]);

  client = open_client(callbacks ? "bench-c-cb" : "bench-c");
  if (callbacks) install_callbacks();
  names = malloc(2 * pairs * sizeof *names);
  ports = malloc(2 * pairs * sizeof *ports);
  own = malloc(registers * sizeof *own);
  out_names = names;
  in_names = names + pairs;
  for (int i = 0; i < pairs; i++) {
    out_names[i] = full_name(helper, "out", i);
    in_names[i] = full_name(helper, "in", i);
  }
  for (int i = 0; i < 2 * pairs; i++)
    if (!(ports[i] = jack_port_by_name(client, names[i]))) fail("helper port missing");
  int result = serve();
  jack_client_close(client);
  return result;
}
