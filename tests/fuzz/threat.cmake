# The threat module's JSON inputs: whitelist, assets, coverage, command args.
vg_fuzz_target(fuzz_threat)
