/* server/http.c — the HTTP API on libmicrohttpd: routing, sessions and roles, CSRF,
 * body limits, JSON errors, Server-Sent Events and the static files of the web UI.
 *
 * One thread per connection (SSE clients wait on the stream without blocking
 * anyone). Every answer under /api/ is JSON; errors are {"error","detail"} with the
 * status that says what went wrong. Reads come from the picture and the store;
 * actions go through vg_server_act, which returns once the engine accepted them and
 * the store made them durable. */
#include <arpa/inet.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "server/api_parse.h"
#include "server/http_int.h"
#include "server/server.h"
#include "vigie/io.h"
#include "vigie/strbuf.h"
#include "vigie/zones.h"

enum { SSE_BLOCK = 160 * 1024, SSE_KEEPALIVE_MS = 15000, LOGIN_SLOTS = 4096 };
/* Each connection's memory pool. libmicrohttpd writes a chunked (SSE) body through
 * it, so its default 32 kB capped a stream near 3 MB/s (6 000 track events/s per
 * client with 10 ms pauses); 256 kB lets a write carry a whole SSE_BLOCK. */
static const size_t SSE_POOL = 256 * 1024;

/* ---- the session of a request ------------------------------------------------------ */

static void identify(vg_server *s, struct MHD_Connection *c, caller *who)
{
    memset(who, 0, sizeof *who);
    const char *authz = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Authorization");
    const char *cookie = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Cookie");
    if (authz && vg_auth_token_from_bearer(authz, who->token) == 0) {
        who->cookie = false;
    } else if (cookie && vg_auth_token_from_cookie(cookie, who->token) == 0) {
        who->cookie = true;
    } else {
        return;
    }
    vg_error err = {0};
    who->authenticated =
        vg_auth_session_check(s->store, who->token, vg_wall_clock_us(), &who->session, &err) == 0;
}

static bool is_mutation(const char *method)
{
    return strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0;
}

/* 401 without a session, 403 for a role too low or a cookie mutation without CSRF. */
static bool allowed(struct MHD_Connection *c, const caller *who, const char *method,
                    vg_action act, reply *r)
{
    if (!who->authenticated) {
        http_reply_error(r, 401, "unauthorized", "log in first (POST /api/v1/login)");
        return false;
    }
    if (is_mutation(method) && who->cookie) {
        const char *csrf = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-CSRF-Token");
        if (!vg_auth_csrf_ok(&who->session, csrf)) {
            http_reply_error(r, 403, "csrf", "missing or wrong X-CSRF-Token header");
            return false;
        }
    }
    if (!vg_auth_role_allows(who->session.role, act)) {
        char detail[96];
        snprintf(detail, sizeof detail, "needs role %s",
                 vg_role_name(vg_auth_role_needed(act)));
        http_reply_error(r, 403, "forbidden", detail);
        return false;
    }
    return true;
}

static bool from_loopback(struct MHD_Connection *c)
{
    char addr[64];
    http_client_address(c, addr, sizeof addr);
    return strncmp(addr, "127.", 4) == 0 || strcmp(addr, "::1") == 0;
}

/* ---- static files ---------------------------------------------------------------------- */

static const char *content_type(const char *path)
{
    static const char *const types[][2] = {
        {".html", "text/html; charset=utf-8"}, {".js", "text/javascript; charset=utf-8"},
        {".mjs", "text/javascript; charset=utf-8"}, {".css", "text/css; charset=utf-8"},
        {".json", "application/json"},         {".geojson", "application/geo+json"},
        {".png", "image/png"},                 {".svg", "image/svg+xml"},
        {".ico", "image/x-icon"},              {".woff2", "font/woff2"},
    };
    const char *dot = strrchr(path, '.');
    for (size_t i = 0; dot && i < sizeof types / sizeof types[0]; i++)
        if (strcmp(dot, types[i][0]) == 0)
            return types[i][1];
    return "application/octet-stream";
}

static bool safe_path(const char *url)
{
    if (url[0] != '/' || strlen(url) > 512 || strstr(url, "..") || strstr(url, "//"))
        return false;
    for (const char *p = url; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == '\\' || (unsigned char)*p >= 0x7f)
            return false;
    return true;
}

