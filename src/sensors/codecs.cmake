# Remote ID (ASTM F3411) and French beacon message codecs — deterministic core code:
# no I/O; the codecs never allocate, the assembler only when created. Included by
# src/CMakeLists.txt.
target_sources(vigiecore PRIVATE
  ${CMAKE_CURRENT_SOURCE_DIR}/sensors/rid_decode.c
  ${CMAKE_CURRENT_SOURCE_DIR}/sensors/rid_encode.c
  ${CMAKE_CURRENT_SOURCE_DIR}/sensors/rid_util.c
  ${CMAKE_CURRENT_SOURCE_DIR}/sensors/frbeacon.c
)
# Remote ID assembly: decoded messages → identified detections.
target_sources(vigiecore PRIVATE
  ${CMAKE_CURRENT_SOURCE_DIR}/sensors/ridasm.c
  ${CMAKE_CURRENT_SOURCE_DIR}/sensors/ridasm_table.c
)
