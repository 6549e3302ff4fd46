#define _GNU_SOURCE
#include "CSandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <net/if.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <unistd.h>

// <linux/mount.h> clashes with <sys/mount.h> on glibc 2.36, and old headers
// lack these; the values are the kernel ABI.
#ifndef __NR_mount_setattr
#define __NR_mount_setattr 442
#endif
#ifndef __NR_close_range
#define __NR_close_range 436
#endif
#define CAIRN_AT_RECURSIVE 0x8000
#define CAIRN_CLOSE_RANGE_CLOEXEC (1U << 2)
struct cairn_mount_attr {
    uint64_t attr_set, attr_clr, propagation, userns_fd;
};

struct child_arguments {
    const struct cairn_sandbox_config *config;
    int sync_read, sync_write, report_read, report_write;
};

// ---- The child: only async-signal-safe calls from here to execve. ----
// glibc's set*id wrappers would signal the parent's other threads (which do
// not exist in the child), so credentials change through raw system calls.

static int report_fd = -1;

__attribute__((noreturn)) static void fail(int step, int index, int error) {
    struct cairn_sandbox_failure failure = {step, index, error};
    ssize_t n;
    do {
        n = write(report_fd, &failure, sizeof failure);
    } while (n < 0 && errno == EINTR);
    _exit(127);
}

/// Turns statfs flags into the mount flags a bind remount must keep: in a
/// user namespace, flags inherited from the host are locked, and a remount
/// that drops one fails with EPERM.
static unsigned long locked_flags(const char *path) {
    struct statfs st;
    if (statfs(path, &st) < 0) return 0;
    unsigned long flags = 0;
    if (st.f_flags & ST_NOSUID) flags |= MS_NOSUID;
    if (st.f_flags & ST_NODEV) flags |= MS_NODEV;
    if (st.f_flags & ST_NOEXEC) flags |= MS_NOEXEC;
    if (st.f_flags & ST_NOATIME) flags |= MS_NOATIME;
    if (st.f_flags & ST_NODIRATIME) flags |= MS_NODIRATIME;
    if (st.f_flags & ST_RELATIME) flags |= MS_RELATIME;
    if (st.f_flags & ST_RDONLY) flags |= MS_RDONLY;
    return flags;
}

/// Applies attributes to the mount at path (and below it when recursive).
/// mount_setattr reaches submounts; kernels before 5.12 get a remount of the
/// top mount only.
static int set_attributes(const char *path, unsigned long attributes, int recursive) {
    struct cairn_mount_attr attr = {0, 0, 0, 0};
    unsigned long flags = 0;
    if (attributes & CAIRN_SANDBOX_ATTRIBUTE_READ_ONLY) { attr.attr_set |= 0x1; flags |= MS_RDONLY; }
    if (attributes & CAIRN_SANDBOX_ATTRIBUTE_NO_SUID) { attr.attr_set |= 0x2; flags |= MS_NOSUID; }
    if (attributes & CAIRN_SANDBOX_ATTRIBUTE_NO_DEVICES) { attr.attr_set |= 0x4; flags |= MS_NODEV; }
    if (syscall(__NR_mount_setattr, AT_FDCWD, path, recursive ? CAIRN_AT_RECURSIVE : 0, &attr, sizeof attr) == 0)
        return 0;
    if (errno != ENOSYS) return -1;
    return mount(NULL, path, NULL, MS_REMOUNT | MS_BIND | flags | locked_flags(path), NULL);
}

