# Patrol command args, data files and plan inputs.
vg_fuzz_target(fuzz_patrol)
