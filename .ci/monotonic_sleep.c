/* Built and preloaded by .ci/with-faketime, ahead of libfaketime.
 *
 * libfaketime 0.9.10 (Debian bookworm) cannot shift the wall clock under Python 3.11+:
 * faking CLOCK_MONOTONIC hangs every timed lock wait (sem_clockwait is not intercepted),
 * and leaving it alone (FAKETIME_DONT_FAKE_MONOTONIC=1) makes time.sleep fail with
 * EINVAL, because its clock_nanosleep wrapper shifts absolute monotonic deadlines anyway
 * (libfaketime issue #426). With monotonic time left real, the right answer is the
 * kernel's own: this sends monotonic sleeps straight to it and everything else on to
 * libfaketime.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

int clock_nanosleep(clockid_t clock_id, int flags, const struct timespec *request,
                    struct timespec *remain) {
    if (clock_id == CLOCK_MONOTONIC) {
        long failed = syscall(SYS_clock_nanosleep, clock_id, flags, request, remain);
        return failed ? errno : 0;
    }
    int (*next)(clockid_t, int, const struct timespec *, struct timespec *) =
        dlsym(RTLD_NEXT, "clock_nanosleep");
    return next(clock_id, flags, request, remain);
}
