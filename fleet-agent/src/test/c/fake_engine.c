/*
 * A fake inference engine for the fleet agent's tests: a real process that "holds GPU memory"
 * the way the fake NVML library (spi-nvidia/src/test/c/fake_nvml.c, fleet mode) reads it.
 *
 * It prints its pid, its arguments and the GPU visibility variables it was given, then for each
 * visible GPU index (ROCR_VISIBLE_DEVICES, the physical indexes on AMD, else
 * CUDA_VISIBLE_DEVICES) writes
 * $HWLEDGER_FAKE_NVML_DIR/gpu<index>/<pid> holding FAKE_ENGINE_HOLD_BYTES (decimal), creating the
 * directories as needed, and prints "holding N bytes on GPU i". Then it waits.
 *
 * Environment:
 *   FAKE_ENGINE_HOLD_BYTES    bytes to hold per visible GPU (default 0: nothing written)
 *   FAKE_ENGINE_CHILD=1       fork a child that holds the same bytes under its own pid; the
 *                             parent does not pass SIGTERM on, so whoever stops the job must
 *                             reach the child too
 *   FAKE_ENGINE_RUN_MS=N      exit by itself after N ms (stopping its child first)
 *   FAKE_ENGINE_EXIT_CODE=N   the exit status when it exits by itself (default 0); set alone,
 *                             the engine exits at once
 *   FAKE_ENGINE_FLOOD=1       print FLOOD_LINES lines of filler after starting
 *   FAKE_ENGINE_IGNORE_TERM=1 ignore SIGTERM (parent and child), so only SIGKILL stops it
 * On SIGTERM (unless ignored) each process removes its own files, prints "terminated" and exits 0.
 * Files of a process killed with SIGKILL stay behind; the fake NVML skips pids that are dead.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_GPUS 64
#define FLOOD_LINES 20000

static volatile sig_atomic_t term_requested;

static int gpus[MAX_GPUS];
static int gpu_count;
static const char *dir;
static unsigned long long hold_bytes;

static void on_term(int signal_number) {
  (void)signal_number;
  term_requested = 1;
}

static const char *env_or(const char *name, const char *fallback) {
  const char *value = getenv(name);
  return value != NULL ? value : fallback;
}

static int flag(const char *name) { return strcmp(env_or(name, ""), "1") == 0; }

static int parse_number(const char *text, long long min, long long max, long long *value) {
  if (text == NULL || text[0] == '\0') return 0;
  char *end;
  errno = 0;
  long long v = strtoll(text, &end, 10);
  if (errno != 0 || *end != '\0' || v < min || v > max) return 0;
  *value = v;
  return 1;
}

static void parse_visible(void) {
  /* ROCR_VISIBLE_DEVICES holds physical indexes when set (HIP's are relative to it). */
  const char *visible = getenv("ROCR_VISIBLE_DEVICES");
  if (visible == NULL) visible = getenv("CUDA_VISIBLE_DEVICES");
  if (visible == NULL) return;
  char copy[1024];
  snprintf(copy, sizeof copy, "%s", visible);
  char *save = NULL;
  for (char *item = strtok_r(copy, ",", &save); item != NULL && gpu_count < MAX_GPUS;
       item = strtok_r(NULL, ",", &save)) {
    long long index;
    if (parse_number(item, 0, 1023, &index)) {
      gpus[gpu_count++] = (int)index;
    } else {
      printf("ignoring visible device '%s'\n", item);
    }
  }
}

static int gpu_path(char *buffer, size_t size, int gpu, const char *name) {
  int len = name == NULL ? snprintf(buffer, size, "%s/gpu%d", dir, gpu)
                         : snprintf(buffer, size, "%s/gpu%d/%s", dir, gpu, name);
  return len >= 0 && (size_t)len < size;
}

