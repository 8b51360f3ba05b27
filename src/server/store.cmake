# The daemon's store (src/server/store*.c, auth*.c): SQLite in WAL mode for the
# journal, alerts, audit chain, users and sessions; libsodium for Argon2id, BLAKE2b
# and random tokens. Shell code: it does I/O, so it stays out of vigiecore.
pkg_check_modules(SQLITE3 REQUIRED IMPORTED_TARGET sqlite3)
pkg_check_modules(SODIUM REQUIRED IMPORTED_TARGET libsodium)
find_package(Threads REQUIRED)
add_library(vigiestore STATIC
  ${CMAKE_CURRENT_SOURCE_DIR}/server/store.c
  ${CMAKE_CURRENT_SOURCE_DIR}/server/store_audit.c
  ${CMAKE_CURRENT_SOURCE_DIR}/server/auth.c
  ${CMAKE_CURRENT_SOURCE_DIR}/server/auth_loginlimit.c)
target_include_directories(vigiestore PUBLIC ${CMAKE_CURRENT_SOURCE_DIR})
target_compile_definitions(vigiestore PRIVATE _DEFAULT_SOURCE)
target_compile_options(vigiestore PRIVATE ${VG_STRICT_WARNINGS})
target_link_libraries(vigiestore PUBLIC vigieshell PkgConfig::SQLITE3 PkgConfig::SODIUM
                      Threads::Threads)

target_sources(vigie PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/cli/cmd_user.c
                             ${CMAKE_CURRENT_SOURCE_DIR}/cli/cmd_audit.c)
target_link_libraries(vigie PRIVATE vigiestore)
target_compile_definitions(vigie PRIVATE VG_HAVE_CMD_USER)
