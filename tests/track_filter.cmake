# Unit tests of the tracker's state estimators (src/track/kf.c, measmodel.c, imm.c).
# Included by tests/CMakeLists.txt.
vg_unit_test(test_filter)
vg_unit_test(test_kf_axes)
