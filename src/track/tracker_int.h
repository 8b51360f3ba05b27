/* track/tracker_int.h — the tracker's internal types, shared by tracker.c (scans,
 * association, track management) and tracker_life.c (creation, growth, site
 * changes, visiting). Private to src/track/. */
#ifndef VIGIE_TRACKER_INT_H
#define VIGIE_TRACKER_INT_H

#include <stddef.h>
#include <string.h>

#include "track/bearings.h"
#include "track/clutter.h"
#include "track/grid.h"
#include "track/sensor_names.h"
#include "vigie/assign.h"
#include "vigie/track.h"

/* A track's state: one filter, or an IMM of several. A CV filter whose axes are
 * decoupled (most: see kf_axes.c) is kept in axes form, a third of the bytes to
 * fetch for each prediction, update and output; whoever holds a state says which
 * form it is in (trk.axes, column.axes). */
typedef union state {
    vg_kf kf;
    vg_imm imm;
    vg_kf_axes ax;
} state;

/* A track's record. The first cache line holds all that dropping a track, counting
 * an opportunity, confirming or expiring it and predicting it read: with tens of
 * thousands of tracks born of clutter and dropped a few scans later, each of those
 * costs that one line. The second holds the class; a CV state in axes form fills
 * the next two, so that such a track is four lines in all. */
typedef struct trk {
    uint64_t id;
    vg_time t_state;            /* time of the state estimate, which only a
                                 * measurement sets: the last update's time */
    vg_time t_fix;              /* last update that located it: a position, a radar
                                 * plot, or a triangulation (not a lone bearing) */
    vg_time t_kin;              /* last kinematic class evidence */
    vg_time born;               /* first detection */
    uint32_t updates;
    int32_t sensor;             /* the last sensor to update it, in t->sensors */
    uint32_t integrity;
    uint16_t hits, opportunities;
    uint8_t status;             /* a vg_track_status */
    uint8_t id_source;          /* a vg_identity_source: its identity's source (the
                                 * identity itself is in its trk_names),
                                 * VG_IDSRC_NONE if it has none */
    uint8_t class_settled;      /* vg_class_kinematics's memory for logp */
    bool id_mapped;             /* its cooperative identity is in the identity table */
    bool rf_mapped;             /* its RF link is in the identity table */
    bool live : 1;
    bool bearing_only : 1;      /* born of bearings, never located otherwise: its
                                 * bearings are its fixes */
    bool rf_linked : 1;         /* an RF link is bound to it (signature in trk_names) */
    bool has_operator : 1, operator_has_alt : 1; /* the position is in trk_names */
    bool axes : 1;              /* CV: st holds the axes form (st.ax), not st.kf */
    /* (first line ends) */
    double logp[VG_CLASS_COUNT];
    double class_p[VG_CLASS_COUNT]; /* exp(logp), kept with it: outputs are many */
    state st;                   /* last: a new track clears what precedes it only */
} trk;

_Static_assert(offsetof(trk, logp) == 64 && offsetof(trk, st) == 128,
               "the lines as planned");

/* What names a track and its pilot, apart from its record: most tracks (radar
 * plots, clutter) have none of it, and every record line saved is one less to
 * fetch for each update and output. Each part is valid only as its record says. */
typedef struct trk_names {
    vg_identity identity;       /* id_source != VG_IDSRC_NONE: cooperative if any was
                                 * heard, else the RF one */
    char rf[VG_ID_MAX];         /* rf_linked: the signature of the RF link bound to it */
    vg_geo operator_pos;        /* has_operator */
} trk_names;

/* What gating reads for every candidate, kept apart from the track records (half
 * a kilobyte or more each) so that looking at the tracks near a detection touches one small
 * entry per track: with tens of thousands of tracks, memory traffic is the cost. */