static enum MHD_Result serve_static(vg_server *s, struct MHD_Connection *c, const char *url,
                                    reply *r)
{
    if (!s->cfg.server.web_root[0]) {
        http_reply_error(r, 404, "not_found", "no web UI configured ([server] web_root)");
        return MHD_NO;
    }
    if (!safe_path(url)) {
        http_reply_error(r, 404, "not_found", "no such file");
        return MHD_NO;
    }
    char path[1200];
    snprintf(path, sizeof path, "%s%s%s", s->cfg.server.web_root, url,
             url[strlen(url) - 1] == '/' ? "index.html" : "");
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        if (fd >= 0)
            close(fd);
        http_reply_error(r, 404, "not_found", "no such file");
        return MHD_NO;
    }
    struct MHD_Response *resp = MHD_create_response_from_fd((uint64_t)st.st_size, fd);
    if (!resp) {
        close(fd);
        return MHD_NO;
    }
    MHD_add_response_header(resp, "Content-Type", content_type(path));
    MHD_add_response_header(resp, "Cache-Control", "no-cache");
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    enum MHD_Result ret = MHD_queue_response(c, MHD_HTTP_OK, resp);
    MHD_destroy_response(resp);
    return ret;
}

/* ---- SSE ---------------------------------------------------------------------------------- */

typedef struct stream_ctx {
    vg_server *s;
    uint64_t after;
    bool greeted;
    bool sent_data;       /* the last call sent every event there was: pause */
} stream_ctx;

/* A client that just got all the events there were waits this long before taking
 * more, so that under load each wake-up and socket write carries many events instead
 * of one: 20 clients at 50 000 events/s would otherwise mean a million wake-ups a
 * second. A client with more waiting (its last write was full) does not pause. */
enum { SSE_COALESCE_US = 5000 };

static ssize_t stream_reader(void *cls, uint64_t pos, char *buf, size_t max)
{
    (void)pos;
    stream_ctx *st = cls;
    if (!st->greeted) {
        st->greeted = true;
        return snprintf(buf, max, "retry: 2000\n\n");
    }
    if (st->sent_data) {
        struct timespec pause = {0, SSE_COALESCE_US * 1000L};
        nanosleep(&pause, NULL);
    }
    bool reset = false;
    long n = vg_picture_stream_read(&st->s->pic, &st->after, buf, max, SSE_KEEPALIVE_MS, &reset);
    st->sent_data = n > 0 && st->after >= vg_picture_stream_last(&st->s->pic);
    if (n < 0)
        return MHD_CONTENT_READER_END_OF_STREAM;
    if (reset)
        return snprintf(buf, max, "id: %llu\nevent: reset\ndata: {}\n\n",
                        (unsigned long long)st->after);
    if (n == 0)
        return snprintf(buf, max, ": keepalive\n\n");
    return n;
}

static void stream_free(void *cls)
{
    stream_ctx *st = cls;
    atomic_fetch_sub(&st->s->metrics.sse_clients, 1);
    free(st);
}

static enum MHD_Result serve_stream(vg_server *s, struct MHD_Connection *c, reply *r)
{
    uint64_t after = vg_picture_stream_last(&s->pic);
    const char *last = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Last-Event-ID");
    if (!last)
        last = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "last_event_id");
    if (last) {
        uint64_t id;
        if (vg_api_parse_event_id(last, &id) != 0) {
            http_reply_error(r, 400, "bad_request", "Last-Event-ID: expected a decimal event id");
            return MHD_NO;
        }
        after = id;
    }
    stream_ctx *st = calloc(1, sizeof *st);
    if (!st) {
        http_reply_rc(r, VG_ENOMEM, "out of memory");
        return MHD_NO;
    }
    st->s = s;
    st->after = after;
    struct MHD_Response *resp =
        MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, SSE_BLOCK, stream_reader, st, stream_free);
    if (!resp) {
        free(st);
        return MHD_NO;
    }
    atomic_fetch_add(&s->metrics.sse_clients, 1);
    MHD_add_response_header(resp, "Content-Type", "text/event-stream");
    MHD_add_response_header(resp, "Cache-Control", "no-cache");
    enum MHD_Result ret = MHD_queue_response(c, MHD_HTTP_OK, resp);
    MHD_destroy_response(resp);
    return ret;
}

/* ---- the router ------------------------------------------------------------------------- */

static bool seg(const char **p, const char *name)
{
    size_t n = strlen(name);
    if (strncmp(*p, name, n) == 0 && ((*p)[n] == '\0' || (*p)[n] == '/')) {
        *p += n;
        return true;
    }
    return false;
}

