/*
 * A fake ROCm SMI library for tests: exports the real rocm_smi.h symbol names with the real
 * signatures and status codes, and returns scripted values. Scenarios (fake_rsmi_set_scenario):
 *   0 normal: two GPUs (see the table below)
 *   1 driver missing: rsmi_init returns RSMI_STATUS_INIT_ERROR
 *   2 device error: device 0's rsmi_dev_memory_usage_get returns RSMI_STATUS_INTERNAL_EXCEPTION
 *   3 no identity or processes: rsmi_version_str_get and rsmi_dev_target_graphics_version_get
 *     return RSMI_STATUS_NOT_SUPPORTED, rsmi_compute_process_info_get RSMI_STATUS_PERMISSION
 *   4 a process list that grows: rsmi_compute_process_info_get always answers
 *     RSMI_STATUS_INSUFFICIENT_SIZE when given a buffer
 * Compiled with -DFAKE_RSMI_OLD it lacks the newer exports rsmi_dev_target_graphics_version_get
 * and rsmi_compute_process_info_by_device_get, like an older librocm_smi64.
 * Every device call before rsmi_init (or after the matching rsmi_shut_down) returns
 * RSMI_STATUS_INIT_ERROR, as the real library does when not initialised.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef enum {
  RSMI_STATUS_SUCCESS = 0,
  RSMI_STATUS_INVALID_ARGS = 1,
  RSMI_STATUS_NOT_SUPPORTED = 2,
  RSMI_STATUS_PERMISSION = 4,
  RSMI_STATUS_INTERNAL_EXCEPTION = 6,
  RSMI_STATUS_INIT_ERROR = 8,
  RSMI_STATUS_NOT_FOUND = 10,
  RSMI_STATUS_INSUFFICIENT_SIZE = 11,
  RSMI_STATUS_UNKNOWN_ERROR = 0xFFFFFFFF
} rsmi_status_t;

typedef enum { RSMI_MEM_TYPE_VRAM = 0, RSMI_MEM_TYPE_VIS_VRAM, RSMI_MEM_TYPE_GTT } rsmi_memory_type_t;
typedef enum { RSMI_TEMP_CURRENT = 0 } rsmi_temperature_metric_t;

#define RSMI_TEMP_TYPE_EDGE 0u
#define RSMI_TEMP_TYPE_JUNCTION 1u

#define NS RSMI_STATUS_NOT_SUPPORTED

typedef enum { RSMI_SW_COMP_DRIVER = 0 } rsmi_sw_component_t;

/* rocm_smi.h */
typedef struct {
  uint32_t process_id;
  uint32_t pasid;
  uint64_t vram_usage;
  uint64_t sdma_usage;
  uint32_t cu_occupancy;
} rsmi_process_info_t;
#define CU_OCCUPANCY_INVALID 0xFFFFFFFF

typedef struct {
  const char *name;
  rsmi_status_t unique_id_status;
  uint64_t unique_id;
  uint64_t bdfid;
  uint64_t vram_total;
  uint64_t vram_used;
  rsmi_status_t busy_status;
  uint32_t busy;
  rsmi_status_t edge_status;
  int64_t edge_millideg;
  int64_t junction_millideg;
  rsmi_status_t power_status;
  uint64_t power_microwatts;
} fake_device;

static const fake_device DEVICES[] = {
    /* MI300X-like: everything supported. PCI 0000:c1:00.0 */
    {"AMD Instinct MI300X", RSMI_STATUS_SUCCESS, 0x1234abcd5678ef00ull,
     (0x0000ull << 32) | (0xc1u << 8) | (0u << 3) | 0u, 206158430208ull, 1073741824ull,
     RSMI_STATUS_SUCCESS, 37u, RSMI_STATUS_SUCCESS, 45000, 52000, RSMI_STATUS_SUCCESS,
     350000000ull},
    /* Consumer card: no unique id, no busy, no edge sensor (junction only), no power. */
    {"Radeon RX 7900 XT", NS, 0, (0x0001ull << 32) | (0x03u << 8) | (0u << 3) | 1u,
     21458059264ull, 27856896ull, NS, 0, NS, 0, 61500, NS, 0},
};
#define NUM_DEVICES 2u

static const char DRIVER_VERSION[] = "6.10.5";

/* Compute processes: which devices each uses (bit per index) and its VRAM there, bytes. */
typedef struct {
  uint32_t pid;
  uint32_t pasid;
  uint32_t device_mask;
  uint64_t vram[NUM_DEVICES];
} fake_process;