typedef struct trk_hot {
    double x, y, vx, vy;        /* combined state, site frame, at t_state */
    vg_time t_state;
    float sp, sv;               /* √(P_ee + P_nn), √(P_vev_e + P_vnv_n), rounded up:
                                 * they only widen a prefilter, which stays exact */
    uint32_t stamp;             /* scan in which col is valid */
    int32_t col;
    bool tentative;
    bool cooperative;           /* carries a Remote ID, French beacon or ADS-B identity */
    bool rf_linked;             /* an RF link signature is bound to it */
    bool superseded;            /* its object was found again by another track: it
                                 * takes no detection and goes at housekeeping */
    bool bound;                 /* col is bound to a detection (valid with stamp):
                                 * kept here, not in the column, because every
                                 * query asks it of every track it visits */
} trk_hot;

/* One cache line per entry: a query touches several tracks, each costs a line. */
_Static_assert(sizeof(trk_hot) == 64, "trk_hot is one cache line");

/* What housekeeping reads of every live track each second, kept apart from the
 * records like trk_hot: a CV track's position variance at dt after t_state,
 * trace(P_pos) = tr0 + tr1·dt + tr2·dt² + q·dt³, so that most tracks are kept or
 * dropped without their record being read (see housekeeping.c). tr1_abs bounds the
 * rounding of the exact computation. */
typedef struct trk_keep {
    double tr0, tr1, tr1_abs, tr2;
} trk_keep;

_Static_assert(sizeof(trk_keep) == 32, "two trk_keep per cache line");

/* Per scan, per candidate track: its prediction to the scan's time. Columns lie
 * col_stride bytes apart (col_at): a CV column ends after pred.kf — six cache
 * lines, not the seventeen of an IMM one, and two in axes form — so that nothing
 * but the IMM path may touch pred.imm or comb. */
typedef struct column {
    bool hit;
    bool axes;                  /* CV: pred holds the axes form */
    state pred;
    vg_kf comb;                 /* the prediction as one filter: IMM only (CV: pred.kf) */
} column;

/* A tentative track found near a detection while gathering the established ones:
 * gated later, only if the detection is still unassigned, so that one grid query
 * per detection serves both association passes. */
typedef struct deferred {
    int32_t row, track;
} deferred;

/* A track the first pass's grid query found for a detection: gated (or deferred,
 * when `later`) once every detection has been queried. */
typedef struct candidate {
    int32_t track;
    int32_t later;
} candidate;

/* Where a detection's grid query is centred, and its horizontal variance (trace). */
typedef struct query_point {
    double x, y, var_h;
    bool bearing;               /* walks the bearing's ray from (x, y), its sensor */
} query_point;

/* Cell order pays when the gating entries outgrow the caches nearest the core (half
 * a megabyte of them here) and the scan is large; below, it is sorting for nothing. */
#define VG_SPACE_ORDER_MIN 256
#define VG_SPACE_ORDER_MIN_TRACKS 8192

#define ID_EMPTY (-1)
#define ID_TOMB (-2)

/* A row's fate before assignment: open, a cooperative identity outside its track's
 * gate (a possible spoof: starts a flagged track), or a bearing of a bound RF link
 * outside its track's gate (dropped: it cannot start a track alone, and handing it
 * to another object would move the link). */
enum { ROW_OPEN = -1, ROW_SPOOF = -2, ROW_DROP = -3 };