static int write_all(int fd, const char *data, size_t length) {
    while (length > 0) {
        ssize_t n = write(fd, data, length);
        if (n < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        data += n;
        length -= (size_t)n;
    }
    return 0;
}

static int perform(const struct cairn_sandbox_operation *op) {
    switch (op->kind) {
    case CAIRN_SANDBOX_MAKE_DIRECTORY:
        if (mkdir(op->target, op->mode) < 0 && errno != EEXIST) return -1;
        return 0;
    case CAIRN_SANDBOX_WRITE_FILE: {
        // O_NOFOLLOW: a target inside a writable host directory must not
        // follow a symlink a previous build left there.
        // A mount point is only created, never written: read-only, so an
        // existing file there (a running executable) is not refused.
        int flags = (op->data_length > 0 ? O_WRONLY | O_TRUNC : O_RDONLY) | O_CREAT | O_NOFOLLOW | O_CLOEXEC;
        int fd = open(op->target, flags, op->mode);
        if (fd < 0) return -1;
        int result = write_all(fd, op->data, op->data_length);
        int saved = errno;
        close(fd);
        errno = saved;
        return result;
    }
    case CAIRN_SANDBOX_SYMLINK:
        return symlink(op->source, op->target);
    case CAIRN_SANDBOX_BIND:
        if (mount(op->source, op->target, NULL, MS_BIND | MS_REC, NULL) < 0) return -1;
        return op->flags ? set_attributes(op->target, op->flags, 1) : 0;
    case CAIRN_SANDBOX_MOUNT:
        return mount(op->source, op->target, op->data, op->flags, op->options);
    case CAIRN_SANDBOX_REMOUNT_READ_ONLY:
        return set_attributes(op->target, CAIRN_SANDBOX_ATTRIBUTE_READ_ONLY, 0);
    default:
        errno = EINVAL;
        return -1;
    }
}

static void drop_capabilities(unsigned long long keep) {
    // Nothing setuid or file-capable may raise privileges again.
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) fail(CAIRN_SANDBOX_STEP_CAPABILITIES, 0, errno);
    for (int cap = 0; cap < 64; cap++) {
        if (keep & (1ULL << cap)) continue;
        if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0) {
            if (errno == EINVAL) break;  // past the kernel's last capability
            fail(CAIRN_SANDBOX_STEP_CAPABILITIES, 1, errno);
        }
    }
    if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
        fail(CAIRN_SANDBOX_STEP_CAPABILITIES, 2, errno);
    struct __user_cap_header_struct header = {_LINUX_CAPABILITY_VERSION_3, 0};
    struct __user_cap_data_struct data[2];
    memset(data, 0, sizeof data);
    for (int i = 0; i < 2; i++) {
        data[i].permitted = data[i].effective = data[i].inheritable = (unsigned int)(keep >> (32 * i));
    }
    if (syscall(SYS_capset, &header, data) < 0) fail(CAIRN_SANDBOX_STEP_CAPABILITIES, 3, errno);
    // Ambient, so they survive execve of an ordinary program.
    for (int cap = 0; cap < 64; cap++) {
        if ((keep & (1ULL << cap)) && prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0) < 0)
            fail(CAIRN_SANDBOX_STEP_CAPABILITIES, 4, errno);
    }
}

static void redirect_standard_streams(const struct cairn_sandbox_config *c) {
    // Copy the sources above 2 first so that, say, stdout=2 and stderr=1 do
    // not overwrite each other.
    int sources[3] = {c->stdin_fd, c->stdout_fd, c->stderr_fd};
    int copies[3];
    for (int i = 0; i < 3; i++) {
        copies[i] = fcntl(sources[i], F_DUPFD_CLOEXEC, 3);
        if (copies[i] < 0) fail(CAIRN_SANDBOX_STEP_STANDARD_STREAMS, i, errno);
    }
    for (int i = 0; i < 3; i++) {
        if (dup2(copies[i], i) < 0) fail(CAIRN_SANDBOX_STEP_STANDARD_STREAMS, i, errno);
    }
}

static void close_inherited_descriptors(void) {
    // The parent's descriptors that lack O_CLOEXEC must not reach the builder;
    // mark rather than close, so the report pipe survives until execve.
    if (syscall(__NR_close_range, 3U, ~0U, CAIRN_CLOSE_RANGE_CLOEXEC) == 0) return;
    struct rlimit limit;
    if (getrlimit(RLIMIT_NOFILE, &limit) < 0) fail(CAIRN_SANDBOX_STEP_CLOSE_DESCRIPTORS, 0, errno);
    rlim_t end = limit.rlim_cur > 1048576 ? 1048576 : limit.rlim_cur;
    for (rlim_t fd = 3; fd < end; fd++) fcntl((int)fd, F_SETFD, FD_CLOEXEC);
}

