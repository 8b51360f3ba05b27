# The tracker's state estimators (include/vigie/filter.h) — deterministic core code:
# no I/O, no allocation. Included by src/CMakeLists.txt.
target_sources(vigiecore PRIVATE
  ${CMAKE_CURRENT_SOURCE_DIR}/track/measmodel.c
  ${CMAKE_CURRENT_SOURCE_DIR}/track/kf.c
  ${CMAKE_CURRENT_SOURCE_DIR}/track/kf_axes.c
  ${CMAKE_CURRENT_SOURCE_DIR}/track/imm.c
)