struct vg_tracker {
    vg_tracker_config cfg;
    vg_enu_frame site;
    trk *tracks;                /* grown by doubling up to max_tracks, trk_stride
                                 * bytes apart (trk_at) */
    size_t trk_stride;
    trk_hot *hot;               /* one per track record, grown with them */
    trk_keep *keep;             /* likewise */
    trk_names *names;           /* likewise */
    int32_t track_cap;
    int32_t *free_slots;        /* free record indices, a stack: the next one is on top, so
                                 * that a new track does not read a record to find it */
    int32_t nfree;
    vg_sensor_names sensors;
    int32_t scan_sensor;        /* the sensor of the scan being processed, in sensors */
    int32_t *live;              /* indices of live tracks, in no particular order */
    int32_t *live_pos;          /* per track: its index in live (apart from the records:
                                 * a drop moves another track there, and reading that
                                 * track's record would cost a miss) */
    int32_t nlive;
    uint64_t next_id;
    vg_grid grid;
    vg_time grid_time;
    double vmax;                /* fastest track since the grid was rebuilt, m/s */
    int32_t *ids;               /* identity table: track index, ID_EMPTY, ID_TOMB */
    uint32_t id_cap, id_used;   /* slots; slots holding a key or a tombstone */
    uint32_t id_keys;           /* slots holding a key */
    uint32_t id_cap_max;        /* four slots a track of max_tracks */
    /* scan workspace */
    uint32_t stamp;
    column *cols;               /* grown by doubling up to max_cols, col_stride
                                 * bytes apart */
    size_t col_stride;
    int32_t *col_track;         /* per column, its track: a small array of its own,
                                 * so that looking a few columns ahead to prefetch
                                 * their tracks does not wait on the columns' memory */
    int32_t ncols, cols_cap, max_cols;
    vg_assign assign;
    vg_assign_edge *edges;
    int32_t nedges, max_edges;
    int32_t *row;               /* per detection: bound column, or a ROW_* mark */
    int32_t *row_to_col;        /* the solver's answer, per row it was given */
    int32_t *solve_rows;        /* the detection of each row given to the solver */
    double *row_logdet_r;       /* per detection: ln det R */
    deferred *defer;            /* tentative candidates of the first pass */
    int32_t ndefer, defer_cap;
    bool defer_lost;            /* the list could not grow: query again in pass 2 */
    /* The first pass queries the grid in the order of the detections' cells, so that
     * consecutive queries share cells and tracks (in cache), then gates what they
     * found in detection order, so that columns, edges and outputs come out as a
     * query per detection in order would give them. */
    candidate *cands;
    int32_t ncands, cands_cap;
    bool cands_lost;            /* the list could not grow: gather in detection order */
    bool g_record;              /* consider() records candidates instead of gating */
    /* Smaller scans, or fewer live tracks, are queried in detection order
     * (VG_SPACE_ORDER_MIN, VG_SPACE_ORDER_MIN_TRACKS; tests change them). */
    int32_t space_order_min, space_order_tracks;
    bool axes_form;             /* CV states may take the axes form (tests turn it off) */
    int32_t *cand_first, *cand_n; /* per detection: its candidates in cands */
    int32_t *order, *order_tmp; /* open detections, sorted by cell */
    uint32_t *sort_key, *sort_key_tmp;
    query_point *qpoint;        /* per detection */
    query_point *qsorted;       /* the same, in the order of the queries */
    /* gathering context */
    const vg_meas_model *g_mm;
    bool g_axes_fit;            /* vg_kf_axes_fit(g_mm) */
    const vg_track_input *g_det;
    int32_t g_row;
    vg_vec3 g_point;
    double g_radius, g_radius2; /* the query's radius, and its square */
    vg_time g_time;
    bool g_tentative;           /* this pass considers tentative tracks only, or none */
    bool g_defer;               /* and it defers the tentative ones to the next pass */
    bool g_bearing;             /* the detection is a bearing */
    double g_var_h;             /* the detection's horizontal variance (trace), m² */
    double g_logdet_r;          /* ln det R of the detection being gathered */
    bool g_dt_valid;            /* consider()'s dt from g_dt_state to g_time, and */
    vg_time g_dt_state;         /* 2q·dt³/3, kept for the next track with that */
    double g_dt, g_dt_q;        /* state time */
    vg_bearings bearings;
    vg_clutter_map clutter;     /* cells NULL when there is no map */
    double class_prior[VG_CLASS_COUNT];   /* a new track's logp and class_p, */
    double class_prior_p[VG_CLASS_COUNT]; /* computed once */
    double prefilter_2q;        /* 2 × the largest process noise (consider) */
    double gate2;               /* gate² */
    vg_tracker_stats st;
    vg_event out;
};

