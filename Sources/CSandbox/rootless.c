#define _GNU_SOURCE
#include "CSandbox.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

// The rootless /cairn mapping (ARCHITECTURE.md §1.3), as nix-user-chroot
// does it but with pivot_root instead of chroot: a process in a chroot may
// not create user namespaces, and every build needs one of its own.

static int failed(struct cairn_rootless_failure *failure, int step, int error, const char *entry) {
    failure->step = step;
    failure->error = error;
    failure->entry[0] = 0;
    if (entry) {
        strncpy(failure->entry, entry, sizeof failure->entry - 1);
        failure->entry[sizeof failure->entry - 1] = 0;
    }
    return -1;
}

static int write_file(const char *path, const char *text) {
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    size_t length = strlen(text);
    ssize_t n;
    do {
        n = write(fd, text, length);
    } while (n < 0 && errno == EINTR);
    int saved = errno;
    close(fd);
    if (n != (ssize_t)length) {
        errno = n < 0 ? saved : EIO;
        return -1;
    }
    return 0;
}

/// Shows the host's `/NAME` at `ROOT/NAME`: directories and files are bound
/// (directories with everything mounted below them), symlinks recreated.
/// Returns 0, or an errno value.
static int show_host_entry(const char *root, const char *name) {
    char host[PATH_MAX], target[PATH_MAX];
    if (snprintf(host, sizeof host, "/%s", name) >= (int)sizeof host) return ENAMETOOLONG;
    if (snprintf(target, sizeof target, "%s/%s", root, name) >= (int)sizeof target) return ENAMETOOLONG;
    struct stat st;
    if (lstat(host, &st) < 0) return errno == ENOENT ? 0 : errno;  // gone meanwhile
    if (S_ISLNK(st.st_mode)) {
        char link[PATH_MAX];
        ssize_t n = readlink(host, link, sizeof link - 1);
        if (n < 0) return errno;
        link[n] = 0;
        return symlink(link, target) < 0 ? errno : 0;
    }
    if (S_ISDIR(st.st_mode)) {
        if (mkdir(target, 0755) < 0 && errno != EEXIST) return errno;
        if (mount(host, target, NULL, MS_BIND | MS_REC, NULL) < 0) {
            // A directory the user may not even look up (a root-only mount
            // point) cannot be shown; leave it empty, as it is to them anyway.
            return errno == EACCES || errno == EPERM ? 0 : errno;
        }
        return 0;
    }
    int fd = open(target, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) return errno;
    close(fd);
    if (mount(host, target, NULL, MS_BIND, NULL) < 0) return errno == EACCES || errno == EPERM ? 0 : errno;
    return 0;
}

int cairn_rootless_enter(const char *data_directory, const char *staging_directory,
                         const char *working_directory, struct cairn_rootless_failure *failure) {
    uid_t uid = getuid();
    gid_t gid = getgid();
    if (unshare(CLONE_NEWUSER | CLONE_NEWNS) < 0) return failed(failure, CAIRN_ROOTLESS_STEP_UNSHARE, errno, NULL);

    // An unprivileged process may map only its own ids, and must give up
    // setgroups before it may write gid_map.
    char map[64];
    if (write_file("/proc/self/setgroups", "deny") < 0 && errno != ENOENT)
        return failed(failure, CAIRN_ROOTLESS_STEP_SETGROUPS_FILE, errno, NULL);
    snprintf(map, sizeof map, "%u %u 1\n", (unsigned)uid, (unsigned)uid);
    if (write_file("/proc/self/uid_map", map) < 0) return failed(failure, CAIRN_ROOTLESS_STEP_UID_MAP, errno, NULL);
    snprintf(map, sizeof map, "%u %u 1\n", (unsigned)gid, (unsigned)gid);
    if (write_file("/proc/self/gid_map", map) < 0) return failed(failure, CAIRN_ROOTLESS_STEP_GID_MAP, errno, NULL);

    // Nothing done here may reach the host's mount table.
    if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
        return failed(failure, CAIRN_ROOTLESS_STEP_PRIVATE_MOUNTS, errno, NULL);
    if (mount("tmpfs", staging_directory, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755") < 0)
        return failed(failure, CAIRN_ROOTLESS_STEP_ROOT_TMPFS, errno, NULL);
    // The staging root lies somewhere under the host's `/` (in the data
    // directory): unbindable, it is left out of the recursive binds of the
    // host's top-level directories instead of showing up inside itself.
    if (mount(NULL, staging_directory, NULL, MS_UNBINDABLE, NULL) < 0)
        return failed(failure, CAIRN_ROOTLESS_STEP_ROOT_TMPFS, errno, NULL);

    DIR *directory = opendir("/");
    if (!directory) return failed(failure, CAIRN_ROOTLESS_STEP_HOST_ENTRY, errno, "/");
    struct dirent *entry;
    int error = 0;
    char failed_name[256] = "";
    while ((entry = readdir(directory)) != NULL) {
        const char *name = entry->d_name;
        if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0 || strcmp(name, "cairn") == 0) continue;
        error = show_host_entry(staging_directory, name);
        if (error) {
            strncpy(failed_name, name, sizeof failed_name - 1);
            break;
        }
    }
    closedir(directory);
    if (error) return failed(failure, CAIRN_ROOTLESS_STEP_HOST_ENTRY, error, failed_name);

    // Not recursive: the staging tmpfs lies inside the data directory's
    // file system and must not show up again under /cairn.
    char cairn[PATH_MAX];
    if (snprintf(cairn, sizeof cairn, "%s/cairn", staging_directory) >= (int)sizeof cairn)
        return failed(failure, CAIRN_ROOTLESS_STEP_DATA_BIND, ENAMETOOLONG, NULL);
    if (mkdir(cairn, 0755) < 0 && errno != EEXIST) return failed(failure, CAIRN_ROOTLESS_STEP_DATA_BIND, errno, NULL);
    if (mount(data_directory, cairn, NULL, MS_BIND, NULL) < 0)
        return failed(failure, CAIRN_ROOTLESS_STEP_DATA_BIND, errno, NULL);

    // pivot_root(".", ".") stacks the old root on the new one; detaching it
    // leaves only the new root.
    if (chdir(staging_directory) < 0) return failed(failure, CAIRN_ROOTLESS_STEP_PIVOT_ROOT, errno, NULL);
    if (syscall(SYS_pivot_root, ".", ".") < 0) return failed(failure, CAIRN_ROOTLESS_STEP_PIVOT_ROOT, errno, NULL);
    if (umount2(".", MNT_DETACH) < 0) return failed(failure, CAIRN_ROOTLESS_STEP_PIVOT_ROOT, errno, NULL);
    if (chdir("/") < 0) return failed(failure, CAIRN_ROOTLESS_STEP_PIVOT_ROOT, errno, NULL);
    // The host's / is not the user's to write, and neither is this one.
    if (mount(NULL, "/", NULL, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV, NULL) < 0)
        return failed(failure, CAIRN_ROOTLESS_STEP_READ_ONLY_ROOT, errno, NULL);
    if (chdir(working_directory) < 0) return failed(failure, CAIRN_ROOTLESS_STEP_WORKING_DIRECTORY, errno, NULL);
    return 0;
}
