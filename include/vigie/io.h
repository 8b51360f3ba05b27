/* vigie/io.h — reading input for the shell: JSON Lines line by line, whole files.
 *
 * Part of the shell (vigieshell), not of the deterministic core. The line reader
 * never holds more than one bounded line: a longer line is skipped to its end and
 * reported, so a 1 GB line costs no memory and does not stop the run. */
#ifndef VIGIE_IO_H
#define VIGIE_IO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "vigie/error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct vg_linereader {
    FILE *f;
    char *buf;
    size_t cap;        /* maximum line length + 2 */
    size_t lineno;     /* number of the line last returned (1-based) */
} vg_linereader;

/* Read lines of at most max_line bytes from f (not closed by the reader).
 * Returns 0 or VG_ENOMEM. */
int vg_linereader_init(vg_linereader *lr, FILE *f, size_t max_line, vg_error *err);

/* Next line, without its "\n" or "\r\n"; lr->lineno is its number. Returns 1 and
 * sets *line and *len (valid until the next call), 0 at end of input, or a negative
 * code: VG_ETOOBIG for an over-long line (skipped; the next call continues after
 * it), VG_EIO for a read error. Lines may contain NUL bytes; *len counts them. */
int vg_linereader_next(vg_linereader *lr, const char **line, size_t *len, vg_error *err);

void vg_linereader_free(vg_linereader *lr);

/* Read a whole file of at most max bytes into a malloc'd, NUL-terminated buffer the
 * caller frees. Returns 0, VG_EIO (with strerror) or VG_ETOOBIG. */
int vg_read_file(const char *path, size_t max, char **data, size_t *len, vg_error *err);

/* Load a configuration file into cfg (on top of its current values). */
struct vg_config;
int vg_config_load_file(struct vg_config *cfg, const char *path, vg_error *err);

/* Resolve a path found in a configuration file: an absolute path (or no config
 * file) is kept; a relative one is taken from the configuration file's folder, so
 * a config and its data files move together. Writes into out (cap bytes). */
void vg_path_beside(const char *config_path, const char *path, char *out, size_t cap);

/* A logger sink writing "vigie: level: message" lines to stderr. */
void vg_log_to_stderr(void *userdata, int level, const char *msg);

/* Load the data files cfg names (zones, protected assets, whitelist, sensor coverage;
 * paths relative to config_path) into engine, logging each one loaded. */
struct vg_engine;
struct vg_logger;
int vg_engine_load_site_data(struct vg_engine *engine, const struct vg_config *cfg,
                             const char *config_path, const struct vg_logger *log,
                             vg_error *err);

#ifdef __cplusplus
}
#endif
#endif
