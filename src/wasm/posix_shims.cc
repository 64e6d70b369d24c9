// POSIX functions the wasm module needs that emscripten 3.1.6 lacks or stubs.
//
// Threads. The WebAssembly build has no threads (no SharedArrayBuffer needed, so the
// page needs no cross-origin isolation): the check asks for one thread
// (SettleOptions::threads = 1), so the engine starts one std::thread per pass
// for its one slice and runs pass 2's segments on the calling thread.
// emscripten's pthread_create without -pthread fails (std::thread aborts), so
// this runs the thread's function at once, on the caller's stack, and join
// returns its result. Correct for the fork-join pattern of settle.cc (start,
// then join, nothing shared while running); linked into the wasm module only.
#include <pthread.h>

#include <sys/types.h>

#include <cerrno>
#include <cstdint>
#include <cstring>

namespace {
void* g_result = nullptr;
uintptr_t g_threads = 0;  // ids: std::thread::join refuses a null one
}  // namespace

extern "C" int pthread_create(pthread_t* thread, const pthread_attr_t*, void* (*start)(void*), void* arg) {
  g_result = start(arg);
  const uintptr_t id = ++g_threads;
  *thread = pthread_t{};
  std::memcpy(thread, &id, sizeof id < sizeof *thread ? sizeof id : sizeof *thread);
  return 0;
}

extern "C" int pthread_join(pthread_t, void** result) {
  if (result) *result = g_result;
  return 0;
}

extern "C" int pthread_detach(pthread_t) { return 0; }

// libc++'s std::filesystem references copy_file_range, which emscripten's libc
// lacks; the check never copies files. ENOSYS makes any caller fail cleanly.
extern "C" ssize_t copy_file_range(int, off_t*, int, off_t*, size_t, unsigned) {
  errno = ENOSYS;
  return -1;
}
