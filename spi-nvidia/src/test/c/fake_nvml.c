/*
 * A fake NVML for tests: exports the real NVML symbol names with the real signatures and returns
 * scripted values for two devices. Tests steer it with the fake_nvml_* functions at the bottom.
 * Compiled twice: libnvidia-ml.so.1 (a current driver) and, with -DNO_MEMORY_V2,
 * libnvidia-ml-old.so (a driver older than nvmlDeviceGetMemoryInfo_v2).
 *
 * Fleet mode, for tests that run real processes "holding GPU memory" (fleet-agent's fake engine):
 * - HWLEDGER_FAKE_NVML_DIR=DIR: device i's compute processes are the files DIR/gpu<i>/<pid>, each
 *   holding the decimal bytes that pid holds; only pids that are alive count (kill(pid, 0)
 *   succeeds or fails with EPERM, and /proc does not show a zombie), at most FLEET_MAX_PROCESSES per device, in pid order. The
 *   scripted process lists are not used. The device's used memory is its scripted used plus the
 *   sum of those bytes (capped at total - reserved), free = total - reserved - used, as without
 *   fleet mode. The directory is read on every call, so processes come and go as files do.
 * - HWLEDGER_FAKE_NVML_GPUS=N (1 to 8): N copies of the scripted H100, with distinct UUIDs
 *   (last two hex digits = index) and PCI bus ids (bus 0x1B + 0x10 * index), instead of the
 *   scripted H100 and A100.
 * Both are read once, when the library is loaded. Without them the library behaves as scripted.
 */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

typedef int nvmlReturn_t;
typedef struct fake_device *nvmlDevice_t;

typedef struct {
  unsigned long long total;
  unsigned long long free;
  unsigned long long used;
} nvmlMemory_t;

typedef struct {
  unsigned int version;
  unsigned long long total;
  unsigned long long reserved;
  unsigned long long free;
  unsigned long long used;
} nvmlMemory_v2_t;

typedef struct {
  unsigned int gpu;
  unsigned int memory;
} nvmlUtilization_t;

typedef struct {
  char busIdLegacy[16];
  unsigned int domain;
  unsigned int bus;
  unsigned int device;
  unsigned int pciDeviceId;
  unsigned int pciSubSystemId;
  char busId[32];
} nvmlPciInfo_t;

typedef struct {
  unsigned int pid;
  unsigned long long usedGpuMemory;
} nvmlProcessInfo_v1_t;

enum {
  SCENARIO_NORMAL = 0,
  SCENARIO_DRIVER_NOT_LOADED = 1,
  SCENARIO_NOT_SUPPORTED = 2,
  SCENARIO_GPU_LOST = 3,
  SCENARIO_V2_ONLY = 4,
  SCENARIO_V2_VERSION_MISMATCH = 5,
  SCENARIO_UNKNOWN_ERROR = 6,
  SCENARIO_LIBRARY_NOT_FOUND = 7
};

#define MEMORY_V2_VERSION ((unsigned int)(sizeof(nvmlMemory_v2_t) | (2u << 24)))
#define NOT_AVAILABLE 0xFFFFFFFFFFFFFFFFull

struct fake_process {
  unsigned int pid;
  unsigned long long used;
};

struct fake_device {
  const char *name;
  const char *uuid;
  const char *bus_id;
  unsigned int bus;
  unsigned long long total, reserved, used;
  unsigned int util_gpu, util_memory, temperature, power_mw, clock_graphics, clock_memory;
  int cc_major, cc_minor;
  unsigned int process_count;
  struct fake_process processes[3];
};

#define MAX_DEVICES 8
#define FLEET_MAX_PROCESSES 64

static struct fake_device devices[MAX_DEVICES] = {
    {"NVIDIA H100 80GB HBM3", "GPU-5f1d4c2e-8a3b-4f6e-9c7d-1a2b3c4d5e6f", "00000000:1B:00.0", 0x1b,
     85520809984ull, 566231040ull, 10737418240ull, 87, 45, 64, 312500, 1755, 2619, 9, 0, 3,
     {{4242, 8589934592ull}, {4343, 2147483648ull}, {4444, NOT_AVAILABLE}}},
    {"NVIDIA A100-SXM4-40GB", "GPU-0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d", "00000000:3B:00.0", 0x3b,
     42949672960ull, 419430400ull, 0ull, 0, 0, 34, 54321, 210, 1215, 8, 0, 0, {{0, 0}}}};

static unsigned int device_count = 2;
static const char *fleet_dir;
static char fleet_uuids[MAX_DEVICES][48];
static char fleet_bus_ids[MAX_DEVICES][32];

