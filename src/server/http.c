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
#include "server/server.h"
#include "vigie/io.h"
#include "vigie/strbuf.h"
#include "vigie/zones.h"

enum { SSE_BLOCK = 160 * 1024, SSE_KEEPALIVE_MS = 15000, LOGIN_SLOTS = 4096 };

typedef struct request {
    char *body;
    size_t len, cap;
    bool too_big;
} request;

typedef struct reply {
    unsigned status;
    char *body;          /* malloc'd */
    size_t len;
    const char *type;
    const char *cookie;  /* Set-Cookie value or NULL */
    char cookie_buf[256];
} reply;

/* ---- replies ---------------------------------------------------------------------- */

static void reply_json(reply *r, unsigned status, char *body, size_t len)
{
    r->status = status;
    r->body = body;
    r->len = len;
    r->type = "application/json";
}

static void reply_text(reply *r, unsigned status, const char *text)
{
    size_t n = strlen(text);
    char *b = malloc(n + 1);
    if (b)
        memcpy(b, text, n + 1);
    reply_json(r, status, b, b ? n : 0);
}

static void reply_error(reply *r, unsigned status, const char *code, const char *detail)
{
    char quoted[600];
    vg_api_json_string(detail, quoted, sizeof quoted);
    char *b = malloc(700);
    if (!b) {
        reply_json(r, 500, NULL, 0);
        return;
    }
    int n = snprintf(b, 700, "{\"error\":\"%s\",\"detail\":%s}", code, quoted);
    reply_json(r, status, b, (size_t)n);
}

static unsigned status_of(int rc)
{
    switch (rc) {
    case VG_EAUTH: return 401;
    case VG_EDENIED: return 403;
    case VG_ENOTFOUND: return 404;
    case VG_ESTATE: return 409;
    case VG_ETOOBIG: return 413;
    case VG_ELIMIT: return 429;
    case VG_EFULL: return 503;
    case VG_EIO: case VG_ENOMEM: return 500;
    default: return 400;
    }
}

static const char *code_of(unsigned status)
{
    switch (status) {
    case 400: return "bad_request";
    case 401: return "unauthorized";
    case 403: return "forbidden";
    case 404: return "not_found";
    case 405: return "method_not_allowed";
    case 409: return "conflict";
    case 413: return "too_large";
    case 429: return "too_many_requests";
    case 501: return "not_implemented";
    case 503: return "unavailable";
    default: return "internal";
    }
}

static void reply_rc(reply *r, int rc, const char *detail)
{
    unsigned st = status_of(rc);
    reply_error(r, st, code_of(st), detail);
}

/* ---- the session of a request ------------------------------------------------------ */

typedef struct caller {
    bool authenticated;
    bool cookie;          /* authenticated by cookie: mutations need the CSRF header */
    vg_session session;
    char token[VG_TOKEN_HEX];
} caller;

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
        reply_error(r, 401, "unauthorized", "log in first (POST /api/v1/login)");
        return false;
    }
    if (is_mutation(method) && who->cookie) {
        const char *csrf = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-CSRF-Token");
        if (!vg_auth_csrf_ok(&who->session, csrf)) {
            reply_error(r, 403, "csrf", "missing or wrong X-CSRF-Token header");
            return false;
        }
    }
    if (!vg_auth_role_allows(who->session.role, act)) {
        char detail[96];
        snprintf(detail, sizeof detail, "needs role %s",
                 vg_role_name(vg_auth_role_needed(act)));
        reply_error(r, 403, "forbidden", detail);
        return false;
    }
    return true;
}

static void client_address(struct MHD_Connection *c, char *out, size_t cap)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    snprintf(out, cap, "?");
    if (!ci || !ci->client_addr)
        return;
    const struct sockaddr *sa = ci->client_addr;
    if (sa->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, out,
                  (socklen_t)cap);
    else if (sa->sa_family == AF_INET6)
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, out,
                  (socklen_t)cap);
}

