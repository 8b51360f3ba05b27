# The scenario parser.
vg_fuzz_target(fuzz_scenario)