/* ---- states (CV or IMM, by configuration) ------------------------------------------ */

static inline void st_predict(const vg_tracker *t, state *s, bool axes, double dt)
{
    if (dt <= 0.0)
        return;
    if (t->cfg.model == VG_TRACK_MODEL_IMM)
        vg_imm_predict(&s->imm, dt);
    else if (axes)
        vg_kf_axes_predict_cv(&s->ax, dt, t->cfg.process_noise);
    else
        vg_kf_predict_cv(&s->kf, dt, t->cfg.process_noise);
}

/* fmax, inline: the library call is not, and this runs per candidate. Same result,
 * NaN handling included (a NaN argument yields the other one). */
static inline double max_d(double a, double b)
{
    return (a > b || b != b) ? a : b;
}

/* Track record i. Records lie trk_stride bytes apart: a CV track's ends after
 * st.kf (512 bytes, not the 896 of an IMM one; a state in axes form ends at 256),
 * so that nothing but the IMM path may touch st.imm beyond the filter it begins
 * with. */
static inline trk *trk_at(const vg_tracker *t, int32_t i)
{
    return (trk *)(void *)((char *)t->tracks + (size_t)i * t->trk_stride);
}

/* Column c. */
static inline column *col_at(const vg_tracker *t, int32_t c)
{
    return (column *)(void *)((char *)t->cols + (size_t)c * t->col_stride);
}

/* Ask for the memory of track record i before it is needed: the loops over the
 * live tracks and over a scan's columns visit records in no order the hardware can
 * guess, and with tens of thousands of tracks each visit would wait on memory.
 * Only a hint: no effect on results. */
static inline void prefetch_track(const vg_tracker *t, int32_t i)
{
#if defined(__GNUC__)
    /* A CV state's axes form: a track in full form fetches the rest on use. */
    const trk *k = trk_at(t, i);
    const char *s = (const char *)&k->st;
    size_t bytes = t->cfg.model == VG_TRACK_MODEL_IMM ? sizeof(vg_kf) : sizeof(vg_kf_axes);
    __builtin_prefetch(k);
    __builtin_prefetch((const char *)k + 64);
    for (size_t off = 0; off < bytes; off += 64)
        __builtin_prefetch(s + off);
#else
    (void)t;
    (void)i;
#endif
}

/* Column c's lines that a CV track in axes form reads (the first two; an IMM or
 * full-form column fetches the rest on use). */
static inline void prefetch_column(const vg_tracker *t, int32_t c)
{
#if defined(__GNUC__)
    const char *p = (const char *)col_at(t, c);
    __builtin_prefetch(p);
    __builtin_prefetch(p + 64);
#else
    (void)t;
    (void)c;
#endif
}

/* Every line of [p, p + bytes), to be read, or written when `write`. */
static inline void prefetch_lines(const void *p, size_t bytes, bool write)
{
#if defined(__GNUC__)
    for (size_t off = 0; off < bytes; off += 64) {
        if (write)
            __builtin_prefetch((const char *)p + off, 1);
        else
            __builtin_prefetch((const char *)p + off, 0);
    }
#else
    (void)p;
    (void)bytes;
    (void)write;
#endif
}

/* Detection r + DETECTION_AHEAD of in[0, n), to be read: its first `bytes`. The
 * passes over a scan read its detections in order, 424 bytes apart, and a scan of
 * thousands (8 MB at 19 000) has left the caches nearest the core by the time a
 * pass comes back to it; the hardware's own prefetching does not run far enough
 * ahead of such strides. DETECTION_HEAD bytes hold a position's kind, z and R. */
