/* cli/fileio.c — the shell's input: bounded line reading and whole-file reads.
 *
 * Lines are read into one fixed buffer; a line that does
 * not fit is consumed to its newline and reported once, so hostile input cannot
 * make the reader grow without bound. */
#include "vigie/io.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "vigie/config.h"
#include "vigie/log.h"

int vg_linereader_init(vg_linereader *lr, FILE *f, size_t max_line, vg_error *err)
{
    lr->f = f;
    lr->cap = max_line + 2; /* the line, its "\n", and fgets' NUL */
    lr->lineno = 0;
    lr->buf = malloc(lr->cap);
    if (!lr->buf)
        return vg_err(err, VG_ENOMEM, "out of memory for a %zu-byte line buffer", lr->cap);
    return 0;
}

/* Consume the rest of an over-long line. */
static void skip_to_newline(FILE *f)
{
    int c;
    while ((c = getc_unlocked(f)) != EOF && c != '\n')
        ;
}

int vg_linereader_next(vg_linereader *lr, const char **line, size_t *len, vg_error *err)
{
    size_t n = 0;
    int c = EOF;
    /* getc with a hand loop rather than fgets, since fgets cannot report the length
     * of a line holding NUL bytes. stdio buffers, so this is not a syscall per byte. */
    while (n < lr->cap - 1 && (c = getc_unlocked(lr->f)) != EOF) {
        lr->buf[n++] = (char)c;
        if (c == '\n')
            break;
    }
    if (n == 0 && c == EOF) {
        if (ferror(lr->f))
            return vg_err(err, VG_EIO, "read error after line %zu: %s", lr->lineno,
                          strerror(errno));
        return 0;
    }
    lr->lineno++;
    if (lr->buf[n - 1] != '\n' && n == lr->cap - 1) {
        skip_to_newline(lr->f);
        return vg_err(err, VG_ETOOBIG, "longer than %zu bytes, skipped", lr->cap - 2);
    }
    if (n && lr->buf[n - 1] == '\n')
        n--;
    if (n && lr->buf[n - 1] == '\r')
        n--;
    lr->buf[n] = '\0';
    *line = lr->buf;
    *len = n;
    return 1;
}

void vg_linereader_free(vg_linereader *lr)
{
    free(lr->buf);
    lr->buf = NULL;
}

int vg_read_file(const char *path, size_t max, char **data, size_t *len, vg_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return vg_err(err, VG_EIO, "%s: %s", path, strerror(errno));
    char *buf = malloc(max + 1);
    if (!buf) {
        fclose(f);
        return vg_err(err, VG_ENOMEM, "%s: out of memory", path);
    }
    size_t n = fread(buf, 1, max + 1, f);
    int rc = 0;
    if (ferror(f))
        rc = vg_err(err, VG_EIO, "%s: read error: %s", path, strerror(errno));
    else if (n > max)
        rc = vg_err(err, VG_ETOOBIG, "%s: larger than %zu bytes", path, max);
    fclose(f);
    if (rc < 0) {
        free(buf);
        return rc;
    }
    buf[n] = '\0';
    *data = buf;
    *len = n;
    return 0;
}

int vg_config_load_file(vg_config *cfg, const char *path, vg_error *err)
{
    char *text;
    size_t len;
    int rc = vg_read_file(path, 1 << 20, &text, &len, err);
    if (rc < 0)
        return rc;
    rc = vg_config_parse(cfg, text, len, path, err);
    free(text);
    return rc;
}

void vg_log_to_stderr(void *userdata, int level, const char *msg)
{
    (void)userdata;
    fprintf(stderr, "vigie: %s: %s\n", vg_log_level_name(level), msg);
}

void vg_path_beside(const char *config_path, const char *path, char *out, size_t cap)
{
    const char *slash = config_path ? strrchr(config_path, '/') : NULL;
    if (path[0] == '/' || !slash) {
        snprintf(out, cap, "%s", path);
        return;
    }
    snprintf(out, cap, "%.*s/%s", (int)(slash - config_path), config_path, path);
}