static bool method_is(reply *r, const char *method, const char *want)
{
    if (strcmp(method, want) == 0)
        return true;
    char detail[64];
    snprintf(detail, sizeof detail, "use %s", want);
    http_reply_error(r, 405, "method_not_allowed", detail);
    return false;
}

/* Returns MHD_YES when it queued a response itself (static files, SSE). */
static enum MHD_Result route(vg_server *s, struct MHD_Connection *c, const char *url,
                             const char *method, const request *rq, reply *r)
{
    if (strcmp(url, "/metrics") == 0) {
        caller who;
        identify(s, c, &who);
        if (!who.authenticated && !from_loopback(c)) {
            http_reply_error(r, 401, "unauthorized", "metrics need a session off loopback");
            return MHD_NO;
        }
        char *text;
        size_t len;
        if (vg_metrics_text(s, &text, &len) != 0) {
            http_reply_rc(r, VG_ENOMEM, "out of memory");
            return MHD_NO;
        }
        http_reply_json(r, 200, text, len);
        r->type = "text/plain; version=0.0.4";
        return MHD_NO;
    }
    if (strncmp(url, "/api/", 5) != 0) {
        if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0) {
            http_reply_error(r, 405, "method_not_allowed", "static files are read-only");
            return MHD_NO;
        }
        return serve_static(s, c, url, r);
    }
    const char *p = url + 4; /* "/v1/..." */
    if (!seg(&p, "/v1")) {
        http_reply_error(r, 404, "not_found", "the API is under /api/v1/");
        return MHD_NO;
    }
    if (strcmp(p, "/login") == 0) {
        if (method_is(r, method, "POST"))
            http_route_login(s, c, rq, r);
        return MHD_NO;
    }
    caller who;
    identify(s, c, &who);
    if (rq->too_big) {
        http_reply_error(r, 413, "too_large", "request body over [server] max_body");
        return MHD_NO;
    }
    vg_action need = VG_ACT_READ;
    /* Decide the action a route needs before checking it, so 401/403 come before 404s
     * of protected routes. */
    if (is_mutation(method)) {
        if (strncmp(p, "/alerts/", 8) == 0)
            need = VG_ACT_ALERT;
        else if (strcmp(p, "/posture") == 0)
            need = VG_ACT_POSTURE;
        else if (strncmp(p, "/whitelist", 10) == 0)
            need = VG_ACT_WHITELIST;
        else if (strcmp(p, "/zones") == 0)
            need = VG_ACT_ZONES;
        else if (strncmp(p, "/dispatch/", 10) == 0)
            need = VG_ACT_DISPATCH;
    } else if (strcmp(p, "/audit") == 0) {
        need = VG_ACT_AUDIT_READ;
    }
    if (!allowed(c, &who, method, need, r))
        return MHD_NO;

    char *doc = NULL;
    size_t len = 0;
    int rc;
    if (strcmp(p, "/logout") == 0) {
        if (method_is(r, method, "POST"))
            http_route_logout(s, &who, r);
    } else if (strcmp(p, "/me") == 0) {
        if (method_is(r, method, "GET"))
            http_session_json(&who.session, false, r);
    } else if (strcmp(p, "/tracks") == 0) {
        if (method_is(r, method, "GET")) {
            rc = vg_picture_tracks_json(&s->pic, &doc, &len);
            http_reply_doc(r, rc, doc, len, "out of memory");
        }
    } else if (strncmp(p, "/tracks/", 8) == 0) {
        uint64_t id;
        if (!method_is(r, method, "GET"))
            return MHD_NO;
        if (vg_api_parse_id(p + 8, strlen(p + 8), &id) != 0) {
            http_reply_error(r, 404, "not_found", "a track id is a positive decimal number");
            return MHD_NO;
        }
        rc = vg_picture_track_json(&s->pic, id, &doc, &len);
        http_reply_doc(r, rc, doc, len, rc == VG_ENOTFOUND ? "no live track with this id" : "error");
    } else if (strcmp(p, "/alerts") == 0) {
        if (method_is(r, method, "GET"))
            http_route_alerts(s, c, r);
    } else if (strncmp(p, "/alerts/", 8) == 0) {
        const char *idp = p + 8, *slash = strchr(idp, '/');
        uint64_t id;
        if (!slash || vg_api_parse_id(idp, (size_t)(slash - idp), &id) != 0) {
            http_reply_error(r, 404, "not_found", "use /api/v1/alerts/{id}/{ack|dispatch|resolve|false-alarm}");
            return MHD_NO;
        }
        if (method_is(r, method, "POST"))
            http_route_alert_action(s, &who, id, slash + 1, rq, r);
    } else if (strcmp(p, "/posture") == 0) {
        if (strcmp(method, "GET") == 0) {
            rc = vg_picture_posture_json(&s->pic, &doc, &len);
            http_reply_doc(r, rc, doc, len, "out of memory");
        } else if (method_is(r, method, "PUT")) {
            char args[VG_JSON_MAX];
            vg_error err = {0};
            if ((rc = vg_api_parse_posture(rq->body, rq->len, args, &err)) != 0)
                http_reply_rc(r, rc, err.msg);
            else
                http_act(s, &who, "posture_set", args, VG_EV_POSTURE, "posture", r);
        }
    } else if (strcmp(p, "/zones") == 0) {
        if (strcmp(method, "GET") == 0) {
            rc = vg_picture_zones_json(&s->pic, &doc, &len);
            http_reply_doc(r, rc, doc, len, "out of memory");
            r->type = "application/geo+json";
        } else if (method_is(r, method, "POST")) {
            http_route_zone_import(s, &who, rq, r);
        }
    } else if (strcmp(p, "/whitelist") == 0) {
        if (strcmp(method, "GET") == 0) {
            rc = vg_picture_whitelist_json(&s->pic, &doc, &len);
            http_reply_doc(r, rc, doc, len, "out of memory");
        } else if (method_is(r, method, "POST")) {
            char args[VG_JSON_MAX];
            vg_error err = {0};
            if ((rc = vg_api_parse_object(rq->body, rq->len, args, &err)) != 0)
                http_reply_rc(r, rc, err.msg);
            else
                http_act(s, &who, "whitelist_add", args, VG_EV_NONE, "whitelist", r);
        }
    } else if (strncmp(p, "/whitelist/", 11) == 0) {
        if (method_is(r, method, "DELETE")) {
            char id[VG_ID_MAX + 8], args[VG_JSON_MAX];
            if (vg_api_json_string(p + 11, id, sizeof id) != 0 || strlen(p + 11) == 0) {
                http_reply_error(r, 400, "bad_request", "whitelist id too long or empty");
                return MHD_NO;
            }
            snprintf(args, sizeof args, "{\"uas_id\":%s}", id);
            http_act(s, &who, "whitelist_remove", args, VG_EV_NONE, "whitelist", r);
        }
    } else if (strcmp(p, "/dispatches") == 0) {
        if (method_is(r, method, "GET")) {
            rc = vg_picture_dispatches_json(&s->pic, &doc, &len);
            http_reply_doc(r, rc, doc, len, "out of memory");
        }
    } else if (strncmp(p, "/dispatch/", 10) == 0) {
        /* /dispatch/{alert}/confirm {"unit"} and /dispatch/{alert}/outcome {"unit","outcome"} */
        const char *idp = p + 10, *slash = strchr(idp, '/');
        uint64_t id;
        if (!slash || vg_api_parse_id(idp, (size_t)(slash - idp), &id) != 0 ||
            (strcmp(slash, "/confirm") != 0 && strcmp(slash, "/outcome") != 0)) {
            http_reply_error(r, 404, "not_found", "use /api/v1/dispatch/{alert}/confirm or /outcome");
            return MHD_NO;
        }
        if (!method_is(r, method, "POST"))
            return MHD_NO;
        char args[VG_JSON_MAX];
        vg_error err = {0};
        if ((rc = vg_api_parse_dispatch(rq->body, rq->len, id, strcmp(slash, "/outcome") == 0, args,
                                        &err)) != 0)
            http_reply_rc(r, rc, err.msg);
        else
            http_act(s, &who, strcmp(slash, "/outcome") == 0 ? "dispatch_outcome" : "dispatch_confirm",
                args, VG_EV_DISPATCH, "dispatch", r);
    } else if (strcmp(p, "/sensors") == 0) {
        if (method_is(r, method, "GET")) {
            rc = vg_picture_sensors_json(&s->pic, &doc, &len);
            http_reply_doc(r, rc, doc, len, "out of memory");
        }
    } else if (strcmp(p, "/units") == 0) {
        if (method_is(r, method, "GET")) {
            rc = vg_picture_units_json(&s->pic, &doc, &len);
            http_reply_doc(r, rc, doc, len, "out of memory");
        }
    } else if (strcmp(p, "/audit") == 0) {
        if (method_is(r, method, "GET"))
            http_route_audit(s, c, r);
    } else if (strcmp(p, "/basemap") == 0) {
        if (method_is(r, method, "GET")) {
            char path[4096] = "";
            if (s->cfg.server.basemap[0])
                vg_path_beside(s->config_path, s->cfg.server.basemap, path, sizeof path);
            http_route_file_json(path, "{\"type\":\"FeatureCollection\",\"features\":[]}", r);
            r->type = "application/geo+json";
        }
    } else if (strcmp(p, "/config") == 0) {
        if (method_is(r, method, "GET"))
            http_route_config(s, r);
    } else if (strcmp(p, "/stream") == 0) {
        if (method_is(r, method, "GET"))
            return serve_stream(s, c, r);
    } else {
        http_reply_error(r, 404, "not_found", "no such route");
    }
    return MHD_NO;
}