#define DETECTION_AHEAD 8
#define DETECTION_HEAD 128

static inline void prefetch_detection(const vg_track_input *in, int r, int n, size_t bytes)
{
    if (r + DETECTION_AHEAD < n)
        prefetch_lines(&in[r + DETECTION_AHEAD], bytes, false);
}

/* The first line of record i, to be read. */
static inline void prefetch_first_line(const vg_tracker *t, int32_t i)
{
    prefetch_lines(trk_at(t, i), 1, false);
}

/* Every line of record i a new track writes: the whole record, but for a CV state
 * in axes form (most) only as far as that form goes. */
static inline void prefetch_record_for_write(const vg_tracker *t, int32_t i)
{
    size_t bytes = t->cfg.model == VG_TRACK_MODEL_IMM ? t->trk_stride
                                                      : offsetof(trk, st) + sizeof(vg_kf_axes);
    prefetch_lines(trk_at(t, i), bytes, true);
}

/* The header of track i's record alone, to be read (every line of it: outputs
 * read all over it). */
static inline void prefetch_header(const vg_tracker *t, int32_t i)
{
    prefetch_lines(trk_at(t, i), offsetof(trk, st), false);
}

/* Likewise for track i's summaries, which housekeeping reads instead of the record. */
static inline void prefetch_summaries(const vg_tracker *t, int32_t i)
{
#if defined(__GNUC__)
    __builtin_prefetch(&t->hot[i]);
    __builtin_prefetch(&t->keep[i]);
#else
    (void)t;
    (void)i;
#endif
}

/* Copy a state in the given form: a CV state is a fraction of the union. */
static inline void st_copy(const vg_tracker *t, state *dst, const state *src, bool axes)
{
    if (t->cfg.model == VG_TRACK_MODEL_IMM)
        dst->imm = src->imm;
    else if (axes)
        dst->ax = src->ax;
    else
        dst->kf = src->kf;
}

/* A state as one filter: the CV filter itself, or its axes form expanded into
 * *tmp, or the IMM combined into *tmp. */
static inline const vg_kf *st_kf(const vg_tracker *t, const state *s, bool axes, vg_kf *tmp)
{
    if (t->cfg.model == VG_TRACK_MODEL_IMM) {
        vg_imm_combine(&s->imm, tmp);
        return tmp;
    }
    if (axes) {
        vg_kf_axes_to(tmp, &s->ax);
        return tmp;
    }
    return &s->kf;
}

/* The prediction of a column as one filter. */
static inline const vg_kf *col_kf(const vg_tracker *t, const column *c, vg_kf *tmp)
{
    if (t->cfg.model == VG_TRACK_MODEL_IMM)
        return &c->comb;
    return st_kf(t, &c->pred, c->axes, tmp);
}

/* What outputs, summaries and housekeeping read of a state, whatever its form: the
 * estimate and, per axis a, P[a][a], P[a][a+3], P[a+3][a] and P[a+3][a+3]; and, when
 * a batch has converted it already, the estimate's position in WGS84. */
typedef struct trk_view {
    double x[VG_KF_N];
    double pp[3], pv[3], vp[3], vv[3];
    const vg_geo *geo;          /* vg_enu_to_geo(site, x[0..2]), or NULL */
} trk_view;

static inline void view_of_kf(trk_view *v, const vg_kf *kf)
{
    v->geo = NULL;
    memcpy(v->x, kf->x, sizeof v->x);
    for (int a = 0; a < 3; a++) {
        v->pp[a] = kf->P[a * VG_KF_N + a];
        v->pv[a] = kf->P[a * VG_KF_N + a + 3];
        v->vp[a] = kf->P[(a + 3) * VG_KF_N + a];
        v->vv[a] = kf->P[(a + 3) * VG_KF_N + a + 3];
    }
}

