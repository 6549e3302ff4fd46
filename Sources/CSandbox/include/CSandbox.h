#ifndef CAIRN_CSANDBOX_H
#define CAIRN_CSANDBOX_H

// The few steps Swift cannot take safely: clone a child into new namespaces
// and prepare its root between clone and execve, where only async-signal-safe
// calls are allowed (other threads of the parent may hold locks the child
// would never see released). Everything the child needs is prepared by the
// Swift side beforehand; the child only walks the arrays it is handed.

#include <stddef.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

/// One step of the root's preparation. Paths are host paths under the
/// staging directory that becomes `/`.
enum cairn_sandbox_operation_kind {
    /// mkdir(target, mode); an existing directory is fine.
    CAIRN_SANDBOX_MAKE_DIRECTORY = 1,
    /// Creates target with `data_length` bytes of `data` (a bind target when empty).
    CAIRN_SANDBOX_WRITE_FILE = 2,
    /// symlink(source, target): source is the link text.
    CAIRN_SANDBOX_SYMLINK = 3,
    /// Recursive bind of source at target, then `attributes` applied recursively.
    CAIRN_SANDBOX_BIND = 4,
    /// mount(source, target, fstype = data, flags, options).
    CAIRN_SANDBOX_MOUNT = 5,
    /// Makes the mount at target read-only (not its submounts).
    CAIRN_SANDBOX_REMOUNT_READ_ONLY = 6,
};

/// Attributes of a bind, applied with mount_setattr (or a remount on old kernels).
enum {
    CAIRN_SANDBOX_ATTRIBUTE_READ_ONLY = 1,
    CAIRN_SANDBOX_ATTRIBUTE_NO_SUID = 2,
    CAIRN_SANDBOX_ATTRIBUTE_NO_DEVICES = 4,
};

struct cairn_sandbox_operation {
    int kind;
    const char *source;
    const char *target;
    const char *data;
    size_t data_length;
    const char *options;
    unsigned long flags;
    unsigned int mode;
};

struct cairn_sandbox_config {
    /// New user, mount, PID, IPC and UTS namespaces always; a new network
    /// namespace (with only `lo`, brought up) when this is non-zero.
    int isolate_network;
    /// Written to /proc/PID/{setgroups,uid_map,gid_map} by the parent.
    const char *setgroups;
    const char *uid_map;
    const char *gid_map;
    /// Drop supplementary groups in the child (needs setgroups "allow").
    int clear_groups;
    uid_t uid;
    gid_t gid;
    const char *hostname;
    /// An empty host directory; a tmpfs mounted on it becomes `/`.
    const char *root;
    const struct cairn_sandbox_operation *operations;
    size_t operation_count;
    const char *working_directory;
    int stdin_fd;
    int stdout_fd;
    int stderr_fd;
    const char *executable;
    char *const *argv;
    char *const *envp;
    /// Non-zero for an interactive container (`cairn shell -C`): the child
    /// keeps the caller's session, process group and controlling terminal,
    /// and PID 1 is a small init that runs the program as its own child,
    /// passes on the signals sent to it by processes (the terminal's reach
    /// the program directly), reaps orphans, and writes the program's wait
    /// status (an int) to `status_fd` before it exits.
    int interactive;
    int status_fd;
    /// Capabilities (bits of their numbers) the program keeps, as ambient
    /// capabilities in the sandbox's own user namespace; everything else is
    /// dropped. 0 for builds.
    unsigned long long keep_capabilities;
};