/* Runs when the library is loaded, before any NVML call: the environment is read once. */
__attribute__((constructor)) static void fleet_configure(void) {
  const char *dir = getenv("HWLEDGER_FAKE_NVML_DIR");
  if (dir != NULL && dir[0] != '\0') fleet_dir = dir;
  const char *gpus = getenv("HWLEDGER_FAKE_NVML_GPUS");
  if (gpus == NULL || gpus[0] == '\0') return;
  char *end;
  long n = strtol(gpus, &end, 10);
  if (*end != '\0' || n < 1 || n > MAX_DEVICES) {
    fprintf(stderr, "fake_nvml: HWLEDGER_FAKE_NVML_GPUS must be 1 to %d, was '%s'; using 2\n",
            MAX_DEVICES, gpus);
    return;
  }
  /* HWLEDGER_FAKE_NVML_HOST (0-255) makes the UUIDs of one simulated host differ from another's,
     as real GPU UUIDs do; without it the fifth byte is 0x5e. */
  unsigned int host = 0x5e;
  const char *host_text = getenv("HWLEDGER_FAKE_NVML_HOST");
  if (host_text != NULL && host_text[0] != '\0') {
    long h = strtol(host_text, &end, 10);
    if (*end == '\0' && h >= 0 && h <= 255) host = (unsigned int)h;
  }
  struct fake_device h100 = devices[0];
  for (int i = 0; i < n; i++) {
    devices[i] = h100;
    snprintf(fleet_uuids[i], sizeof fleet_uuids[i], "GPU-5f1d4c2e-8a3b-4f6e-9c7d-1a2b3c4d%02x%02x",
             host, i);
    devices[i].bus = 0x1b + 0x10 * (unsigned int)i;
    snprintf(fleet_bus_ids[i], sizeof fleet_bus_ids[i], "00000000:%02X:00.0", devices[i].bus);
    devices[i].uuid = fleet_uuids[i];
    devices[i].bus_id = fleet_bus_ids[i];
  }
  device_count = (unsigned int)n;
}

static int compare_processes(const void *a, const void *b) {
  unsigned int x = ((const struct fake_process *)a)->pid;
  unsigned int y = ((const struct fake_process *)b)->pid;
  return (x > y) - (x < y);
}

/* Parses a whole decimal number (optionally followed by whitespace); 0 if it is not one. */
static int parse_decimal(const char *text, unsigned long long *value) {
  if (text[0] < '0' || text[0] > '9') return 0;
  char *end;
  errno = 0;
  unsigned long long v = strtoull(text, &end, 10);
  if (errno != 0) return 0;
  while (*end == '\n' || *end == '\r' || *end == ' ' || *end == '\t') end++;
  if (*end != '\0') return 0;
  *value = v;
  return 1;
}

/*
 * Whether a process is alive: kill(pid, 0) succeeds (or fails with EPERM: it exists but is not
 * ours), and on Linux it is not a zombie, which holds no memory but which kill still reaches
 * until its parent reaps it (an orphan whose new parent never reaps stays one).
 */
static int alive(unsigned int pid) {
  if (kill((pid_t)pid, 0) != 0 && errno != EPERM) return 0;
  char path[64], stat[512];
  snprintf(path, sizeof path, "/proc/%u/stat", pid);
  FILE *f = fopen(path, "r");
  if (f == NULL) return 1;
  size_t n = fread(stat, 1, sizeof stat - 1, f);
  fclose(f);
  stat[n] = '\0';
  const char *end = strrchr(stat, ')');
  if (end == NULL || end[1] != ' ') return 1;
  return end[2] != 'Z' && end[2] != 'X';
}

/* Reads DIR/gpu<index>/<pid> files of live pids into out (sorted by pid); returns how many. */
static unsigned int fleet_processes(unsigned int index, struct fake_process *out) {
  char path[4096];
  int len = snprintf(path, sizeof path, "%s/gpu%u", fleet_dir, index);
  if (len < 0 || (size_t)len >= sizeof path) return 0;
  DIR *dir = opendir(path);
  if (dir == NULL) return 0;
  unsigned int count = 0;
  struct dirent *entry;
  while (count < FLEET_MAX_PROCESSES && (entry = readdir(dir)) != NULL) {
    unsigned long long pid;
    if (strlen(entry->d_name) > 10 || !parse_decimal(entry->d_name, &pid)) continue;
    if (pid == 0 || pid > 0x7fffffffull) continue;
    if (!alive((unsigned int)pid)) continue;
    char file[4096];
    len = snprintf(file, sizeof file, "%s/%s", path, entry->d_name);
    if (len < 0 || (size_t)len >= sizeof file) continue;
    FILE *f = fopen(file, "r");
    if (f == NULL) continue;
    char text[32];
    size_t n = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    text[n] = '\0';
    unsigned long long bytes;
    if (!parse_decimal(text, &bytes)) continue;
    out[count].pid = (unsigned int)pid;
    out[count].used = bytes;
    count++;
  }
  closedir(dir);
  qsort(out, count, sizeof *out, compare_processes);
  return count;
}