static inline void st_view(const vg_tracker *t, const state *s, bool axes, trk_view *v)
{
    if (axes && t->cfg.model != VG_TRACK_MODEL_IMM) {
        v->geo = NULL;
        memcpy(v->x, s->ax.x, sizeof v->x);
        memcpy(v->pp, s->ax.pp, sizeof v->pp);
        memcpy(v->pv, s->ax.pv, sizeof v->pv);
        memcpy(v->vp, s->ax.pv, sizeof v->vp);
        memcpy(v->vv, s->ax.vv, sizeof v->vv);
        return;
    }
    vg_kf tmp;
    view_of_kf(v, st_kf(t, s, false, &tmp));
}

/* Trace of a state's position covariance. */
static inline double view_pos_trace(const trk_view *v)
{
    return v->pp[0] + v->pp[1] + v->pp[2];
}

static inline double dt_s(vg_time to, vg_time from)
{
    return (double)(to - from) / 1e6;
}

/* gather.c */
/* The column of track i in the current scan, predicting it on first use; -1 when
 * the scan has as many columns as it can hold. */
int32_t vg_trk_column_of(vg_tracker *t, int32_t i, vg_time time);
/* Column c takes a detection: no other detection of the scan may have its track. */
void vg_trk_bind_column(vg_tracker *t, int32_t c);
/* The first pass's candidates of every open detection of in[0, n), gated into edges
 * (established tracks) or deferred (tentative ones). */
void vg_trk_gather_first_pass(vg_tracker *t, const vg_track_input *in, int n, vg_time time);
/* The same, a grid query per detection in detection order. */
void vg_trk_gather_in_detection_order(vg_tracker *t, const vg_track_input *in, int n,
                                      vg_time time);
/* The second pass's candidates: the deferred tentative tracks of the detections the
 * first left unassigned. */
void vg_trk_gather_deferred(vg_tracker *t, const vg_track_input *in, vg_time time);

/* tracker_life.c */
void vg_trk_refresh_hot(vg_tracker *t, int32_t i);
/* Writes every member of *o: emit_track does not clear the event first. */
void vg_trk_fill(const vg_tracker *t, int32_t i, const trk_view *v, vg_track *o);
void vg_trk_file_in_grid(vg_tracker *t, int32_t i, double e, double n, double ve, double vn);
bool vg_trk_grow_tracks(vg_tracker *t);
bool vg_trk_grow_cols(vg_tracker *t);
/* Emit track i's state v at time as a track event. */
void vg_trk_emit(vg_tracker *t, int32_t i, const trk_view *v, vg_time time,
                 vg_track_emit_fn emit, void *ud);
/* Emit track i's drop (reason: a constant) and free its slot. */
void vg_trk_drop(vg_tracker *t, int32_t i, vg_time time, const char *reason,
                 vg_track_emit_fn emit, void *ud);

/* identity.c */
static inline bool vg_trk_id_cooperative(vg_identity_source s)
{
    return s == VG_IDSRC_REMOTEID || s == VG_IDSRC_FRBEACON || s == VG_IDSRC_ADSB;
}

static inline bool vg_trk_id_is_rf(const vg_identity *id)
{
    return id->source == VG_IDSRC_RF && id->id[0] != '\0';
}

/* The track holding identity id (cooperative, or an RF link), or -1. */
int32_t vg_trk_id_lookup(const vg_tracker *t, const vg_identity *id);
/* File track k under its cooperative identity (the first track keeps it). */
void vg_trk_id_insert(vg_tracker *t, int32_t k);
/* Take both of track k's keys out of the table. */
void vg_trk_id_remove(vg_tracker *t, int32_t k);
/* Bind the RF link sig to track k, moving it from the track that held it. */
void vg_trk_rf_link(vg_tracker *t, int32_t k, const vg_identity *sig);
/* Tombstones make probes long; rebuild the table when they pile up. */
void vg_trk_id_rebuild_if_needed(vg_tracker *t);

#endif