/// Where a start failed. `index` names the operation for the OPERATION step.
enum cairn_sandbox_step {
    CAIRN_SANDBOX_STEP_PREPARE = 1,
    CAIRN_SANDBOX_STEP_CLONE,
    CAIRN_SANDBOX_STEP_SETGROUPS_FILE,
    CAIRN_SANDBOX_STEP_UID_MAP,
    CAIRN_SANDBOX_STEP_GID_MAP,
    CAIRN_SANDBOX_STEP_WAIT_FOR_PARENT,
    CAIRN_SANDBOX_STEP_IDENTITY,
    CAIRN_SANDBOX_STEP_HOSTNAME,
    CAIRN_SANDBOX_STEP_PRIVATE_MOUNTS,
    CAIRN_SANDBOX_STEP_ROOT_TMPFS,
    CAIRN_SANDBOX_STEP_OPERATION,
    CAIRN_SANDBOX_STEP_LOOPBACK,
    CAIRN_SANDBOX_STEP_PIVOT_ROOT,
    CAIRN_SANDBOX_STEP_WORKING_DIRECTORY,
    CAIRN_SANDBOX_STEP_STANDARD_STREAMS,
    CAIRN_SANDBOX_STEP_CLOSE_DESCRIPTORS,
    CAIRN_SANDBOX_STEP_CAPABILITIES,
    CAIRN_SANDBOX_STEP_PARENT_DEATH_SIGNAL,
    CAIRN_SANDBOX_STEP_EXECUTE,
    CAIRN_SANDBOX_STEP_FORK,
};

struct cairn_sandbox_failure {
    int step;
    int index;
    int error;
};

/// Starts the sandboxed child and returns 0 once it has called execve, with
/// its pid in *pid; the caller waits for it. On failure returns -1 with
/// *failure filled; the child, if any, is already reaped.
int cairn_sandbox_spawn(const struct cairn_sandbox_config *config, pid_t *pid,
                        struct cairn_sandbox_failure *failure);

/// While an interactive container runs: signals sent to this process by
/// another process (kill, a job scheduler) go to `pid`, the container's
/// init, which passes them to the program; those the terminal sends (Ctrl-C)
/// are left alone here, since the program in the same process group gets
/// them itself. Pass 0 to stop forwarding (the handlers stay, doing nothing).
void cairn_sandbox_forward_signals(pid_t pid);

/// Test support: switches the *calling thread only* to uid/gid with no
/// supplementary groups, through raw system calls (glibc's wrappers change
/// every thread). It cannot be undone; run it on a thread that ends after.
/// Returns 0 or an errno value.
int cairn_sandbox_become_user_on_this_thread(uid_t uid, gid_t gid);


/// The steps of entering the rootless /cairn mapping, for error messages.
enum cairn_rootless_step {
    CAIRN_ROOTLESS_STEP_UNSHARE = 1,
    CAIRN_ROOTLESS_STEP_SETGROUPS_FILE,
    CAIRN_ROOTLESS_STEP_UID_MAP,
    CAIRN_ROOTLESS_STEP_GID_MAP,
    CAIRN_ROOTLESS_STEP_PRIVATE_MOUNTS,
    CAIRN_ROOTLESS_STEP_ROOT_TMPFS,
    CAIRN_ROOTLESS_STEP_HOST_ENTRY,
    CAIRN_ROOTLESS_STEP_DATA_BIND,
    CAIRN_ROOTLESS_STEP_PIVOT_ROOT,
    CAIRN_ROOTLESS_STEP_READ_ONLY_ROOT,
    CAIRN_ROOTLESS_STEP_WORKING_DIRECTORY,
};

struct cairn_rootless_failure {
    int step;
    int error;
    /// For HOST_ENTRY: the top-level name of `/` that could not be shown.
    char entry[256];
};

/// Puts the calling process (which must be single-threaded: the kernel
/// refuses a new user namespace to a process with other threads) into a new
/// user and mount namespace where it keeps its uid and gid, and where `/`
/// shows every top-level entry of the host's `/` except `cairn`, and
/// `/cairn` shows `data_directory`. `staging_directory` is an existing empty
/// directory (outside `data_directory`'s contents that matter) on which the
/// new root is assembled; `working_directory` is entered afterwards.
/// Returns 0, or -1 with *failure filled.
int cairn_rootless_enter(const char *data_directory, const char *staging_directory,
                         const char *working_directory, struct cairn_rootless_failure *failure);

#ifdef __cplusplus
}
#endif

#endif