/* The device's used memory, without reserved: scripted, plus its fleet processes in fleet mode. */
static unsigned long long used_bytes(const struct fake_device *device) {
  unsigned long long used = device->used;
  if (fleet_dir != NULL) {
    struct fake_process processes[FLEET_MAX_PROCESSES];
    unsigned int count = fleet_processes((unsigned int)(device - devices), processes);
    for (unsigned int i = 0; i < count; i++) used += processes[i].used;
  }
  unsigned long long limit = device->total - device->reserved;
  return used > limit ? limit : used;
}

static int scenario = SCENARIO_NORMAL;
static int init_refs;
static int init_calls, shutdown_calls, memory_v1_calls, memory_v2_calls;

#define INC(counter) __atomic_add_fetch(&(counter), 1, __ATOMIC_SEQ_CST)
#define LOAD(counter) __atomic_load_n(&(counter), __ATOMIC_SEQ_CST)

static nvmlReturn_t check(nvmlDevice_t device) {
  if (LOAD(init_refs) <= 0) return 1;
  if (device < &devices[0] || device >= &devices[device_count]) return 2;
  if (scenario == SCENARIO_GPU_LOST && device == &devices[1]) return 15;
  return 0;
}

static nvmlReturn_t copy_string(const char *value, char *buffer, unsigned int length) {
  if (buffer == NULL) return 2;
  size_t size = strlen(value) + 1;
  if (size > length) return 7;
  memcpy(buffer, value, size);
  return 0;
}

nvmlReturn_t nvmlInit_v2(void) {
  INC(init_calls);
  if (scenario == SCENARIO_DRIVER_NOT_LOADED) return 9;
  if (scenario == SCENARIO_LIBRARY_NOT_FOUND) return 12;
  INC(init_refs);
  return 0;
}

nvmlReturn_t nvmlShutdown(void) {
  INC(shutdown_calls);
  if (LOAD(init_refs) <= 0) return 1;
  __atomic_sub_fetch(&init_refs, 1, __ATOMIC_SEQ_CST);
  return 0;
}

const char *nvmlErrorString(nvmlReturn_t result) {
  switch (result) {
    case 0: return "Success";
    case 1: return "Uninitialized";
    case 2: return "Invalid Argument";
    case 3: return "Not Supported";
    case 7: return "Insufficient Size";
    case 9: return "Driver Not Loaded";
    case 12: return "NVML Shared Library Not Found";
    case 13: return "Function Not Found";
    case 15: return "GPU is lost";
    case 25: return "Argument version mismatch";
    default: return "Unknown Error";
  }
}

nvmlReturn_t nvmlSystemGetDriverVersion(char *version, unsigned int length) {
  if (LOAD(init_refs) <= 0) return 1;
  return copy_string("550.54.15", version, length);
}

nvmlReturn_t nvmlDeviceGetCount_v2(unsigned int *count) {
  if (LOAD(init_refs) <= 0) return 1;
  if (count == NULL) return 2;
  *count = device_count;
  return 0;
}

nvmlReturn_t nvmlDeviceGetHandleByIndex_v2(unsigned int index, nvmlDevice_t *device) {
  if (LOAD(init_refs) <= 0) return 1;
  if (index >= device_count || device == NULL) return 2;
  *device = &devices[index];
  return 0;
}

nvmlReturn_t nvmlDeviceGetName(nvmlDevice_t device, char *name, unsigned int length) {
  nvmlReturn_t rc = check(device);
  return rc != 0 ? rc : copy_string(device->name, name, length);
}

nvmlReturn_t nvmlDeviceGetUUID(nvmlDevice_t device, char *uuid, unsigned int length) {
  nvmlReturn_t rc = check(device);
  return rc != 0 ? rc : copy_string(device->uuid, uuid, length);
}

nvmlReturn_t nvmlDeviceGetPciInfo_v3(nvmlDevice_t device, nvmlPciInfo_t *pci) {
  nvmlReturn_t rc = check(device);
  if (rc != 0) return rc;
  if (pci == NULL) return 2;
  memset(pci, 0, sizeof *pci);
  snprintf(pci->busIdLegacy, sizeof pci->busIdLegacy, "0000:%02X:00.0", device->bus);
  pci->bus = device->bus;
  pci->pciDeviceId = 0x233010de;
  snprintf(pci->busId, sizeof pci->busId, "%s", device->bus_id);
  return 0;
}