/// PID 1 of an interactive container. Every signal is still blocked, so
/// sigwaitinfo takes them all in turn, including those the kernel would
/// drop for a PID 1 without handlers.
__attribute__((noreturn)) static void run_init(pid_t program, int status_fd) {
    sigset_t all;
    sigfillset(&all);
    for (;;) {
        siginfo_t info;
        int sig = sigwaitinfo(&all, &info);
        if (sig < 0) continue;
        if (sig == SIGCHLD) {
            int status;
            pid_t ended;
            while ((ended = waitpid(-1, &status, WNOHANG)) > 0) {
                if (ended != program) continue;
                write_all(status_fd, (const char *)&status, sizeof status);
                // Leaving kills what the program left running in the namespace.
                _exit(WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
            }
            continue;
        }
        // The terminal's signals (SI_KERNEL) reached the program already.
        if (info.si_code == SI_KERNEL) continue;
        kill(program, sig);
    }
}

static int child_main(void *opaque) {
    const struct child_arguments *args = opaque;
    const struct cairn_sandbox_config *c = args->config;
    report_fd = args->report_write;

    // The parent's handlers must never run here; signals stay blocked (as the
    // parent blocked them around clone) until just before execve.
    // An interactive program inherits the signals the caller ignores, as
    // any exec would (nohup's SIGHUP); the init needs SIGCHLD to reap.
    struct sigaction default_action;
    memset(&default_action, 0, sizeof default_action);
    default_action.sa_handler = SIG_DFL;
    for (int sig = 1; sig < NSIG; sig++) {
        struct sigaction current;
        if (c->interactive && sig != SIGCHLD && sigaction(sig, NULL, &current) == 0 && current.sa_handler == SIG_IGN)
            continue;
        sigaction(sig, &default_action, NULL);
    }
    close(args->sync_write);
    close(args->report_read);
    umask(0);

    // Wait until the parent has written uid_map and gid_map: before that we
    // have no identity in the namespace. EOF means the parent gave up.
    char go;
    ssize_t n;
    do {
        n = read(args->sync_read, &go, 1);
    } while (n < 0 && errno == EINTR);
    if (n != 1) _exit(127);

    if (c->clear_groups && syscall(SYS_setgroups, 0, NULL) < 0) fail(CAIRN_SANDBOX_STEP_IDENTITY, 0, errno);
    if (syscall(SYS_setresgid, c->gid, c->gid, c->gid) < 0) fail(CAIRN_SANDBOX_STEP_IDENTITY, 1, errno);
    if (syscall(SYS_setresuid, c->uid, c->uid, c->uid) < 0) fail(CAIRN_SANDBOX_STEP_IDENTITY, 2, errno);
    // A build gets a session of its own: no controlling terminal, no
    // terminal signals. An interactive container keeps the caller's.
    if (!c->interactive && setsid() < 0) fail(CAIRN_SANDBOX_STEP_IDENTITY, 3, errno);

    if (sethostname(c->hostname, strlen(c->hostname)) < 0) fail(CAIRN_SANDBOX_STEP_HOSTNAME, 0, errno);
    if (setdomainname("(none)", 6) < 0) fail(CAIRN_SANDBOX_STEP_HOSTNAME, 1, errno);

    // Nothing mounted from here on may propagate back to the host.
    if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0) fail(CAIRN_SANDBOX_STEP_PRIVATE_MOUNTS, 0, errno);
    if (mount("tmpfs", c->root, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755") < 0)
        fail(CAIRN_SANDBOX_STEP_ROOT_TMPFS, 0, errno);
    for (size_t i = 0; i < c->operation_count; i++) {
        if (perform(&c->operations[i]) < 0) fail(CAIRN_SANDBOX_STEP_OPERATION, (int)i, errno);
    }

    if (c->isolate_network) {
        // A fresh network namespace has only `lo`, and it is down: bring it
        // up so 127.0.0.1 works inside while nothing reaches out.
        int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        if (fd < 0) fail(CAIRN_SANDBOX_STEP_LOOPBACK, 0, errno);
        struct ifreq request;
        memset(&request, 0, sizeof request);
        memcpy(request.ifr_name, "lo", 3);
        request.ifr_flags = IFF_UP | IFF_LOOPBACK | IFF_RUNNING;
        if (ioctl(fd, SIOCSIFFLAGS, &request) < 0) fail(CAIRN_SANDBOX_STEP_LOOPBACK, 1, errno);
        close(fd);
    }

    // pivot_root(".", ".") stacks the old root on the new one; detaching it
    // leaves only the new root (pivot_root(2), NOTES).
    if (chdir(c->root) < 0) fail(CAIRN_SANDBOX_STEP_PIVOT_ROOT, 0, errno);
    if (syscall(SYS_pivot_root, ".", ".") < 0) fail(CAIRN_SANDBOX_STEP_PIVOT_ROOT, 1, errno);
    if (umount2(".", MNT_DETACH) < 0) fail(CAIRN_SANDBOX_STEP_PIVOT_ROOT, 2, errno);
    if (chdir(c->working_directory) < 0) fail(CAIRN_SANDBOX_STEP_WORKING_DIRECTORY, 0, errno);

    redirect_standard_streams(c);
    close_inherited_descriptors();
    drop_capabilities(c->keep_capabilities);

    // Set last: changing credentials clears it. If the parent died before
    // this point the signal would never come, so check its end of the sync
    // pipe, which it keeps open until it has seen our execve.
    if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0) fail(CAIRN_SANDBOX_STEP_PARENT_DEATH_SIGNAL, 0, errno);
    struct pollfd parent = {args->sync_read, POLLIN, 0};
    if (poll(&parent, 1, 0) < 0) fail(CAIRN_SANDBOX_STEP_PARENT_DEATH_SIGNAL, 1, errno);
    if (parent.revents & (POLLHUP | POLLERR)) _exit(127);

    umask(022);
    if (c->interactive) {
        pid_t program = fork();
        if (program < 0) fail(CAIRN_SANDBOX_STEP_FORK, 0, errno);
        if (program > 0) {
            // The init never calls execve, so close-on-exec does nothing for
            // it: it closes what cairn had open (the store database among
            // them; the parent learns that execve succeeded from EOF on the
            // report pipe), and is not dumpable, so the program cannot reach
            // its descriptors or environment through /proc/1.
            prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
            for (int fd = 0; fd < 1024; fd++) {
                if (fd != c->status_fd) close(fd);
            }
            if (syscall(__NR_close_range, 1024U, ~0U, 0) < 0) {
                struct rlimit limit;
                if (getrlimit(RLIMIT_NOFILE, &limit) == 0) {
                    rlim_t end = limit.rlim_cur > 1048576 ? 1048576 : limit.rlim_cur;
                    for (rlim_t fd = 1024; fd < end; fd++) close((int)fd);
                }
            }
            // Out of the caller's process group: a signal sent to the group
            // reaches the program once from the group and once through cairn,
            // not a third time through the init.
            setpgid(0, 0);
            run_init(program, c->status_fd);
        }
    }
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    execve(c->executable, c->argv, c->envp);
    fail(CAIRN_SANDBOX_STEP_EXECUTE, 0, errno);
}

// ---- The parent. ----

static int write_proc_file(pid_t pid, const char *name, const char *contents) {
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/%s", (int)pid, name);
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0) return errno;
    int result = write_all(fd, contents, strlen(contents)) < 0 ? errno : 0;
    close(fd);
    return result;
}