static const fake_process PROCESSES[] = {
    {4242u, 0x8001u, 0x3u, {8589934592ull, 1048576ull}},
    {77u, 0x8002u, 0x1u, {268435456ull, 0}},
    {3000000000u, 0x8003u, 0x2u, {0, 33554432ull}},
};
#define NUM_PROCESSES 3u

static int scenario = 0;
static int refcount = 0;
static int init_calls = 0;
static int shutdown_calls = 0;

void fake_rsmi_reset(void) {
  scenario = 0;
  refcount = 0;
  init_calls = 0;
  shutdown_calls = 0;
}
void fake_rsmi_set_scenario(int s) { scenario = s; }
int fake_rsmi_refcount(void) { return refcount; }
int fake_rsmi_init_calls(void) { return init_calls; }
int fake_rsmi_shutdown_calls(void) { return shutdown_calls; }

rsmi_status_t rsmi_init(uint64_t init_flags) {
  (void)init_flags;
  init_calls++;
  if (scenario == 1) {
    return RSMI_STATUS_INIT_ERROR;
  }
  refcount++;
  return RSMI_STATUS_SUCCESS;
}

rsmi_status_t rsmi_shut_down(void) {
  shutdown_calls++;
  if (refcount == 0) {
    return RSMI_STATUS_INIT_ERROR;
  }
  refcount--;
  return RSMI_STATUS_SUCCESS;
}

static rsmi_status_t guard(uint32_t dv_ind, const void *out) {
  if (refcount == 0) {
    return RSMI_STATUS_INIT_ERROR;
  }
  if (out == NULL || dv_ind >= NUM_DEVICES) {
    return RSMI_STATUS_INVALID_ARGS;
  }
  return RSMI_STATUS_SUCCESS;
}

rsmi_status_t rsmi_num_monitor_devices(uint32_t *num_devices) {
  if (refcount == 0) {
    return RSMI_STATUS_INIT_ERROR;
  }
  *num_devices = NUM_DEVICES;
  return RSMI_STATUS_SUCCESS;
}

rsmi_status_t rsmi_dev_name_get(uint32_t dv_ind, char *name, size_t len) {
  rsmi_status_t s = guard(dv_ind, name);
  if (s != RSMI_STATUS_SUCCESS) return s;
  size_t n = strlen(DEVICES[dv_ind].name);
  if (len == 0) return RSMI_STATUS_INSUFFICIENT_SIZE;
  if (n >= len) {
    memcpy(name, DEVICES[dv_ind].name, len - 1);
    name[len - 1] = '\0';
    return RSMI_STATUS_INSUFFICIENT_SIZE;
  }
  memcpy(name, DEVICES[dv_ind].name, n + 1);
  return RSMI_STATUS_SUCCESS;
}

rsmi_status_t rsmi_dev_unique_id_get(uint32_t dv_ind, uint64_t *id) {
  rsmi_status_t s = guard(dv_ind, id);
  if (s != RSMI_STATUS_SUCCESS) return s;
  if (DEVICES[dv_ind].unique_id_status != RSMI_STATUS_SUCCESS) return DEVICES[dv_ind].unique_id_status;
  *id = DEVICES[dv_ind].unique_id;
  return RSMI_STATUS_SUCCESS;
}

rsmi_status_t rsmi_dev_pci_id_get(uint32_t dv_ind, uint64_t *bdfid) {
  rsmi_status_t s = guard(dv_ind, bdfid);
  if (s != RSMI_STATUS_SUCCESS) return s;
  *bdfid = DEVICES[dv_ind].bdfid;
  return RSMI_STATUS_SUCCESS;
}

rsmi_status_t rsmi_dev_memory_total_get(uint32_t dv_ind, rsmi_memory_type_t mem_type, uint64_t *total) {
  rsmi_status_t s = guard(dv_ind, total);
  if (s != RSMI_STATUS_SUCCESS) return s;
  if (mem_type != RSMI_MEM_TYPE_VRAM) return RSMI_STATUS_NOT_SUPPORTED;
  *total = DEVICES[dv_ind].vram_total;
  return RSMI_STATUS_SUCCESS;
}