static bool from_loopback(struct MHD_Connection *c)
{
    char addr[64];
    client_address(c, addr, sizeof addr);
    return strncmp(addr, "127.", 4) == 0 || strcmp(addr, "::1") == 0;
}

/* ---- routes: sessions ---------------------------------------------------------------- */

static void session_json(const vg_session *ss, bool with_token, reply *r)
{
    char expires[48];
    vg_time_format_rfc3339(ss->expires, expires, sizeof expires);
    char *b = malloc(512);
    if (!b)
        return reply_rc(r, VG_ENOMEM, "out of memory");
    int n = snprintf(b, 512, "{\"user\":\"%s\",\"role\":\"%s\",\"csrf\":\"%s\",\"expires\":\"%s\"%s%s%s}",
                     ss->user, vg_role_name(ss->role), ss->csrf, expires,
                     with_token ? ",\"token\":\"" : "", with_token ? ss->token : "",
                     with_token ? "\"" : "");
    reply_json(r, 200, b, (size_t)n);
}

static void route_login(vg_server *s, struct MHD_Connection *c, const request *rq, reply *r)
{
    char user[VG_USER_NAME_MAX + 1], password[VG_PASSWORD_MAX + 1];
    vg_error err = {0};
    int rc = vg_api_parse_login(rq->body, rq->len, user, password, &err);
    if (rc)
        return reply_rc(r, rc, err.msg);
    char addr[64], key_user[80], key_addr[80];
    client_address(c, addr, sizeof addr);
    snprintf(key_user, sizeof key_user, "u:%s", user);
    snprintf(key_addr, sizeof key_addr, "a:%s", addr);
    vg_time now = vg_wall_clock_us();
    pthread_mutex_lock(&s->login_mu);
    bool ok = vg_loginlimit_allowed(s->login_limit, key_user, now) &&
              vg_loginlimit_allowed(s->login_limit, key_addr, now);
    pthread_mutex_unlock(&s->login_mu);
    if (!ok) {
        memset(password, 0, sizeof password);
        return reply_error(r, 429, "too_many_requests",
                           "too many failed logins: wait a minute and try again");
    }
    vg_session ss;
    rc = vg_auth_login(s->store, user, password, now, s->cfg.server.session_ttl_s, &ss, &err);
    memset(password, 0, sizeof password);
    pthread_mutex_lock(&s->login_mu);
    if (rc == 0) {
        vg_loginlimit_success(s->login_limit, key_user);
        vg_loginlimit_success(s->login_limit, key_addr);
    } else {
        vg_loginlimit_failure(s->login_limit, key_user, now);
        vg_loginlimit_failure(s->login_limit, key_addr, now);
    }
    pthread_mutex_unlock(&s->login_mu);
    char detail[160];
    snprintf(detail, sizeof detail, "{\"address\":\"%s\",\"ok\":%s}", addr, rc == 0 ? "true" : "false");
    vg_error aerr = {0};
    vg_store_audit_append(s->store, now, vg_auth_user_name_ok(user) ? user : "?", "login", detail,
                          NULL, &aerr);
    if (rc)
        return reply_rc(r, rc, err.msg);
    snprintf(r->cookie_buf, sizeof r->cookie_buf,
             "vigie_session=%s; HttpOnly; SameSite=Strict; Path=/; Max-Age=%d%s", ss.token,
             s->cfg.server.session_ttl_s, s->cfg.server.tls_cert[0] ? "; Secure" : "");
    r->cookie = r->cookie_buf;
    session_json(&ss, true, r);
}

static void route_logout(vg_server *s, const caller *who, reply *r)
{
    vg_error err = {0};
    vg_auth_logout(s->store, who->token, &err);
    vg_store_audit_append(s->store, vg_wall_clock_us(), who->session.user, "logout", "{}", NULL,
                          &err);
    r->cookie = "vigie_session=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0";
    reply_json(r, 204, NULL, 0);
}

/* ---- routes: reading ------------------------------------------------------------------- */

static void reply_doc(reply *r, int rc, char *doc, size_t len, const char *what)
{
    if (rc)
        return reply_rc(r, rc, what);
    reply_json(r, 200, doc, len);
}