static void reap(pid_t pid, int kill_first) {
    if (kill_first) kill(pid, SIGKILL);
    while (waitpid(pid, NULL, 0) < 0 && errno == EINTR) {}
}

int cairn_sandbox_spawn(const struct cairn_sandbox_config *config, pid_t *pid,
                        struct cairn_sandbox_failure *failure) {
    memset(failure, 0, sizeof *failure);
    int sync[2], report[2];
    if (pipe2(sync, O_CLOEXEC) < 0) {
        *failure = (struct cairn_sandbox_failure){CAIRN_SANDBOX_STEP_PREPARE, 0, errno};
        return -1;
    }
    if (pipe2(report, O_CLOEXEC) < 0) {
        *failure = (struct cairn_sandbox_failure){CAIRN_SANDBOX_STEP_PREPARE, 0, errno};
        close(sync[0]);
        close(sync[1]);
        return -1;
    }
    // The child runs on a copy of this memory (no CLONE_VM), so the stack is
    // only needed for the clone itself and is unmapped right after.
    size_t stack_size = 256 * 1024;
    void *stack = mmap(NULL, stack_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
    if (stack == MAP_FAILED) {
        *failure = (struct cairn_sandbox_failure){CAIRN_SANDBOX_STEP_PREPARE, 1, errno};
        close(sync[0]); close(sync[1]); close(report[0]); close(report[1]);
        return -1;
    }
    struct child_arguments args = {config, sync[0], sync[1], report[0], report[1]};

    // Block every signal so no handler of ours runs in the child before it
    // resets them (as posix_spawn does).
    sigset_t all, previous;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &previous);
    int flags = CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWIPC | CLONE_NEWUTS | SIGCHLD;
    if (config->isolate_network) flags |= CLONE_NEWNET;
    pid_t child = clone(child_main, (char *)stack + stack_size, flags, &args);
    int clone_error = errno;
    pthread_sigmask(SIG_SETMASK, &previous, NULL);
    munmap(stack, stack_size);
    close(sync[0]);
    close(report[1]);
    if (child < 0) {
        *failure = (struct cairn_sandbox_failure){CAIRN_SANDBOX_STEP_CLONE, 0, clone_error};
        close(sync[1]);
        close(report[0]);
        return -1;
    }

    int error = 0, step = 0;
    if ((error = write_proc_file(child, "setgroups", config->setgroups)) != 0) step = CAIRN_SANDBOX_STEP_SETGROUPS_FILE;
    else if ((error = write_proc_file(child, "uid_map", config->uid_map)) != 0) step = CAIRN_SANDBOX_STEP_UID_MAP;
    else if ((error = write_proc_file(child, "gid_map", config->gid_map)) != 0) step = CAIRN_SANDBOX_STEP_GID_MAP;
    else if (write_all(sync[1], "x", 1) < 0) { error = errno; step = CAIRN_SANDBOX_STEP_WAIT_FOR_PARENT; }
    if (step != 0) {
        *failure = (struct cairn_sandbox_failure){step, 0, error};
        close(sync[1]);
        close(report[0]);
        reap(child, 1);
        return -1;
    }

    // EOF on the report pipe means execve succeeded (it closed the
    // close-on-exec write end); a full record is the child's failure.
    struct cairn_sandbox_failure received;
    size_t got = 0;
    while (got < sizeof received) {
        ssize_t n = read(report[0], (char *)&received + got, sizeof received - got);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        got += (size_t)n;
    }
    close(report[0]);
    close(sync[1]);
    if (got != 0) {
        if (got == sizeof received) *failure = received;
        else *failure = (struct cairn_sandbox_failure){CAIRN_SANDBOX_STEP_PREPARE, 2, EPROTO};
        reap(child, got != sizeof received);
        return -1;
    }
    *pid = child;
    return 0;
}