/* ---- libmicrohttpd glue ---------------------------------------------------------------------- */

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version, const char *upload,
                                  size_t *upload_size, void **con_cls)
{
    (void)version;
    vg_server *s = cls;
    request *rq = *con_cls;
    if (!rq) {
        rq = calloc(1, sizeof *rq);
        if (!rq)
            return MHD_NO;
        *con_cls = rq;
        return MHD_YES;
    }
    if (*upload_size) {
        size_t n = *upload_size;
        *upload_size = 0;
        if (rq->too_big || rq->len + n > (size_t)s->cfg.server.max_body) {
            rq->too_big = true; /* keep reading, answer 413 at the end */
            return MHD_YES;
        }
        if (rq->len + n + 1 > rq->cap) {
            size_t cap = (rq->len + n + 1) * 2;
            char *grown = realloc(rq->body, cap);
            if (!grown)
                return MHD_NO;
            rq->body = grown;
            rq->cap = cap;
        }
        memcpy(rq->body + rq->len, upload, n);
        rq->len += n;
        rq->body[rq->len] = '\0';
        return MHD_YES;
    }
    atomic_fetch_add(&s->metrics.http_requests, 1);
    reply r = {0};
    if (rq->too_big && strcmp(url, "/api/v1/login") == 0) {
        http_reply_error(&r, 413, "too_large", "request body over [server] max_body");
    } else {
        enum MHD_Result done = route(s, c, url, method, rq, &r);
        if (done == MHD_YES && r.status == 0)
            return MHD_YES;
    }
    if (r.status == 0)
        http_reply_error(&r, 500, "internal", "no reply");
    if (r.status >= 400)
        atomic_fetch_add(&s->metrics.http_errors, 1);
    struct MHD_Response *resp =
        MHD_create_response_from_buffer(r.len, r.body ? r.body : (void *)"", r.body ? MHD_RESPMEM_MUST_FREE : MHD_RESPMEM_PERSISTENT);
    if (!resp) {
        free(r.body);
        return MHD_NO;
    }
    if (r.len || r.status != 204)
        MHD_add_response_header(resp, "Content-Type", r.type ? r.type : "application/json");
    MHD_add_response_header(resp, "Cache-Control", "no-store");
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    if (r.cookie)
        MHD_add_response_header(resp, "Set-Cookie", r.cookie);
    enum MHD_Result ret = MHD_queue_response(c, r.status, resp);
    MHD_destroy_response(resp);
    return ret;
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode code)
{
    (void)cls;
    (void)c;
    (void)code;
    request *rq = *con_cls;
    if (rq) {
        free(rq->body);
        free(rq);
        *con_cls = NULL;
    }
}

