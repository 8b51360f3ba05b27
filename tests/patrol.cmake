# Patrols and dispatch: unit tests of the module and through the engine, the plan
# command, and the fuzz corpus replayed.
vg_unit_test(test_patrol)
vg_unit_test(test_patrol_engine)
vg_cli_test(patrol_plan)
vg_cli_test(patrol_dispatch)
vg_fuzz_corpus_test(patrol)
