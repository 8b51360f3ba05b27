/* server/http_int.h — what http.c (router, sessions, static files, SSE) and
 * http_routes.c (replies and route handlers) share. */
#ifndef VIGIE_SERVER_HTTP_INT_H
#define VIGIE_SERVER_HTTP_INT_H

#include <microhttpd.h>

#include "server/server.h"

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

typedef struct caller {
    bool authenticated;
    bool cookie;          /* authenticated by cookie: mutations need the CSRF header */
    vg_session session;
    char token[VG_TOKEN_HEX];
} caller;

/* Replies: status and JSON body (errors {"error","detail"}); rc maps VG_E* codes. */
void http_reply_json(reply *r, unsigned status, char *body, size_t len);
void http_reply_text(reply *r, unsigned status, const char *text);
void http_reply_error(reply *r, unsigned status, const char *code, const char *detail);
void http_reply_rc(reply *r, int rc, const char *detail);
void http_reply_doc(reply *r, int rc, char *doc, size_t len, const char *what);
/* The client's address as text ("?" when unknown). */
void http_client_address(struct MHD_Connection *c, char *out, size_t cap);
/* Route handlers (http_routes.c); the router has checked session and role. */
void http_session_json(const vg_session *ss, bool with_token, reply *r);
void http_route_login(vg_server *s, struct MHD_Connection *c, const request *rq, reply *r);
void http_route_logout(vg_server *s, const caller *who, reply *r);
void http_route_alerts(vg_server *s, struct MHD_Connection *c, reply *r);
void http_route_audit(vg_server *s, struct MHD_Connection *c, reply *r);
void http_route_file_json(const char *path, const char *fallback, reply *r);
void http_route_config(vg_server *s, reply *r);
/* Submit an operator action and reply {wrap: its output of type want}, 409 when the
 * engine refuses it, 503 when the queue is full. */
void http_act(vg_server *s, const caller *who, const char *kind, const char *args,
              vg_event_type want, const char *wrap, reply *r);
void http_route_alert_action(vg_server *s, const caller *who, uint64_t id, const char *verb,
                             const request *rq, reply *r);
void http_route_zone_import(vg_server *s, const caller *who, const request *rq, reply *r);

#endif
