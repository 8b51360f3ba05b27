# The daemon (src/server/): shell code around the core. Two parts, each its own
# fragment: the store (SQLite journal/alerts/audit/users, password and session
# security — library vigiestore, commands `user` and `audit`) and the HTTP side
# (libuv loop, inputs, engine thread, libmicrohttpd API, SSE — command `serve`).
include(${CMAKE_CURRENT_SOURCE_DIR}/server/store.cmake OPTIONAL)
include(${CMAKE_CURRENT_SOURCE_DIR}/server/http.cmake OPTIONAL)
