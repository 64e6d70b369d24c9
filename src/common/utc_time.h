// The wall clock as stored and logged: ISO 8601 UTC timestamps.
#pragma once

#include <ctime>
#include <string>

namespace almen {

// The time `t` as an ISO 8601 UTC timestamp, "2025-03-01T12:00:00Z": the form
// every stored and logged time takes (audit rows, runs, sessions, cases).
std::string UtcTimestamp(std::time_t t);
// The same for now.
std::string UtcTimestamp();

}  // namespace almen
