// Background jobs yield the CPU to requests (docs/reliability.md, the load
// test): a settlement or re-run job lowers its thread's priority when it
// starts, and the engine's threads it starts inherit it (on Linux the nice
// value is per thread and inherited by new threads).
#pragma once

namespace almen {

// How much a job's thread is niced (added to the server's nice value).
inline constexpr int kJobNice = 10;

// Lowers the calling thread's priority by kJobNice (never above 19). Needs no
// privilege; if it fails, says so on stderr and the job runs at the server's
// priority. Returns the thread's nice value afterwards.
int LowerJobPriority();

}  // namespace almen