static volatile sig_atomic_t forward_target = 0;

static void forward_signal(int sig, siginfo_t *info, void *context) {
    (void)context;
    pid_t target = forward_target;
    if (target > 0 && info->si_code != SI_KERNEL) kill(target, sig);
}

void cairn_sandbox_forward_signals(pid_t pid) {
    forward_target = pid;
    static const int signals[] = {SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2, SIGALRM};
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_sigaction = forward_signal;
    action.sa_flags = SA_SIGINFO | SA_RESTART;
    sigemptyset(&action.sa_mask);
    for (size_t i = 0; i < sizeof signals / sizeof signals[0]; i++) {
        // What the caller ignores (nohup) stays ignored, here and in the program.
        struct sigaction current;
        if (sigaction(signals[i], NULL, &current) == 0 && current.sa_handler == SIG_IGN) continue;
        sigaction(signals[i], &action, NULL);
    }
}

int cairn_sandbox_become_user_on_this_thread(uid_t uid, gid_t gid) {
    if (syscall(SYS_setgroups, 0, NULL) < 0) return errno;
    if (syscall(SYS_setresgid, gid, gid, gid) < 0) return errno;
    if (syscall(SYS_setresuid, uid, uid, uid) < 0) return errno;
    // Changing credentials made the whole process non-dumpable, which makes
    // /proc/PID/uid_map of its children owned by root and unwritable for the
    // new user; an ordinary user's process is dumpable.
    if (prctl(PR_SET_DUMPABLE, 1, 0, 0, 0) < 0) return errno;
    return 0;
}
