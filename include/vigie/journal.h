/* vigie/journal.h — the input journal: every event the engine is fed, in order.
 *
 * A journal is a JSON Lines file of input events in canonical form, one file per
 * run, so `vigie replay JOURNAL` reproduces the run's outputs byte for byte. Lines
 * are buffered and flushed per batch (vg_journal_flush), and optionally synced to
 * disk. This is shell code (vigieshell): it writes files. */
#ifndef VIGIE_JOURNAL_H
#define VIGIE_JOURNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "vigie/error.h"
#include "vigie/event.h"
#include "vigie/time.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct vg_journal vg_journal;

/* Create a new journal file in dir, named after the wall-clock start time of the
 * run: "vigie-20240726T193000Z.jsonl" (with "-2", "-3"... if that name exists; an
 * existing file is never overwritten). The chosen path is copied to path_out
 * (cap bytes) when path_out is not NULL. */
int vg_journal_open(const char *dir, vg_time started, vg_journal **out, char *path_out,
                    size_t cap, vg_error *err);

/* Append one event (its canonical line). Returns 0, or VG_EIO / VG_EINVAL. */
int vg_journal_append(vg_journal *j, const vg_event *ev, vg_error *err);

/* Push buffered lines to the file; with sync, also to stable storage (fsync). */
int vg_journal_flush(vg_journal *j, bool sync, vg_error *err);

/* Flush, close and free. Returns the first error met, if any. NULL is ignored. */
int vg_journal_close(vg_journal *j, vg_error *err);

#ifdef __cplusplus
}
#endif
#endif
