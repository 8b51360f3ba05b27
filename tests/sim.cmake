# The simulator: model statistics, frames decoded back, determinism, scenario errors;
# the command line (byte-identical runs, the Seine scenario, decode of its capture).
vg_unit_test(test_sim)
vg_cli_test(sim)
vg_cli_test(sim_seine)
set_tests_properties(cli_sim_seine PROPERTIES TIMEOUT 300)
vg_fuzz_corpus_test(scenario)