typedef struct alert_list {
    char *buf;
    size_t len, cap;
    int n;
    bool failed;
} alert_list;

static int append_alert(void *user, vg_time raised, vg_time updated, const vg_alert *a)
{
    (void)raised;
    alert_list *l = user;
    vg_event ev;
    vg_event_init(&ev, VG_EV_ALERT, updated);
    ev.u.alert = *a;
    char line[4096];
    size_t n;
    if (vg_event_format(&ev, line, sizeof line, &n, NULL) < 0)
        return 0;
    if (l->len + n + 2 > l->cap) {
        size_t cap = (l->cap + n + 2) * 2;
        char *grown = realloc(l->buf, cap);
        if (!grown) {
            l->failed = true;
            return 1;
        }
        l->buf = grown;
        l->cap = cap;
    }
    if (l->n++)
        l->buf[l->len++] = ',';
    memcpy(l->buf + l->len, line, n);
    l->len += n;
    return 0;
}

static void route_alerts(vg_server *s, struct MHD_Connection *c, reply *r)
{
    vg_alert_filter f;
    vg_alert_filter_init(&f);
    vg_error err = {0};
    int rc = vg_api_parse_alert_query(
        MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "state"),
        MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "severity"),
        MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "limit"), &f.state, &f.severity,
        &f.limit, &err);
    if (rc)
        return reply_rc(r, rc, err.msg);
    alert_list l = {0};
    l.cap = 4096;
    l.buf = malloc(l.cap);
    if (!l.buf)
        return reply_rc(r, VG_ENOMEM, "out of memory");
    memcpy(l.buf, "{\"alerts\":[", 11);
    l.len = 11;
    rc = vg_store_alerts_query(s->store, &f, append_alert, &l, &err);
    if (rc || l.failed) {
        free(l.buf);
        return reply_rc(r, rc ? rc : VG_ENOMEM, rc ? err.msg : "out of memory");
    }
    if (l.len + 3 > l.cap) {
        char *grown = realloc(l.buf, l.len + 3);
        if (!grown) {
            free(l.buf);
            return reply_rc(r, VG_ENOMEM, "out of memory");
        }
        l.buf = grown;
    }
    memcpy(l.buf + l.len, "]}", 2);
    reply_json(r, 200, l.buf, l.len + 2);
}

typedef struct audit_list {
    alert_list out;
} audit_list;

static int append_audit(void *user, const vg_audit_entry *e)
{
    alert_list *l = user;
    char hash[65], when[48], u[160], act[160];
    vg_store_hash_hex(e->hash, hash);
    vg_time_format_rfc3339(e->time, when, sizeof when);
    vg_api_json_string(e->user, u, sizeof u);
    vg_api_json_string(e->action, act, sizeof act);
    size_t need = strlen(e->detail) + 512;
    if (l->len + need > l->cap) {
        size_t cap = (l->cap + need) * 2;
        char *grown = realloc(l->buf, cap);
        if (!grown) {
            l->failed = true;
            return 1;
        }
        l->buf = grown;
        l->cap = cap;
    }
    int n = snprintf(l->buf + l->len, l->cap - l->len,
                     "%s{\"seq\":%lld,\"time\":\"%s\",\"user\":%s,\"action\":%s,\"detail\":%s,"
                     "\"hash\":\"%s\"}",
                     l->n++ ? "," : "", (long long)e->seq, when, u, act, e->detail, hash);
    l->len += (size_t)n;
    return 0;
}

