/* engine/journal.c — writing the input journal (shell side: this file does I/O).
 *
 * The file is created with O_EXCL so two runs can never write into one journal,
 * and lines are written in the same canonical form as every other vigie output,
 * with exact numbers, so that replaying the journal feeds the engine bit-identical
 * events. */
#include "vigie/journal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct vg_journal {
    FILE *f;
    char line[VG_LINE_MAX + 1];
};

int vg_journal_open(const char *dir, vg_time started, vg_journal **out, char *path_out,
                    size_t cap, vg_error *err)
{
    vg_civil c;
    if (vg_time_to_civil(started, &c) < 0)
        return vg_err(err, VG_ERANGE, "journal: start time out of range");
    vg_journal *j = malloc(sizeof *j);
    if (!j)
        return vg_err(err, VG_ENOMEM, "journal: out of memory");
    char path[4096];
    int fd = -1;
    for (int attempt = 1; attempt <= 100 && fd < 0; attempt++) {
        char suffix[16] = "";
        if (attempt > 1)
            snprintf(suffix, sizeof suffix, "-%d", attempt);
        int n = snprintf(path, sizeof path, "%s/vigie-%04d%02d%02dT%02d%02d%02dZ%s.jsonl", dir,
                         c.year, c.month, c.day, c.hour, c.minute, c.second, suffix);
        if (n < 0 || (size_t)n >= sizeof path) {
            free(j);
            return vg_err(err, VG_ETOOBIG, "journal: directory path too long");
        }
        fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
        if (fd < 0 && errno != EEXIST) {
            int e = errno;
            free(j);
            return vg_err(err, VG_EIO, "journal: %s: %s", path, strerror(e));
        }
    }
    if (fd < 0) {
        free(j);
        return vg_err(err, VG_EIO, "journal: no free file name in %s", dir);
    }
    j->f = fdopen(fd, "w");
    if (!j->f) {
        int e = errno;
        close(fd);
        free(j);
        return vg_err(err, VG_EIO, "journal: %s: %s", path, strerror(e));
    }
    if (path_out && cap)
        snprintf(path_out, cap, "%s", path);
    *out = j;
    return 0;
}

int vg_journal_append(vg_journal *j, const vg_event *ev, vg_error *err)
{
    size_t len;
    int rc = vg_event_format(ev, j->line, sizeof j->line - 1, &len, err);
    if (rc < 0)
        return vg_err_prefix(err, "journal: ");
    j->line[len++] = '\n';
    if (fwrite(j->line, 1, len, j->f) != len)
        return vg_err(err, VG_EIO, "journal: write failed: %s", strerror(errno));
    return 0;
}

int vg_journal_flush(vg_journal *j, bool sync, vg_error *err)
{
    if (fflush(j->f) != 0)
        return vg_err(err, VG_EIO, "journal: flush failed: %s", strerror(errno));
    if (sync && fsync(fileno(j->f)) != 0)
        return vg_err(err, VG_EIO, "journal: fsync failed: %s", strerror(errno));
    return 0;
}

int vg_journal_close(vg_journal *j, vg_error *err)
{
    if (!j)
        return 0;
    int rc = 0;
    if (fflush(j->f) != 0)
        rc = vg_err(err, VG_EIO, "journal: flush failed: %s", strerror(errno));
    if (fclose(j->f) != 0 && rc == 0)
        rc = vg_err(err, VG_EIO, "journal: close failed: %s", strerror(errno));
    free(j);
    return rc;
}