/* libmicrohttpd's messages: its own format strings, hence the attribute. */
__attribute__((format(printf, 2, 0))) static void mhd_log(void *cls, const char *fmt, va_list ap)
{
    vg_server *s = cls;
    char msg[512];
    vsnprintf(msg, sizeof msg, fmt, ap);
    size_t n = strlen(msg);
    while (n && msg[n - 1] == '\n')
        msg[--n] = '\0';
    vg_logf(&s->log, VG_LOG_WARN, "http: %s", msg);
}

int vg_http_start(vg_server *s, vg_error *err)
{
    const vg_server_config *sc = &s->cfg.server;
    if (vg_loginlimit_create(LOGIN_SLOTS, 5, 60, &s->login_limit, err) < 0)
        return err->code;
    pthread_mutex_init(&s->login_mu, NULL);
    struct sockaddr_storage addr;
    memset(&addr, 0, sizeof addr);
    unsigned flags = MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD |
                     MHD_USE_ERROR_LOG;
    struct sockaddr_in *a4 = (struct sockaddr_in *)&addr;
    struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)&addr;
    if (inet_pton(AF_INET, sc->listen, &a4->sin_addr) == 1) {
        a4->sin_family = AF_INET;
        a4->sin_port = htons((uint16_t)sc->port);
    } else if (inet_pton(AF_INET6, sc->listen, &a6->sin6_addr) == 1) {
        a6->sin6_family = AF_INET6;
        a6->sin6_port = htons((uint16_t)sc->port);
        flags |= MHD_USE_IPv6;
    } else {
        return vg_err(err, VG_EINVAL, "[server] listen: '%s' is not an IPv4 or IPv6 address",
                      sc->listen);
    }
    char *cert = NULL, *key = NULL;
    size_t clen, klen;
    if (sc->tls_cert[0] || sc->tls_key[0]) {
        if (!sc->tls_cert[0] || !sc->tls_key[0])
            return vg_err(err, VG_EINVAL, "[server] tls_cert and tls_key go together");
        char path[4096];
        vg_path_beside(s->config_path, sc->tls_cert, path, sizeof path);
        if (vg_read_file(path, 1 << 20, &cert, &clen, err) < 0)
            return err->code;
        vg_path_beside(s->config_path, sc->tls_key, path, sizeof path);
        if (vg_read_file(path, 1 << 20, &key, &klen, err) < 0) {
            free(cert);
            return err->code;
        }
        flags |= MHD_USE_TLS;
    }
    if (cert)
        s->http = MHD_start_daemon(flags, 0, NULL, NULL, on_request, s,
                                   MHD_OPTION_EXTERNAL_LOGGER, mhd_log, s,
                                   MHD_OPTION_SOCK_ADDR, &addr,
                                   MHD_OPTION_NOTIFY_COMPLETED, on_completed, s,
                                   MHD_OPTION_CONNECTION_TIMEOUT, 120u,
                                   MHD_OPTION_CONNECTION_LIMIT, 256u,
                                   MHD_OPTION_CONNECTION_MEMORY_LIMIT, SSE_POOL,
                                   MHD_OPTION_HTTPS_MEM_CERT, cert, MHD_OPTION_HTTPS_MEM_KEY, key,
                                   MHD_OPTION_END);
    else
        s->http = MHD_start_daemon(flags, 0, NULL, NULL, on_request, s,
                                   MHD_OPTION_EXTERNAL_LOGGER, mhd_log, s,
                                   MHD_OPTION_SOCK_ADDR, &addr,
                                   MHD_OPTION_NOTIFY_COMPLETED, on_completed, s,
                                   MHD_OPTION_CONNECTION_TIMEOUT, 120u,
                                   MHD_OPTION_CONNECTION_LIMIT, 256u,
                                   MHD_OPTION_CONNECTION_MEMORY_LIMIT, SSE_POOL, MHD_OPTION_END);
    /* The PEM text stays alive as long as the daemon, whatever libmicrohttpd keeps. */
    s->tls_pem[0] = cert;
    s->tls_pem[1] = key;
    if (!s->http)
        return vg_err(err, VG_EIO, "cannot listen on %s port %d (in use? TLS files bad?)",
                      sc->listen, sc->port);
    const union MHD_DaemonInfo *di = MHD_get_daemon_info(s->http, MHD_DAEMON_INFO_BIND_PORT);
    s->http_port = di ? di->port : (uint16_t)sc->port;
    return 0;
}

void vg_http_stop(vg_server *s)
{
    vg_picture_close(&s->pic); /* ends the SSE streams, so their threads can finish */
    if (s->http)
        MHD_stop_daemon(s->http);
    s->http = NULL;
    vg_loginlimit_destroy(s->login_limit);
    s->login_limit = NULL;
    free(s->tls_pem[0]);
    free(s->tls_pem[1]);
    s->tls_pem[0] = s->tls_pem[1] = NULL;
}