static void route_audit(vg_server *s, struct MHD_Connection *c, reply *r)
{
    const char *lim = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "limit");
    uint64_t limit = 100;
    if (lim && (vg_api_parse_id(lim, strlen(lim), &limit) != 0 || limit > 10000))
        return reply_error(r, 400, "bad_request", "limit: expected 1..10000");
    alert_list l = {0};
    l.cap = 8192;
    l.buf = malloc(l.cap);
    if (!l.buf)
        return reply_rc(r, VG_ENOMEM, "out of memory");
    l.len = (size_t)snprintf(l.buf, l.cap, "{\"audit\":[");
    vg_error err = {0};
    int rc = vg_store_audit_each(s->store, 0, (int)limit, append_audit, &l, &err);
    if (rc || l.failed || l.len + 3 > l.cap) {
        free(l.buf);
        return reply_rc(r, rc ? rc : VG_ENOMEM, rc ? err.msg : "out of memory");
    }
    memcpy(l.buf + l.len, "]}", 2);
    reply_json(r, 200, l.buf, l.len + 2);
}

static void route_file_json(const char *path, const char *fallback, reply *r)
{
    char *text = NULL;
    size_t len = 0;
    vg_error err = {0};
    if (!path[0] || vg_read_file(path, 64u << 20, &text, &len, &err) < 0) {
        if (path[0])
            return reply_rc(r, VG_EIO, err.msg);
        return reply_text(r, 200, fallback);
    }
    reply_json(r, 200, text, len);
}

static void route_config(vg_server *s, reply *r)
{
    char url[600];
    vg_api_json_string(s->cfg.server.tile_url, url, sizeof url);
    char *b = malloc(1024);
    if (!b)
        return reply_rc(r, VG_ENOMEM, "out of memory");
    vg_strbuf sb;
    vg_strbuf_init(&sb, b, 1024);
    vg_strbuf_puts(&sb, "{\"site\":{\"lat\":");
    vg_strbuf_put_double(&sb, s->cfg.site.origin.lat);
    vg_strbuf_puts(&sb, ",\"lon\":");
    vg_strbuf_put_double(&sb, s->cfg.site.origin.lon);
    vg_strbuf_puts(&sb, "},\"tile_url\":");
    vg_strbuf_puts(&sb, url);
    vg_strbuf_putc(&sb, '}');
    reply_json(r, 200, b, sb.len);
}

/* ---- routes: acting ---------------------------------------------------------------------- */

static void act(vg_server *s, const caller *who, const char *kind, const char *args,
                vg_event_type want, const char *wrap, reply *r)
{
    vg_op_request *a = malloc(sizeof *a);
    if (!a)
        return reply_rc(r, VG_ENOMEM, "out of memory");
    int rc = vg_server_act(s, who->session.user, who->session.role, kind, args, want, a);
    if (rc == VG_EFULL) {
        reply_error(r, 503, "unavailable", "the engine's queue is full: try again");
    } else if (rc) {
        /* The engine refused: its message says why (state, role, arguments). */
        reply_error(r, rc == VG_EIO ? 500 : 409, rc == VG_EIO ? "internal" : "refused",
                    a->error[0] ? a->error : "refused by the engine");
    } else {
        size_t n = strlen(a->result);
        size_t cap = n + strlen(wrap) + 16;
        char *b = malloc(cap);
        if (!b) {
            reply_rc(r, VG_ENOMEM, "out of memory");
        } else {
            int len = snprintf(b, cap, "{\"%s\":%s}", wrap, n ? a->result : "null");
            reply_json(r, 200, b, (size_t)len);
        }
    }
    pthread_mutex_destroy(&a->mu);
    pthread_cond_destroy(&a->cv);
    free(a);
}

static void route_alert_action(vg_server *s, const caller *who, uint64_t id, const char *verb,
                               const request *rq, reply *r)
{
    static const char *const verbs[][2] = {{"ack", "alert_ack"},
                                           {"dispatch", "alert_dispatch"},
                                           {"resolve", "alert_resolve"},
                                           {"false-alarm", "alert_false_alarm"}};
    const char *kind = NULL;
    for (size_t i = 0; i < 4; i++)
        if (strcmp(verb, verbs[i][0]) == 0)
            kind = verbs[i][1];
    if (!kind)
        return reply_error(r, 404, "not_found", "alert actions: ack, dispatch, resolve, false-alarm");
    char reason[VG_TEXT_MAX];
    vg_error err = {0};
    int rc = vg_api_parse_reason(rq->body, rq->len, reason, &err);
    if (rc)
        return reply_rc(r, rc, err.msg);
    char args[64];
    snprintf(args, sizeof args, "{\"alert\":%llu}", (unsigned long long)id);
    act(s, who, kind, args, VG_EV_ALERT, "alert", r);
}

