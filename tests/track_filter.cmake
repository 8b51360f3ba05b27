# Unit tests of the tracker's state estimators (src/track/kf.c, measmodel.c, imm.c).
# Included by tests/CMakeLists.txt.
vg_unit_test(test_filter)
vg_unit_test(test_kf_axes)
# The space-ordered first pass against queries in detection order: needs the
# tracker's private header for the knob that turns the ordering off.
vg_unit_test(test_tracker_order)
target_include_directories(test_tracker_order PRIVATE ${PROJECT_SOURCE_DIR}/src)
# The spatial grid's snapshot against plain per-cell lists: private header too.
vg_unit_test(test_grid)
target_include_directories(test_grid PRIVATE ${PROJECT_SOURCE_DIR}/src)
