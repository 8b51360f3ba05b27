/* server/http_routes.c — the answers of the HTTP API: JSON replies and errors, and
 * the handlers of the routes that read the picture and the store or submit operator
 * actions (sessions, alerts, audit, posture, zones, whitelist, dispatch). The router,
 * authentication, static files and the event stream are in http.c. */
#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/api_parse.h"
#include "server/http_int.h"
#include "vigie/io.h"
#include "vigie/strbuf.h"
#include "vigie/zones.h"

/* ---- replies ---------------------------------------------------------------------- */

void http_reply_json(reply *r, unsigned status, char *body, size_t len)
{
    r->status = status;
    r->body = body;
    r->len = len;
    r->type = "application/json";
}

void http_reply_text(reply *r, unsigned status, const char *text)
{
    size_t n = strlen(text);
    char *b = malloc(n + 1);
    if (b)
        memcpy(b, text, n + 1);
    http_reply_json(r, status, b, b ? n : 0);
}

void http_reply_error(reply *r, unsigned status, const char *code, const char *detail)
{
    char quoted[600];
    vg_api_json_string(detail, quoted, sizeof quoted);
    char *b = malloc(700);
    if (!b) {
        http_reply_json(r, 500, NULL, 0);
        return;
    }
    int n = snprintf(b, 700, "{\"error\":\"%s\",\"detail\":%s}", code, quoted);
    http_reply_json(r, status, b, (size_t)n);
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

void http_reply_rc(reply *r, int rc, const char *detail)
{
    unsigned st = status_of(rc);
    http_reply_error(r, st, code_of(st), detail);
}

void http_client_address(struct MHD_Connection *c, char *out, size_t cap)
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

/* ---- routes: sessions ---------------------------------------------------------------- */

void http_session_json(const vg_session *ss, bool with_token, reply *r)
{
    char expires[48];
    vg_time_format_rfc3339(ss->expires, expires, sizeof expires);
    char *b = malloc(512);
    if (!b)
        return http_reply_rc(r, VG_ENOMEM, "out of memory");
    int n = snprintf(b, 512, "{\"user\":\"%s\",\"role\":\"%s\",\"csrf\":\"%s\",\"expires\":\"%s\"%s%s%s}",
                     ss->user, vg_role_name(ss->role), ss->csrf, expires,
                     with_token ? ",\"token\":\"" : "", with_token ? ss->token : "",
                     with_token ? "\"" : "");
    http_reply_json(r, 200, b, (size_t)n);
}

void http_route_login(vg_server *s, struct MHD_Connection *c, const request *rq, reply *r)
{
    char user[VG_USER_NAME_MAX + 1], password[VG_PASSWORD_MAX + 1];
    vg_error err = {0};
    int rc = vg_api_parse_login(rq->body, rq->len, user, password, &err);
    if (rc)
        return http_reply_rc(r, rc, err.msg);
    char addr[64], key_user[80], key_addr[80];
    http_client_address(c, addr, sizeof addr);
    snprintf(key_user, sizeof key_user, "u:%s", user);
    snprintf(key_addr, sizeof key_addr, "a:%s", addr);
    vg_time now = vg_wall_clock_us();
    pthread_mutex_lock(&s->login_mu);
    bool ok = vg_loginlimit_allowed(s->login_limit, key_user, now) &&
              vg_loginlimit_allowed(s->login_limit, key_addr, now);
    pthread_mutex_unlock(&s->login_mu);
    if (!ok) {
        memset(password, 0, sizeof password);
        return http_reply_error(r, 429, "too_many_requests",
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
        return http_reply_rc(r, rc, err.msg);
    snprintf(r->cookie_buf, sizeof r->cookie_buf,
             "vigie_session=%s; HttpOnly; SameSite=Strict; Path=/; Max-Age=%d%s", ss.token,
             s->cfg.server.session_ttl_s, s->cfg.server.tls_cert[0] ? "; Secure" : "");
    r->cookie = r->cookie_buf;
    http_session_json(&ss, true, r);
}

void http_route_logout(vg_server *s, const caller *who, reply *r)
{
    vg_error err = {0};
    vg_auth_logout(s->store, who->token, &err);
    vg_store_audit_append(s->store, vg_wall_clock_us(), who->session.user, "logout", "{}", NULL,
                          &err);
    r->cookie = "vigie_session=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0";
    http_reply_json(r, 204, NULL, 0);
}

/* ---- routes: reading ------------------------------------------------------------------- */

void http_reply_doc(reply *r, int rc, char *doc, size_t len, const char *what)
{
    if (rc)
        return http_reply_rc(r, rc, what);
    http_reply_json(r, 200, doc, len);
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

void http_route_alerts(vg_server *s, struct MHD_Connection *c, reply *r)
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
        return http_reply_rc(r, rc, err.msg);
    alert_list l = {0};
    l.cap = 4096;
    l.buf = malloc(l.cap);
    if (!l.buf)
        return http_reply_rc(r, VG_ENOMEM, "out of memory");
    memcpy(l.buf, "{\"alerts\":[", 11);
    l.len = 11;
    rc = vg_store_alerts_query(s->store, &f, append_alert, &l, &err);
    if (rc || l.failed) {
        free(l.buf);
        return http_reply_rc(r, rc ? rc : VG_ENOMEM, rc ? err.msg : "out of memory");
    }
    if (l.len + 3 > l.cap) {
        char *grown = realloc(l.buf, l.len + 3);
        if (!grown) {
            free(l.buf);
            return http_reply_rc(r, VG_ENOMEM, "out of memory");
        }
        l.buf = grown;
    }
    memcpy(l.buf + l.len, "]}", 2);
    http_reply_json(r, 200, l.buf, l.len + 2);
}

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

void http_route_audit(vg_server *s, struct MHD_Connection *c, reply *r)
{
    const char *lim = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "limit");
    uint64_t limit = 100;
    if (lim && (vg_api_parse_id(lim, strlen(lim), &limit) != 0 || limit > 10000))
        return http_reply_error(r, 400, "bad_request", "limit: expected 1..10000");
    alert_list l = {0};
    l.cap = 8192;
    l.buf = malloc(l.cap);
    if (!l.buf)
        return http_reply_rc(r, VG_ENOMEM, "out of memory");
    l.len = (size_t)snprintf(l.buf, l.cap, "{\"audit\":[");
    vg_error err = {0};
    int rc = vg_store_audit_each(s->store, 0, (int)limit, append_audit, &l, &err);
    if (rc || l.failed || l.len + 3 > l.cap) {
        free(l.buf);
        return http_reply_rc(r, rc ? rc : VG_ENOMEM, rc ? err.msg : "out of memory");
    }
    memcpy(l.buf + l.len, "]}", 2);
    http_reply_json(r, 200, l.buf, l.len + 2);
}

void http_route_file_json(const char *path, const char *fallback, reply *r)
{
    char *text = NULL;
    size_t len = 0;
    vg_error err = {0};
    if (!path[0] || vg_read_file(path, 64u << 20, &text, &len, &err) < 0) {
        if (path[0])
            return http_reply_rc(r, VG_EIO, err.msg);
        return http_reply_text(r, 200, fallback);
    }
    http_reply_json(r, 200, text, len);
}

void http_route_config(vg_server *s, reply *r)
{
    char url[600];
    vg_api_json_string(s->cfg.server.tile_url, url, sizeof url);
    char *b = malloc(1024);
    if (!b)
        return http_reply_rc(r, VG_ENOMEM, "out of memory");
    vg_strbuf sb;
    vg_strbuf_init(&sb, b, 1024);
    vg_strbuf_puts(&sb, "{\"site\":{\"lat\":");
    vg_strbuf_put_double(&sb, s->cfg.site.origin.lat);
    vg_strbuf_puts(&sb, ",\"lon\":");
    vg_strbuf_put_double(&sb, s->cfg.site.origin.lon);
    vg_strbuf_puts(&sb, "},\"tile_url\":");
    vg_strbuf_puts(&sb, url);
    vg_strbuf_putc(&sb, '}');
    http_reply_json(r, 200, b, sb.len);
}

/* ---- routes: acting ---------------------------------------------------------------------- */

void http_act(vg_server *s, const caller *who, const char *kind, const char *args,
                vg_event_type want, const char *wrap, reply *r)
{
    vg_op_request *a = malloc(sizeof *a);
    if (!a)
        return http_reply_rc(r, VG_ENOMEM, "out of memory");
    int rc = vg_server_act(s, who->session.user, who->session.role, kind, args, want, a);
    if (rc == VG_EFULL) {
        http_reply_error(r, 503, "unavailable", "the engine's queue is full: try again");
    } else if (rc) {
        /* The engine refused: its message says why (state, role, arguments). */
        http_reply_error(r, rc == VG_EIO ? 500 : 409, rc == VG_EIO ? "internal" : "refused",
                    a->error[0] ? a->error : "refused by the engine");
    } else {
        size_t n = strlen(a->result);
        size_t cap = n + strlen(wrap) + 16;
        char *b = malloc(cap);
        if (!b) {
            http_reply_rc(r, VG_ENOMEM, "out of memory");
        } else {
            int len = snprintf(b, cap, "{\"%s\":%s}", wrap, n ? a->result : "null");
            http_reply_json(r, 200, b, (size_t)len);
        }
    }
    pthread_mutex_destroy(&a->mu);
    pthread_cond_destroy(&a->cv);
    free(a);
}

void http_route_alert_action(vg_server *s, const caller *who, uint64_t id, const char *verb,
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
        return http_reply_error(r, 404, "not_found", "alert actions: ack, dispatch, resolve, false-alarm");
    char reason[VG_TEXT_MAX];
    vg_error err = {0};
    int rc = vg_api_parse_reason(rq->body, rq->len, reason, &err);
    if (rc)
        return http_reply_rc(r, rc, err.msg);
    char args[64];
    snprintf(args, sizeof args, "{\"alert\":%llu}", (unsigned long long)id);
    http_act(s, who, kind, args, VG_EV_ALERT, "alert", r);
}

/* POST /zones: check the document imports (ED-269 or GeoJSON), keep it in the store,
 * then a zone_import command (journaled, audited) makes the engine load it. */
void http_route_zone_import(vg_server *s, const caller *who, const request *rq, reply *r)
{
    vg_zone_list zl;
    vg_zone_list_init(&zl);
    vg_error err = {0};
    int n = rq->len ? vg_zone_import(&zl, rq->body, rq->len, NULL, &err) : -1;
    size_t problems = zl.problems_total;
    vg_zone_list_free(&zl);
    if (n <= 0)
        return http_reply_error(r, 400, "bad_request",
                           n < 0 ? (err.msg[0] ? err.msg : "an ED-269 or GeoJSON document is required")
                                 : "no usable zone in the document");
    int64_t doc;
    if (vg_store_zone_doc_add(s->store, vg_wall_clock_us(), who->session.user, rq->body, rq->len,
                              &doc, &err) < 0)
        return http_reply_rc(r, VG_EIO, err.msg);
    char args[96];
    snprintf(args, sizeof args, "{\"doc\":%lld,\"zones\":%d,\"rejected\":%zu}", (long long)doc, n,
             problems);
    vg_op_request *a = malloc(sizeof *a);
    if (!a)
        return http_reply_rc(r, VG_ENOMEM, "out of memory");
    int rc = vg_server_act(s, who->session.user, who->session.role, "zone_import", args,
                           VG_EV_NONE, a);
    if (rc)
        http_reply_error(r, rc == VG_EFULL ? 503 : 500, rc == VG_EFULL ? "unavailable" : "internal",
                    a->error[0] ? a->error : "zone import failed");
    else
        http_reply_text(r, 200, args);
    pthread_mutex_destroy(&a->mu);
    pthread_cond_destroy(&a->cv);
    free(a);
}