/* POST /zones: check the document imports (ED-269 or GeoJSON), keep it in the store,
 * then a zone_import command (journaled, audited) makes the engine load it. */
static void route_zone_import(vg_server *s, const caller *who, const request *rq, reply *r)
{
    vg_zone_list zl;
    vg_zone_list_init(&zl);
    vg_error err = {0};
    int n = rq->len ? vg_zone_import(&zl, rq->body, rq->len, NULL, &err) : -1;
    size_t problems = zl.problems_total;
    vg_zone_list_free(&zl);
    if (n <= 0)
        return reply_error(r, 400, "bad_request",
                           n < 0 ? (err.msg[0] ? err.msg : "an ED-269 or GeoJSON document is required")
                                 : "no usable zone in the document");
    int64_t doc;
    if (vg_store_zone_doc_add(s->store, vg_wall_clock_us(), who->session.user, rq->body, rq->len,
                              &doc, &err) < 0)
        return reply_rc(r, VG_EIO, err.msg);
    char args[96];
    snprintf(args, sizeof args, "{\"doc\":%lld,\"zones\":%d,\"rejected\":%zu}", (long long)doc, n,
             problems);
    vg_op_request *a = malloc(sizeof *a);
    if (!a)
        return reply_rc(r, VG_ENOMEM, "out of memory");
    int rc = vg_server_act(s, who->session.user, who->session.role, "zone_import", args,
                           VG_EV_NONE, a);
    if (rc)
        reply_error(r, rc == VG_EFULL ? 503 : 500, rc == VG_EFULL ? "unavailable" : "internal",
                    a->error[0] ? a->error : "zone import failed");
    else
        reply_text(r, 200, args);
    pthread_mutex_destroy(&a->mu);
    pthread_cond_destroy(&a->cv);
    free(a);
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
        reply_error(r, 404, "not_found", "no web UI configured ([server] web_root)");
        return MHD_NO;
    }
    if (!safe_path(url)) {
        reply_error(r, 404, "not_found", "no such file");
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
        reply_error(r, 404, "not_found", "no such file");
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
    bool sent_data;       /* the last call sent events: pause before the next */
} stream_ctx;