#ifndef NO_MEMORY_V2
nvmlReturn_t nvmlDeviceGetMemoryInfo_v2(nvmlDevice_t device, nvmlMemory_v2_t *memory) {
  INC(memory_v2_calls);
  nvmlReturn_t rc = check(device);
  if (rc != 0) return rc;
  if (memory == NULL) return 2;
  if (scenario == SCENARIO_V2_VERSION_MISMATCH || memory->version != MEMORY_V2_VERSION) return 25;
  unsigned long long used = used_bytes(device);
  memory->total = device->total;
  memory->reserved = device->reserved;
  memory->used = used;
  memory->free = device->total - device->reserved - used;
  return 0;
}
#endif

nvmlReturn_t nvmlDeviceGetMemoryInfo(nvmlDevice_t device, nvmlMemory_t *memory) {
  INC(memory_v1_calls);
  nvmlReturn_t rc = check(device);
  if (rc != 0) return rc;
  if (memory == NULL) return 2;
  if (scenario == SCENARIO_V2_ONLY) return 3;
  unsigned long long used = used_bytes(device);
  memory->total = device->total;
  memory->used = used + device->reserved;
  memory->free = device->total - device->reserved - used;
  return 0;
}

nvmlReturn_t nvmlDeviceGetUtilizationRates(nvmlDevice_t device, nvmlUtilization_t *utilization) {
  nvmlReturn_t rc = check(device);
  if (rc != 0) return rc;
  if (scenario == SCENARIO_UNKNOWN_ERROR) return 999;
  if (utilization == NULL) return 2;
  utilization->gpu = device->util_gpu;
  utilization->memory = device->util_memory;
  return 0;
}

nvmlReturn_t nvmlDeviceGetTemperature(nvmlDevice_t device, int sensor, unsigned int *temperature) {
  nvmlReturn_t rc = check(device);
  if (rc != 0) return rc;
  if (sensor != 0 || temperature == NULL) return 2;
  *temperature = device->temperature;
  return 0;
}

nvmlReturn_t nvmlDeviceGetPowerUsage(nvmlDevice_t device, unsigned int *power) {
  nvmlReturn_t rc = check(device);
  if (rc != 0) return rc;
  if (scenario == SCENARIO_NOT_SUPPORTED) return 3;
  if (power == NULL) return 2;
  *power = device->power_mw;
  return 0;
}

nvmlReturn_t nvmlDeviceGetClockInfo(nvmlDevice_t device, int type, unsigned int *clock) {
  nvmlReturn_t rc = check(device);
  if (rc != 0) return rc;
  if (clock == NULL) return 2;
  if (scenario == SCENARIO_NOT_SUPPORTED && type == 2) return 3;
  if (type == 0) *clock = device->clock_graphics;
  else if (type == 2) *clock = device->clock_memory;
  else return 2;
  return 0;
}

nvmlReturn_t nvmlDeviceGetCudaComputeCapability(nvmlDevice_t device, int *major, int *minor) {
  nvmlReturn_t rc = check(device);
  if (rc != 0) return rc;
  if (major == NULL || minor == NULL) return 2;
  *major = device->cc_major;
  *minor = device->cc_minor;
  return 0;
}

nvmlReturn_t nvmlDeviceGetComputeRunningProcesses(nvmlDevice_t device, unsigned int *count,
                                                  nvmlProcessInfo_v1_t *infos) {
  nvmlReturn_t rc = check(device);
  if (rc != 0) return rc;
  if (scenario == SCENARIO_NOT_SUPPORTED) return 3;
  if (count == NULL) return 2;
  struct fake_process fleet[FLEET_MAX_PROCESSES];
  const struct fake_process *processes = device->processes;
  unsigned int process_count = device->process_count;
  if (fleet_dir != NULL) {
    process_count = fleet_processes((unsigned int)(device - devices), fleet);
    processes = fleet;
  }
  if (*count < process_count) {
    *count = process_count;
    return 7;
  }
  if (process_count > 0 && infos == NULL) return 2;
  for (unsigned int i = 0; i < process_count; i++) {
    infos[i].pid = processes[i].pid;
    infos[i].usedGpuMemory = processes[i].used;
  }
  *count = process_count;
  return 0;
}

/* Test controls, not part of NVML. */
void fake_nvml_set_scenario(int value) { scenario = value; }

void fake_nvml_reset(void) {
  scenario = SCENARIO_NORMAL;
  init_refs = 0;
  init_calls = shutdown_calls = memory_v1_calls = memory_v2_calls = 0;
}

int fake_nvml_init_calls(void) { return LOAD(init_calls); }
int fake_nvml_shutdown_calls(void) { return LOAD(shutdown_calls); }
int fake_nvml_init_refs(void) { return LOAD(init_refs); }
int fake_nvml_memory_v1_calls(void) { return LOAD(memory_v1_calls); }
int fake_nvml_memory_v2_calls(void) { return LOAD(memory_v2_calls); }