rsmi_status_t rsmi_dev_memory_usage_get(uint32_t dv_ind, rsmi_memory_type_t mem_type, uint64_t *used) {
  rsmi_status_t s = guard(dv_ind, used);
  if (s != RSMI_STATUS_SUCCESS) return s;
  if (mem_type != RSMI_MEM_TYPE_VRAM) return RSMI_STATUS_NOT_SUPPORTED;
  if (scenario == 2 && dv_ind == 0) return RSMI_STATUS_INTERNAL_EXCEPTION;
  *used = DEVICES[dv_ind].vram_used;
  return RSMI_STATUS_SUCCESS;
}

rsmi_status_t rsmi_dev_busy_percent_get(uint32_t dv_ind, uint32_t *busy_percent) {
  rsmi_status_t s = guard(dv_ind, busy_percent);
  if (s != RSMI_STATUS_SUCCESS) return s;
  if (DEVICES[dv_ind].busy_status != RSMI_STATUS_SUCCESS) return DEVICES[dv_ind].busy_status;
  *busy_percent = DEVICES[dv_ind].busy;
  return RSMI_STATUS_SUCCESS;
}

rsmi_status_t rsmi_dev_temp_metric_get(uint32_t dv_ind, uint32_t sensor_type,
                                       rsmi_temperature_metric_t metric, int64_t *temperature) {
  rsmi_status_t s = guard(dv_ind, temperature);
  if (s != RSMI_STATUS_SUCCESS) return s;
  if (metric != RSMI_TEMP_CURRENT) return RSMI_STATUS_NOT_SUPPORTED;
  if (sensor_type == RSMI_TEMP_TYPE_EDGE) {
    if (DEVICES[dv_ind].edge_status != RSMI_STATUS_SUCCESS) return DEVICES[dv_ind].edge_status;
    *temperature = DEVICES[dv_ind].edge_millideg;
    return RSMI_STATUS_SUCCESS;
  }
  if (sensor_type == RSMI_TEMP_TYPE_JUNCTION) {
    *temperature = DEVICES[dv_ind].junction_millideg;
    return RSMI_STATUS_SUCCESS;
  }
  return RSMI_STATUS_NOT_SUPPORTED;
}

rsmi_status_t rsmi_dev_power_ave_get(uint32_t dv_ind, uint32_t sensor_ind, uint64_t *power) {
  rsmi_status_t s = guard(dv_ind, power);
  if (s != RSMI_STATUS_SUCCESS) return s;
  if (sensor_ind != 0) return RSMI_STATUS_INVALID_ARGS;
  if (DEVICES[dv_ind].power_status != RSMI_STATUS_SUCCESS) return DEVICES[dv_ind].power_status;
  *power = DEVICES[dv_ind].power_microwatts;
  return RSMI_STATUS_SUCCESS;
}

rsmi_status_t rsmi_version_str_get(rsmi_sw_component_t component, char *ver_str, uint32_t len) {
  if (ver_str == NULL || len == 0) return RSMI_STATUS_INVALID_ARGS;
  if (component != RSMI_SW_COMP_DRIVER) return RSMI_STATUS_INVALID_ARGS;
  if (scenario == 3) return RSMI_STATUS_NOT_SUPPORTED;
  size_t n = strlen(DRIVER_VERSION);
  if (n >= len) {
    memcpy(ver_str, DRIVER_VERSION, len - 1);
    ver_str[len - 1] = '\0';
    return RSMI_STATUS_INSUFFICIENT_SIZE;
  }
  memcpy(ver_str, DRIVER_VERSION, n + 1);
  return RSMI_STATUS_SUCCESS;
}

#ifndef FAKE_RSMI_OLD
/* Target graphics versions as ROCm SMI reports them: gfx942, and gfx1100 as 11000. */
static const uint64_t GFX_VERSION[NUM_DEVICES] = {942u, 11000u};

rsmi_status_t rsmi_dev_target_graphics_version_get(uint32_t dv_ind, uint64_t *gfx_version) {
  rsmi_status_t s = guard(dv_ind, gfx_version);
  if (s != RSMI_STATUS_SUCCESS) return s;
  if (scenario == 3) {
    *gfx_version = UINT64_MAX;
    return RSMI_STATUS_NOT_SUPPORTED;
  }
  *gfx_version = GFX_VERSION[dv_ind];
  return RSMI_STATUS_SUCCESS;
}
#endif

static const fake_process *find_process(uint32_t pid) {
  for (uint32_t i = 0; i < NUM_PROCESSES; i++) {
    if (PROCESSES[i].pid == pid) return &PROCESSES[i];
  }
  return NULL;
}