/* A client that just got events waits this long before taking more, so that under
 * load each wake-up and socket write carries many events instead of one: 20 clients
 * at 50 000 events/s would otherwise mean a million wake-ups a second. */
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
    st->sent_data = n > 0;
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
            reply_error(r, 400, "bad_request", "Last-Event-ID: expected a decimal event id");
            return MHD_NO;
        }
        after = id;
    }
    stream_ctx *st = calloc(1, sizeof *st);
    if (!st) {
        reply_rc(r, VG_ENOMEM, "out of memory");
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
    reply_error(r, 405, "method_not_allowed", detail);
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
            reply_error(r, 401, "unauthorized", "metrics need a session off loopback");
            return MHD_NO;
        }
        char *text;
        size_t len;
        if (vg_metrics_text(s, &text, &len) != 0) {
            reply_rc(r, VG_ENOMEM, "out of memory");
            return MHD_NO;
        }
        reply_json(r, 200, text, len);
        r->type = "text/plain; version=0.0.4";
        return MHD_NO;
    }
    if (strncmp(url, "/api/", 5) != 0) {
        if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0) {
            reply_error(r, 405, "method_not_allowed", "static files are read-only");
            return MHD_NO;
        }
        return serve_static(s, c, url, r);
    }
    const char *p = url + 4; /* "/v1/..." */
    if (!seg(&p, "/v1")) {
        reply_error(r, 404, "not_found", "the API is under /api/v1/");
        return MHD_NO;
    }
    if (strcmp(p, "/login") == 0) {
        if (method_is(r, method, "POST"))
            route_login(s, c, rq, r);
        return MHD_NO;
    }
    caller who;
    identify(s, c, &who);
    if (rq->too_big) {
        reply_error(r, 413, "too_large", "request body over [server] max_body");
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
            route_logout(s, &who, r);
    } else if (strcmp(p, "/me") == 0) {
        if (method_is(r, method, "GET"))
            session_json(&who.session, false, r);
    } else if (strcmp(p, "/tracks") == 0) {
        if (method_is(r, method, "GET")) {
            rc = vg_picture_tracks_json(&s->pic, &doc, &len);
            reply_doc(r, rc, doc, len, "out of memory");
        }
    } else if (strncmp(p, "/tracks/", 8) == 0) {
        uint64_t id;
        if (!method_is(r, method, "GET"))
            return MHD_NO;
        if (vg_api_parse_id(p + 8, strlen(p + 8), &id) != 0) {
            reply_error(r, 404, "not_found", "a track id is a positive decimal number");
            return MHD_NO;
        }
        rc = vg_picture_track_json(&s->pic, id, &doc, &len);
        reply_doc(r, rc, doc, len, rc == VG_ENOTFOUND ? "no live track with this id" : "error");
    } else if (strcmp(p, "/alerts") == 0) {
        if (method_is(r, method, "GET"))
            route_alerts(s, c, r);
    } else if (strncmp(p, "/alerts/", 8) == 0) {
        const char *idp = p + 8, *slash = strchr(idp, '/');
        uint64_t id;
        if (!slash || vg_api_parse_id(idp, (size_t)(slash - idp), &id) != 0) {
            reply_error(r, 404, "not_found", "use /api/v1/alerts/{id}/{ack|dispatch|resolve|false-alarm}");
            return MHD_NO;
        }
        if (method_is(r, method, "POST"))
            route_alert_action(s, &who, id, slash + 1, rq, r);
    } else if (strcmp(p, "/posture") == 0) {
        if (strcmp(method, "GET") == 0) {
            rc = vg_picture_posture_json(&s->pic, &doc, &len);
            reply_doc(r, rc, doc, len, "out of memory");
        } else if (method_is(r, method, "PUT")) {
            char args[VG_JSON_MAX];
            vg_error err = {0};
            if ((rc = vg_api_parse_posture(rq->body, rq->len, args, &err)) != 0)
                reply_rc(r, rc, err.msg);
            else
                act(s, &who, "posture_set", args, VG_EV_POSTURE, "posture", r);
        }
    } else if (strcmp(p, "/zones") == 0) {
        if (strcmp(method, "GET") == 0) {
            rc = vg_picture_zones_json(&s->pic, &doc, &len);
            reply_doc(r, rc, doc, len, "out of memory");
            r->type = "application/geo+json";
        } else if (method_is(r, method, "POST")) {
            route_zone_import(s, &who, rq, r);
        }
    } else if (strcmp(p, "/whitelist") == 0) {
        if (strcmp(method, "GET") == 0) {
            rc = vg_picture_whitelist_json(&s->pic, &doc, &len);
            reply_doc(r, rc, doc, len, "out of memory");
        } else if (method_is(r, method, "POST")) {
            char args[VG_JSON_MAX];
            vg_error err = {0};
            if ((rc = vg_api_parse_object(rq->body, rq->len, args, &err)) != 0)
                reply_rc(r, rc, err.msg);
            else
                act(s, &who, "whitelist_add", args, VG_EV_NONE, "whitelist", r);
        }
    } else if (strncmp(p, "/whitelist/", 11) == 0) {
        if (method_is(r, method, "DELETE")) {
            char id[VG_ID_MAX + 8], args[VG_JSON_MAX];
            if (vg_api_json_string(p + 11, id, sizeof id) != 0 || strlen(p + 11) == 0) {
                reply_error(r, 400, "bad_request", "whitelist id too long or empty");
                return MHD_NO;
            }
            snprintf(args, sizeof args, "{\"uas_id\":%s}", id);
            act(s, &who, "whitelist_remove", args, VG_EV_NONE, "whitelist", r);
        }
    } else if (strcmp(p, "/dispatches") == 0) {
        if (method_is(r, method, "GET")) {
            rc = vg_picture_dispatches_json(&s->pic, &doc, &len);
            reply_doc(r, rc, doc, len, "out of memory");
        }
    } else if (strncmp(p, "/dispatch/", 10) == 0) {
        /* /dispatch/{alert}/confirm {"unit"} and /dispatch/{alert}/outcome {"unit","outcome"} */
        const char *idp = p + 10, *slash = strchr(idp, '/');
        uint64_t id;
        if (!slash || vg_api_parse_id(idp, (size_t)(slash - idp), &id) != 0 ||
            (strcmp(slash, "/confirm") != 0 && strcmp(slash, "/outcome") != 0)) {
            reply_error(r, 404, "not_found", "use /api/v1/dispatch/{alert}/confirm or /outcome");
            return MHD_NO;
        }
        if (!method_is(r, method, "POST"))
            return MHD_NO;
        char args[VG_JSON_MAX];
        vg_error err = {0};
        if ((rc = vg_api_parse_dispatch(rq->body, rq->len, id, strcmp(slash, "/outcome") == 0, args,
                                        &err)) != 0)
            reply_rc(r, rc, err.msg);
        else
            act(s, &who, strcmp(slash, "/outcome") == 0 ? "dispatch_outcome" : "dispatch_confirm",
                args, VG_EV_DISPATCH, "dispatch", r);
    } else if (strcmp(p, "/sensors") == 0) {
        if (method_is(r, method, "GET")) {
            rc = vg_picture_sensors_json(&s->pic, &doc, &len);
            reply_doc(r, rc, doc, len, "out of memory");
        }
    } else if (strcmp(p, "/units") == 0) {
        if (method_is(r, method, "GET")) {
            rc = vg_picture_units_json(&s->pic, &doc, &len);
            reply_doc(r, rc, doc, len, "out of memory");
        }
    } else if (strcmp(p, "/audit") == 0) {
        if (method_is(r, method, "GET"))
            route_audit(s, c, r);
    } else if (strcmp(p, "/basemap") == 0) {
        if (method_is(r, method, "GET")) {
            char path[4096] = "";
            if (s->cfg.server.basemap[0])
                vg_path_beside(s->config_path, s->cfg.server.basemap, path, sizeof path);
            route_file_json(path, "{\"type\":\"FeatureCollection\",\"features\":[]}", r);
            r->type = "application/geo+json";
        }
    } else if (strcmp(p, "/config") == 0) {
        if (method_is(r, method, "GET"))
            route_config(s, r);
    } else if (strcmp(p, "/stream") == 0) {
        if (method_is(r, method, "GET"))
            return serve_stream(s, c, r);
    } else {
        reply_error(r, 404, "not_found", "no such route");
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
        reply_error(&r, 413, "too_large", "request body over [server] max_body");
    } else {
        enum MHD_Result done = route(s, c, url, method, rq, &r);
        if (done == MHD_YES && r.status == 0)
            return MHD_YES;
    }
    if (r.status == 0)
        reply_error(&r, 500, "internal", "no reply");
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
                                   MHD_OPTION_HTTPS_MEM_CERT, cert, MHD_OPTION_HTTPS_MEM_KEY, key,
                                   MHD_OPTION_END);
    else
        s->http = MHD_start_daemon(flags, 0, NULL, NULL, on_request, s,
                                   MHD_OPTION_EXTERNAL_LOGGER, mhd_log, s,
                                   MHD_OPTION_SOCK_ADDR, &addr,
                                   MHD_OPTION_NOTIFY_COMPLETED, on_completed, s,
                                   MHD_OPTION_CONNECTION_TIMEOUT, 120u,
                                   MHD_OPTION_CONNECTION_LIMIT, 256u, MHD_OPTION_END);
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
