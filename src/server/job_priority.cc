#include "server/job_priority.h"

#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>

namespace almen {

int LowerJobPriority() {
  const auto tid = static_cast<id_t>(syscall(SYS_gettid));
  errno = 0;
  const int now = getpriority(PRIO_PROCESS, tid);
  if (now == -1 && errno != 0) {
    std::perror("almen serve: getpriority for a job");
    return 0;
  }
  const int want = std::min(19, now + kJobNice);
  if (setpriority(PRIO_PROCESS, tid, want) != 0) {
    std::perror("almen serve: setpriority for a job");
    return now;
  }
  return want;
}

}  // namespace almen
