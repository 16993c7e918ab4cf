#ifndef TWOFOLD_CLINUXSYSTEM_SHIM_H
#define TWOFOLD_CLINUXSYSTEM_SHIM_H

// Linux-only headers that the toolchain's Glibc module does not export (epoll, eventfd,
// signalfd), plus the few GNU declarations that Glibc hides without _GNU_SOURCE. Only
// TwofoldSystem imports this module; no C code is compiled.

#include <pthread.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/types.h>

/// Layout of glibc's `struct ucred` (SO_PEERCRED), hidden behind _GNU_SOURCE.
struct twofold_ucred {
    pid_t pid;
    uid_t uid;
    gid_t gid;
};

extern int accept4(int fd, struct sockaddr *addr, socklen_t *addrlen, int flags);
extern int pthread_setname_np(pthread_t thread, const char *name);

#endif