/* Writes this process's file for every visible GPU, whole (a temporary file, then a rename). */
static void hold(const char *who) {
  if (dir == NULL || hold_bytes == 0) {
    printf("%sholding nothing (HWLEDGER_FAKE_NVML_DIR or FAKE_ENGINE_HOLD_BYTES unset)\n", who);
    return;
  }
  if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
    printf("%scannot create %s: %s\n", who, dir, strerror(errno));
    return;
  }
  char name[32], temp_name[40], path[4096], temp[4096];
  snprintf(name, sizeof name, "%ld", (long)getpid());
  snprintf(temp_name, sizeof temp_name, ".%ld.tmp", (long)getpid());
  for (int i = 0; i < gpu_count; i++) {
    if (!gpu_path(path, sizeof path, gpus[i], NULL)) continue;
    if (mkdir(path, 0700) != 0 && errno != EEXIST) {
      printf("%scannot create %s: %s\n", who, path, strerror(errno));
      continue;
    }
    if (!gpu_path(temp, sizeof temp, gpus[i], temp_name)) continue;
    if (!gpu_path(path, sizeof path, gpus[i], name)) continue;
    FILE *f = fopen(temp, "w");
    if (f == NULL) {
      printf("%scannot write %s: %s\n", who, temp, strerror(errno));
      continue;
    }
    fprintf(f, "%llu\n", hold_bytes);
    if (fclose(f) != 0 || rename(temp, path) != 0) {
      printf("%scannot write %s: %s\n", who, path, strerror(errno));
      continue;
    }
    printf("%sholding %llu bytes on GPU %d\n", who, hold_bytes, gpus[i]);
  }
}

static void release(void) {
  if (dir == NULL || hold_bytes == 0) return;
  char name[32], path[4096];
  snprintf(name, sizeof name, "%ld", (long)getpid());
  for (int i = 0; i < gpu_count; i++) {
    if (gpu_path(path, sizeof path, gpus[i], name)) unlink(path);
  }
}

static long long now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* Sleeps in short steps until SIGTERM arrives or the deadline (ms, or -1 for none) passes. */
static void wait_until(long long deadline) {
  struct timespec step = {0, 20 * 1000 * 1000};
  while (!term_requested && (deadline < 0 || now_ms() < deadline)) {
    nanosleep(&step, NULL);
  }
}

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IOLBF, 0);

  struct sigaction action;
  memset(&action, 0, sizeof action);
  sigemptyset(&action.sa_mask);
  action.sa_handler = flag("FAKE_ENGINE_IGNORE_TERM") ? SIG_IGN : on_term;
  sigaction(SIGTERM, &action, NULL);

  printf("fake-engine pid %ld\n", (long)getpid());
  for (int i = 0; i < argc; i++) printf("argv[%d]=%s\n", i, argv[i]);
  const char *shown[] = {"CUDA_VISIBLE_DEVICES", "CUDA_DEVICE_ORDER", "HIP_VISIBLE_DEVICES",
                         "ROCR_VISIBLE_DEVICES", "HWLEDGER_FAKE_NVML_DIR"};
  for (size_t i = 0; i < sizeof shown / sizeof shown[0]; i++) {
    printf("env %s=%s\n", shown[i], env_or(shown[i], "(unset)"));
  }

  parse_visible();
  dir = getenv("HWLEDGER_FAKE_NVML_DIR");
  if (dir != NULL && dir[0] == '\0') dir = NULL;
  long long number;
  if (parse_number(getenv("FAKE_ENGINE_HOLD_BYTES"), 0, 1LL << 50, &number)) {
    hold_bytes = (unsigned long long)number;
  }
  long long exit_code = 0;
  int exit_code_set = parse_number(getenv("FAKE_ENGINE_EXIT_CODE"), 0, 255, &exit_code);
  long long deadline = -1;
  if (parse_number(getenv("FAKE_ENGINE_RUN_MS"), 0, 86400000, &number)) {
    deadline = now_ms() + number;
  } else if (exit_code_set) {
    deadline = now_ms();
  }

  pid_t child = 0;
  if (flag("FAKE_ENGINE_CHILD")) {
    fflush(stdout);
    child = fork();
    if (child == 0) {
      char who[48];
      snprintf(who, sizeof who, "child %ld ", (long)getpid());
      printf("%sstarted\n", who);
      hold(who);
      wait_until(-1);
      release();
      printf("%sterminated\n", who);
      fflush(stdout);
      _exit(0);
    }
    if (child < 0) {
      printf("fork failed: %s\n", strerror(errno));
      child = 0;
    }
  }

  hold("");
  if (flag("FAKE_ENGINE_FLOOD")) {
    for (int i = 0; i < FLOOD_LINES; i++) {
      printf("flood line %06d ........................................................\n", i);
    }
    printf("flood done\n");
  }
  printf("ready\n");

  wait_until(deadline);
  release();
  if (term_requested) {
    printf("terminated\n");
    return 0;
  }
  if (child > 0) {
    kill(child, SIGTERM);
    waitpid(child, NULL, 0);
  }
  printf("exiting with code %lld\n", exit_code);
  return (int)exit_code;
}