static void fill(const fake_process *p, uint64_t vram, rsmi_process_info_t *proc) {
  proc->process_id = p->pid;
  proc->pasid = p->pasid;
  proc->vram_usage = vram;
  proc->sdma_usage = 0;
  proc->cu_occupancy = CU_OCCUPANCY_INVALID;
}

static uint64_t total_vram(const fake_process *p) {
  uint64_t sum = 0;
  for (uint32_t d = 0; d < NUM_DEVICES; d++) sum += p->vram[d];
  return sum;
}

rsmi_status_t rsmi_compute_process_info_get(rsmi_process_info_t *procs, uint32_t *num_items) {
  if (refcount == 0) return RSMI_STATUS_INIT_ERROR;
  if (num_items == NULL) return RSMI_STATUS_INVALID_ARGS;
  if (scenario == 3) return RSMI_STATUS_PERMISSION;
  if (procs == NULL) {
    *num_items = NUM_PROCESSES;
    return RSMI_STATUS_SUCCESS;
  }
  uint32_t n = *num_items < NUM_PROCESSES ? *num_items : NUM_PROCESSES;
  for (uint32_t i = 0; i < n; i++) fill(&PROCESSES[i], total_vram(&PROCESSES[i]), &procs[i]);
  if (scenario == 4 || *num_items < NUM_PROCESSES) return RSMI_STATUS_INSUFFICIENT_SIZE;
  *num_items = NUM_PROCESSES;
  return RSMI_STATUS_SUCCESS;
}

rsmi_status_t rsmi_compute_process_info_by_pid_get(uint32_t pid, rsmi_process_info_t *proc) {
  if (refcount == 0) return RSMI_STATUS_INIT_ERROR;
  if (proc == NULL) return RSMI_STATUS_INVALID_ARGS;
  const fake_process *p = find_process(pid);
  if (p == NULL) return RSMI_STATUS_NOT_FOUND;
  fill(p, total_vram(p), proc);
  return RSMI_STATUS_SUCCESS;
}

rsmi_status_t rsmi_compute_process_gpus_get(uint32_t pid, uint32_t *dv_indices,
                                            uint32_t *num_devices) {
  if (refcount == 0) return RSMI_STATUS_INIT_ERROR;
  if (num_devices == NULL) return RSMI_STATUS_INVALID_ARGS;
  const fake_process *p = find_process(pid);
  if (p == NULL) return RSMI_STATUS_NOT_FOUND;
  uint32_t count = 0;
  for (uint32_t d = 0; d < NUM_DEVICES; d++) {
    if (p->device_mask & (1u << d)) {
      if (dv_indices != NULL && count < *num_devices) dv_indices[count] = d;
      count++;
    }
  }
  if (dv_indices != NULL && *num_devices < count) return RSMI_STATUS_INSUFFICIENT_SIZE;
  *num_devices = count;
  return RSMI_STATUS_SUCCESS;
}

#ifndef FAKE_RSMI_OLD
rsmi_status_t rsmi_compute_process_info_by_device_get(uint32_t pid, uint32_t dv_ind,
                                                      rsmi_process_info_t *proc) {
  rsmi_status_t s = guard(dv_ind, proc);
  if (s != RSMI_STATUS_SUCCESS) return s;
  const fake_process *p = find_process(pid);
  if (p == NULL || !(p->device_mask & (1u << dv_ind))) return RSMI_STATUS_NOT_FOUND;
  fill(p, p->vram[dv_ind], proc);
  return RSMI_STATUS_SUCCESS;
}
#endif

rsmi_status_t rsmi_status_string(rsmi_status_t status, const char **status_string) {
  if (status_string == NULL) return RSMI_STATUS_INVALID_ARGS;
  switch (status) {
    case RSMI_STATUS_SUCCESS: *status_string = "RSMI_STATUS_SUCCESS: The function has been executed successfully."; break;
    case RSMI_STATUS_NOT_SUPPORTED: *status_string = "RSMI_STATUS_NOT_SUPPORTED: The requested information or action is not available."; break;
    case RSMI_STATUS_INTERNAL_EXCEPTION: *status_string = "RSMI_STATUS_INTERNAL_EXCEPTION: An internal exception was caught"; break;
    case RSMI_STATUS_INIT_ERROR: *status_string = "RSMI_STATUS_INIT_ERROR: An error occurred during initialization"; break;
    default: *status_string = "An unknown error occurred"; break;
  }
  return RSMI_STATUS_SUCCESS;
}
